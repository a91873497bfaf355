// Admin request bodies and refusals (admin_body.hpp).
#include "sim/admin/admin_body.hpp"

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "meters/fixed4_text.hpp"
#include "sim/json/text.hpp"

namespace metersim::sim::admin {

using json::json_value;

http::response refuse(refusal const& r) {
    http::response out;
    out.status = r.status;
    json::json_text w(out.body);
    w.begin_object();
    w.field("message", r.field.empty() ? r.message : r.field + ": " + r.message);
    w.field("field", r.field);
    w.end_object();
    w.finish();
    return out;
}

meters::result<json_value, refusal> body_object(http::request const& req) {
    auto doc = json::parse_json_unique(req.body);
    if (!doc) return meters::unexpected{refusal{400, "body", "not valid JSON: " + doc.error().reason}};
    if (!doc->is_object())
        return meters::unexpected{refusal{400, "body", "expected a JSON object, found " + std::string(json::describe(*doc))}};
    return std::move(doc).value();
}

std::string body_reader::path(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void body_reader::fail(std::string_view key, std::string message, unsigned status) {
    if (!problem_) problem_ = refusal{status, path(key), std::move(message)};
}

json_value const* body_reader::member(std::string_view key, bool required) {
    if (problem_) return nullptr;
    json_value const* v = obj_.find(key);
    if (v == nullptr || v->is_null()) {
        if (required) fail(key, "missing");
        return nullptr;
    }
    return v;
}

std::optional<std::string> body_reader::text(std::string_view key, bool required, bool digits_as_text) {
    json_value const* v = member(key, required);
    if (v == nullptr) return std::nullopt;
    if (v->is_string()) return v->text();
    if (digits_as_text && v->is_integer() && v->text().front() != '-') {
        std::uint64_t u = 0;  // as an unsigned 64-bit integer it was accepted before the JSON layer
        auto const& t = v->text();
        if (std::from_chars(t.data(), t.data() + t.size(), u).ec == std::errc{}) return t;
    }
    fail(key, "expected a string, found " + std::string(json::describe(*v)));
    return std::nullopt;
}

std::optional<std::int64_t> body_reader::integer(std::string_view key, bool required, std::int64_t min,
                                                 std::int64_t max) {
    json_value const* v = member(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_integer()) {
        fail(key, "expected an integer, found " + std::string(json::describe(*v)));
        return std::nullopt;
    }
    auto const value = v->as_int64();
    if (!value || *value < min || *value > max) {
        fail(key, fmt::format("must be between {} and {}", min, max));
        return std::nullopt;
    }
    return *value;
}

std::optional<std::int64_t> body_reader::decimal_e4(std::string_view key, bool required) {
    json_value const* v = member(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string() && !v->is_number()) {
        fail(key, "expected a decimal (string or number), found " + std::string(json::describe(*v)));
        return std::nullopt;
    }
    auto r = meters::parse_fixed4(v->text());
    if (r) return r.value();
    fail(key, fmt::format("bad decimal: {} at character {}", r.error().reason, r.error().position));
    return std::nullopt;
}

std::optional<bool> body_reader::flag(std::string_view key, bool required) {
    json_value const* v = member(key, required);
    if (v == nullptr) return std::nullopt;
    if (v->is_boolean()) return v->as_bool();
    fail(key, "expected true or false, found " + std::string(json::describe(*v)));
    return std::nullopt;
}

}  // namespace metersim::sim::admin

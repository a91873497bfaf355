#include "sim/json_parse.hpp"

#include <utility>
#include <vector>

namespace metersim::sim::jsonx {

namespace {

/// nlohmann's SAX interface, building a DOM (as nlohmann's own json_sax_dom_parser does) with
/// fractional numbers kept as raw tokens, duplicate keys refused and the depth bounded.
class dom_builder {
public:
    dom_builder(json& root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

    bool null() { return place(json(nullptr)); }
    bool boolean(bool b) { return place(json(b)); }
    bool number_integer(json::number_integer_t v) { return place(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return place(json(v)); }
    bool number_float(json::number_float_t, json::string_t const& raw) {
        return place(json::binary(json::binary_t::container_type(raw.begin(), raw.end()),
                                  raw_number_subtype));
    }
    bool string(json::string_t& s) { return place(json(std::move(s))); }
    bool binary(json::binary_t& b) { return place(json::binary(std::move(b))); }

    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(json::string_t& k) {
        json& obj = *stack_.back();
        if (obj.contains(k)) {
            failure_ = parse_failure{0, "key \"" + k + "\" appears more than once"};
            return false;
        }
        slot_ = &obj[k];
        return true;
    }

    bool parse_error(std::size_t position, std::string const&, nlohmann::detail::exception const& ex) {
        failure_ = parse_failure{position, ex.what()};
        return false;
    }

    std::optional<parse_failure> const& failure() const noexcept { return failure_; }

private:
    /// Stores `v` where the parser is (top level, next array element or the member after key).
    json* store(json v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json& top = *stack_.back();
        if (top.is_array()) {
            auto& arr = top.get_ref<json::array_t&>();
            arr.push_back(std::move(v));
            return &arr.back();
        }
        *slot_ = std::move(v);
        return slot_;
    }
    bool place(json v) {
        store(std::move(v));
        return true;
    }
    bool open(json::value_t kind) {
        if (stack_.size() >= max_depth_) {
            failure_ = parse_failure{0, "nesting deeper than " + std::to_string(max_depth_)};
            return false;
        }
        stack_.push_back(store(json(kind)));
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    json& root_;
    std::size_t max_depth_;
    std::vector<json*> stack_;
    json* slot_ = nullptr;
    std::optional<parse_failure> failure_;
};

}  // namespace

meters::result<json, parse_failure> parse(std::string_view text, std::size_t max_depth) {
    try {
        json root;
        dom_builder sax(root, max_depth);
        bool const ok = json::sax_parse(text.begin(), text.end(), &sax);
        if (sax.failure()) return meters::unexpected{*sax.failure()};
        if (!ok) return meters::unexpected{parse_failure{0, "not valid JSON"}};
        return root;
    } catch (std::exception const& e) {  // allocation failure and the like
        return meters::unexpected{parse_failure{0, e.what()}};
    }
}

bool is_raw_number(json const& v) noexcept {
    return v.is_binary() && v.get_binary().has_subtype() &&
           v.get_binary().subtype() == raw_number_subtype;
}

std::string raw_number(json const& v) {
    if (!is_raw_number(v)) return {};
    auto const& b = v.get_binary();
    return std::string(b.begin(), b.end());
}

std::string_view describe(json const& v) noexcept {
    if (is_raw_number(v)) return "a fractional number";
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        case json::value_t::number_float: return "a number";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        default: return "a value";
    }
}

meters::result<std::int64_t, decimal_error> decimal_e4(json const& v) {
    std::string text;
    if (v.is_string()) text = v.get_ref<json::string_t const&>();
    else if (v.is_number_unsigned()) text = std::to_string(v.get<std::uint64_t>());
    else if (v.is_number_integer()) text = std::to_string(v.get<std::int64_t>());
    else if (is_raw_number(v)) text = raw_number(v);
    else return decimal_error{true, meters::parse_error{0, std::string(describe(v))}};
    auto r = meters::parse_fixed4(text);
    if (!r) return decimal_error{false, r.error()};
    return r.value();
}

std::string dump(json const& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }
std::string dump(nlohmann::ordered_json const& v) {
    return v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace metersim::sim::jsonx

// The loader's plain values: texts, names, integers, booleans, durations, decimals, times, HTTP
// statuses, field paths and raw YAML values (request bodies, event fields, settings).
#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "meters/calendar.hpp"
#include "meters/fixed4_text.hpp"
#include "scenarios/json_path.hpp"
#include "scenarios/loader_internal.hpp"

namespace metersim::scenarios::detail {

namespace {

constexpr std::int64_t ms_per_day = 86'400'000;
constexpr std::int64_t max_duration_ms = 36'600 * ms_per_day;  // about a hundred years

std::optional<std::int64_t> unit_ms(std::string_view unit) noexcept {
    if (unit == "d") return ms_per_day;
    if (unit == "h") return 3'600'000;
    if (unit == "m") return 60'000;
    if (unit == "s") return 1'000;
    if (unit == "ms") return 1;
    return std::nullopt;
}

}  // namespace

bool is_var_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 64 || (s[0] >= '0' && s[0] <= '9')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool has_var(std::string_view s) noexcept { return s.find("${") != std::string_view::npos; }

std::optional<std::int64_t> parse_duration_ms(std::string_view s) noexcept {
    if (s == "0") return 0;
    std::int64_t total = 0;
    std::int64_t last_unit = INT64_MAX;
    std::size_t i = 0;
    if (s.empty()) return std::nullopt;
    while (i < s.size()) {
        std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start || i - start > 12) return std::nullopt;
        std::int64_t n = 0;
        std::from_chars(s.data() + start, s.data() + i, n);
        std::size_t unit_start = i;
        while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
        auto unit = unit_ms(s.substr(unit_start, i - unit_start));
        // Units in decreasing order, each once: "1d12h", not "12h1d" or "1h1h".
        if (!unit || *unit >= last_unit) return std::nullopt;
        last_unit = *unit;
        if (n > max_duration_ms / *unit) return std::nullopt;
        total += n * *unit;
        if (total > max_duration_ms) return std::nullopt;
    }
    return total;
}

std::optional<meters::instant> parse_local_time(std::string_view s, meters::utc_offset zone) noexcept {
    auto c = meters::parse_civil_time(s);
    if (!c) return std::nullopt;
    return meters::from_civil(*c, zone);
}

bool is_field_path(std::string_view s) {
    if (s.empty()) return false;
    // Without a ${var}, the runner's own parser decides.
    if (!has_var(s)) return parse_path(s).has_value();
    if (s == "$") return true;
    if (s.starts_with("$.")) s.remove_prefix(2);
    else if (s.starts_with("$[")) s.remove_prefix(1);
    if (s.empty()) return false;
    std::size_t i = 0;
    bool need_part = true;  // at the start and after a dot: a name or an index must follow
    bool after_index = false;
    while (i < s.size()) {
        char c = s[i];
        if (c == '.') {
            if (need_part) return false;
            need_part = true;
            after_index = false;
            ++i;
        } else if (c == '[') {
            auto close = s.find(']', i);
            if (close == std::string_view::npos) return false;
            auto inside = s.substr(i + 1, close - i - 1);
            bool const var = inside.starts_with("${") && inside.ends_with("}");
            if (!is_digits(inside) && !var) return false;
            need_part = false;
            after_index = true;
            i = close + 1;
        } else if (c == ']' || after_index) {
            return false;  // after an index: '.' or '[' only
        } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {
            auto close = s.find('}', i);
            if (close == std::string_view::npos) return false;
            need_part = false;
            i = close + 1;
        } else {
            need_part = false;
            ++i;
        }
    }
    return !need_part;
}

std::optional<std::string> reader::text(field const& f, std::string_view expected) {
    if (!scalar(f, expected)) return std::nullopt;
    check_vars(f, f.value.Scalar());
    return f.value.Scalar();
}

std::optional<std::string> reader::word(field const& f, name_list list) {
    auto expected = one_of(list);
    if (!scalar(f, expected)) return std::nullopt;
    auto const& s = f.value.Scalar();
    if (std::find(list.begin(), list.end(), s) == list.end()) {
        wrong(f, expected);
        return std::nullopt;
    }
    return s;
}

std::optional<std::string> reader::http_method(field const& f) {
    return word(f, {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"});
}

bool reader::read_request_line(field const& g, std::string& platform_name, std::string& method, std::string& path,
                               std::string_view default_method) {
    if (g.key == "platform") platform_name = platform(g).value_or("");
    else if (g.key == "method") method = http_method(g).value_or(std::string{default_method});
    else if (g.key == "path") path = request_path(g).value_or("");
    else return false;
    return true;
}

std::optional<std::string> reader::request_path(field const& f) {
    auto t = text(f, "a path starting with /");
    if (t && !t->starts_with("/") && !t->starts_with("${")) {
        wrong(f, "a path starting with /");
        return std::nullopt;
    }
    return t;
}

std::optional<meters::duration> reader::duration(field const& f) {
    constexpr std::string_view expected = "a duration such as 90s, 15m, 2h, 3d, 1d12h or 500ms (at most 36600d)";
    if (!scalar(f, expected)) return std::nullopt;
    auto ms = parse_duration_ms(f.value.Scalar());
    if (!ms) {
        wrong(f, expected);
        return std::nullopt;
    }
    return meters::duration{*ms};
}

std::optional<std::int64_t> reader::decimal(field const& f) {
    constexpr std::string_view expected = "a decimal such as \"12.5\" (up to 12 digits and 4 decimals)";
    if (!scalar(f, expected)) return std::nullopt;
    auto r = meters::parse_fixed4(f.value.Scalar());
    if (!r) {
        wrong(f, fmt::format("{}; {} at character {}", expected, r.error().reason, r.error().position + 1));
        return std::nullopt;
    }
    return r.value();
}

std::optional<meters::instant> reader::time(field const& f) {
    constexpr std::string_view expected = "a time \"yyyy-MM-dd HH:mm:ss\" (a real date, years 1970-9999)";
    if (!scalar(f, expected)) return std::nullopt;
    auto t = parse_local_time(f.value.Scalar(), zone_);
    if (!t) wrong(f, expected);
    return t;
}

std::optional<unsigned> reader::status(field const& f) {
    auto n = integer(f, 100, 599);
    if (!n) return std::nullopt;
    return static_cast<unsigned>(*n);
}

value reader::to_value(field const& f, int depth) {
    value v;
    v.at = pos(f.mark());
    if (!spend(f)) return v;
    if (depth > max_depth) {
        wrong(f, fmt::format("a value nested at most {} deep", max_depth));
        return v;
    }
    if (!f.value.IsDefined() || f.value.IsNull()) return v;
    if (f.value.IsScalar()) {
        v.k = value::kind::scalar;
        v.text = f.value.Scalar();
        v.quoted = f.value.Tag() != "?";  // "!" for quoted and block scalars, a tag such as !!str
        check_vars(f, v.text);
        return v;
    }
    if (f.value.IsSequence()) {
        v.k = value::kind::list;
        for (auto const& item : items(f, "a list")) v.items.push_back(to_value(item, depth + 1));
        return v;
    }
    v.k = value::kind::map;
    for (auto const& e : map_entries(f)) v.fields.emplace_back(e.key, to_value(e, depth + 1));
    return v;
}

named_texts reader::texts(field const& f) {
    named_texts out;
    for (auto const& e : map_entries(f, "a map of name -> text")) {
        if (auto t = text(e)) out.emplace_back(e.key, *t);
    }
    return out;
}

std::optional<std::string> reader::field_path(field const& f) {
    constexpr std::string_view expected = "a field path such as data.deviceId, DataList[0].Remnant or $";
    if (!scalar(f, expected)) return std::nullopt;
    auto const& s = f.value.Scalar();
    if (!is_field_path(s)) {
        wrong(f, expected);
        return std::nullopt;
    }
    check_vars(f, s);
    return s;
}

}  // namespace metersim::scenarios::detail

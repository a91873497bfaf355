// Matchers over the raw-number JSON DOM.
#include "scenarios/matchers.hpp"

#include <regex>

#include "meters/fixed4_text.hpp"

namespace metersim::scenarios {

namespace {

using platforms::json_value;

std::optional<std::int64_t> value_e4(json_value const* v) {
    if (v == nullptr || !(v->is_string() || v->is_number())) return std::nullopt;
    return decimal_e4(v->text());
}

bool equals_text(json_value const& v, std::string_view text) { return scalar_text(v) == text; }

bool regex_search(std::string const& pattern, std::string const& text) {
    // std::regex recurses per character: a huge field could exhaust the stack.
    if (text.size() > 64 * 1024) return false;
    try {
        return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
    } catch (std::exception const&) {
        return false;  // a bad pattern (the loader checks them) or a regex too complex to run
    }
}

bool contains(matcher const& m, json_value const& v) {
    if (m.inner.empty()) return false;
    matcher const& x = m.inner.front();
    if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            auto const& e = v.at(i);
            if (matches(x, &e)) return true;
            if (!e.is_object()) continue;
            for (std::size_t j = 0; j < e.size(); ++j) {
                auto const& member = e.at(j);
                if (!member.is_object() && !member.is_array() && matches(x, &member)) return true;
            }
        }
        return false;
    }
    if (v.is_string() && x.k == matcher::kind::equals) return v.text().find(x.text) != std::string::npos;
    return false;
}

std::string quoted(std::string_view t) { return platforms::json_quote(t); }

std::string e4_text(std::int64_t e4) { return meters::format_e4(e4); }

}  // namespace

std::optional<std::int64_t> decimal_e4(std::string_view text) {
    std::string t(text);
    if (auto dot = t.find('.'); dot != std::string::npos) {
        while (t.size() > dot + 5 && t.back() == '0') t.pop_back();
    }
    auto r = meters::parse_fixed4(t);
    if (!r) return std::nullopt;
    return r.value();
}

std::string scalar_text(json_value const& v) {
    switch (v.kind()) {
        case platforms::json_kind::null: return "null";
        case platforms::json_kind::boolean: return v.as_bool() ? "true" : "false";
        case platforms::json_kind::number:
        case platforms::json_kind::string: return v.text();
        case platforms::json_kind::array:
        case platforms::json_kind::object: return platforms::to_json_text(v);
    }
    return {};
}

bool matches(matcher const& m, json_value const* v) {
    switch (m.k) {
        case matcher::kind::equals: return v != nullptr && equals_text(*v, m.text);
        case matcher::kind::decimal: {
            auto want = decimal_e4(m.text);
            auto seen = value_e4(v);
            return want && seen && *want == *seen;
        }
        case matcher::kind::regex:
            return v != nullptr && !v->is_object() && !v->is_array() && regex_search(m.text, scalar_text(*v));
        case matcher::kind::range: {
            auto seen = value_e4(v);
            if (!seen) return false;
            if (m.low_e4 && *seen < *m.low_e4) return false;
            if (m.high_e4 && *seen > *m.high_e4) return false;
            return true;
        }
        case matcher::kind::present: return v != nullptr;
        case matcher::kind::absent: return v == nullptr;
        case matcher::kind::any_of:
            for (auto const& x : m.inner)
                if (matches(x, v)) return true;
            return false;
        case matcher::kind::contains: return v != nullptr && contains(m, *v);
    }
    return false;
}

std::string describe(matcher const& m) {
    switch (m.k) {
        case matcher::kind::equals: return quoted(m.text);
        case matcher::kind::decimal: return "decimal " + m.text;
        case matcher::kind::regex: return "regex " + m.text;
        case matcher::kind::range:
            return "range [" + (m.low_e4 ? e4_text(*m.low_e4) : std::string("null")) + ", " +
                   (m.high_e4 ? e4_text(*m.high_e4) : std::string("null")) + "]";
        case matcher::kind::present: return "present";
        case matcher::kind::absent: return "absent";
        case matcher::kind::any_of: {
            std::string out = "any of (";
            for (std::size_t i = 0; i < m.inner.size(); ++i) out += (i ? ", " : "") + describe(m.inner[i]);
            return out + ")";
        }
        case matcher::kind::contains:
            return "contains " + (m.inner.empty() ? std::string("?") : describe(m.inner.front()));
    }
    return "?";
}

std::string describe(json_value const* v, std::size_t limit) {
    if (v == nullptr) return "absent";
    auto text = platforms::to_json_text(*v);
    if (text.size() > limit) text = text.substr(0, limit) + "...";
    return text;
}

}  // namespace metersim::scenarios

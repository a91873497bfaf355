// ${var} interpolation and scenario values as JSON text.
#include "scenarios/interpolate.hpp"

#include "platforms/common/json_reader.hpp"

namespace metersim::scenarios {

namespace {

using text_result = meters::result<std::string, std::string>;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// A scalar's JSON text (see to_json_text).
text_result scalar_json(value const& v, var_lookup const& lookup) {
    if (auto ref = sole_reference(v.text)) {
        auto name = interpolate(*ref, lookup);
        if (!name) return name;
        auto found = lookup(name.value());
        if (!found) return meters::unexpected{"unknown variable ${" + name.value() + "}"};
        if (found->is_json) return found->text;
    }
    auto text = interpolate(v.text, lookup);
    if (!text) return text;
    auto const& t = text.value();
    if (!v.quoted && (is_json_number(t) || t == "true" || t == "false" || t == "null")) return t;
    return platforms::json_quote(t);
}

}  // namespace

namespace {

/// The index of the `}` closing the `${` at `open`, counting nested `${...}`; npos when none.
std::size_t closing(std::string_view text, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
            ++depth;
            ++i;
        } else if (text[i] == '}' && --depth == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

}  // namespace

text_result interpolate(std::string_view text, var_lookup const& lookup) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto open = text.find("${", i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        auto close = closing(text, open);
        if (close == std::string_view::npos)
            return meters::unexpected{"unclosed ${ at " + std::to_string(open)};
        // A nested reference (`${imei:${meter}}`) is resolved first.
        auto name = interpolate(text.substr(open + 2, close - open - 2), lookup);
        if (!name) return name;
        auto found = lookup ? lookup(name.value()) : std::nullopt;
        if (!found) return meters::unexpected{"unknown variable ${" + name.value() + "}"};
        out += found->text;
        i = close + 1;
    }
    return out;
}

std::optional<std::string_view> sole_reference(std::string_view text) noexcept {
    if (text.size() < 4 || !text.starts_with("${") || closing(text, 0) != text.size() - 1) return std::nullopt;
    return text.substr(2, text.size() - 3);
}

bool is_json_number(std::string_view t) noexcept {
    std::size_t i = 0;
    auto digits = [&] {
        auto const start = i;
        while (i < t.size() && is_digit(t[i])) ++i;
        return i > start;
    };
    if (i < t.size() && t[i] == '-') ++i;
    if (i >= t.size()) return false;
    if (t[i] == '0') {
        ++i;
    } else if (!digits()) {
        return false;
    }
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == t.size();
}

text_result to_json_text(value const& v, var_lookup const& lookup) {
    switch (v.k) {
        case value::kind::null: return std::string("null");
        case value::kind::scalar: return scalar_json(v, lookup);
        case value::kind::list: {
            std::string out = "[";
            for (std::size_t i = 0; i < v.items.size(); ++i) {
                auto item = to_json_text(v.items[i], lookup);
                if (!item) return item;
                if (i != 0) out += ',';
                out += item.value();
            }
            return out + "]";
        }
        case value::kind::map: {
            std::string out = "{";
            bool first = true;
            for (auto const& [key, item] : v.fields) {
                auto k = interpolate(key, lookup);
                if (!k) return k;
                auto x = to_json_text(item, lookup);
                if (!x) return x;
                if (!first) out += ',';
                first = false;
                out += platforms::json_quote(k.value());
                out += ':';
                out += x.value();
            }
            return out + "}";
        }
    }
    return std::string("null");
}

meters::result<matcher, std::string> interpolate(matcher const& m, var_lookup const& lookup) {
    matcher out = m;
    if (m.k == matcher::kind::equals || m.k == matcher::kind::decimal || m.k == matcher::kind::regex) {
        auto t = interpolate(m.text, lookup);
        if (!t) return meters::unexpected{t.error()};
        out.text = std::move(t).value();
    }
    for (auto& inner : out.inner) {
        auto x = interpolate(inner, lookup);
        if (!x) return meters::unexpected{x.error()};
        inner = std::move(x).value();
    }
    return out;
}

}  // namespace metersim::scenarios

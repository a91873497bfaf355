// Matchers (README "Matchers") and maps of field path -> matcher.
#include <algorithm>
#include <array>
#include <charconv>
#include <regex>

#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"

namespace metersim::scenarios::detail {

namespace {

constexpr std::string_view matcher_expected =
    "a matcher: a plain value, or a map with one of equals, decimal, regex, range, present, absent, any_of, "
    "contains";
constexpr std::array<std::string_view, 8> matcher_keys = {"equals",  "decimal", "regex",  "range",
                                                                  "present", "absent",  "any_of", "contains"};

constexpr std::size_t max_regex_size = 1000;
constexpr int max_regex_groups = 32;
constexpr std::uint64_t max_regex_repeats = 100'000;

/// Why a pattern is refused before std::regex sees it: std::regex compiles recursively and copies
/// a group once per repetition, so deep nesting or huge counts would exhaust the stack or memory.
std::optional<std::string> regex_too_big(std::string_view p) {
    if (p.size() > max_regex_size) return fmt::format("a regular expression of at most {} characters", max_regex_size);
    int depth = 0;
    std::uint64_t repeats = 1;
    bool in_class = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '\\') ++i;
        else if (in_class) in_class = c != ']';
        else if (c == '[') in_class = true;
        else if (c == '(' && ++depth > max_regex_groups)
            return fmt::format("a regular expression with groups nested at most {} deep", max_regex_groups);
        else if (c == ')') --depth;
        else if (c == '{') {
            std::uint64_t n = 0;
            std::size_t j = i + 1;
            for (; j < p.size() && ((p[j] >= '0' && p[j] <= '9') || p[j] == ','); ++j) {
                if (p[j] == ',') continue;
                n = std::min<std::uint64_t>(n * 10 + static_cast<std::uint64_t>(p[j] - '0'), max_regex_repeats + 1);
            }
            repeats = std::min<std::uint64_t>(repeats * std::max<std::uint64_t>(n, 1), max_regex_repeats + 1);
            if (repeats > max_regex_repeats)
                return fmt::format("a regular expression whose {{n}} counts multiply to at most {}", max_regex_repeats);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<matcher> reader::read_matcher(field const& f, int depth) {
    if (!spend(f)) return std::nullopt;
    if (depth > max_depth) {
        wrong(f, fmt::format("a matcher nested at most {} deep", max_depth));
        return std::nullopt;
    }
    matcher m;
    m.at = pos(f.mark());
    if (f.value.IsDefined() && f.value.IsScalar()) {
        m.text = f.value.Scalar();
        check_vars(f, m.text);
        return m;
    }
    if (!f.value.IsDefined() || !f.value.IsMap()) {
        wrong(f, matcher_expected);
        return std::nullopt;
    }
    auto got = map_entries(f, matcher_expected);
    if (got.size() != 1) {
        if (got.empty()) wrong(f, matcher_expected);
        else
            error_at(got[1].where, fmt::format("{}: found a second key \"{}\" beside \"{}\", expected a matcher "
                                               "with one key", f.path, shown(got[1].key), shown(got[0].key)));
        return std::nullopt;
    }
    auto const& g = got[0];
    auto const& k = g.key;
    if (std::find(matcher_keys.begin(), matcher_keys.end(), k) == matcher_keys.end()) {
        error_at(g.where, fmt::format("{}: found unknown matcher \"{}\", expected one of: {} (a nested field is "
                                      "written as a path: a.b)", f.path, shown(k), one_of(matcher_keys)));
        return std::nullopt;
    }
    if (!read_matcher_key(g, m, depth)) return std::nullopt;
    return m;
}

bool reader::read_matcher_key(field const& g, matcher& m, int depth) {
    auto const& k = g.key;
    if (k == "equals") {
        if (g.value.IsNull()) m.text = "null";
        else if (auto t = text(g, "a plain value")) m.text = *t;
        else return false;
    } else if (k == "decimal") {
        m.k = matcher::kind::decimal;
        if (g.value.IsScalar() && has_var(g.value.Scalar())) m.text = *text(g);
        else if (decimal(g)) m.text = g.value.Scalar();
        else return false;
    } else if (k == "regex") {
        if (!read_regex(g, m)) return false;
    } else if (k == "range") {
        m.k = matcher::kind::range;
        if (!read_range(g, m)) return false;
    } else if (k == "present" || k == "absent") {
        auto b = boolean(g);
        if (!b) return false;
        m.k = (*b == (k == "present")) ? matcher::kind::present : matcher::kind::absent;
    } else if (k == "any_of") {
        m.k = matcher::kind::any_of;
        constexpr std::string_view expected = "a list of at least one matcher";
        auto alternatives = items(g, expected);
        if (alternatives.empty()) {
            if (g.value.IsSequence() || g.value.IsNull()) wrong(g, expected);
            return false;
        }
        bool ok = true;
        for (auto const& a : alternatives) {
            if (auto inner = read_matcher(a, depth + 1)) m.inner.push_back(std::move(*inner));
            else ok = false;
        }
        if (!ok) return false;
    } else {
        m.k = matcher::kind::contains;
        auto inner = read_matcher(g, depth + 1);
        if (!inner) return false;
        if (g.value.IsScalar()) m.text = g.value.Scalar();
        m.inner.push_back(std::move(*inner));
    }
    return true;
}

bool reader::read_regex(field const& g, matcher& m) {
    m.k = matcher::kind::regex;
    auto t = text(g, "a regular expression");
    if (!t) return false;
    m.text = *t;
    if (has_var(*t)) return true;  // compiled when the step runs
    if (auto why = regex_too_big(*t)) {
        wrong(g, *why);
        return false;
    }
    try {
        std::regex re{*t, std::regex::ECMAScript};
    } catch (std::regex_error const& e) {
        wrong(g, fmt::format("an ECMAScript regular expression ({})", e.what()));
        return false;
    }
    return true;
}

bool reader::read_range(field const& f, matcher& m) {
    constexpr std::string_view expected = "a list of two decimals [low, high], null for an open end";
    auto ends = items(f, expected);
    if (ends.size() != 2) {
        if (f.value.IsSequence() || f.value.IsNull()) wrong(f, expected);
        return false;
    }
    bool ok = true;
    std::optional<std::int64_t>* out[] = {&m.low_e4, &m.high_e4};
    for (std::size_t i = 0; i < 2; ++i) {
        if (ends[i].value.IsNull()) continue;
        auto d = decimal(ends[i]);
        if (d) *out[i] = *d;
        else ok = false;
    }
    if (ok && m.low_e4 && m.high_e4 && *m.low_e4 > *m.high_e4) {
        wrong(ends[1], "a high end at least the low end");
        ok = false;
    }
    return ok;
}

std::vector<field_expectation> reader::expectations(field const& f) {
    std::vector<field_expectation> out;
    for (auto const& e : map_entries(f, "a map of field path -> matcher")) {
        if (auto x = expectation(e)) out.push_back(std::move(*x));
    }
    return out;
}

std::optional<field_expectation> reader::expectation(field const& e) {
    if (!is_field_path(e.key)) {
        error_at(e.where, fmt::format("{}: found \"{}\", expected a field path such as data.deviceId, "
                                      "DataList[0].Remnant or $", e.path, shown(e.key)));
        return std::nullopt;
    }
    check_vars(field{YAML::Node{}, e.where, e.path, e.key}, e.key);
    auto m = read_matcher(e, 0);
    if (!m) return std::nullopt;
    return field_expectation{e.key, std::move(*m), pos(e.where)};
}

}  // namespace metersim::scenarios::detail

#include "scenarios/yaml_reader.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

#include "sim/clock.hpp"

namespace metersim::scenarios::yaml {

namespace {

bool valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 4;
        if (n == 4 || i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace

// Control bytes (and the bytes of broken UTF-8) are escaped.
std::string shown(std::string_view s) {
    bool const utf8 = valid_utf8(s);
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (out.size() >= 60) return out + "...";
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') out += fmt::format("\\{}", s[i]);
        else if (c == '\n') out += "\\n";
        else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) out += fmt::format("\\x{:02x}", c);
        else out += s[i];
    }
    return out;
}

YAML::Mark field::mark() const {
    if (!value.IsDefined() || value.IsNull() || value.Mark().is_null()) return where;
    return value.Mark();
}

std::string describe(YAML::Node const& n) {
    if (!n.IsDefined()) return "nothing";
    switch (n.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: return fmt::format("\"{}\"", shown(n.Scalar()));
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
    }
    return "nothing";
}

namespace {

std::string joined(name_list list, std::string_view last) {
    std::string out;
    std::size_t i = 0;
    for (auto n : list) {
        if (i > 0) out += i + 1 == list.size() ? last : ", ";
        out += n;
        ++i;
    }
    return out;
}

}  // namespace

std::string one_of(name_list list) { return joined(list, " or "); }

bool is_digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<host_port> parse_listen_address(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto port_text = text.substr(colon + 1);
    if (!is_digits(port_text) || port_text.size() > 5) return std::nullopt;
    unsigned port = 0;
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port > 65535) return std::nullopt;
    std::string h{text.substr(0, colon)};
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
        h = h.substr(1, h.size() - 2);
        in6_addr a6{};
        if (inet_pton(AF_INET6, h.c_str(), &a6) != 1) return std::nullopt;
    } else if (h != "localhost") {
        in_addr a4{};
        if (inet_pton(AF_INET, h.c_str(), &a4) != 1) return std::nullopt;
    }
    return host_port{std::move(h), static_cast<std::uint16_t>(port)};
}

std::optional<YAML::Node> reader::parse(std::string_view text) {
    try {
        return YAML::Load(std::string{text});
    } catch (YAML::Exception const& e) {
        errors.push_back(load_error{pos(e.mark), fmt::format("YAML syntax: {}", e.msg)});
        return std::nullopt;
    }
}

std::vector<load_error> reader::sorted_errors() {
    std::stable_sort(errors.begin(), errors.end(), [](load_error const& a, load_error const& b) {
        return std::pair{a.at.line, a.at.column} < std::pair{b.at.line, b.at.column};
    });
    return std::move(errors);
}

void reader::error_at(YAML::Mark const& m, std::string message) {
    if (errors.size() == max_errors) {
        errors.push_back(load_error{pos(m), fmt::format("found more than {} errors, expected fewer: stopped "
                                                        "reporting", max_errors)});
    }
    if (errors.size() > max_errors) return;
    errors.push_back(load_error{pos(m), std::move(message)});
}

void reader::wrong(field const& f, std::string_view expected) {
    error_at(f.mark(), fmt::format("{}: found {}, expected {}", f.path, describe(f.value), expected));
}

source_pos reader::pos(YAML::Mark const& m) const {
    if (m.is_null()) return source_pos{file_, 0, 0};
    return source_pos{file_, m.line + 1, m.column + 1};
}

bool reader::spend(field const& f) {
    if (exhausted_) return false;
    if (++nodes_ <= max_nodes) return true;
    exhausted_ = true;
    error_at(f.mark(), fmt::format("{}: found more than {} YAML nodes (aliases expanded), expected a smaller "
                                   "{}", f.path, max_nodes, root_));
    return false;
}

bool reader::holds(field const& f, YAML::NodeType::value type, std::string_view what) {
    if (!spend(f) || !f.value.IsDefined() || f.value.IsNull()) return false;
    if (f.value.Type() == type) return true;
    wrong(f, what);
    return false;
}

std::vector<field> reader::map_entries(field const& f, std::string_view what) {
    std::vector<field> out;
    if (!holds(f, YAML::NodeType::Map, what)) return out;
    std::set<std::string> seen;
    for (auto it = f.value.begin(); it != f.value.end(); ++it) {
        YAML::Node const k = it->first;  // a copy: `it->` returns a temporary pair
        if (!k.IsScalar()) {
            error_at(k.Mark(), fmt::format("{}: found a key that is {}, expected a plain key", f.path, describe(k)));
            continue;
        }
        std::string const& name = k.Scalar();
        std::string sub = f.path.empty() || f.path == root_ ? name : fmt::format("{}.{}", f.path, name);
        if (!seen.insert(name).second) {
            error_at(k.Mark(), fmt::format("{}: found a second \"{}\", expected each key once", sub, shown(name)));
            continue;
        }
        out.push_back(field{it->second, k.Mark(), std::move(sub), name});
    }
    return out;
}

std::vector<field> reader::entries(field const& f, name_list known, std::string_view what) {
    auto all = map_entries(f, what);
    std::vector<field> out;
    for (auto& e : all) {
        std::string const& name = e.key;
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            error_at(e.where, fmt::format("{}: found unknown key \"{}\", expected one of: {}", f.path, shown(name),
                                          joined(known, key_list_last_)));
            continue;
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<field> reader::items(field const& f, std::string_view what) {
    std::vector<field> out;
    if (!holds(f, YAML::NodeType::Sequence, what)) return out;
    std::size_t i = 0;
    for (auto it = f.value.begin(); it != f.value.end(); ++it, ++i) {
        YAML::Mark at = it->Mark().is_null() ? f.mark() : it->Mark();
        out.push_back(field{*it, at, fmt::format("{}[{}]", f.path, i), {}});
    }
    return out;
}

void reader::require(field const& f, std::vector<field> const& got, std::string_view key, std::string_view what) {
    if (!f.value.IsDefined() || (!f.value.IsMap() && !f.value.IsNull())) return;  // already reported
    for (auto const& g : got)
        if (key_of(g) == key) return;
    error_at(f.mark(), fmt::format("{}: found no {}, expected {}: {}", f.path, key, key, what));
}

bool reader::scalar(field const& f, std::string_view expected) {
    if (f.value.IsDefined() && f.value.IsScalar()) return true;
    wrong(f, expected);
    return false;
}

std::optional<std::uint64_t> reader::integer(field const& f, std::uint64_t min, std::uint64_t max) {
    auto expected = fmt::format("an integer from {} to {}", min, max);
    if (!scalar(f, expected)) return std::nullopt;
    auto const& s = f.value.Scalar();
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!is_digits(s) || ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) {
        wrong(f, expected);
        return std::nullopt;
    }
    return v;
}

std::optional<bool> reader::boolean(field const& f) {
    if (!scalar(f, "true or false")) return std::nullopt;
    auto const& s = f.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    wrong(f, "true or false");
    return std::nullopt;
}

std::optional<double> reader::speed(field const& f) {
    constexpr std::string_view expected = "a number greater than 0 and at most 1e9";
    if (!scalar(f, expected)) return std::nullopt;
    auto const& t = f.value.Scalar();
    double v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size() || !sim::clock::is_valid_speed(v)) {
        wrong(f, expected);
        return std::nullopt;
    }
    return v;
}

}  // namespace metersim::scenarios::yaml

#include "scenarios/loader.hpp"

// The loader's entry points, its error plumbing and the scenario's top-level keys. The rest of
// the walk is split by subject: loader_decls.cpp (platforms, meters), loader_values.cpp (texts,
// numbers, durations, times, raw values), loader_matchers.cpp, loader_names.cpp (platforms,
// meters, push kinds and variables referenced by steps), loader_steps.cpp and loader_expect.cpp.

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"
#include "sim/clock.hpp"

namespace metersim::scenarios {

namespace detail {

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

constexpr std::array<std::string_view, 12> top_keys = {
    "name", "description", "seed", "start", "timezone", "clock", "conformance",
    "platforms", "meters", "cis", "vars", "steps"};

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

std::string one_of(name_list list) {
    std::string out;
    std::size_t i = 0;
    for (auto n : list) {
        if (i > 0) out += i + 1 == list.size() ? " or " : ", ";
        out += n;
        ++i;
    }
    return out;
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
                                   "scenario", f.path, max_nodes));
    return false;
}

std::vector<field> reader::map_entries(field const& f, std::string_view what) {
    std::vector<field> out;
    if (!spend(f) || !f.value.IsDefined() || f.value.IsNull()) return out;
    if (!f.value.IsMap()) {
        wrong(f, what);
        return out;
    }
    std::set<std::string> seen;
    for (auto it = f.value.begin(); it != f.value.end(); ++it) {
        YAML::Node const k = it->first;  // a copy: `it->` returns a temporary pair
        if (!k.IsScalar()) {
            error_at(k.Mark(), fmt::format("{}: found a key that is {}, expected a plain key", f.path, describe(k)));
            continue;
        }
        std::string const& name = k.Scalar();
        std::string sub = f.path.empty() || f.path == "scenario" ? name : fmt::format("{}.{}", f.path, name);
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
                                          one_of(known)));
            continue;
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<field> reader::items(field const& f, std::string_view what) {
    std::vector<field> out;
    if (!spend(f) || !f.value.IsDefined() || f.value.IsNull()) return out;
    if (!f.value.IsSequence()) {
        wrong(f, what);
        return out;
    }
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

scenario reader::read(YAML::Node const& root) {
    scenario s;
    s.file = file_;
    s.name = std::filesystem::path{file_}.stem().string();
    field whole{root, YAML::Mark::null_mark(), "scenario", {}};
    if (!root.IsDefined() || root.IsNull() || !root.IsMap()) {
        wrong(whole, "a map of scenario keys (name, platforms, meters, steps, ...)");
        return s;
    }
    auto top = entries(whole, top_keys, "a map of scenario keys");
    read_top(top, s);
    auto steps = std::find_if(top.begin(), top.end(), [](field const& f) { return f.path == "steps"; });
    if (steps == top.end()) {
        error_at(root.Mark(), "scenario: found no steps, expected steps: a list of steps");
        return s;
    }
    s.steps = read_steps(*steps, 0);
    return s;
}

void reader::read_top(std::vector<field> const& top, scenario& s) {
    // Declarations first, whatever their order in the file: steps refer to them.
    read_zone_and_start(top, s);
    bool has_platforms = false;
    for (auto const& f : top) {
        if (f.path == "name") {
            if (auto t = text(f)) s.name = *t;
        } else if (f.path == "description") {
            if (f.value.IsNull()) continue;
            if (scalar(f, "a text")) s.description = f.value.Scalar();
        } else if (f.path == "seed") {
            if (auto n = integer(f, 0, UINT64_MAX)) s.seed = *n;
        } else if (f.path == "clock") read_clock(f, s.clock);
        else if (f.path == "conformance") {
            if (auto w = word(f, {"lenient", "strict"})) s.conformance = *platforms::parse_conformance(*w);
        } else if (f.path == "platforms") {
            has_platforms = true;
            read_platforms(f, s.platforms);
        }
    }
    if (!has_platforms)
        for (std::string_view p : {"cnmcsp", "xianfeng", "xintian"}) s.platforms.push_back(platform_decl{std::string{p}, {}, {}});
    for (auto const& p : s.platforms) started_.insert(p.name);
    for (auto const& f : top)
        if (f.path == "meters") read_meters(f, s.meters);
    for (auto const& f : top)
        if (f.path == "cis") read_cis(f, s.cis);
    for (auto const& f : top)
        if (f.path == "vars") read_vars(f, s.vars);
}

void reader::read_zone_and_start(std::vector<field> const& top, scenario& s) {
    for (auto const& f : top) {
        if (f.path != "timezone") continue;
        constexpr std::string_view expected = "UTC or an offset such as \"+08:00\" or \"-05:30\"";
        if (!scalar(f, expected)) continue;
        auto z = meters::parse_utc_offset(f.value.Scalar());
        if (!z) wrong(f, expected);
        else s.zone = z.value();
    }
    zone_ = s.zone;
    s.start = *parse_local_time(s.start_text, zone_);
    for (auto const& f : top) {
        if (f.path != "start") continue;
        if (!scalar(f, "a time \"yyyy-MM-dd HH:mm:ss\"")) continue;
        if (auto t = time(f)) {
            s.start = *t;
            s.start_text = f.value.Scalar();
        }
    }
    start_ = s.start;
}

void reader::read_clock(field const& f, clock_decl& c) {
    constexpr std::string_view modes = "stepped, accelerated or realtime";
    if (f.value.IsScalar()) {
        auto m = sim::parse_clock_mode(f.value.Scalar());
        if (!m) return wrong(f, fmt::format("{}, or a map {{mode, speed}}", modes));
        c.mode = *m;
        return;
    }
    for (auto const& g : entries(f, {"mode", "speed"}, "stepped, accelerated, realtime or a map {mode, speed}")) {
        if (key_of(g) == "mode") {
            if (!scalar(g, modes)) continue;
            auto m = sim::parse_clock_mode(g.value.Scalar());
            if (!m) wrong(g, modes);
            else c.mode = *m;
        } else {
            constexpr std::string_view expected = "a number greater than 0 and at most 1e9";
            if (!scalar(g, expected)) continue;
            auto const& t = g.value.Scalar();
            double v = 0;
            auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            if (ec != std::errc{} || end != t.data() + t.size() || !sim::clock::is_valid_speed(v)) wrong(g, expected);
            else c.speed = v;
        }
    }
}

void reader::read_cis(field const& f, cis_decl& c) {
    if (f.value.IsScalar()) {
        if (f.value.Scalar() != "recorder") wrong(f, "recorder or a map {url, paths}");
        return;
    }
    auto got = entries(f, {"url", "paths"}, "recorder or a map {url, paths}");
    require(f, got, "url", "the CIS's base URL, such as http://127.0.0.1:9000");
    for (auto const& g : got) {
        if (key_of(g) == "url") {
            constexpr std::string_view expected = "an http:// or https:// URL";
            auto t = text(g, expected);
            if (!t) continue;
            if (!t->starts_with("http://") && !t->starts_with("https://")) wrong(g, expected);
            else {
                c.recorder = false;
                c.url = *t;
            }
            continue;
        }
        for (auto const& p : map_entries(g, "a map of push kind -> path")) {
            std::string kind = key_of(p);
            auto const& kinds = push_kinds();
            if (std::none_of(kinds.begin(), kinds.end(), [&](push_kind_info const& k) { return k.name == kind; })) {
                error_at(p.where, fmt::format("{}: found unknown push kind \"{}\", expected one of: {}", g.path,
                                              shown(kind), "cnmcsp.realtime, cnmcsp.alarm, xianfeng.report, "
                                                           "xianfeng.alarm, xianfeng.response, xintian.billing"));
                continue;
            }
            auto t = text(p, "a path starting with /");
            if (t && !t->starts_with("/")) wrong(p, "a path starting with /");
            else if (t) c.paths.emplace_back(kind, *t);
        }
    }
}

void reader::read_vars(field const& f, named_texts& out) {
    for (auto const& g : map_entries(f, "a map of variable name -> text")) {
        auto name = var_name(g);
        auto t = text(g, "a text");
        if (!name || !t) continue;
        out.emplace_back(*name, *t);
        define(*name);
    }
}

}  // namespace detail

std::string to_string(load_error const& e) {
    if (e.at.line == 0) return fmt::format("{}: error: {}", e.at.file, e.message);
    return fmt::format("{}:{}:{}: error: {}", e.at.file, e.at.line, e.at.column, e.message);
}

load_result parse_scenario(std::string_view yaml, std::string_view file, sim::catalogue const& models) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string{yaml});
    } catch (YAML::Exception const& e) {
        // A syntax error stops the parser: it is the one error we can report.
        source_pos at{std::string{file}, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
        return std::vector<load_error>{load_error{std::move(at), fmt::format("YAML syntax: {}", e.msg)}};
    }
    detail::reader r{file, models};
    try {
        scenario s = r.read(root);
        if (r.errors.empty()) return s;
    } catch (YAML::Exception const& e) {
        r.error_at(e.mark, fmt::format("YAML: {}", e.msg));
    } catch (std::exception const& e) {
        r.error_at(YAML::Mark::null_mark(), fmt::format("scenario: found input the loader cannot read ({}), "
                                                        "expected a scenario", e.what()));
    }
    // In file order, whichever check found them.
    std::stable_sort(r.errors.begin(), r.errors.end(), [](load_error const& a, load_error const& b) {
        return std::pair{a.at.line, a.at.column} < std::pair{b.at.line, b.at.column};
    });
    return std::move(r.errors);
}

load_result load_scenario_file(std::string const& path, sim::catalogue const& models) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return std::vector<load_error>{load_error{source_pos{path, 0, 0}, "cannot read the file: it is a directory"}};
    std::ifstream in{path, std::ios::binary};
    if (!in) return std::vector<load_error>{load_error{source_pos{path, 0, 0}, "cannot read the file"}};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scenario(text.str(), path, models);
}

}  // namespace metersim::scenarios

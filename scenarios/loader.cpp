#include "scenarios/loader.hpp"

// The loader's entry points, its error plumbing and the scenario's top-level keys. The rest of
// the walk is split by subject: loader_decls.cpp (platforms, meters), loader_values.cpp (texts,
// numbers, durations, times, raw values), loader_matchers.cpp, loader_names.cpp (platforms,
// meters, push kinds and variables referenced by steps), loader_steps.cpp and loader_expect.cpp.

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"
#include "sim/clock.hpp"

namespace metersim::scenarios {

namespace detail {

namespace {

constexpr std::array<std::string_view, 12> top_keys = {
    "name", "description", "seed", "start", "timezone", "clock", "conformance",
    "platforms", "meters", "cis", "vars", "steps"};

}  // namespace

scenario reader::read(YAML::Node const& root) {
    scenario s;
    s.file = file_;
    s.name = std::filesystem::path{file_}.stem().string();
    field const whole = this->whole(root);
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
        } else if (auto v = speed(g)) {
            c.speed = *v;
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
    detail::reader r{file, models};
    auto root = r.parse(yaml);
    if (!root) return std::move(r.errors);
    scenario s;
    r.guarded([&] { s = r.read(*root); });
    if (r.errors.empty()) return s;
    return r.sorted_errors();
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

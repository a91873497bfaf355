// run_scenario: builds the world (recorder or real CIS), runs the steps in order, records them.
#include "scenarios/runner.hpp"

#include <exception>

#include "platforms/common/json_reader.hpp"
#include "scenarios/json_path.hpp"
#include "scenarios/matchers.hpp"
#include "scenarios/runner_internal.hpp"
#include "sim/http/client.hpp"
#include "sim/journal.hpp"

namespace metersim::scenarios {

namespace detail {

namespace {

using wall = std::chrono::steady_clock;

constexpr std::size_t max_step_records = 100'000;

std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

std::vector<platform_decl> platforms_of(scenario const& s) {
    if (!s.platforms.empty()) return s.platforms;
    std::vector<platform_decl> all;
    for (char const* name : {"cnmcsp", "xianfeng", "xintian"}) all.push_back(platform_decl{name, {}, {}});
    return all;
}

bool is_started(std::vector<platform_decl> const& ps, std::string_view name) {
    for (auto const& p : ps)
        if (p.name == name) return true;
    return false;
}

std::string path_of(cis_decl const& c, push_kind_info const& k) {
    for (auto const& [kind, path] : c.paths)
        if (kind == k.name) return path;
    return std::string(k.default_path);
}

}  // namespace

run_state::run_state(scenario const& s, run_options const& o, scenario_result& r) : sc(s), opt(o), res(r) {
    for (auto const& [name, value] : s.vars) vars[name] = var_value{value, false};
}

run_state::~run_state() {
    // Loop objects go first, the world (and its loop) last.
    client.reset();
    rec.reset();
    w.reset();
}

bool run_state::start() {
    world_spec spec;
    static_cast<world_decl&>(spec) = sc;  // the world as the scenario declares it, but for:
    spec.seed = opt.seed.value_or(sc.seed);
    spec.platforms = platforms_of(sc);
    spec.journal_capacity = 5'000;  // read as it fills (ingest): it only bridges one loop turn

    std::string cis_url = opt.cis_url.value_or(sc.cis.recorder ? std::string{} : sc.cis.url);
    real_cis = !cis_url.empty();
    if (real_cis) {
        for (auto const& k : push_kinds())
            if (is_started(spec.platforms, k.platform))
                spec.push_urls.emplace_back(std::string(k.name), trim_slash(cis_url) + path_of(sc.cis, k));
    } else {
        // The recorder listens on the world's loop: started by the world before the platforms.
        spec.on_loop = [this, ps = spec.platforms](boost::asio::io_context& io) { return start_recorder(io, ps); };
    }
    try {
        w = opt.make_world(spec);
        if (!w) throw std::runtime_error("the world factory made no world");
        sim::http::client_options co;
        co.request_timeout = limits.call - std::chrono::seconds{5};
        client = std::make_unique<sim::http::client>(w->io(), co);
        signer = std::make_unique<cis_signer>(
            [this](std::string_view p, std::string_view k) { return w->setting(p, k); },
            std::chrono::minutes{sc.zone.minutes}, spec.seed);
    } catch (std::exception const& e) {
        res.result = outcome::error;
        res.error = std::string("the world could not start: ") + e.what();
        return false;
    }
    live = w->clock().mode() != sim::clock_mode::stepped;
    for (auto const& m : sc.meters)
        if (m.fleet == 0 && !m.no.empty()) ++sample_meter_count;
    return true;
}

named_texts run_state::start_recorder(boost::asio::io_context& io, std::vector<platform_decl> const& ps) {
    recorder_lookups look;
    look.unit_price_of = [this](std::string_view meter) {
        auto r = admin("GET", "/admin/meters/" + std::string(meter));
        auto doc = platforms::parse_json(r.body);
        if (r.status != 200 || !doc) return std::string{};
        auto const* v = find_path(doc.value(), "tariff.unit_price");
        if (v == nullptr) v = find_path(doc.value(), "tariff.prices[0]");
        return v != nullptr && is_json_number(v->text()) ? v->text() : std::string{};
    };
    look.device_id_of = [this](std::string_view meter) {
        auto r = admin("GET", "/admin/meters/" + std::string(meter));
        auto doc = platforms::parse_json(r.body);
        if (r.status != 200 || !doc) return std::string{};
        auto const* v = find_path(doc.value(), "device_id");
        return v != nullptr && v->is_string() ? v->text() : std::string{};
    };
    rec = std::make_unique<recorder>(io, std::move(look));
    named_texts urls;
    for (auto const& k : push_kinds())
        if (is_started(ps, k.platform))
            urls.emplace_back(std::string(k.name), rec->base_url() + std::string(k.default_path));
    return urls;
}

void run_state::sample_meters() {
    if (!opt.keep_timeline || sample_meter_count == 0 || sample_meter_count > 50) return;
    for (auto const& m : sc.meters) {
        if (m.fleet != 0 || m.no.empty()) continue;
        auto r = admin("GET", "/admin/meters/" + m.no);
        auto doc = platforms::parse_json(r.body);
        if (r.status != 200 || !doc) continue;
        auto field = [&](std::string_view path) {
            auto const* v = find_path(doc.value(), path);
            return v == nullptr ? std::string{} : scalar_text(*v);
        };
        res.samples.push_back(meter_sample{now(), m.no, field("reading"), field("balance"), field("valve")});
    }
}

void run_state::run_steps(std::vector<step> const& steps, int depth) {
    for (auto const& s : steps) {
        step_record r;
        r.label = step_label(s, lookup());
        r.kind = std::string(kind_name(s));
        r.at = s.at;
        r.depth = depth;
        r.virtual_start = now();
        if (stopped) {
            r.result = outcome::skipped;
            r.virtual_end = r.virtual_start;
            res.steps.push_back(r);
            if (opt.on_step) opt.on_step(res.steps.back());
            continue;
        }
        auto const index = res.steps.size();
        res.steps.push_back(r);  // the slot keeps a block before the steps it runs
        auto const t0 = wall::now();
        step_end end;
        try {
            end = exec(s, depth);
        } catch (std::exception const& e) {
            end = errored(std::string("unexpected: ") + e.what());
        }
        ingest();
        auto& rec_ref = res.steps[index];
        rec_ref.wall = std::chrono::duration_cast<std::chrono::microseconds>(wall::now() - t0);
        rec_ref.virtual_end = now();
        // A block that failed inside has already told which step failed.
        bool const block = std::holds_alternative<repeat_step>(s.what) || std::holds_alternative<for_each_meter_step>(s.what);
        rec_ref.result = end.result;
        rec_ref.message = std::move(end.message);
        rec_ref.context = std::move(end.context);
        if (!end.ok()) {
            if (!block) {
                stopped = true;
                stopped_by = end.result;
            }
            if (res.result == outcome::passed) res.result = end.result;
        }
        if (opt.keep_timeline)
            res.timeline.push_back(timeline_entry{timeline_entry::kind::step, rec_ref.virtual_end, {}, {},
                                                  rec_ref.label + " " + std::string(to_string(rec_ref.result)),
                                                  rec_ref.message});
        sample_meters();
        if (opt.on_step) opt.on_step(res.steps[index]);
        // A huge repeat must not eat the memory: past the cap, passed steps inside blocks are
        // told (on_step) but not kept.
        if (depth > 0 && end.ok() && index + 1 == res.steps.size() && res.steps.size() > max_step_records)
            res.steps.pop_back();
    }
}

std::string duration_text(meters::duration d) {
    auto ms = d.count();
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out = "-";
        ms = -ms;
    }
    constexpr std::pair<std::int64_t, char const*> units[] = {
        {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
    for (auto const& [size, name] : units) {
        if (ms >= size) {
            out += std::to_string(ms / size) + name;
            ms %= size;
        }
    }
    return out;
}

std::string cut(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    return std::string(text.substr(0, limit)) + "...";
}

}  // namespace detail

scenario_result run_scenario(scenario const& s, run_options const& options) {
    scenario_result res{.file = s.file,
                        .name = s.name,
                        .description = s.description,
                        .virtual_start = s.start,
                        .virtual_end = s.start,
                        .zone = s.zone};
    auto const t0 = std::chrono::steady_clock::now();
    try {
        if (!options.make_world) {
            res.result = outcome::error;
            res.error = "no world factory";
            return res;
        }
        detail::run_state run(s, options, res);
        if (run.start()) {
            res.virtual_start = run.now();
            run.sample_meters();
            run.run_steps(s.steps, 0);
            run.ingest();
            res.virtual_end = run.now();
            res.conformance = run.w->journal().conformance();
            for (auto& row : res.conformance) row.example_run = s.name;
        }
    } catch (std::exception const& e) {
        res.result = outcome::error;
        res.error = std::string("the runner stopped: ") + e.what();
    }
    res.wall = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    return res;
}

}  // namespace metersim::scenarios

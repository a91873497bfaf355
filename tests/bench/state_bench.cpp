// The state file at scale (issue 15, "Scale"):
//   - N meters (default 100,000) saved in one checkpoint: time and file bytes per meter;
//   - start-up from that file: open (every check of a bad file included) and restore every
//     meter (goal: under 3 s for 100,000);
//   - D simulated days (default 365) of the fleet with the state on disk, checkpointing the
//     changed meters every --interval-ms of wall time, against the same run in memory
//     (goal: within 1.5x).
// A plain executable printing its figures and a PASS/MISS line per goal.
//
//   state_bench [--meters N] [--days D] [--interval-ms MS] [--dir DIR]

#include <sys/resource.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/scheduler.hpp"
#include "sim/state/persistence.hpp"

using namespace metersim;
using namespace std::chrono_literals;

namespace {

constexpr auto t0 = meters::instant_from_ms(1'767'196'800'000);  // 2026-01-01 00:00 +08:00

struct options {
    std::size_t meters = 100'000;
    int days = 365;
    long interval_ms = 1000;
    std::string dir = std::filesystem::temp_directory_path().string();
};

[[noreturn]] void usage(char const* why) {
    std::fprintf(stderr, "state_bench: %s\nusage: state_bench [--meters N] [--days D] [--interval-ms MS] [--dir DIR]\n", why);
    std::exit(2);
}

long number(char const* text) {
    long v = 0;
    auto const end = text + std::strlen(text);
    auto const [p, ec] = std::from_chars(text, end, v);
    if (ec != std::errc{} || p != end || v <= 0) usage("bad number");
    return v;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view const a = argv[i];
        if (a == "--meters") o.meters = static_cast<std::size_t>(number(argv[i + 1]));
        else if (a == "--days") o.days = static_cast<int>(number(argv[i + 1]));
        else if (a == "--interval-ms") o.interval_ms = number(argv[i + 1]);
        else if (a == "--dir") o.dir = argv[i + 1];
        else usage("unknown flag");
    }
    if (argc % 2 == 0) usage("missing value");
    return o;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// CPU seconds of this process (user + system): the figure a loaded machine does not inflate.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// A fleet of n meters over the models that report daily.
void manufacture(sim::fleet& f, std::size_t n) {
    std::vector<std::string> models;
    for (auto const* e : f.models().entries())
        if (e->model.report_interval == 24h) models.push_back(e->key);
    for (std::size_t i = 0; i < n; ++i) {
        sim::manufacture_request r;
        r.model = models[i % models.size()];
        r.identity.meter_no = "0760" + std::to_string(10'000'000'000 + i);
        if (!f.manufacture(r)) usage("manufacture failed");
    }
}

/// Runs `days` simulated days one at a time; with `p`, checkpoints every `interval` of wall time.
double run_days(sim::fleet& f, sim::scheduler& s, sim::clock& c, int days, sim::state::persistence* p,
                std::chrono::milliseconds interval, std::size_t& checkpoints) {
    auto const start = std::chrono::steady_clock::now();
    auto const cpu0 = cpu_seconds();
    auto next = start + interval;
    for (int d = 1; d <= days; ++d) {
        s.run_until(t0 + std::chrono::days{d});
        if (p != nullptr && std::chrono::steady_clock::now() >= next) {
            p->checkpoint(f, c);
            ++checkpoints;
            next = std::chrono::steady_clock::now() + interval;
        }
    }
    if (p != nullptr) {
        p->checkpoint(f, c);
        ++checkpoints;
    }
    std::printf("  %d days%s: wall %.2f s, CPU %.2f s\n", days, p ? ", state on disk" : " in memory", seconds_since(start),
                cpu_seconds() - cpu0);
    return seconds_since(start);
}

void verdict(bool ok, std::string const& what) { std::printf("%s %s\n", ok ? "PASS" : "MISS", what.c_str()); }

}  // namespace

int main(int argc, char** argv) {
    auto const opt = parse(argc, argv);
    auto const cat = sim::catalogue::builtin();
    auto const path = opt.dir + "/state_bench.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    auto const n = static_cast<double>(opt.meters);
    std::printf("state_bench: %zu meters, %d days, checkpoint every %ld ms, %s\n", opt.meters, opt.days,
                opt.interval_ms, path.c_str());

    // Save: every meter in one checkpoint.
    {
        sim::clock clk{sim::clock_mode::stepped, 1, t0};
        sim::scheduler sched{clk};
        sim::fleet fleet{sched, cat, sim::fleet_options{}};
        manufacture(fleet, opt.meters);
        auto opened = sim::state::store::open(path);
        if (!opened) usage(opened.error().c_str());
        sim::state::persistence p{std::move(opened).value()};
        auto const t = std::chrono::steady_clock::now();
        auto const c = cpu_seconds();
        auto const rows = p.checkpoint(fleet, clk);
        auto const s = seconds_since(t);
        auto const cpu = cpu_seconds() - c;
        std::printf("  save all                   %.2f s, CPU %.2f s (%zu rows, %.1f us CPU per meter)\n", s, cpu, rows,
                    cpu * 1e6 / n);
    }
    auto const bytes = std::filesystem::file_size(path) +
                       (std::filesystem::exists(path + "-wal") ? std::filesystem::file_size(path + "-wal") : 0);
    std::printf("  file                       %.1f MB (%.0f B per meter)\n", static_cast<double>(bytes) / 1048576.0,
                static_cast<double>(bytes) / n);

    // Start-up: open with every check, restore every meter.
    double startup = 0;
    {
        sim::clock clk{sim::clock_mode::stepped, 1, t0};
        sim::scheduler sched{clk};
        sim::fleet fleet{sched, cat, sim::fleet_options{}};
        auto const t = std::chrono::steady_clock::now();
        auto const c = cpu_seconds();
        auto opened = sim::state::store::open(path);
        if (!opened) usage(opened.error().c_str());
        auto const open_s = seconds_since(t);
        sim::state::persistence p{std::move(opened).value()};
        auto restored = p.restore_meters(fleet);
        if (!restored || restored.value() != opt.meters) usage("restore failed");
        startup = seconds_since(t);
        std::printf("  start-up                   %.2f s, CPU %.2f s (open and checks %.2f s, restore %.2f s)\n", startup,
                    cpu_seconds() - c, open_s, startup - open_s);
    }
    verdict(startup < 3.0 * n / 100'000, "start-up from a state file of the fleet under 3 s per 100,000 meters");

    // A simulated run in memory, then the same with the state on disk.
    std::size_t checkpoints = 0;
    double in_memory = 0, on_disk = 0;
    {
        sim::clock clk{sim::clock_mode::stepped, 1, t0};
        sim::scheduler sched{clk};
        sim::fleet fleet{sched, cat, sim::fleet_options{}};
        manufacture(fleet, opt.meters);
        in_memory = run_days(fleet, sched, clk, opt.days, nullptr, {}, checkpoints);
    }
    {
        sim::clock clk{sim::clock_mode::stepped, 1, t0};
        sim::scheduler sched{clk};
        sim::fleet fleet{sched, cat, sim::fleet_options{}};
        auto opened = sim::state::store::open(path);
        if (!opened) usage(opened.error().c_str());
        sim::state::persistence p{std::move(opened).value()};
        if (!p.restore_meters(fleet)) usage("restore failed");
        on_disk = run_days(fleet, sched, clk, opt.days, &p, std::chrono::milliseconds{opt.interval_ms}, checkpoints);
    }
    std::printf("  %d days in memory           %.2f s\n", opt.days, in_memory);
    std::printf("  %d days, state on disk      %.2f s (%zu checkpoints; %.2fx)\n", opt.days, on_disk, checkpoints,
                on_disk / in_memory);
    verdict(on_disk <= 1.5 * in_memory, "the run with the state on disk within 1.5x of the run in memory");
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    return 0;
}

// Scheduler throughput: events per second through at() + run_until() with a fleet-sized queue.
// Goal (issue 2): a year of 100,000 meters with daily reports, ~36.5 M wake-ups plus their
// freezes and retries (~100 M events), in under 30 s on one core, meters included; so the queue
// alone should sustain well over 10 M events/s.

#include "sim/scheduler.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;

namespace {

constexpr auto t0 = meters::instant_from_ms(1'767'225'600'000);

/// One fake meter: wakes up daily with its own phase and reschedules itself. The callback
/// captures two pointers, so std::function stores it without allocating.
struct fake_meter {
    std::uint64_t wakeups = 0;
    meters::duration phase{};

    static void wake(fake_meter* m, sim::scheduler* s) {
        ++m->wakeups;
        s->at(s->now() + 24h, [m, s] { wake(m, s); });
    }
};

/// Steady state: 100,000 pending daily wake-ups; each iteration runs one virtual day.
void bm_daily_wakeups(benchmark::State& state) {
    auto const meters_n = static_cast<std::size_t>(state.range(0));
    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};
    std::vector<fake_meter> fleet(meters_n);
    for (std::size_t i = 0; i < meters_n; ++i) {
        // Spread over the day, many meters sharing a second (same-time ties are exercised).
        fleet[i].phase = std::chrono::seconds{static_cast<std::int64_t>((i * 7919) % 86'400)};
        sched.at(t0 + fleet[i].phase, [m = &fleet[i], s = &sched] { fake_meter::wake(m, s); });
    }
    std::size_t events = 0;
    for (auto _ : state) events += sched.advance(24h);
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
    state.counters["pending"] = static_cast<double>(sched.pending());
}
BENCHMARK(bm_daily_wakeups)->Arg(100'000)->Unit(benchmark::kMillisecond);

/// Fill then drain: N at() calls at scattered instants, then one run_until over all of them.
void bm_fill_and_drain(benchmark::State& state) {
    auto const n = static_cast<std::size_t>(state.range(0));
    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};
    std::uint64_t sink = 0;
    std::uint64_t x = 88172645463325252u;  // xorshift: scattered due instants, fixed seed
    for (auto _ : state) {
        auto const base = sched.now();
        for (std::size_t i = 0; i < n; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            sched.at(base + std::chrono::milliseconds{static_cast<std::int64_t>(x % 86'400'000)},
                     [&sink, i] { sink += i; });
        }
        benchmark::DoNotOptimize(sched.run_until(base + 24h));
    }
    benchmark::DoNotOptimize(sink);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(bm_fill_and_drain)->Arg(100'000)->Unit(benchmark::kMillisecond);

/// Schedule and cancel (command expiries that never fire) beside 100,000 pending events.
void bm_at_and_cancel(benchmark::State& state) {
    auto const n = static_cast<std::size_t>(state.range(0));
    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};
    for (std::size_t i = 0; i < n; ++i)
        sched.at(t0 + std::chrono::seconds{static_cast<std::int64_t>(i % 86'400)}, [] {});
    std::int64_t k = 0;
    for (auto _ : state) {
        auto id = sched.at(t0 + std::chrono::seconds{k++ % 86'400}, [] {});
        benchmark::DoNotOptimize(sched.cancel(id));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_at_and_cancel)->Arg(100'000);

}  // namespace

BENCHMARK_MAIN();

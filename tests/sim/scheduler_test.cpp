#include "sim/scheduler.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;
using meters::instant;
using meters::instant_from_ms;

namespace {

constexpr auto t0 = instant_from_ms(1'767'225'600'000);  // 2026-01-01T00:00:00Z

/// A scheduler whose timer waits on an io_context, on a clock of 1e6 virtual ms per wall ms (a
/// virtual day passes in about 86 wall ms).
struct fast_io_fixture {
    boost::asio::io_context io;  // first: it outlives the scheduler attached to it (ASan, issue #18)
    sim::clock clk{sim::clock_mode::accelerated, 1e6, t0};
    sim::scheduler sched{clk};
    fast_io_fixture() { sched.attach(io); }
};

/// A scheduler on a stepped clock at t0, recording what ran and when.
struct stepped_fixture {
    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};
    std::vector<std::string> ran;
    std::vector<instant> seen;

    std::function<void()> record(std::string name) {
        return [this, name = std::move(name)] {
            ran.push_back(name);
            seen.push_back(sched.now());
        };
    }
};

}  // namespace

TEST_SUITE("sim/scheduler") {

TEST_CASE_FIXTURE(stepped_fixture, "events run in due order, and same-time events in scheduling order") {
    sched.at(t0 + 3s, record("c"));
    sched.at(t0 + 1s, record("a1"));
    sched.at(t0 + 2s, record("b"));
    sched.at(t0 + 1s, record("a2"));
    sched.at(t0 + 1s, record("a3"));
    CHECK(sched.run_until(t0 + 10s) == 5);
    CHECK(ran == std::vector<std::string>{"a1", "a2", "a3", "b", "c"});
}

TEST_CASE_FIXTURE(stepped_fixture, "each event sees now() equal to its due instant and the step ends at its target") {
    sched.at(t0 + 1s, record("a"));
    sched.at(t0 + 5s, record("b"));
    sched.run_until(t0 + 7s);
    CHECK(seen == std::vector<instant>{t0 + 1s, t0 + 5s});
    CHECK(sched.now() == t0 + 7s);
    CHECK(clk.now() == t0 + 7s);
}

TEST_CASE_FIXTURE(stepped_fixture, "run_until runs events due exactly at the target and leaves later ones") {
    sched.at(t0 + 10s, record("on target"));
    sched.at(t0 + 10s + 1ms, record("after"));
    CHECK(sched.run_until(t0 + 10s) == 1);
    CHECK(ran == std::vector<std::string>{"on target"});
    CHECK(sched.pending() == 1);
    CHECK(sched.next_due() == t0 + 10s + 1ms);
}

TEST_CASE_FIXTURE(stepped_fixture, "a cancelled event does not run and cancel reports whether it was pending") {
    auto a = sched.at(t0 + 1s, record("a"));
    auto b = sched.at(t0 + 2s, record("b"));
    CHECK(sched.pending() == 2);
    CHECK(sched.cancel(a));
    CHECK_FALSE(sched.cancel(a));
    CHECK(sched.pending() == 1);
    CHECK(sched.next_due() == t0 + 2s);
    sched.run_until(t0 + 5s);
    CHECK(ran == std::vector<std::string>{"b"});
    CHECK_FALSE(sched.cancel(b));  // already ran
    CHECK_FALSE(sched.cancel(0));
    CHECK_FALSE(sched.cancel(0xdead'beef'0000'0042u));
}

TEST_CASE_FIXTURE(stepped_fixture, "a stale id does not cancel the event that reuses its slot") {
    auto a = sched.at(t0 + 1s, record("a"));
    REQUIRE(sched.cancel(a));
    auto b = sched.at(t0 + 1s, record("b"));  // takes the freed slot
    CHECK(a != b);
    CHECK_FALSE(sched.cancel(a));
    sched.run_until(t0 + 1s);
    CHECK(ran == std::vector<std::string>{"b"});
}

TEST_CASE_FIXTURE(stepped_fixture, "an event can cancel a later event of the same step") {
    sim::scheduler::event_id victim = 0;
    sched.at(t0 + 1s, [&] { CHECK(sched.cancel(victim)); });
    victim = sched.at(t0 + 2s, record("victim"));
    sched.run_until(t0 + 3s);
    CHECK(ran.empty());
    CHECK(sched.pending() == 0);
}

TEST_CASE_FIXTURE(stepped_fixture, "a running event is no longer cancellable") {
    sim::scheduler::event_id self = 0;
    bool cancelled = true;
    self = sched.at(t0 + 1s, [&] { cancelled = sched.cancel(self); });
    sched.run_until(t0 + 1s);
    CHECK_FALSE(cancelled);
}

TEST_CASE_FIXTURE(stepped_fixture, "events scheduled during a step and due within it run in the same step") {
    sched.at(t0 + 1s, [&] {
        ran.push_back("first");
        sched.at(t0 + 2s, record("chained"));
        sched.at(t0 + 1s, record("same instant"));
        sched.at(t0 + 20s, record("beyond"));
    });
    sched.at(t0 + 3s, record("third"));
    CHECK(sched.run_until(t0 + 10s) == 4);
    CHECK(ran == std::vector<std::string>{"first", "same instant", "chained", "third"});
    CHECK(seen == std::vector<instant>{t0 + 1s, t0 + 2s, t0 + 3s});
    CHECK(sched.pending() == 1);
}

TEST_CASE_FIXTURE(stepped_fixture, "an event scheduled in the past runs at the next step without time going backwards") {
    sched.advance(1h);
    REQUIRE(sched.now() == t0 + 1h);
    sched.at(t0, record("late"));
    CHECK(sched.next_due() == t0);
    CHECK(sched.run_until(sched.now()) == 1);
    CHECK(seen == std::vector<instant>{t0 + 1h});
    CHECK(sched.now() == t0 + 1h);
}

TEST_CASE_FIXTURE(stepped_fixture, "a target before now runs only what is due and does not move time back") {
    sched.advance(10s);
    sched.at(t0 + 5s, record("late"));
    sched.at(t0 + 20s, record("future"));
    CHECK(sched.run_until(t0 + 1s) == 0);  // `late` is due at t0+5s, after the target
    CHECK(sched.now() == t0 + 10s);
    CHECK(sched.run_until(t0 + 10s) == 1);
    CHECK(ran == std::vector<std::string>{"late"});
}

TEST_CASE_FIXTURE(stepped_fixture, "advance moves time by a duration and after schedules relative to now") {
    sched.advance(1min);
    sched.after(30s, record("in 30s"));
    CHECK(sched.next_due() == t0 + 90s);
    CHECK(sched.advance(30s) == 1);
    CHECK(seen == std::vector<instant>{t0 + 90s});
    CHECK(sched.now() == t0 + 90s);
}

TEST_CASE_FIXTURE(stepped_fixture, "an empty queue has no next due instant") {
    CHECK(sched.pending() == 0);
    CHECK_FALSE(sched.next_due().has_value());
    auto id = sched.at(t0 + 1s, record("x"));
    sched.cancel(id);
    CHECK_FALSE(sched.next_due().has_value());
}

TEST_CASE_FIXTURE(stepped_fixture, "an event that throws is reported and the following events still run") {
    std::vector<std::string> errors;
    sched.on_event_error([&](std::string_view what) { errors.emplace_back(what); });
    sched.at(t0 + 1s, [] { throw std::runtime_error("boom"); });
    sched.at(t0 + 2s, record("after"));
    CHECK_NOTHROW(sched.run_until(t0 + 5s));
    CHECK(errors == std::vector<std::string>{"boom"});
    CHECK(ran == std::vector<std::string>{"after"});
}

TEST_CASE_FIXTURE(stepped_fixture, "many cancellations are compacted away and order is kept") {
    std::vector<sim::scheduler::event_id> ids;
    for (int i = 0; i < 5000; ++i) ids.push_back(sched.at(t0 + std::chrono::seconds{i % 97}, [] {}));
    std::int64_t last = -1;
    bool ordered = true;
    for (int i = 0; i < 100; ++i)
        sched.at(t0 + std::chrono::seconds{i}, [&, i] {
            ordered = ordered && i > last;
            last = i;
        });
    for (auto id : ids) REQUIRE(sched.cancel(id));
    CHECK(sched.pending() == 100);
    CHECK(sched.run_until(t0 + 200s) == 100);
    CHECK(ordered);
    CHECK(last == 99);
}

TEST_CASE_FIXTURE(stepped_fixture, "a seeded mix of schedules, cancels and steps runs exactly what a sorted map predicts") {
    // Due instants from a day in the past to 200 days ahead exercise every part of the queue:
    // the current bucket, the ring of the next weeks and the heap beyond it.
    std::mt19937_64 rng{20260101};
    auto uniform = [&](std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    constexpr std::int64_t day_ms = 86'400'000;
    std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> model;  // (due, label) -> label
    std::vector<std::pair<sim::scheduler::event_id, std::pair<std::int64_t, std::uint64_t>>> ids;
    std::vector<std::uint64_t> order;
    std::uint64_t next_label = 0;
    std::size_t steps = 0, cancels = 0;

    for (int round = 0; round < 20'000; ++round) {
        auto const op = rng() % 10;
        auto const now_ms = meters::to_ms(sched.now());
        if (op < 6) {
            auto const due = now_ms + (rng() % 4 == 0 ? uniform(0, 5'000) : uniform(-day_ms, 200 * day_ms));
            auto const label = next_label++;
            auto id = sched.at(instant_from_ms(due), [&order, label] { order.push_back(label); });
            model.emplace(std::pair{due, label}, label);
            ids.emplace_back(id, std::pair{due, label});
        } else if (op < 8 && !ids.empty()) {
            auto const pick = static_cast<std::size_t>(rng() % ids.size());
            bool const was_pending = model.erase(ids[pick].second) > 0;
            REQUIRE(sched.cancel(ids[pick].first) == was_pending);
            ids[pick] = ids.back();
            ids.pop_back();
            ++cancels;
        } else {
            auto const target = now_ms + uniform(0, 30 * day_ms);
            sched.run_until(instant_from_ms(target));
            std::vector<std::uint64_t> expected;
            while (!model.empty() && model.begin()->first.first <= target) {
                expected.push_back(model.begin()->second);
                model.erase(model.begin());
            }
            REQUIRE(order == expected);
            order.clear();
            ++steps;
            REQUIRE(sched.now() == instant_from_ms(target));
        }
        REQUIRE(sched.pending() == model.size());
        if (!model.empty()) REQUIRE(sched.next_due() == instant_from_ms(model.begin()->first.first));
    }
    CHECK(steps > 1000);
    CHECK(cancels > 1000);
}

TEST_CASE_FIXTURE(stepped_fixture, "a crowded bucket runs in due order and same-instant events in scheduling order") {
    // A fleet's reports crowd into one bucket (~17 min): thousands of keys, many due at the
    // same instant, some in the ring and some moved in from the far heap, a few cancelled.
    std::mt19937_64 rng{424242};
    std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> model;
    std::vector<std::uint64_t> order;
    std::uint64_t label = 0;
    auto const base = meters::to_ms(t0) + 70LL * 86'400'000;  // beyond the ring at first
    auto add = [&](std::int64_t due) {
        auto const l = label++;
        auto id = sched.at(instant_from_ms(due), [&order, l] { order.push_back(l); });
        if (rng() % 20 == 0) REQUIRE(sched.cancel(id));
        else model.emplace(std::pair{due, l}, l);
    };
    for (int i = 0; i < 6'000; ++i) add(base + static_cast<std::int64_t>(rng() % 500) * 1000);  // far, ties
    sched.run_until(instant_from_ms(base - 30LL * 86'400'000));                                  // into the ring
    for (int i = 0; i < 14'000; ++i) {
        // ties with the far ones, runs of one instant, and spread-out instants
        auto const due = rng() % 3 == 0 ? base + static_cast<std::int64_t>(rng() % 500) * 1000
                         : rng() % 2 == 0 ? base + 123'456
                                          : base + static_cast<std::int64_t>(rng() % 1'000'000);
        add(due);
    }
    sched.run_until(instant_from_ms(base + 2'000'000));
    std::vector<std::uint64_t> expected;
    for (auto const& [k, l] : model) expected.push_back(l);
    CHECK(order.size() == expected.size());
    CHECK(order == expected);
}

TEST_CASE_FIXTURE(stepped_fixture, "a bounded step runs a slice in order and stops time at its last event") {
    for (int i = 0; i < 5; ++i) sched.at(t0 + std::chrono::seconds{10 * (i + 1)}, record("e" + std::to_string(i)));
    auto r = sched.run_until(t0 + 1h, 2);
    CHECK(r.ran == 2);
    CHECK_FALSE(r.reached);
    CHECK(ran == std::vector<std::string>{"e0", "e1"});
    CHECK(sched.now() == t0 + 20s);  // not the target: e2..e4 have not happened yet
    sched.at(t0 + 25s, record("late"));  // scheduled between slices, due within the target
    r = sched.run_until(t0 + 1h, 2);
    CHECK(r.ran == 2);
    CHECK_FALSE(r.reached);
    CHECK(sched.now() == t0 + 30s);
    r = sched.run_until(t0 + 1h, 2);
    CHECK(r.ran == 2);
    CHECK(r.reached);
    CHECK(ran == std::vector<std::string>{"e0", "e1", "late", "e2", "e3", "e4"});
    CHECK(sched.now() == t0 + 1h);
}

TEST_CASE_FIXTURE(stepped_fixture, "cancelled events neither use a bounded step's budget nor keep it from its target") {
    auto const a = sched.at(t0 + 10s, record("a"));
    sched.at(t0 + 20s, record("b"));
    auto const c = sched.at(t0 + 30s, record("c"));
    REQUIRE(sched.cancel(a));
    REQUIRE(sched.cancel(c));
    auto const r = sched.run_until(t0 + 1min, 1);
    CHECK(r.ran == 1);
    CHECK(r.reached);
    CHECK(ran == std::vector<std::string>{"b"});
    CHECK(sched.now() == t0 + 1min);
    auto const none = sched.run_until(t0 + 2min, 0);
    CHECK(none.ran == 0);
    CHECK(none.reached);  // nothing was due: the target is reached
    CHECK(sched.now() == t0 + 2min);
}

TEST_CASE_FIXTURE(stepped_fixture, "a bounded step with a zero budget runs nothing that is due and keeps time") {
    sched.at(t0 + 10s, record("a"));
    auto const r = sched.run_until(t0 + 1min, 0);
    CHECK(r.ran == 0);
    CHECK_FALSE(r.reached);
    CHECK(ran.empty());
    CHECK(sched.now() == t0);
}

TEST_CASE_FIXTURE(stepped_fixture, "a bounded step called from inside an event does nothing") {
    std::optional<sim::scheduler::step_result> inner;
    sched.at(t0 + 10s, [&] { inner = sched.run_until(t0 + 1h, 5); });
    sched.at(t0 + 20s, record("b"));
    sched.run_until(t0 + 1min);
    REQUIRE(inner.has_value());
    CHECK(inner->ran == 0);
    CHECK_FALSE(inner->reached);
    CHECK(ran == std::vector<std::string>{"b"});
}

TEST_CASE_FIXTURE(stepped_fixture, "cancelling most of a month of events leaves the rest in order") {
    std::vector<sim::scheduler::event_id> doomed;
    std::vector<instant> kept;
    for (int i = 0; i < 3000; ++i) {
        auto due = t0 + std::chrono::minutes{(i * 7919) % (30 * 24 * 60)};
        if (i % 100 == 0) {
            sched.at(due, [&] { seen.push_back(sched.now()); });
            kept.push_back(due);
        } else {
            doomed.push_back(sched.at(due, [] { FAIL("a cancelled event ran"); }));
        }
    }
    for (auto id : doomed) REQUIRE(sched.cancel(id));
    std::sort(kept.begin(), kept.end());
    CHECK(sched.next_due() == kept.front());
    CHECK(sched.run_until(t0 + 24h * 31) == kept.size());
    CHECK(seen == kept);
}

TEST_CASE_FIXTURE(stepped_fixture, "an event years ahead waits and runs at its instant") {
    sched.at(t0 + 24h * 365 * 3, record("in three years"));
    sched.at(t0 + 24h * 60, record("in sixty days"));
    CHECK(sched.next_due() == t0 + 24h * 60);
    CHECK(sched.run_until(t0 + 24h * 365 * 3 - 1ms) == 1);
    CHECK(sched.run_until(t0 + 24h * 365 * 3) == 1);
    CHECK(seen == std::vector<instant>{t0 + 24h * 60, t0 + 24h * 365 * 3});
}

TEST_CASE("the lag is how far the clock is past the oldest event due and not yet run") {
    // A hand-moved wall (tests move wall time instead of waiting for it), 3600 times accelerated.
    auto steady = std::chrono::steady_clock::time_point{std::chrono::hours{1000}};
    sim::wall_source wall{[&steady] { return steady; }, [] { return std::chrono::system_clock::now(); }};
    sim::clock clk{sim::clock_mode::accelerated, 3600, t0, wall};
    sim::scheduler sched{clk};
    CHECK(sched.lag().count() == 0);        // nothing pending
    sched.at(t0 + 1h, [] {});
    CHECK(sched.lag().count() == 0);        // pending, not yet due
    steady += std::chrono::seconds{3};      // 3 wall s = 3 virtual hours: due 2 h ago
    CHECK(sched.lag() == std::chrono::milliseconds{2h});
    CHECK(sched.run_until(t0 + 3h) == 1);   // the late event runs
    CHECK(sched.lag().count() == 0);        // nothing due is left
    sched.at(t0 + 2h, [] {});               // due (an hour ago) again
    CHECK(sched.lag() == std::chrono::milliseconds{1h});
    clk.set_mode(sim::clock_mode::stepped);
    CHECK(sched.lag().count() == 0);        // stepped: time waits for the events
    CHECK(sched.max_lag().count() == 0);    // no timer fired
}

TEST_CASE_FIXTURE(stepped_fixture, "run_until does not move time in accelerated mode") {
    clk.set_mode(sim::clock_mode::accelerated);
    auto before = sched.now();
    sched.at(before + 24h, record("tomorrow"));
    CHECK(sched.run_until(before + 48h) == 0);
    CHECK(sched.now() < before + 24h);
}

TEST_CASE_FIXTURE(fast_io_fixture,
                  "an accelerated scheduler on an io_context runs due events in order and stops when the queue is empty") {
    std::vector<int> ran;
    std::vector<instant> seen;
    auto const start = sched.now();
    sched.at(start + 24h, [&] { ran.push_back(3); seen.push_back(sched.now()); });
    sched.at(start + 1h, [&] { ran.push_back(1); seen.push_back(sched.now()); });
    sched.at(start + 1h, [&] {
        ran.push_back(2);
        seen.push_back(sched.now());
        sched.at(start - 1h, [&] { ran.push_back(0); seen.push_back(sched.now()); });  // in the past
    });

    // Only the timer keeps the io_context busy: run() returns once every event ran. The deadline
    // guards against a hang: 10 s of wall time is 10^7 virtual seconds here.
    io.run_for(10s);
    CHECK(ran == std::vector<int>{1, 2, 0, 3});
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] >= start + 1h);
    CHECK(seen[2] >= seen[1]);
    CHECK(seen[3] >= start + 24h);
    CHECK(sched.pending() == 0);
    CHECK(sched.now() >= start + 24h);
}

TEST_CASE_FIXTURE(fast_io_fixture, "an earlier event scheduled while the timer waits re-arms it") {
    std::vector<int> ran;
    auto const start = sched.now();
    sched.at(start + 1000h, [&] { ran.push_back(2); });  // ~3.6 wall seconds away
    sched.at(start + 1h, [&] {
        ran.push_back(1);
        clk.set_mode(sim::clock_mode::stepped);  // freeze: the far event must not run
    });
    io.run_for(10s);
    CHECK(ran == std::vector<int>{1});
    CHECK(sched.pending() == 1);
}

TEST_CASE("a speed change re-arms the timer for the new rate") {
    sim::clock clk{sim::clock_mode::accelerated, 1, t0};  // an hour away at wall speed
    sim::scheduler sched{clk};
    boost::asio::io_context io;
    sched.attach(io);
    bool ran = false;
    sched.at(sched.now() + 1h, [&] { ran = true; });
    io.poll();
    REQUIRE(clk.set_speed(1e7));
    io.run_for(10s);
    CHECK(ran);
}

TEST_CASE("a stepped scheduler on an io_context runs past events on the next loop turn only") {
    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};
    boost::asio::io_context io;
    sched.attach(io);
    std::vector<int> ran;
    sched.at(t0, [&] { ran.push_back(1); });
    sched.at(t0 + 1s, [&] { ran.push_back(2); });
    CHECK(ran.empty());
    io.run_for(10s);  // returns at once: the future event has no timer in stepped mode
    CHECK(ran == std::vector<int>{1});
    sched.advance(1s);
    CHECK(ran == std::vector<int>{1, 2});
}

TEST_CASE("a detached scheduler's pending wait does nothing") {
    sim::clock clk{sim::clock_mode::accelerated, 1e6, t0};
    boost::asio::io_context io;
    bool ran = false;
    {
        sim::scheduler sched{clk};
        sched.attach(io);
        sched.at(sched.now(), [&] { ran = true; });
    }
    io.run_for(1s);
    CHECK_FALSE(ran);
}

TEST_CASE("an io_context destroyed before its scheduler leaves it usable (issue 18)") {
    // Under ASan (tools/dev.sh sanitize) the old code was a use-after-free here: ~io_context
    // went first and the scheduler then cancelled and re-armed a timer of the dead loop.
    sim::clock clk{sim::clock_mode::accelerated, 1e6, t0};
    sim::scheduler sched{clk};
    std::vector<int> ran;
    {
        boost::asio::io_context io;
        sched.attach(io);
        sched.at(sched.now() + 1h, [&] { ran.push_back(1); });  // a wait pending on io
    }
    sched.at(sched.now() + 2h, [&] { ran.push_back(2); });  // earlier-head check, no timer
    REQUIRE(clk.set_speed(2e6));                            // the clock's listener re-arms
    CHECK(sched.pending() == 2);
    CHECK(ran.empty());
    // A new loop takes over: both events run from its timer.
    boost::asio::io_context io2;
    sched.attach(io2);
    io2.run_for(10s);
    CHECK(ran == std::vector<int>{1, 2});
    sched.detach();
}

TEST_CASE("a scheduler destroyed after its io_context, with a wait pending, is clean (issue 18)") {
    sim::clock clk{sim::clock_mode::accelerated, 1, t0};
    bool ran = false;
    auto sched = std::make_unique<sim::scheduler>(clk);
    {
        boost::asio::io_context io;
        sched->attach(io);
        sched->at(sched->now() + 1h, [&] { ran = true; });
        io.poll();
    }
    CHECK(sched->pending() == 1);
    CHECK(sched->run_until(t0 + 2h) == 0);  // accelerated at wall speed: not due for an hour
    sched->detach();                        // nothing to cancel any more
    sched.reset();                          // ~scheduler after ~io_context
    CHECK_FALSE(ran);
}

}  // TEST_SUITE

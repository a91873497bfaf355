#include "sim/clock.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace metersim;
using namespace std::chrono_literals;
using meters::instant_from_ms;

namespace {

/// A hand-moved wall clock: tests move wall time instead of waiting for it.
struct fake_wall {
    std::chrono::steady_clock::time_point steady{std::chrono::hours{1000}};
    std::chrono::system_clock::time_point system{std::chrono::milliseconds{1'767'225'600'000}};

    sim::wall_source source() {
        return {[this] { return steady; }, [this] { return system; }};
    }
    void pass(std::chrono::nanoseconds d) {
        steady += d;
        system += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    }
};

constexpr auto start = instant_from_ms(1'767'225'600'000);  // 2026-01-01T00:00:00Z

/// A clock on a fake wall, from `start`: accelerated 60 times unless a test says otherwise.
struct walled_clock {
    fake_wall wall;
    sim::clock c;
    explicit walled_clock(double speed = 60, sim::clock_mode mode = sim::clock_mode::accelerated)
        : c{mode, speed, start, wall.source()} {}
};

}  // namespace

TEST_SUITE("sim/clock") {

TEST_CASE("clock modes round-trip through their names") {
    for (auto m : {sim::clock_mode::realtime, sim::clock_mode::accelerated, sim::clock_mode::stepped})
        CHECK(sim::parse_clock_mode(sim::to_string(m)) == m);
    CHECK_FALSE(sim::parse_clock_mode("fast").has_value());
    CHECK_FALSE(sim::parse_clock_mode("Stepped").has_value());
}

TEST_CASE("a realtime clock starts at the wall time and runs at wall speed") {
    fake_wall wall;
    sim::clock c{sim::clock_mode::realtime, 60, instant_from_ms(0), wall.source()};
    CHECK(meters::to_ms(c.now()) == 1'767'225'600'000);
    wall.pass(2500ms);
    CHECK(meters::to_ms(c.now()) == 1'767'225'602'500);
    CHECK(c.rate() == 1.0);
}

TEST_CASE_FIXTURE(walled_clock, "an accelerated clock runs speed times faster than the wall from its start") {
    CHECK(c.now() == start);
    wall.pass(1min);
    CHECK(c.now() == start + 1h);
    CHECK(c.rate() == 60.0);
}

TEST_CASE("a fractional speed slows virtual time down") {
    fake_wall wall;
    sim::clock c{sim::clock_mode::accelerated, 0.5, start, wall.source()};
    wall.pass(10s);
    CHECK(c.now() == start + 5s);
    wall.pass(1ms);  // half a virtual millisecond is not a millisecond yet
    CHECK(c.now() == start + 5s);
}

TEST_CASE("a stepped clock moves only when told and never backwards") {
    fake_wall wall;
    sim::clock c{sim::clock_mode::stepped, 60, start, wall.source()};
    wall.pass(1h);
    CHECK(c.now() == start);
    c.advance(90s);
    CHECK(c.now() == start + 90s);
    c.step_to(start + 10s);
    CHECK(c.now() == start + 90s);
    c.advance(-5s);
    CHECK(c.now() == start + 90s);
    CHECK(c.rate() == 0.0);
}

TEST_CASE("step_to and advance do nothing outside stepped mode") {
    fake_wall wall;
    sim::clock c{sim::clock_mode::accelerated, 2, start, wall.source()};
    c.advance(1h);
    c.step_to(start + 2h);
    CHECK(c.now() == start);
}

TEST_CASE_FIXTURE(walled_clock, "changing speed keeps virtual time continuous") {
    wall.pass(1min);
    REQUIRE(c.now() == start + 1h);
    REQUIRE(c.set_speed(3600));
    CHECK(c.now() == start + 1h);
    wall.pass(1s);
    CHECK(c.now() == start + 2h);
    CHECK(c.speed() == 3600.0);
}

TEST_CASE_FIXTURE(walled_clock, "switching modes keeps virtual time continuous") {
    wall.pass(1min);

    SUBCASE("accelerated to stepped freezes the current time") {
        c.set_mode(sim::clock_mode::stepped);
        CHECK(c.now() == start + 1h);
        wall.pass(1h);
        CHECK(c.now() == start + 1h);
    }
    SUBCASE("accelerated to realtime runs on at wall speed without jumping to the wall") {
        c.set_mode(sim::clock_mode::realtime);
        CHECK(c.now() == start + 1h);
        wall.pass(1s);
        CHECK(c.now() == start + 1h + 1s);
    }
    SUBCASE("stepped back to accelerated resumes from the stepped time") {
        c.set_mode(sim::clock_mode::stepped);
        c.advance(24h);
        wall.pass(1h);
        c.set_mode(sim::clock_mode::accelerated);
        CHECK(c.now() == start + 25h);
        wall.pass(1s);
        CHECK(c.now() == start + 25h + 1min);
    }
}

TEST_CASE_FIXTURE(walled_clock, "invalid speeds are refused and change nothing") {
    for (double bad : {0.0, -1.0, std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN(), 1e10}) {
        CAPTURE(bad);
        CHECK_FALSE(c.set_speed(bad));
        CHECK(c.speed() == 60.0);
    }
    CHECK(sim::clock::is_valid_speed(0.001));
    CHECK(sim::clock::is_valid_speed(1e9));
}

TEST_CASE_FIXTURE(walled_clock, "a change notifies the listener once per effective change") {
    int calls = 0;
    c.on_change([&] { ++calls; });
    c.set_mode(sim::clock_mode::accelerated);
    CHECK(calls == 0);
    c.set_mode(sim::clock_mode::stepped);
    CHECK(calls == 1);
    REQUIRE(c.set_speed(10));
    CHECK(calls == 2);
    REQUIRE(c.set_speed(10));
    CHECK(calls == 2);
}

TEST_CASE_FIXTURE(walled_clock, "the wall deadline of a virtual instant follows the rate and never comes early") {
    CHECK(c.wall_deadline(start + 1h) == wall.steady + 1min);
    CHECK(c.wall_deadline(start - 1h) == wall.steady);

    REQUIRE(c.set_speed(3));
    auto d = c.wall_deadline(start + 1ms);  // 1/3 ms: rounded up to the next nanosecond
    REQUIRE(d.has_value());
    CHECK(*d == wall.steady + 333'334ns);

    c.set_mode(sim::clock_mode::stepped);
    CHECK_FALSE(c.wall_deadline(start + 1h).has_value());
}

TEST_CASE("virtual time never decreases while wall time advances in small steps") {
    fake_wall wall;
    sim::clock c{sim::clock_mode::accelerated, 0.37, start, wall.source()};
    auto previous = c.now();
    for (int i = 0; i < 10'000; ++i) {
        wall.pass(997us);
        auto t = c.now();
        REQUIRE(t >= previous);
        previous = t;
    }
    CHECK(previous == start + std::chrono::milliseconds{3688});  // floor(9.97 s * 0.37)
}

}  // TEST_SUITE

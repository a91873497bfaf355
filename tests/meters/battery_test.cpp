#include "meters/battery.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

#include "meters/rng.hpp"

using namespace metersim::meters;
using namespace std::chrono_literals;

namespace {

instant const t0 = instant_from_ms(1'767'196'800'000);  // 2026-01-01 00:00 +08:00
constexpr std::int64_t day_ms = 86'400'000;

/// 3600 mV new, low below 3300, failure below 3000, 1 mV a day.
battery_params test_params() {
    battery_params p;
    p.nominal_mv = 3600;
    p.low_mv = 3300;
    p.failure_mv = 3000;
    p.hysteresis_mv = 50;
    p.drain_per_day_uv = 1000;
    p.drain_per_session_uv = 300;
    p.drain_per_valve_action_uv = 2000;
    return p;
}

battery a_battery(battery_params p = test_params()) {
    return battery{p, battery::initial_state(p, t0)};
}

}  // namespace

TEST_SUITE("meters/battery") {

TEST_CASE("a new battery starts at its nominal voltage without alarms") {
    battery b = a_battery();
    CHECK(b.voltage_mv() == 3600);
    CHECK_FALSE(b.is_low());
    CHECK_FALSE(b.has_failed());
}

TEST_CASE("the battery drains per day of virtual time") {
    battery b = a_battery();
    CHECK(b.advance_to(t0 + std::chrono::days{10}).alarms.empty());
    CHECK(b.voltage_mv() == 3590);
    CHECK(b.state().voltage_uv == 3'590'000);
    (void)b.advance_to(t0 + std::chrono::days{10} + 12h);
    CHECK(b.state().voltage_uv == 3'589'500);
    (void)b.advance_to(t0);  // the past changes nothing
    CHECK(b.state().voltage_uv == 3'589'500);
}

TEST_CASE("draining in many small steps gives exactly the voltage of one step") {
    battery_params p = test_params();
    p.drain_per_day_uv = 777;  // leaves remainders at every step
    battery once = a_battery(p);
    battery steps = a_battery(p);
    meter_rng rng{seed_for(1, "battery-split")};
    instant t = t0;
    instant const end = t0 + std::chrono::days{200};
    while (t < end) {
        t = std::min(end, t + duration{rng.uniform(1, 3 * day_ms / 7)});
        (void)steps.advance_to(t);
    }
    (void)once.advance_to(end);
    CHECK(steps.state().voltage_uv == once.state().voltage_uv);
    CHECK(steps.state().drain_carry == once.state().drain_carry);
}

TEST_CASE("each radio session drains its share") {
    battery b = a_battery();
    (void)b.radio_session(t0);
    (void)b.radio_session(t0);
    CHECK(b.state().voltage_uv == 3'600'000 - 600);
    CHECK(b.state().sessions == 2);
}

TEST_CASE("each valve action drains its share") {
    battery b = a_battery();
    (void)b.valve_actions(3, t0);
    CHECK(b.state().voltage_uv == 3'600'000 - 6000);
    CHECK(b.state().valve_actions == 3);
    CHECK(b.valve_actions(0, t0).alarms.empty());
    CHECK(b.state().valve_actions == 3);
}

TEST_CASE("crossing the low threshold raises 0007H at the exact instant") {
    battery b = a_battery();
    // Below 3300 mV once 300.001 mV have drained at 1 mV/day.
    instant const crossing = t0 + duration{300'001 * day_ms / 1000};
    REQUIRE(b.next_crossing() == crossing);
    auto out = b.advance_to(t0 + std::chrono::days{400});
    REQUIRE(out.alarms.size() == 1);
    CHECK(out.alarms[0] == alarm_change{alarm_code::battery_low, true, crossing});
    CHECK_FALSE(out.close_valve);
    CHECK(b.is_low());
    CHECK(b.voltage_mv() == 3200);
}

TEST_CASE("crossing the failure threshold raises 0004H and closes the valve") {
    battery b = a_battery();
    auto out = b.advance_to(t0 + std::chrono::days{700});
    REQUIRE(out.alarms.size() == 2);
    CHECK(out.alarms[0].code == alarm_code::battery_low);
    CHECK(out.alarms[1].code == alarm_code::battery_failure);
    CHECK(out.alarms[1].raised);
    CHECK(out.alarms[1].at == t0 + duration{600'001 * day_ms / 1000});
    CHECK(out.close_valve);
    CHECK(b.has_failed());
    CHECK_FALSE(b.next_crossing().has_value());
}

TEST_CASE("a session that pushes the voltage below a threshold raises at the session") {
    battery_params p = test_params();
    p.drain_per_day_uv = 0;
    battery b{p, battery::initial_state(p, t0)};
    (void)b.set_voltage_mv(3300, t0);
    auto out = b.radio_session(t0 + 1h);
    REQUIRE(out.alarms.size() == 1);
    CHECK(out.alarms[0] == alarm_change{alarm_code::battery_low, true, t0 + 1h});
}

TEST_CASE("alarms clear only above the threshold plus hysteresis") {
    battery b = a_battery();
    auto low = b.set_voltage_mv(3290, t0);
    REQUIRE(low.alarms.size() == 1);
    CHECK(b.set_voltage_mv(3349, t0 + 1h).alarms.empty());
    CHECK(b.is_low());
    auto cleared = b.set_voltage_mv(3350, t0 + 2h);
    REQUIRE(cleared.alarms.size() == 1);
    CHECK(cleared.alarms[0] == alarm_change{alarm_code::battery_low, false, t0 + 2h});
    CHECK_FALSE(b.is_low());
}

TEST_CASE("setting a voltage below failure raises both alarms at once") {
    battery b = a_battery();
    auto out = b.set_voltage_mv(2900, t0 + 1h);
    REQUIRE(out.alarms.size() == 2);
    CHECK(out.alarms[0] == alarm_change{alarm_code::battery_low, true, t0 + 1h});
    CHECK(out.alarms[1] == alarm_change{alarm_code::battery_failure, true, t0 + 1h});
    CHECK(out.close_valve);
    CHECK(b.voltage_mv() == 2900);
}

TEST_CASE("a battery replacement restores the voltage, clears both alarms and frees the valve") {
    battery b = a_battery();
    (void)b.set_voltage_mv(2900, t0);
    auto out = b.replace(t0 + std::chrono::days{1});
    REQUIRE(out.alarms.size() == 2);
    CHECK(out.alarms[0] == alarm_change{alarm_code::battery_failure, false, t0 + std::chrono::days{1}});
    CHECK(out.alarms[1].code == alarm_code::battery_low);
    CHECK_FALSE(out.alarms[1].raised);
    CHECK(out.release_valve);
    CHECK_FALSE(out.close_valve);
    CHECK(b.voltage_mv() == 3600);
    CHECK(b.state().replacements == 1);
    CHECK(b.next_crossing() == t0 + std::chrono::days{1} + duration{300'001 * day_ms / 1000});
}

TEST_CASE("a battery without daily drain never predicts a crossing") {
    battery_params p = test_params();
    p.drain_per_day_uv = 0;
    battery b{p, battery::initial_state(p, t0)};
    CHECK_FALSE(b.next_crossing().has_value());
    CHECK(b.advance_to(t0 + std::chrono::days{10000}).alarms.empty());
}

TEST_CASE("a battery rebuilt from its state continues identically") {
    battery b = a_battery();
    (void)b.advance_to(t0 + std::chrono::days{123} + 7h);
    battery copy{b.params(), b.state()};
    CHECK(copy.advance_to(t0 + std::chrono::days{650}) == b.advance_to(t0 + std::chrono::days{650}));
    CHECK(copy.state() == b.state());
}

}  // TEST_SUITE

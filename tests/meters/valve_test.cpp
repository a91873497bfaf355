#include "meters/valve.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

using namespace metersim::meters;
using namespace std::chrono_literals;

namespace {

instant const t0 = instant_from_ms(1'767'196'800'000);  // 2026-01-01 00:00 +08:00
using k = valve_event_kind;

std::vector<valve_event_kind> kinds(valve_events const& events) {
    std::vector<valve_event_kind> out;
    for (auto const& e : events) out.push_back(e.kind);
    return out;
}

valve_params params_6s() {
    valve_params p;
    p.transit = 6s;
    return p;
}

/// A valve held closed by `c`, fully closed at t0 + 6 s.
valve closed_by(close_cause c, valve_params p = params_6s()) {
    valve v{p};
    (void)v.hold(c, t0);
    (void)v.advance_to(t0 + 6s);
    return v;
}

/// A valve held closed by `c` on a model that needs the button after what `needs_button` names.
valve closed_by_on_button_model(close_cause c, bool valve_params::*needs_button) {
    valve_params p = params_6s();
    p.*needs_button = true;
    return closed_by(c, p);
}

}  // namespace

TEST_SUITE("meters/valve") {

TEST_CASE("a new valve is open and lets gas flow") {
    valve v{params_6s()};
    CHECK(v.position() == valve_position::open);
    CHECK(v.gas_flows());
    CHECK(v.causes() == 0);
    CHECK_FALSE(v.next_transition().has_value());
}

TEST_CASE("closing takes the model's transit time and completes at its instant") {
    valve v{params_6s()};
    auto started = v.remote_close(t0);
    REQUIRE(kinds(started) == std::vector{k::closing_started});
    CHECK(started[0].alarm() == alarm_code::valve_closed);
    CHECK(v.position() == valve_position::closing);
    CHECK_FALSE(v.gas_flows());
    CHECK(v.next_transition() == t0 + 6s);
    CHECK(v.advance_to(t0 + 5s).empty());
    auto done = v.advance_to(t0 + 1h);
    REQUIRE(kinds(done) == std::vector{k::closed});
    CHECK(done[0].at == t0 + 6s);  // the instant it completed, not when we looked
    CHECK(v.position() == valve_position::closed);
    CHECK(v.state().actions == 1);
}

TEST_CASE("opening takes the transit time and gas flows only once fully open") {
    valve v = closed_by(close_cause::remote);
    auto started = v.remote_open(t0 + 1min);
    REQUIRE(kinds(started) == std::vector{k::opening_started});
    CHECK(started[0].alarm() == alarm_code::valve_opened);
    CHECK(v.position() == valve_position::opening);
    CHECK_FALSE(v.gas_flows());
    CHECK(kinds(v.advance_to(t0 + 1min + 6s)) == std::vector{k::opened});
    CHECK(v.gas_flows());
    CHECK(v.state().actions == 2);
}

TEST_CASE("a valve with no transit time moves at once") {
    valve_params p;
    p.transit = 0ms;
    valve v{p};
    CHECK(kinds(v.remote_close(t0)) == std::vector{k::closing_started, k::closed});
    CHECK(v.position() == valve_position::closed);
}

TEST_CASE("a closing interrupted by an open turns around and counts a second action") {
    valve v{params_6s()};
    (void)v.remote_close(t0);
    auto back = v.remote_open(t0 + 2s);
    CHECK(kinds(back) == std::vector{k::opening_started});
    CHECK(v.next_transition() == t0 + 8s);
    CHECK(v.state().actions == 2);
}

TEST_CASE("the valve stays closed while any cause holds") {
    valve v = closed_by(close_cause::remote);
    (void)v.hold(close_cause::magnetic, t0 + 10s);
    CHECK(v.is_held(close_cause::remote));
    CHECK(v.is_held(close_cause::magnetic));
    CHECK(v.remote_open(t0 + 20s).empty());
    CHECK(v.position() == valve_position::closed);
    CHECK(v.state().actions == 1);  // holding a closed valve is no action
    CHECK(cause_names(v.causes()) == std::vector<std::string_view>{"magnetic"});
}

TEST_CASE("a remote open clears the remote cause and reopens") {
    valve v = closed_by(close_cause::remote);
    CHECK(kinds(v.remote_open(t0 + 1min)) == std::vector{k::opening_started});
    CHECK_FALSE(v.is_held(close_cause::remote));
}

TEST_CASE("a model may need the button after a remote open") {
    valve v = closed_by_on_button_model(close_cause::remote, &valve_params::remote_open_needs_button);
    CHECK(v.remote_open(t0 + 1min).empty());
    CHECK(v.awaiting_button());
    CHECK(kinds(v.press_button(t0 + 2min)) == std::vector{k::opening_started});
}

TEST_CASE("a recharge lifts zero balance and overdraft and reopens by itself") {
    valve v{params_6s()};
    (void)v.hold(close_cause::zero_balance, t0);
    (void)v.hold(close_cause::overdraft, t0);
    (void)v.advance_to(t0 + 6s);
    CHECK(kinds(v.recharged(t0 + 1h)) == std::vector{k::opening_started});
    CHECK(v.causes() == 0);
    (void)v.advance_to(t0 + 2h);
    CHECK(v.gas_flows());
}

TEST_CASE("a recharge on a button model arms the button instead of reopening") {
    valve v = closed_by_on_button_model(close_cause::zero_balance, &valve_params::recharge_needs_button);
    CHECK(v.recharged(t0 + 1h).empty());
    CHECK(v.awaiting_button());
    CHECK(v.position() == valve_position::closed);
    CHECK(kinds(v.press_button(t0 + 2h)) == std::vector{k::opening_started});
    CHECK_FALSE(v.awaiting_button());
}

TEST_CASE("a button press does not override a fault that still holds") {
    for (close_cause c : {close_cause::tamper_leak, close_cause::magnetic,
                          close_cause::battery_failure, close_cause::measurement_fault}) {
        CAPTURE(to_string(c));
        valve v = closed_by(c);
        CHECK(v.press_button(t0 + 1min).empty());
        CHECK(v.is_held(c));
        CHECK(v.position() == valve_position::closed);
    }
}

TEST_CASE("after a fault's cause clears the valve waits for the button") {
    for (close_cause c : {close_cause::tamper_leak, close_cause::magnetic,
                          close_cause::battery_failure, close_cause::measurement_fault}) {
        CAPTURE(to_string(c));
        valve v = closed_by(c);
        CHECK(v.release(c, t0 + 1min).empty());
        CHECK(v.awaiting_button());
        CHECK(v.position() == valve_position::closed);
        CHECK(kinds(v.press_button(t0 + 2min)) == std::vector{k::opening_started});
    }
}

TEST_CASE("a button press undoes a warning close") {
    valve v = closed_by(close_cause::warning_close);
    CHECK(kinds(v.press_button(t0 + 1min)) == std::vector{k::opening_started});
    CHECK_FALSE(v.is_held(close_cause::warning_close));
}

TEST_CASE("a button press reopens an idle dead meter") {
    valve v = closed_by(close_cause::dead_meter);
    CHECK(kinds(v.press_button(t0 + 1min)) == std::vector{k::opening_started});
    CHECK(v.causes() == 0);
}

TEST_CASE("a button press leaves a remote or balance close alone") {
    valve v = closed_by(close_cause::remote);
    (void)v.hold(close_cause::zero_balance, t0 + 10s);
    CHECK(v.press_button(t0 + 1min).empty());
    CHECK(v.is_held(close_cause::remote));
    CHECK(v.is_held(close_cause::zero_balance));
}

TEST_CASE("an armed button still waits while another cause holds") {
    valve v = closed_by(close_cause::magnetic);
    (void)v.hold(close_cause::remote, t0 + 10s);
    (void)v.release(close_cause::magnetic, t0 + 20s);
    CHECK(v.remote_open(t0 + 30s).empty());  // no cause holds, but the button is awaited
    CHECK(kinds(v.press_button(t0 + 40s)) == std::vector{k::opening_started});
}

TEST_CASE("alarms that close the valve map to their causes") {
    CHECK(valve_cause_for(alarm_code::dead_meter) == close_cause::dead_meter);
    CHECK(valve_cause_for(alarm_code::external_abnormal) == close_cause::tamper_leak);
    CHECK(valve_cause_for(alarm_code::magnetic_interference) == close_cause::magnetic);
    CHECK(valve_cause_for(alarm_code::single_pipe) == close_cause::measurement_fault);
    CHECK(valve_cause_for(alarm_code::break_line) == close_cause::measurement_fault);
    CHECK(valve_cause_for(alarm_code::battery_failure) == close_cause::battery_failure);
    CHECK_FALSE(valve_cause_for(alarm_code::low_balance).has_value());
    CHECK_FALSE(valve_cause_for(alarm_code::cover_open).has_value());
}

TEST_CASE("an opening that fails ends abnormal with 000BH and lets no gas through") {
    valve v = closed_by(close_cause::remote);
    (void)v.inject_fault(valve_fault::open_fails, t0 + 10s);
    (void)v.remote_open(t0 + 20s);
    auto done = v.advance_to(t0 + 1min);
    REQUIRE(kinds(done) == std::vector{k::open_failed});
    CHECK(done[0].alarm() == alarm_code::valve_open_failed);
    CHECK(v.position() == valve_position::abnormal);
    CHECK_FALSE(v.gas_flows());
    // advance_to never retries by itself; an explicit action does, and succeeds this time.
    CHECK(v.advance_to(t0 + 1h).empty());
    CHECK(kinds(v.press_button(t0 + 2h)) == std::vector{k::opening_started});
    CHECK(kinds(v.advance_to(t0 + 3h)) == std::vector{k::opened});
}

TEST_CASE("a closing that fails ends abnormal with 000CH") {
    valve v{params_6s()};
    (void)v.inject_fault(valve_fault::close_fails, t0);
    (void)v.remote_close(t0);
    auto done = v.advance_to(t0 + 6s);
    REQUIRE(kinds(done) == std::vector{k::close_failed});
    CHECK(done[0].alarm() == alarm_code::valve_close_failed);
    CHECK(v.position() == valve_position::abnormal);
    CHECK_FALSE(v.gas_flows());
    CHECK(kinds(v.remote_close(t0 + 1min)) == std::vector{k::closing_started});
    CHECK(kinds(v.advance_to(t0 + 2min)) == std::vector{k::closed});
}

TEST_CASE("a damaged valve reports 0018H and does not move until repaired") {
    valve v{params_6s()};
    auto broke = v.inject_fault(valve_fault::damaged, t0);
    REQUIRE(kinds(broke) == std::vector{k::damaged});
    CHECK(broke[0].alarm() == alarm_code::valve_abnormal);
    CHECK(v.position() == valve_position::damaged);
    CHECK_FALSE(v.gas_flows());
    CHECK(v.remote_close(t0 + 1s).empty());
    CHECK(v.press_button(t0 + 2s).empty());
    CHECK(v.state().actions == 0);
    // Repaired while a remote close still holds: it stays closed.
    CHECK(kinds(v.repair(t0 + 1h)) == std::vector{k::repaired});
    CHECK(v.position() == valve_position::closed);
    CHECK(kinds(v.remote_open(t0 + 2h)) == std::vector{k::opening_started});
}

TEST_CASE("a repaired valve with no cause reopens") {
    valve v{params_6s()};
    (void)v.inject_fault(valve_fault::damaged, t0);
    CHECK(kinds(v.repair(t0 + 1h)) == std::vector{k::repaired, k::opening_started});
}

TEST_CASE("a meter without valve always lets gas flow and never acts") {
    valve_params p;
    p.has_valve = false;
    valve v{p};
    CHECK(v.position() == valve_position::none);
    CHECK(v.hold(close_cause::zero_balance, t0).empty());
    CHECK(v.gas_flows());
    CHECK(v.is_held(close_cause::zero_balance));
    CHECK(v.inject_fault(valve_fault::damaged, t0).empty());
    CHECK(v.recharged(t0 + 1h).empty());
    CHECK(v.state().actions == 0);
}

TEST_CASE("every valve action is counted for the battery") {
    valve v{params_6s()};
    std::uint64_t started = 0;
    for (int i = 0; i < 5; ++i) {
        instant const t = t0 + std::chrono::minutes{2 * i};
        for (auto const& e : v.remote_close(t)) started += e.is_action() ? 1u : 0u;
        (void)v.advance_to(t + 10s);
        for (auto const& e : v.remote_open(t + 30s)) started += e.is_action() ? 1u : 0u;
        (void)v.advance_to(t + 40s);
    }
    CHECK(started == 10);
    CHECK(v.state().actions == 10);
}

TEST_CASE("names of positions and causes round-trip") {
    for (auto p : {valve_position::none, valve_position::open, valve_position::closed,
                   valve_position::opening, valve_position::closing, valve_position::abnormal,
                   valve_position::damaged})
        CHECK(valve_position_from_string(to_string(p)) == p);
    for (std::uint16_t b = 1; b <= 0x100; b = static_cast<std::uint16_t>(b << 1)) {
        auto const c = static_cast<close_cause>(b);
        CHECK(close_cause_from_string(to_string(c)) == c);
    }
    CHECK(cause_names(all_close_causes).size() == 9);
}

TEST_CASE("a valve rebuilt from its state behaves the same") {
    valve v = closed_by(close_cause::magnetic);
    (void)v.release(close_cause::magnetic, t0 + 1min);
    valve copy{v.params(), v.state()};
    CHECK(copy.state() == v.state());
    CHECK(copy.press_button(t0 + 2min) == v.press_button(t0 + 2min));
}

}  // TEST_SUITE

#pragma once
/// The battery: voltage drained per day, per radio session and per valve action.
///
/// Voltage is kept in microvolts (int64) so that small daily drains accumulate exactly; it is
/// shown in millivolts (`voltage_mv`). The daily drain is integrated over virtual time with a
/// carried remainder: advancing in any number of steps gives the same voltage as one step.
///
/// Thresholds (spec: xianfeng appendix 6): below `low_mv` raises 0007H 电池欠压; below
/// `failure_mv` raises 0004H 电池失压, and failure must close the valve (DESIGN.md): the
/// outcome says so as data (`close_valve`), the caller puts close_cause::battery_failure on the
/// valve. An alarm clears only when the voltage is back at threshold + `hysteresis_mv` or more
/// (replacement, or an admin setting the voltage); then `release_valve` tells the caller to
/// release the cause (the valve then waits for the button, as for every fault).
/// An alarm raised by the daily drain carries the exact instant the threshold was crossed.

#include <cstdint>
#include <optional>
#include <vector>

#include "meters/alarms.hpp"
#include "meters/instant.hpp"

namespace metersim::meters {

/// Model parameters (battery chemistry and firmware thresholds).
struct battery_params {
    int nominal_mv = 3600;            ///< a new battery
    int low_mv = 3300;                ///< below: 0007H battery low
    int failure_mv = 3000;            ///< below: 0004H battery failure, valve closes
    int hysteresis_mv = 50;           ///< an alarm clears at threshold + hysteresis or above
    std::int64_t drain_per_day_uv = 150;        ///< continuous drain, microvolts per day
    std::int64_t drain_per_session_uv = 20;     ///< per radio session
    std::int64_t drain_per_valve_action_uv = 100;  ///< per valve transit started
};

/// The plain state; every field persists.
struct battery_state {
    std::int64_t voltage_uv = 3'600'000;
    std::int64_t drain_carry = 0;  ///< remainder of the daily drain, in µV·ms (< one day in ms)
    instant updated_at{};          ///< daily drain integrated up to here
    bool low = false;              ///< 0007H held
    bool failed = false;           ///< 0004H held
    std::uint64_t sessions = 0;    ///< radio sessions counted, ever
    std::uint64_t valve_actions = 0;  ///< valve actions counted, ever
    std::uint32_t replacements = 0;
    bool operator==(battery_state const&) const = default;
};

/// What a battery call did.
struct battery_outcome {
    std::vector<alarm_change> alarms;  ///< 0007H / 0004H raised or cleared, in order
    bool close_valve = false;          ///< failure raised: hold close_cause::battery_failure
    bool release_valve = false;        ///< failure cleared: release close_cause::battery_failure
    bool operator==(battery_outcome const&) const = default;
};

class battery {
public:
    battery() = default;
    battery(battery_params params, battery_state state) : params_(params), state_(state) {}

    /// A new battery at nominal voltage, drained from `now` on.
    static battery_state initial_state(battery_params const& params, instant now) noexcept;

    battery_params const& params() const noexcept { return params_; }
    battery_state const& state() const noexcept { return state_; }
    int voltage_mv() const noexcept { return static_cast<int>(state_.voltage_uv / 1000); }
    bool is_low() const noexcept { return state_.low; }
    bool has_failed() const noexcept { return state_.failed; }

    /// Applies the daily drain up to `now` (earlier instants change nothing).
    battery_outcome advance_to(instant now);

    /// Drain of one radio session at `now` (after the daily drain up to `now`).
    battery_outcome radio_session(instant now);

    /// Drain of `count` valve actions at `now`.
    battery_outcome valve_actions(std::uint64_t count, instant now);

    /// A new battery: nominal voltage, alarms cleared.
    battery_outcome replace(instant now);

    /// Sets the voltage directly (admin event `battery`), re-evaluating both thresholds.
    battery_outcome set_voltage_mv(int mv, instant now);

    /// When the daily drain alone next crosses a threshold that is not yet raised, if ever.
    std::optional<instant> next_crossing() const noexcept;

private:
    void drain(std::int64_t uv);
    /// Compares the voltage with the thresholds and reports changes at `at`.
    void evaluate(instant at, battery_outcome& out);

    battery_params params_;
    battery_state state_;
};

}  // namespace metersim::meters

#pragma once
/// The valve: a state machine driven by the set of causes that hold it closed.
///
/// Positions: open, closed, opening / closing (transient: a transit takes the model's
/// `transit` time and completes at an instant, see `next_transition`), abnormal (the last
/// transit failed: 000BH open failed or 000CH close failed, spec: xianfeng appendix 6), damaged
/// (valve fault 0018H 阀门异常: nothing moves until repaired) and none (a meter without valve:
/// gas always flows, 0017H 无阀 describes it).
///
/// Causes (a bitmask, `close_cause`): the valve is driven closed while any cause holds. It is
/// driven open only when no cause holds and no button press is awaited. Reopen rules:
/// - remote open clears `remote` (and, if the model says so, arms the button);
/// - recharge clears `zero_balance` and `overdraft`: reopens by itself, or arms the button when
///   the model's `recharge_needs_button` is set;
/// - a fault cause (tamper_leak, magnetic, battery_failure, measurement_fault) is released when
///   its condition ends, and then a button press reopens (the table: "排除干扰后可开启阀门");
/// - a button press undoes `warning_close` and `dead_meter` (0001H: "可按键打开阀门") and
///   answers an armed button; it never overrides a cause that still holds.
/// Gas flows only when the valve is fully open (or there is no valve).
///
/// Every transit started is a valve action (`state().actions`, and an `*_started` event): the
/// battery drains per action. An explicit action in position `abnormal` retries the transit;
/// `advance_to` never retries on its own. Nothing here reads a clock: time is an argument.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "meters/alarms.hpp"
#include "meters/instant.hpp"

namespace metersim::meters {

enum class valve_position : std::uint8_t { none, open, closed, opening, closing, abnormal, damaged };

/// "open", "closed", "opening", "closing", "abnormal", "damaged", "none".
std::string_view to_string(valve_position p) noexcept;
std::optional<valve_position> valve_position_from_string(std::string_view text) noexcept;

/// Why the valve is held closed. Values are bits of `valve_state::causes`.
enum class close_cause : std::uint16_t {
    remote = 1u << 0,             ///< a remote close command
    warning_close = 1u << 1,      ///< a warning close (low balance etc.); the button undoes it
    zero_balance = 1u << 2,       ///< prepaid balance reached zero (0012H)
    overdraft = 1u << 3,          ///< overdraft limit reached (0011H)
    tamper_leak = 1u << 4,        ///< leak, cover open, tilt (0003H)
    magnetic = 1u << 5,           ///< magnetic interference (0009H)
    dead_meter = 1u << 6,         ///< idle dead meter (0001H)
    battery_failure = 1u << 7,    ///< battery failure (0004H, DESIGN.md)
    measurement_fault = 1u << 8,  ///< measuring unit / line fault (0008H, 000AH)
};
inline constexpr std::uint16_t all_close_causes = 0x01FF;

/// "remote", "warning_close", "zero_balance", ... (stable names for JSON).
std::string_view to_string(close_cause c) noexcept;
std::optional<close_cause> close_cause_from_string(std::string_view text) noexcept;
/// The names of every cause in a mask, in bit order.
std::vector<std::string_view> cause_names(std::uint16_t mask);

/// The cause an alarm puts on the valve, if any: the table's self-closing alarms (0001H, 0003H,
/// 0008H, 0009H, 000AH) plus battery failure (0004H, DESIGN.md). Balance alarms are billing's.
std::optional<close_cause> valve_cause_for(alarm_code code) noexcept;

/// Model parameters of the valve.
struct valve_params {
    bool has_valve = true;
    std::chrono::milliseconds transit{std::chrono::seconds{6}};  ///< time to open or to close
    bool recharge_needs_button = false;    ///< after a recharge lifts a balance close
    bool remote_open_needs_button = false; ///< after a remote open lifts a remote close
};

/// A fault injected into the valve (admin `valve_fault`, scenarios).
enum class valve_fault : std::uint8_t {
    open_fails,   ///< the next opening ends abnormal with 000BH
    close_fails,  ///< the next closing ends abnormal with 000CH
    damaged,      ///< the valve is damaged now (0018H) until repaired
};

/// The plain state; every field persists.
struct valve_state {
    valve_position position = valve_position::open;
    std::uint16_t causes = 0;        ///< bits of close_cause
    bool awaiting_button = false;    ///< a button press is needed before it opens again
    instant transit_done{};          ///< when opening/closing completes (only in those positions)
    std::uint64_t actions = 0;       ///< transits started, ever (battery drain)
    bool fail_next_open = false;     ///< armed by valve_fault::open_fails
    bool fail_next_close = false;    ///< armed by valve_fault::close_fails
    bool operator==(valve_state const&) const = default;
};

enum class valve_event_kind : std::uint8_t {
    closing_started,  ///< a valve action: 0002H is reported
    opening_started,  ///< a valve action: 0005H is reported
    closed,           ///< a closing completed (the caller clears a held 000CH)
    opened,           ///< an opening completed: gas flows (the caller clears a held 000BH)
    open_failed,      ///< an opening ended abnormal: 000BH
    close_failed,     ///< a closing ended abnormal: 000CH
    damaged,          ///< the valve became damaged: 0018H
    repaired,         ///< the damage was repaired: the caller clears 0018H
};
std::string_view to_string(valve_event_kind k) noexcept;

/// What happened, at the instant it happened.
struct valve_event {
    valve_event_kind kind;
    instant at;
    /// The alarm the event reports (0002H, 0005H, 000BH, 000CH, 0018H), if any.
    std::optional<alarm_code> alarm() const noexcept;
    bool is_action() const noexcept {
        return kind == valve_event_kind::closing_started || kind == valve_event_kind::opening_started;
    }
    bool operator==(valve_event const&) const = default;
};
using valve_events = std::vector<valve_event>;

class valve {
public:
    valve() = default;
    explicit valve(valve_params params) : params_(params), state_(initial_state(params)) {}
    valve(valve_params params, valve_state state) : params_(params), state_(state) {}

    /// Open, or none for a meter without valve.
    static valve_state initial_state(valve_params const& params) noexcept;

    valve_params const& params() const noexcept { return params_; }
    valve_state const& state() const noexcept { return state_; }
    valve_position position() const noexcept { return state_.position; }
    std::uint16_t causes() const noexcept { return state_.causes; }
    bool is_held(close_cause c) const noexcept;
    bool awaiting_button() const noexcept { return state_.awaiting_button; }

    /// True when gas can flow: fully open, or no valve.
    bool gas_flows() const noexcept;

    /// When the current transit completes (opening/closing only): schedule advance_to then.
    std::optional<instant> next_transition() const noexcept;

    /// Completes a transit due at or before `now`.
    valve_events advance_to(instant now);

    /// Puts a cause on the valve (closes it if it was not already closed or closing).
    valve_events hold(close_cause c, instant now);

    /// The condition behind a cause ended; applies that cause's reopen rule (see above).
    valve_events release(close_cause c, instant now);

    valve_events remote_close(instant now) { return hold(close_cause::remote, now); }
    valve_events remote_open(instant now) { return release(close_cause::remote, now); }

    /// A recharge lifted the balance causes (zero_balance and overdraft).
    valve_events recharged(instant now);

    /// The user pressed the meter's button.
    valve_events press_button(instant now);

    /// Injects a fault (see valve_fault).
    valve_events inject_fault(valve_fault f, instant now);

    /// Repairs damage; the valve restarts closed and then follows its causes.
    valve_events repair(instant now);

private:
    bool wants_open() const noexcept;
    /// Starts the transit toward what the causes want, if the valve is not already there.
    void settle(instant now, valve_events& out);
    void start(valve_position transit, instant now, valve_events& out);

    valve_params params_;
    valve_state state_;
};

}  // namespace metersim::meters

#include "meters/valve.hpp"

#include "meters/enum_names.hpp"

namespace metersim::meters {

namespace {

constexpr enum_name<valve_position> position_names[] = {
    {valve_position::none, "none"},         {valve_position::open, "open"},
    {valve_position::closed, "closed"},     {valve_position::opening, "opening"},
    {valve_position::closing, "closing"},   {valve_position::abnormal, "abnormal"},
    {valve_position::damaged, "damaged"},
};

constexpr enum_name<close_cause> cause_table[] = {
    {close_cause::remote, "remote"},
    {close_cause::warning_close, "warning_close"},
    {close_cause::zero_balance, "zero_balance"},
    {close_cause::overdraft, "overdraft"},
    {close_cause::tamper_leak, "tamper_leak"},
    {close_cause::magnetic, "magnetic"},
    {close_cause::dead_meter, "dead_meter"},
    {close_cause::battery_failure, "battery_failure"},
    {close_cause::measurement_fault, "measurement_fault"},
};

constexpr std::uint16_t bit(close_cause c) noexcept { return static_cast<std::uint16_t>(c); }

}  // namespace

std::string_view to_string(valve_position p) noexcept { return name_of(position_names, p, "none"); }

std::optional<valve_position> valve_position_from_string(std::string_view text) noexcept {
    return value_of(position_names, text);
}

std::string_view to_string(close_cause c) noexcept { return name_of(cause_table, c, "unknown"); }

std::optional<close_cause> close_cause_from_string(std::string_view text) noexcept {
    return value_of(cause_table, text);
}

std::vector<std::string_view> cause_names(std::uint16_t mask) {
    std::vector<std::string_view> names;
    for (auto const& [v, name] : cause_table)
        if (mask & bit(v)) names.push_back(name);
    return names;
}

std::optional<close_cause> valve_cause_for(alarm_code code) noexcept {
    switch (code) {
    case alarm_code::dead_meter: return close_cause::dead_meter;
    case alarm_code::external_abnormal: return close_cause::tamper_leak;
    case alarm_code::battery_failure: return close_cause::battery_failure;
    case alarm_code::single_pipe: return close_cause::measurement_fault;
    case alarm_code::magnetic_interference: return close_cause::magnetic;
    case alarm_code::break_line: return close_cause::measurement_fault;
    default: return std::nullopt;
    }
}

std::string_view to_string(valve_event_kind k) noexcept {
    switch (k) {
    case valve_event_kind::closing_started: return "closing_started";
    case valve_event_kind::opening_started: return "opening_started";
    case valve_event_kind::closed: return "closed";
    case valve_event_kind::opened: return "opened";
    case valve_event_kind::open_failed: return "open_failed";
    case valve_event_kind::close_failed: return "close_failed";
    case valve_event_kind::damaged: return "damaged";
    case valve_event_kind::repaired: return "repaired";
    }
    return "unknown";
}

std::optional<alarm_code> valve_event::alarm() const noexcept {
    switch (kind) {
    case valve_event_kind::closing_started: return alarm_code::valve_closed;
    case valve_event_kind::opening_started: return alarm_code::valve_opened;
    case valve_event_kind::open_failed: return alarm_code::valve_open_failed;
    case valve_event_kind::close_failed: return alarm_code::valve_close_failed;
    case valve_event_kind::damaged: return alarm_code::valve_abnormal;
    default: return std::nullopt;
    }
}

// --- valve -----------------------------------------------------------------------------------

valve_state valve::initial_state(valve_params const& params) noexcept {
    valve_state s;
    s.position = params.has_valve ? valve_position::open : valve_position::none;
    return s;
}

bool valve::is_held(close_cause c) const noexcept { return (state_.causes & bit(c)) != 0; }

bool valve::gas_flows() const noexcept {
    return state_.position == valve_position::open || state_.position == valve_position::none;
}

std::optional<instant> valve::next_transition() const noexcept {
    if (state_.position == valve_position::opening || state_.position == valve_position::closing)
        return state_.transit_done;
    return std::nullopt;
}

bool valve::wants_open() const noexcept { return state_.causes == 0 && !state_.awaiting_button; }

void valve::start(valve_position transit, instant now, valve_events& out) {
    state_.position = transit;
    state_.transit_done = now + params_.transit;
    ++state_.actions;
    out.push_back({transit == valve_position::opening ? valve_event_kind::opening_started
                                                      : valve_event_kind::closing_started,
                   now});
    // A valve without transit time completes at once.
    if (params_.transit.count() <= 0) {
        valve_events done = advance_to(now);
        out.insert(out.end(), done.begin(), done.end());
    }
}

void valve::settle(instant now, valve_events& out) {
    bool const open = wants_open();
    switch (state_.position) {
    case valve_position::none:
    case valve_position::damaged: return;
    case valve_position::open:
    case valve_position::opening:
        if (!open) start(valve_position::closing, now, out);
        return;
    case valve_position::closed:
    case valve_position::closing:
        if (open) start(valve_position::opening, now, out);
        return;
    case valve_position::abnormal:
        // An explicit action retries the transit that failed (or the one now wanted).
        start(open ? valve_position::opening : valve_position::closing, now, out);
        return;
    }
}

valve_events valve::advance_to(instant now) {
    valve_events out;
    auto const due = next_transition();
    if (!due || *due > now) return out;
    if (state_.position == valve_position::opening) {
        bool const fails = std::exchange(state_.fail_next_open, false);
        state_.position = fails ? valve_position::abnormal : valve_position::open;
        out.push_back({fails ? valve_event_kind::open_failed : valve_event_kind::opened, *due});
    } else {
        bool const fails = std::exchange(state_.fail_next_close, false);
        state_.position = fails ? valve_position::abnormal : valve_position::closed;
        out.push_back({fails ? valve_event_kind::close_failed : valve_event_kind::closed, *due});
    }
    return out;
}

valve_events valve::hold(close_cause c, instant now) {
    valve_events out = advance_to(now);
    state_.causes = static_cast<std::uint16_t>(state_.causes | bit(c));
    settle(now, out);
    return out;
}

valve_events valve::release(close_cause c, instant now) {
    valve_events out = advance_to(now);
    if (is_held(c)) {
        state_.causes = static_cast<std::uint16_t>(state_.causes & ~bit(c));
        bool needs_button = true;  // faults, warning close and dead meter: the button reopens
        if (c == close_cause::remote) needs_button = params_.remote_open_needs_button;
        if (c == close_cause::zero_balance || c == close_cause::overdraft)
            needs_button = params_.recharge_needs_button;
        bool const shut = state_.position != valve_position::open &&
                          state_.position != valve_position::none;
        if (needs_button && shut) state_.awaiting_button = true;
    }
    settle(now, out);
    return out;
}

valve_events valve::recharged(instant now) {
    valve_events out = release(close_cause::zero_balance, now);
    valve_events more = release(close_cause::overdraft, now);
    out.insert(out.end(), more.begin(), more.end());
    return out;
}

valve_events valve::press_button(instant now) {
    valve_events out = advance_to(now);
    std::uint16_t const undone = bit(close_cause::warning_close) | bit(close_cause::dead_meter);
    state_.causes = static_cast<std::uint16_t>(state_.causes & ~undone);
    state_.awaiting_button = false;
    settle(now, out);
    return out;
}

valve_events valve::inject_fault(valve_fault f, instant now) {
    valve_events out = advance_to(now);
    if (!params_.has_valve) return out;
    switch (f) {
    case valve_fault::open_fails: state_.fail_next_open = true; break;
    case valve_fault::close_fails: state_.fail_next_close = true; break;
    case valve_fault::damaged:
        if (state_.position == valve_position::damaged) break;
        state_.position = valve_position::damaged;
        out.push_back({valve_event_kind::damaged, now});
        break;
    }
    return out;
}

valve_events valve::repair(instant now) {
    valve_events out = advance_to(now);
    if (state_.position != valve_position::damaged) return out;
    state_.position = valve_position::closed;
    state_.fail_next_open = false;
    state_.fail_next_close = false;
    out.push_back({valve_event_kind::repaired, now});
    settle(now, out);
    return out;
}

}  // namespace metersim::meters

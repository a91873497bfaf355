#pragma once
/// Events injected into a meter: what happens to it physically, as offered by the admin API
/// (DESIGN.md "Admin API" events) and scenarios. Namespace `events` keeps the short names
/// (battery, valve_fault) apart from the device units of the same name.
///
/// Tamper (cover open 0010H), leak / external abnormal (0003H), magnetic interference (0009H),
/// over-flow (0006H), measurement faults (0008H, 000AH, 0016H) and the rest of the table are
/// raised and cleared with `alarm` / `clear_alarm`; the meter applies each alarm's consequence
/// (its valve cause, see valve_cause_for) and wakes at once to report it.

#include <cstdint>
#include <optional>
#include <variant>

#include "meters/alarms.hpp"
#include "meters/fixed4.hpp"
#include "meters/valve.hpp"

namespace metersim::meters {
namespace events {

/// A lump of gas drawn at the instant (admin "consume" m3). Only while gas can flow; a lump
/// that would cross the credit closing level is cut there.
struct consume {
    volume amount;
};

/// Sets a constant flow override (m³ per hour; zero stops the flow); nullopt returns to the
/// meter's own profile.
struct flow {
    std::optional<volume> per_hour;
};

struct alarm {
    alarm_code code = alarm_code::unknown;
};
struct clear_alarm {
    alarm_code code = alarm_code::unknown;
};

/// Sets the battery voltage (admin "battery" volts, converted at the edge to millivolts).
struct battery {
    int millivolts = 3600;
};
struct battery_replaced {};

/// The customer presses the meter's button.
struct button {};

/// Radio reachability (a meter out of coverage) and an immediate session request.
struct offline {};
struct online {};
struct wake {};

/// A valve fault (the next opening or closing fails, or the valve is damaged) and its repair.
struct valve_fault {
    meters::valve_fault kind = meters::valve_fault::damaged;
};
struct valve_repaired {};

/// Flow meters: the gas conditions measured (°C, kPa), reported as-is.
struct conditions {
    decimal temperature_c;
    decimal pressure_kpa;
};

}  // namespace events

using event = std::variant<events::consume, events::flow, events::alarm, events::clear_alarm,
                           events::battery, events::battery_replaced, events::button,
                           events::offline, events::online, events::wake, events::valve_fault,
                           events::valve_repaired, events::conditions>;

}  // namespace metersim::meters

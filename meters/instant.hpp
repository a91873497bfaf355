#pragma once
/// Virtual time: `instant` is a point on the simulation's clock in integer milliseconds since
/// the Unix epoch (UTC). It is a distinct type from the wall clock's time points, so
/// the compiler rejects mixing virtual and wall time. meters/ owns the type but no clock: every
/// entry point takes `instant now` from its caller (sim/clock decides what "now" is).

#include <chrono>
#include <cstdint>

namespace metersim::meters {

/// The tag clock behind `instant`. It has no now(): nothing in meters/ can read time.
struct virtual_clock {
    using rep = std::int64_t;
    using period = std::milli;
    using duration = std::chrono::milliseconds;
    using time_point = std::chrono::time_point<virtual_clock, duration>;
    static constexpr bool is_steady = true;
};

using duration = std::chrono::milliseconds;
using instant = virtual_clock::time_point;

/// Builds an instant from milliseconds since the epoch (persistence and tests).
constexpr instant instant_from_ms(std::int64_t ms) noexcept { return instant{duration{ms}}; }
constexpr std::int64_t to_ms(instant t) noexcept { return t.time_since_epoch().count(); }

}  // namespace metersim::meters

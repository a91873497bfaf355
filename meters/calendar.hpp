#pragma once
/// Civil (wall-calendar) time for the meter, in one fixed zone.
///
/// Vendor timestamps carry no zone (DESIGN.md "Time"): they are read and written in one
/// configurable zone, a fixed offset from UTC in minutes (China: +08:00, no DST). Everything the
/// meter does by the calendar (midnight freezes, month starts, ladder cycles, settlement days)
/// goes through these functions, so the zone is applied in exactly one place. No tzdb: only the
/// std::chrono calendar types (year_month_day, sys_days), which g++ 12 provides.
///
/// All functions are pure and total over the instants the simulator uses (years 1970-9999).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "meters/fixed4_text.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"

namespace metersim::meters {

/// A fixed offset east of UTC: +480 for China (+08:00).
struct utc_offset {
    std::int32_t minutes = 0;
    auto operator<=>(utc_offset const&) const = default;
};

/// The one UTC offset parser: "+08:00", "-05:30", "+0800", "+08", "Z", "UTC"; at most ±14:00.
result<utc_offset, parse_error> parse_utc_offset(std::string_view text);

/// A local date and time of day in the meter's zone, to the millisecond.
struct civil_time {
    std::int32_t year = 1970;
    std::uint32_t month = 1;   ///< 1..12
    std::uint32_t day = 1;     ///< 1..31
    std::uint32_t hour = 0;    ///< 0..23
    std::uint32_t minute = 0;  ///< 0..59
    std::uint32_t second = 0;  ///< 0..59
    std::uint32_t millisecond = 0;
    auto operator<=>(civil_time const&) const = default;
};

/// The local civil time of `t` in `zone`.
civil_time to_civil(instant t, utc_offset zone);
/// The instant of a local civil time. Out-of-range days are clamped to the month's last day
/// (so "31 February" is the 28th or 29th); other fields must be in range.
instant from_civil(civil_time const& c, utc_offset zone);

/// Parses "yyyy-MM-dd HH:mm:ss" (the way configs and scenarios write times): a real date in
/// the years 1970..9999 and a time of day; anything else gives nullopt.
std::optional<civil_time> parse_civil_time(std::string_view text) noexcept;

/// The local calendar date of `t`.
std::chrono::year_month_day local_date(instant t, utc_offset zone);
/// Local midnight at the start of date `d`.
instant local_midnight(std::chrono::year_month_day d, utc_offset zone);

/// Local midnight at or before `t` (the start of t's day).
instant start_of_day(instant t, utc_offset zone);
/// Local midnight of the first day of t's month.
instant start_of_month(instant t, utc_offset zone);
/// The first midnight strictly after `t`.
instant next_midnight(instant t, utc_offset zone);
/// The first month start strictly after `t`.
instant next_month_start(instant t, utc_offset zone);

/// `t` moved by `months` calendar months (negative allowed) keeping the local time of day; the
/// day is clamped to the target month's last day (Jan 31 + 1 month = Feb 28/29).
instant add_months(instant t, std::int32_t months, utc_offset zone);

/// Whole calendar months from the month of `a` to the month of `b` (local), ignoring days.
std::int32_t months_between(instant a, instant b, utc_offset zone);

/// Boundaries of calendar quarters (Jan/Apr/Jul/Oct) and years: the first one strictly after t.
instant next_quarter_start(instant t, utc_offset zone);
instant next_year_start(instant t, utc_offset zone);

}  // namespace metersim::meters

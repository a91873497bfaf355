#pragma once
/// Vendor timestamps: `yyyyMMddHHmmss`, `yyyy-MM-dd HH:mm:ss` and `yyyy-MM-dd`.
///
/// The vendors' timestamps carry no zone (DESIGN.md "Time"): they are read and written at one
/// fixed UTC offset, in minutes (+480 for China), which the caller passes in. Parsing checks the
/// exact shape (digits and separators at their places, nothing more, nothing less) and the
/// calendar (months 01-12, real days: 2023-02-29 and 2024-02-30 are refused, hours 00-23,
/// minutes and seconds 00-59). Errors carry the 0-based position and a reason
/// (meters::parse_error), which field_check turns into the vendor's api_error.
///
/// Two time types, never mixed (STYLE.md §5): meters::instant for virtual time (meter clocks,
/// command expiry, freeze dates) and std::chrono::system_clock::time_point for wall time (the
/// freshness of authentication timestamps). Sub-second parts are dropped when formatting.
/// Pure functions, thread-safe; host_utc_offset() computes once.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "meters/fixed4_text.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"

namespace metersim::platforms {

enum class timestamp_format {
    compact,   ///< yyyyMMddHHmmss        "20170725144845"
    spaced,    ///< yyyy-MM-dd HH:mm:ss   "2017-07-25 14:48:45"
    date_only, ///< yyyy-MM-dd            "2017-07-25" (midnight)
};

/// The text pattern, for messages: "yyyyMMddHHmmss".
std::string_view pattern_of(timestamp_format f) noexcept;

/// A wall-clock reading without a zone, as the vendors write it.
struct civil_time {
    int year = 1970;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    auto operator<=>(civil_time const&) const = default;
};

using time_parse_result = meters::result<civil_time, meters::parse_error>;

/// Parses and validates the shape and the calendar.
time_parse_result parse_civil(std::string_view text, timestamp_format f);
/// Formats with zero padding; years outside 0..9999 are clamped to that range.
std::string format_civil(civil_time const& t, timestamp_format f);

/// Seconds since the Unix epoch of a civil time read at `utc_offset`.
std::int64_t to_epoch_seconds(civil_time const& t, std::chrono::minutes utc_offset) noexcept;
/// The civil time at `utc_offset` of a count of seconds since the epoch.
civil_time from_epoch_seconds(std::int64_t seconds, std::chrono::minutes utc_offset) noexcept;

/// Virtual time <-> text at a fixed offset.
meters::result<meters::instant, meters::parse_error> parse_instant(
    std::string_view text, timestamp_format f, std::chrono::minutes utc_offset);
std::string format_instant(meters::instant t, timestamp_format f, std::chrono::minutes utc_offset);

/// Wall time <-> text at a fixed offset (authentication windows).
using wall_time = std::chrono::system_clock::time_point;
meters::result<wall_time, meters::parse_error> parse_wall(
    std::string_view text, timestamp_format f, std::chrono::minutes utc_offset);
std::string format_wall(wall_time t, timestamp_format f, std::chrono::minutes utc_offset);

/// Parses the config's `timezone`: "local" (the host's offset, see host_utc_offset), or what
/// meters::parse_utc_offset reads: "Z" or "UTC" (0), or a fixed offset "+08:00", "-05:30",
/// "+0800", "+08" (offsets beyond ±14:00 and minutes beyond 59 are refused).
meters::result<std::chrono::minutes, meters::parse_error> parse_utc_offset(std::string_view text);
/// "+08:00", "-05:30", "+00:00".
std::string format_utc_offset(std::chrono::minutes offset);

/// The host's current UTC offset, computed with localtime_r on first use and then fixed for the
/// life of the process (a DST change while running is not followed, by design: one zone).
std::chrono::minutes host_utc_offset() noexcept;

}  // namespace metersim::platforms

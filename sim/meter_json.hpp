#pragma once
/// The whole meter state as JSON text and back, unchanged (persistence, the admin API's `state`).
///
/// Every field of meters::meter_state and its sub-states is written; reading it back gives a
/// state that compares equal (`==`) to the one written, so a meter rebuilt from it with
/// `meter(model, state)` continues exactly as the original would. The format:
/// - money, volume, price and decimal figures as strings with exactly 4 decimals ("15.0000"),
///   read back exactly through meters::parse_fixed4 (never a double);
/// - instants as integer milliseconds since the Unix epoch (instant::max() as its int64 value);
/// - enumerations as stable names ("in_use", "closing", "monthly"), alarm codes as the spec's
///   text ("000FH"), the valve's close causes as a list of names;
/// - optional parts (`pending`, `price_change`) as null when absent;
/// - `"format": 1` at the top, so a later layout can be told apart.
/// The reader is strict: a missing field, a field of the wrong JSON type, a bad decimal, an
/// unknown name or an out-of-range integer is an error naming the field's path
/// ("billing.balance", "freezes.daily[3].at"). Unknown extra fields are ignored.
///
/// nlohmann/json stays in the .cpp files.

#include <string>
#include <string_view>

#include "meters/meter.hpp"
#include "meters/result.hpp"

namespace metersim::sim {

/// The version written in `"format"`.
inline constexpr int meter_json_format = 1;

/// Compact JSON text of the whole state.
std::string to_json_text(meters::meter_state const& state);

/// Parses text written by to_json_text. The error is one line: "<field path>: <what is wrong>".
meters::result<meters::meter_state, std::string> meter_state_from_json(std::string_view text);

}  // namespace metersim::sim

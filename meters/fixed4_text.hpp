#pragma once
/// Exact decimal text <-> fixed4, used at every protocol and file edge.
///
/// Accepted: `-?digits(.digits{1,4})?` — an optional minus sign, 1 to 12 integer digits, and
/// optionally a dot followed by 1 to 4 decimals. No plus sign, exponent, spaces or empty parts.
/// More digits or decimals are an error, never a silent rounding. Errors carry the offending
/// character position (0-based) and a reason, so a caller can name the field and the place.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "meters/fixed4.hpp"
#include "meters/result.hpp"

namespace metersim::meters {

struct parse_error {
    std::size_t position = 0;  ///< 0-based index of the offending character (or the length)
    std::string reason;        ///< e.g. "more than 4 decimals"
};

/// Parses text into a count of 1e-4 units.
result<std::int64_t, parse_error> parse_fixed4(std::string_view text);

template <class T>
result<T, parse_error> parse_as(std::string_view text) {
    auto r = parse_fixed4(text);
    if (!r) return unexpected{r.error()};
    return T::from_e4(r.value());
}
inline result<money, parse_error> parse_money(std::string_view t) { return parse_as<money>(t); }
inline result<volume, parse_error> parse_volume(std::string_view t) { return parse_as<volume>(t); }
inline result<price, parse_error> parse_price(std::string_view t) { return parse_as<price>(t); }
inline result<decimal, parse_error> parse_decimal(std::string_view t) { return parse_as<decimal>(t); }

/// Formats e4 units with exactly 4 decimals: 150000 -> "15.0000", -5 -> "-0.0005".
std::string format_e4(std::int64_t e4);

template <class Tag>
std::string to_string(fixed4<Tag> x) { return format_e4(x.e4()); }

/// Formats with exactly `places` decimals (0..4), rounding half away from zero; vendors whose
/// fields carry fewer places (Xintian prices: 2) use this at their edge.
std::string format_e4_places(std::int64_t e4, int places);

}  // namespace metersim::meters

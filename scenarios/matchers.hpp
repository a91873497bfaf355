#pragma once
/// Matchers (scenarios/README.md "Matchers") over platforms::json_value, whose numbers are their
/// raw tokens: equality compares texts (a JSON string "0" and a JSON number 0 both equal `0`),
/// decimals compare exactly in 1e-4 units (never through a double).
///
/// Two conveniences beyond the README: `contains` on an array of objects matches an element when
/// one of its scalar members matches (alarms are [{code, name, raised_at}], so
/// `alarms: { contains: "0011H" }` works); decimals written with more than 4 decimals match when
/// the extra digits are zeros ("12.500000"). Texts must already be interpolated (interpolate.hpp).
/// Pure functions; nothing throws for any input (a bad regular expression does not match).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platforms/common/json_reader.hpp"
#include "scenarios/scenario.hpp"

namespace metersim::scenarios {

/// Whether `v` (nullptr: the field is absent) matches `m`.
bool matches(matcher const& m, platforms::json_value const* v);

/// How the matcher reads in a message: `"0"`, `decimal 12.5`, `regex ^a`, `range [10, 20]`,
/// `present`, `absent`, `any of ("1", "2")`, `contains "0011H"`.
std::string describe(matcher const& m);

/// How a value reads in a message: its compact JSON text (cut to `limit` bytes), or `absent`.
std::string describe(platforms::json_value const* v, std::size_t limit = 200);

/// A decimal in 1e-4 units from text ("12.5", "-0.0001", "12.500000"); nullopt when it is not one.
std::optional<std::int64_t> decimal_e4(std::string_view text);

/// The text a plain-value matcher compares: a string's text, a number's token, true/false/null,
/// an object's or array's compact JSON.
std::string scalar_text(platforms::json_value const& v);

}  // namespace metersim::scenarios

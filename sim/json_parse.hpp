#pragma once
/// An exception-free JSON parser for sim/'s own JSON (persisted meter state, admin API bodies),
/// into an nlohmann::json DOM whose fractional numbers keep their raw token.
///
/// INTERNAL: this header includes nlohmann/json. Include it from .cpp files only (STYLE.md: keep
/// nlohmann out of widely included headers).
///
/// Why not platforms/common/json_reader: sim may not use platforms (DESIGN.md dependency
/// direction). Why not json::parse: it turns `12.5` into a double. Here nlohmann's SAX parser
/// builds the DOM and `number_float(double, raw)` stores the raw token ("12.50", "1e3") as a
/// binary value with subtype `raw_number_subtype`; the double is never looked at. Integers stay
/// nlohmann integers (they are exact). `decimal_e4` then reads a decimal exactly from a JSON
/// string, an integer or a raw fractional token through meters::parse_fixed4 (STYLE.md §7).
/// A fractional number where a string or an integer is expected is therefore a type error, as
/// it should be. Duplicate keys and nesting deeper than `max_depth` are refused.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "meters/fixed4_text.hpp"
#include "meters/result.hpp"

namespace metersim::sim::jsonx {

using json = nlohmann::json;

/// The binary subtype that marks a raw fractional number token.
inline constexpr std::uint8_t raw_number_subtype = 0x64;  // 'd'

struct parse_failure {
    std::size_t offset = 0;  ///< byte offset nlohmann reports (0 when not known)
    std::string reason;
};

/// Parses a whole text. Never throws for any input.
meters::result<json, parse_failure> parse(std::string_view text, std::size_t max_depth = 64);

/// True for a fractional number kept as its raw token.
bool is_raw_number(json const& v) noexcept;
/// The raw token of such a number ("" for anything else).
std::string raw_number(json const& v);

/// What a JSON value is, for messages: "a string", "an integer", "a number", "an object", ...
std::string_view describe(json const& v) noexcept;

/// An exact decimal in 1e-4 units from a JSON string, an integer or a raw fractional token.
/// Errors: nullopt-like via the result's parse_error; `wrong_type` is set when `v` is none of
/// those kinds (the reason then says what it was).
struct decimal_error {
    bool wrong_type = false;
    meters::parse_error detail;
};
meters::result<std::int64_t, decimal_error> decimal_e4(json const& v);

/// Compact text, invalid UTF-8 replaced (dump never throws then).
std::string dump(json const& v);
std::string dump(nlohmann::ordered_json const& v);

}  // namespace metersim::sim::jsonx

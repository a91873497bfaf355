#pragma once
/// `${var}` interpolation and the conversion of a scenario `value` to the JSON text it sends
/// (scenarios/README.md "Values, variables and field paths", "call").
///
/// Variables are looked up through a callback, so the runner decides what is visible (vars, saved
/// values, `${meter}`, `${i}`, and the built-ins `now`, `seq`, `imei:NO`, ...). A value saved from
/// a JSON number, object or array keeps its JSON text (`is_json`): a string that is exactly one
/// `${name}` of such a value becomes that JSON value when sent; anywhere else its text is
/// spliced in. Numbers keep the digits written: nothing here goes through a double.
/// Pure functions; nothing throws for any input.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "meters/result.hpp"
#include "scenarios/scenario.hpp"

namespace metersim::scenarios {

/// A variable's value: plain text, or JSON text (a saved number, boolean, null, object, array).
struct var_value {
    std::string text;
    bool is_json = false;
};

/// The value of a name written between `${` and `}`; nullopt when unknown.
using var_lookup = std::function<std::optional<var_value>(std::string_view name)>;

/// Replaces every `${name}` in `text`. Errors: "unknown variable ${x}", "unclosed ${ at 3".
meters::result<std::string, std::string> interpolate(std::string_view text, var_lookup const& lookup);

/// The name when `text` is exactly one `${name}` and nothing else.
std::optional<std::string_view> sole_reference(std::string_view text) noexcept;

/// True when `text` is a JSON number literal (RFC 8259: -?int frac? exp?).
bool is_json_number(std::string_view text) noexcept;

/// The JSON text of a scenario value (README "call" body rules): maps and lists as JSON, a quoted
/// scalar as a JSON string, a plain scalar that reads as a JSON number, true, false or null as
/// that literal, any other plain scalar as a JSON string. `${var}` is resolved in keys and texts.
meters::result<std::string, std::string> to_json_text(value const& v, var_lookup const& lookup);

/// The same matcher with `${var}` resolved in its texts (equals, decimal, regex, inner ones).
meters::result<matcher, std::string> interpolate(matcher const& m, var_lookup const& lookup);

}  // namespace metersim::scenarios

#pragma once
/// Field paths (scenarios/README.md "Values, variables and field paths"): keys separated by dots,
/// array elements by `[index]`: `data.deviceId`, `DataList[0].Remnant`, `[0].callbackData`,
/// `service[2].data.balance`. `$` (alone, or as a prefix: `$.a`, `$[0]`) is the whole document.
///
/// One convenience beyond the README: a key applied to an array of exactly one element looks
/// inside that element, so `callbackData.reportType` finds it in Xianfeng's `[{...}]` bodies.
/// Pure functions over platforms::json_value (numbers kept as their raw tokens).

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "meters/result.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::scenarios {

/// One step of a path: a key or an array index.
using path_step = std::variant<std::string, std::size_t>;

/// Parses a path; the error says what is wrong and where ("unclosed [ at 4").
meters::result<std::vector<path_step>, std::string> parse_path(std::string_view path);

/// The value at `path` in `doc`, or nullptr when it is not there (or the path is malformed).
platforms::json_value const* find_path(platforms::json_value const& doc, std::string_view path);
platforms::json_value const* find_path(platforms::json_value const& doc, std::vector<path_step> const& steps);

}  // namespace metersim::scenarios

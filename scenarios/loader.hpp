#pragma once
/// Loading scenario files (scenarios/README.md is the format): YAML in, scenarios::scenario out,
/// or every problem found at once, each with file, line and column. yaml-cpp stays in the .cpp.

#include <string>
#include <string_view>
#include <vector>

#include "meters/result.hpp"
#include "scenarios/scenario.hpp"

namespace metersim::sim {
class catalogue;
}

namespace metersim::scenarios {

/// One problem in a scenario file.
struct load_error {
    source_pos at;
    std::string message;  ///< "steps[2].advance: found \"2x\", expected a duration such as 90s, 15m, 2h, 1d12h"
};
/// "FILE:LINE:COLUMN: error: MESSAGE" (or "FILE: error: MESSAGE" without a place).
std::string to_string(load_error const& e);

using load_result = meters::result<scenario, std::vector<load_error>>;

/// Parses YAML text; `file` names it in errors and in the scenario. Models are checked against
/// `models` (the built-in catalogue in practice).
load_result parse_scenario(std::string_view yaml, std::string_view file, sim::catalogue const& models);
/// Reads and parses a file; an unreadable file is one error without line and column.
load_result load_scenario_file(std::string const& path, sim::catalogue const& models);

}  // namespace metersim::scenarios

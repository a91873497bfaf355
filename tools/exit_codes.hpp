#pragma once
/// Exit codes of the `metersim` command line (DESIGN.md "Interfaces users touch"). Plain ints in a
/// namespace, so `return exit_code::bad_input;` reads well from main() and the cmd_* functions.

namespace metersim::tools::exit_code {

inline constexpr int ok = 0;                  ///< done; every expectation held
inline constexpr int expectation_failed = 1;  ///< a scenario ran and an expectation did not hold
inline constexpr int bad_input = 2;           ///< bad flags, invalid config or scenario, startup failure

}  // namespace metersim::tools::exit_code

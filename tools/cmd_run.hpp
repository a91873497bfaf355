#pragma once
/// `metersim run` and `metersim validate`: scenario files (scenarios/README.md) from the command
/// line.
///
/// Both load every file first; a file that does not load stops everything with every problem of
/// every file printed as `FILE:LINE:COLUMN: error: ...` and exit 2. `run` then runs each scenario
/// (scenarios::run_scenario in a world from tools::scenario_world_factory), printing a live line
/// per step and a summary table, and writes the JUnit and HTML reports it was asked for, also
/// when a scenario failed. CLI11 stays out of this header (forward declaration only).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace metersim::tools {

/// The flags of `metersim run`.
struct run_command_options {
    std::vector<std::string> files;
    std::string junit_file;   ///< empty: no JUnit XML
    std::string report_file;  ///< empty: no HTML report
    std::optional<std::string> cis_url;
    std::optional<std::uint64_t> seed;
    std::string filter;  ///< empty: every scenario
};

/// The arguments of `metersim validate`.
struct validate_command_options {
    std::vector<std::string> files;
};

/// Adds the `run` subcommand to `app` with its flags bound to `opts`; returns the subcommand.
CLI::App* add_run_command(CLI::App& app, run_command_options& opts);
/// Adds the `validate` subcommand.
CLI::App* add_validate_command(CLI::App& app, validate_command_options& opts);

/// Runs `metersim run`; returns the exit code: 0 every expectation held, 1 one failed, 2 bad
/// input (a file that does not load, no scenario left by --filter, a scenario that could not run,
/// a report file that cannot be written).
int run_run(run_command_options const& opts);
/// Runs `metersim validate`; returns 0 when every file loads ("N scenarios OK"), else 2.
int run_validate(validate_command_options const& opts);

}  // namespace metersim::tools

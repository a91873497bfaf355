#pragma once
/// `metersim load`: load-tests a CIS with a fleet of simulated meters. The platforms listen as in
/// `serve` (serve_app, on the same config) so the CIS calls back as in production, while a
/// driver (tools/load/load_driver.hpp) wakes meters at the target push rate; every push attempt
/// and every CIS request is measured (tools/load/load_stats.hpp); live progress goes to stderr
/// once a second, the summary to stdout, and on request a JSON summary and an HTML report
/// (tools/load/load_summary.hpp). Exit 0 when every threshold held, 1 when one was missed, 2 on
/// bad input. CLI11 and Asio stay out of this header.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace metersim::tools {

/// The flags of `metersim load`.
struct load_options {
    std::string config_file;     ///< empty: the embedded default config
    std::string platform;        ///< cnmcsp | xianfeng | xintian
    std::uint32_t meters = 0;
    std::string model;           ///< empty: the platform's default load model
    std::string duration;        ///< "10m", "90s", ...
    std::string ramp = "0";
    std::optional<double> rate;             ///< pushes per second over the fleet
    std::optional<double> reports_per_day;  ///< per meter, at the config's clock speed
    std::string cis;             ///< replaces scheme, host and port of every push URL
    double alarms_percent = 0;
    bool open = false;
    std::uint64_t seed = 1;
    std::optional<double> max_p99_ms;
    std::optional<double> max_error_rate_pct;
    std::string json_file;
    std::string report_file;
    std::string meters_csv;
    /// Not a flag: called on the loop thread when the load begins, with the loaded platform's
    /// bound port (in-process tests call the platform then, as the CIS would).
    std::function<void(std::uint16_t platform_port)> on_begin;
};

/// Adds the `load` subcommand to `app` with its flags bound to `opts`; returns the subcommand.
CLI::App* add_load_command(CLI::App& app, load_options& opts);

/// Runs `metersim load` once the command line is parsed; returns an exit code (tools/exit_codes.hpp).
int run_load(load_options const& opts);

}  // namespace metersim::tools

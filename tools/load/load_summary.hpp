#pragma once
/// The end of a `metersim load` run: the thresholds judged, the summary table (stdout), the JSON
/// summary (--json; field names are stable, README "metersim load") and the HTML report
/// (--report; load_report.cpp). Pure text from the measurement; no I/O.

#include <optional>
#include <string>
#include <vector>

#include "tools/load/load_stats.hpp"

namespace metersim::tools::load {

/// What the run was, beside what it measured.
struct run_info {
    std::string platform;
    std::size_t meters = 0;
    double duration_s = 0;          ///< as run (shorter than planned after Ctrl-C)
    double planned_duration_s = 0;
    double target_rate = 0;         ///< pushes/s once ramped
    double expected_rate = 0;       ///< the shape's average over the run as run (ramp included)
    bool interrupted = false;       ///< ended by SIGINT/SIGTERM
    std::size_t pending_at_end = 0; ///< pushes not accepted when the run ended
    std::size_t opened = 0;         ///< meters opened by --open
    std::uint64_t sessions = 0;     ///< sessions the driver woke
    std::uint64_t alarm_sessions = 0;  ///< of them, sessions that raised an alarm (--alarms)
};

/// The limits asked for; the rate and min_delivered (at least one push delivered) are always
/// judged.
struct limits {
    std::optional<double> max_p99_ms;
    std::optional<double> max_error_rate_pct;
    double min_rate_share = 0.9;  ///< the achieved rate must be at least this share of expected_rate
};

struct threshold {
    std::string name;  ///< "max_p99_ms", "max_error_rate_pct", "min_delivered", "min_rate_per_s"
    double limit = 0;
    double value = 0;
    bool ok = true;
};

/// New pushes per second (first attempts), over the run as run.
double achieved_rate(load_stats const& s, run_info const& r);
/// Failed attempts / attempts (0 with no attempt).
double error_rate(load_stats const& s);

std::vector<threshold> judge(load_stats const& s, run_info const& r, limits const& l);
bool all_ok(std::vector<threshold> const& t);

std::string summary_table(load_stats const& s, run_info const& r, std::vector<threshold> const& t);
std::string summary_json(load_stats const& s, run_info const& r, std::vector<threshold> const& t);
/// A self-contained HTML page (Chart.js inlined from the dashboard's embedded assets).
std::string report_html(load_stats const& s, run_info const& r, std::vector<threshold> const& t);

}  // namespace metersim::tools::load

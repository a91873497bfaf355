#pragma once
/// Output for people and for CI: the live line of a step, the summary table, JUnit XML and the
/// self-contained HTML report (one file, no external assets).

#include <string>
#include <vector>

#include "meters/calendar.hpp"
#include "scenarios/result.hpp"

namespace metersim::scenarios {

/// "  ✓ advance 1d                                   [2026-03-02 08:00:00] 0.4 ms" (one line, no newline);
/// the virtual time (when the step ended) is shown in `zone` (the scenario's timezone).
std::string live_line(step_record const& r, meters::utc_offset zone = meters::utc_offset{480});
/// The table printed after a run: one row per scenario (name, result, steps passed/total,
/// virtual span, wall time), then totals.
std::string summary_table(std::vector<scenario_result> const& results);
/// JUnit XML: one <testsuite> per file (in order of first appearance), one <testcase> per scenario
/// (classname = the file), a <failure> with expected vs seen and the journal context for a failed
/// one, an <error> for one that could not run, <skipped/> for a skipped one.
std::string junit_xml(std::vector<scenario_result> const& results);
/// A self-contained HTML page with a timeline per scenario.
std::string html_report(std::vector<scenario_result> const& results);

}  // namespace metersim::scenarios

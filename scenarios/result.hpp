#pragma once
/// What a scenario run produced: per step an outcome, and a timeline of everything that happened
/// in virtual time (steps, requests in, pushes out, meter state samples). The runner fills it;
/// the live lines, the summary table, JUnit XML and the HTML report read it.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "meters/instant.hpp"
#include "scenarios/scenario.hpp"
#include "sim/conformance_tally.hpp"

namespace metersim::scenarios {

enum class outcome { passed, failed, error, skipped };
/// "passed", "failed", "error", "skipped".
std::string_view to_string(outcome o) noexcept;

/// One step as it ran (a step inside repeat/for_each_meter runs, and is recorded, once per turn).
struct step_record {
    std::string label;  ///< the step's name, or one made from it ("advance 1d", "call xianfeng POST /iotcloud/...")
    std::string kind;   ///< "call", "advance", ...
    source_pos at;
    int depth = 0;      ///< nesting inside repeat/for_each_meter
    outcome result = outcome::passed;
    meters::instant virtual_start{}, virtual_end{};
    std::chrono::microseconds wall{0};
    std::string message;                ///< failure/error: what was expected and what was seen
    std::vector<std::string> context;   ///< failure: journal entries around it, one line each
};

/// One thing on the timeline.
struct timeline_entry {
    enum class kind { step, request, push, state };
    kind k = kind::step;
    meters::instant at{};
    std::string platform;
    std::string meter;
    std::string summary;  ///< one line ("POST /iotcloud/app/cmd/v1.0.0/creatCmd -> 200", "xianfeng.report 07602190000001 accepted")
    std::string detail;   ///< bodies, for the HTML report (may be cut to a few KB)
};

/// A meter's state at a moment (after each step, for the meters the scenario names one by one).
struct meter_sample {
    meters::instant at{};
    std::string meter;
    std::string reading;  ///< 4-decimal texts as the admin API shows them
    std::string balance;
    std::string valve;
};

struct scenario_result {
    std::string file;
    std::string name;
    std::string description;
    outcome result = outcome::passed;
    std::string error{};  ///< outcome::error: why the scenario could not run (world failed to start, ...)
    std::vector<step_record> steps{};
    std::vector<timeline_entry> timeline{};
    std::vector<meter_sample> samples{};
    std::chrono::microseconds wall{0};
    meters::instant virtual_start{}, virtual_end{};
    meters::utc_offset zone{480};
    std::uint64_t requests = 0, pushes = 0;  ///< counted over the run
    /// The CIS's deviations from the documents over the run (GET /admin/conformance's rows; each
    /// example_run is this scenario's name).
    std::vector<sim::conformance_row> conformance{};
};

}  // namespace metersim::scenarios

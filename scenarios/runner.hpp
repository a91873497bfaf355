#pragma once
/// Running a loaded scenario against a world (world.hpp): each step in order, live, recording a
/// scenario_result. A failing expectation fails its step and stops the scenario (the remaining
/// steps are `skipped`); a step that cannot run (unknown variable at run time, world error) is
/// an `error`. Never throws for anything a scenario can contain.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "scenarios/result.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"

namespace metersim::scenarios {

struct run_options {
    world_factory make_world;                 ///< required
    std::optional<std::string> cis_url;       ///< --cis: every scenario runs against that CIS
    std::optional<std::uint64_t> seed;        ///< --seed: replaces the scenario's seed
    std::function<void(step_record const&)> on_step;  ///< called as each step ends (live lines)
    bool keep_timeline = true;                ///< off for big load scenarios: only steps are kept
    std::size_t detail_limit = 4096;          ///< bytes of a body kept in a timeline entry
};

scenario_result run_scenario(scenario const& s, run_options const& options);

}  // namespace metersim::scenarios

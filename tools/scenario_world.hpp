#pragma once
/// The world a scenario runs in (scenarios/world.hpp), built on serve_app: the scenario's header
/// becomes a serve config (platforms on loopback, the scenario's credentials, meters, clock and
/// push URLs), and the world hands the runner the loop, the journal and the admin API.

#include "scenarios/world.hpp"

namespace metersim::tools {

/// The factory `metersim run` and the scenario tests give the runner.
scenarios::world_factory scenario_world_factory();

}  // namespace metersim::tools

#pragma once
// Shared by the runner tests: load a scenario from YAML, run it on a real world, describe results.

#include <doctest/doctest.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"
#include "sim/catalogue.hpp"
#include "tools/scenario_world.hpp"

namespace metersim::test {

inline scenarios::scenario load_yaml(std::string_view yaml) {
    static auto const models = sim::catalogue::builtin();
    auto r = scenarios::parse_scenario(yaml, "test.yaml", models);
    if (!r) {
        std::string all;
        for (auto const& e : r.error()) all += scenarios::to_string(e) + "\n";
        FAIL("the scenario does not load:\n" << all);
    }
    return std::move(r).value();
}

inline scenarios::scenario_result run_yaml(std::string_view yaml, scenarios::run_options o = {}) {
    o.make_world = tools::scenario_world_factory();
    return scenarios::run_scenario(load_yaml(yaml), o);
}

/// Every step, one line each, for failure messages.
inline std::string steps_text(scenarios::scenario_result const& r) {
    std::string out = "result " + std::string(to_string(r.result)) + " " + r.error + "\n";
    for (auto const& s : r.steps) {
        out += std::string(static_cast<std::size_t>(s.depth) * 2, ' ') + s.label + ": " +
               std::string(to_string(s.result)) + " " + s.message + "\n";
        for (auto const& c : s.context) out += "      | " + c + "\n";
    }
    return out;
}

/// Steps `passed` of `r` passed, and step `failed` failed with exactly `message`.
inline void check_passed_then_failed(scenarios::scenario_result const& r, std::initializer_list<std::size_t> passed,
                                     std::size_t failed, std::string_view message) {
    for (auto const i : passed) {
        CAPTURE(i);
        CHECK(r.steps[i].result == scenarios::outcome::passed);
    }
    REQUIRE(r.steps[failed].result == scenarios::outcome::failed);
    CHECK(r.steps[failed].message == message);
}

}  // namespace metersim::test

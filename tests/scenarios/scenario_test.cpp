// The scenario's shared tables.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "scenarios/result.hpp"
#include "scenarios/scenario.hpp"

namespace sc = metersim::scenarios;

TEST_CASE("push kinds: six, each named after its platform, with a path") {
    auto const& kinds = sc::push_kinds();
    CHECK(kinds.size() == 6);
    std::set<std::string_view> names;
    for (auto const& k : kinds) {
        names.insert(k.name);
        CHECK(k.name.substr(0, k.platform.size() + 1) == std::string(k.platform) + ".");
        CHECK(k.default_path.front() == '/');
    }
    CHECK(names.size() == kinds.size());
    CHECK(names.count("xintian.billing") == 1);
}

TEST_CASE("step kind names are the YAML keys") {
    sc::step s;
    s.what = sc::advance_step{};
    CHECK(sc::kind_name(s) == "advance");
    s.what = sc::for_each_meter_step{};
    CHECK(sc::kind_name(s) == "for_each_meter");
    s.what = sc::expect_no_push_step{};
    CHECK(sc::kind_name(s) == "expect_no_push");
}

TEST_CASE("outcome names") {
    CHECK(sc::to_string(sc::outcome::passed) == "passed");
    CHECK(sc::to_string(sc::outcome::skipped) == "skipped");
}

#include "meters/rng.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>

using namespace metersim::meters;

TEST_SUITE("meters/rng") {

TEST_CASE("fnv1a_64 matches the published test vectors") {
    CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
    CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("the generator is splitmix64 and reproduces its reference sequence") {
    meter_rng rng{0};
    CHECK(rng.next() == 0xe220a8397b1dcdafULL);
    CHECK(rng.next() == 0x6e789e6aa1b965f4ULL);
    CHECK(rng.next() == 0x06c45d188009454fULL);
}

TEST_CASE("a meter's seed depends on the scenario seed and its own id only") {
    CHECK(seed_for(42, "07602190000001") == seed_for(42, "07602190000001"));
    CHECK(seed_for(42, "07602190000001") != seed_for(42, "07602190000002"));
    CHECK(seed_for(42, "07602190000001") != seed_for(43, "07602190000001"));
    static_assert(seed_for(1, "m") == seed_for(1, "m"), "seed_for is constexpr and pure");
}

TEST_CASE("the same seed gives the same sequence and the state round-trips") {
    meter_rng a{seed_for(7, "meter-a")};
    meter_rng b{seed_for(7, "meter-a")};
    for (int i = 0; i < 100; ++i) CHECK(a.uniform(0, 1000) == b.uniform(0, 1000));
    meter_rng restored = meter_rng::from_state(a.state());
    CHECK(restored == a);
    CHECK(restored.next() == a.next());
}

TEST_CASE("uniform draws stay within the inclusive range and reach both ends") {
    meter_rng rng{123};
    bool saw_lo = false, saw_hi = false;
    for (int i = 0; i < 2000; ++i) {
        std::int64_t const v = rng.uniform(-3, 3);
        REQUIRE(v >= -3);
        REQUIRE(v <= 3);
        saw_lo = saw_lo || v == -3;
        saw_hi = saw_hi || v == 3;
    }
    CHECK(saw_lo);
    CHECK(saw_hi);
    CHECK(rng.uniform(5, 5) == 5);
    CHECK(rng.uniform(9, 2) == 9);  // an empty range answers its lower end
}

TEST_CASE("uniform draws are spread evenly over the buckets") {
    meter_rng rng{seed_for(1, "spread")};
    std::array<int, 10> buckets{};
    for (int i = 0; i < 20000; ++i) ++buckets[static_cast<std::size_t>(rng.uniform(0, 9))];
    for (int count : buckets) {
        CHECK(count > 1800);
        CHECK(count < 2200);
    }
}

TEST_CASE("a keyed draw is a pure function of seed and key") {
    CHECK(uniform_at(99, 5, 0, 1'000'000) == uniform_at(99, 5, 0, 1'000'000));
    int differ = 0;
    for (std::uint64_t k = 0; k < 50; ++k)
        if (uniform_at(99, k, 0, 1'000'000) != uniform_at(99, k + 1, 0, 1'000'000)) ++differ;
    CHECK(differ > 45);
    CHECK(uniform_at(1, 2, 10, 10) == 10);
}

TEST_CASE("chance_percent honours its edges") {
    meter_rng rng{5};
    for (int i = 0; i < 100; ++i) {
        CHECK_FALSE(rng.chance_percent(0));
        CHECK(rng.chance_percent(100));
    }
}

}  // TEST_SUITE

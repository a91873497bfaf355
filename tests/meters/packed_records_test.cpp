#include "meters/packed_records.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "meters/freeze.hpp"
#include "meters/rng.hpp"

using namespace metersim::meters;

namespace {

constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t t0_ms = 1'767'196'800'000;  // 2026-01-01 00:00 +08:00

frozen_record rec(freeze_kind kind, std::int64_t at_ms, std::int64_t reading, std::int64_t buy,
                  std::int64_t use, std::int64_t surplus, std::int64_t period) {
    frozen_record r;
    r.kind = kind;
    r.at = instant_from_ms(at_ms);
    r.values.reading = volume::from_e4(reading);
    r.values.total_buy = decimal::from_e4(buy);
    r.values.total_use = decimal::from_e4(use);
    r.values.surplus = decimal::from_e4(surplus);
    r.period_use = volume::from_e4(period);
    return r;
}

/// What a meter makes: a day's gas and money at each midnight, period_use the reading's step.
std::vector<frozen_record> days(std::size_t n) {
    std::vector<frozen_record> out;
    std::int64_t reading = 1'234'5678, use = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::int64_t const step = 9'000 + static_cast<std::int64_t>(i % 7) * 1'100;
        reading += step;
        use += step * 26 / 10;
        out.push_back(rec(freeze_kind::daily, t0_ms + static_cast<std::int64_t>(i) * day_ms, reading,
                          10'000'000'000, use, 10'000'000'000 - use, i == 0 ? 0 : step));
    }
    return out;
}

/// Arbitrary values, extremes included: what a hand-edited JSON state could hold.
std::vector<frozen_record> arbitrary(std::size_t n, std::uint64_t seed) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    std::vector<frozen_record> out;
    meter_rng rng{seed};
    auto any = [&] {
        switch (rng.uniform(0, 3)) {
            case 0: return lo;
            case 1: return hi;
            case 2: return rng.uniform(-1000, 1000);
            default: return static_cast<std::int64_t>(rng.next());
        }
    };
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(rec(rng.uniform(0, 1) ? freeze_kind::monthly : freeze_kind::daily, any(), any(),
                          any(), any(), any(), any()));
    return out;
}

}  // namespace

TEST_SUITE("meters/packed_records") {

TEST_CASE("records packed and unpacked come back unchanged, oldest first") {
    for (std::size_t n : {0u, 1u, 2u, 3u, 8u, 40u}) {
        CAPTURE(n);
        auto const made = days(n);
        packed_records const p{made};
        CHECK(p.size() == n);
        CHECK(p.unpack() == made);
        if (n > 0) CHECK(p.newest() == made.back());
    }
}

TEST_CASE("any values, extremes included, survive packing") {
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        auto const made = arbitrary(static_cast<std::size_t>(seed % 9), seed);
        packed_records const p{made};
        REQUIRE(p.unpack() == made);
        if (!made.empty()) {
            CHECK(p.newest() == made.back());
            CHECK(p.newest_at() == made.back().at);
        }
    }
}

TEST_CASE("pushing keeps the newest records and packs as building from scratch does") {
    for (std::size_t keep : {1u, 2u, 3u, 8u}) {
        CAPTURE(keep);
        auto const all = days(30);
        packed_records p;
        std::vector<frozen_record> expected;
        for (auto const& r : all) {
            p.push(r, keep);
            expected.push_back(r);
            if (expected.size() > keep) expected.erase(expected.begin());
            REQUIRE(p.unpack() == expected);
            CHECK(p == packed_records{expected});
        }
    }
}

TEST_CASE("pushing arbitrary values keeps them exact") {
    auto const all = arbitrary(50, 7);
    packed_records p;
    std::vector<frozen_record> expected;
    for (auto const& r : all) {
        p.push(r, 5);
        expected.push_back(r);
        if (expected.size() > 5) expected.erase(expected.begin());
        REQUIRE(p.unpack() == expected);
    }
}

TEST_CASE("a keep smaller than a restored history drops the surplus on the next push") {
    auto const all = days(12);
    packed_records p{std::vector<frozen_record>(all.begin(), all.begin() + 10)};
    p.push(all[10], 4);
    CHECK(p.unpack() == std::vector<frozen_record>(all.begin() + 7, all.begin() + 11));
    p.push(all[11], 0);
    CHECK(p.empty());
}

TEST_CASE("the records after an instant are found from the newest end") {
    auto const made = days(8);
    packed_records const p{made};
    std::vector<frozen_record> out;
    p.append_after(made[5].at, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0] == made[6]);
    CHECK(out[1] == made[7]);
    CHECK(p.count_after(made[5].at) == 2);
    CHECK(p.count_after(made[7].at) == 0);
    CHECK(p.count_after(made[0].at - std::chrono::milliseconds{1}) == 8);
}

TEST_CASE("the records after any instant are those of the unpacked list, appended in order") {
    auto const made = days(9);
    packed_records const p{made};
    std::vector<instant> probes{made[0].at - std::chrono::milliseconds{1}};
    for (auto const& r : made) {
        probes.push_back(r.at - std::chrono::milliseconds{1});
        probes.push_back(r.at);
        probes.push_back(r.at + std::chrono::milliseconds{1});
    }
    for (instant const t : probes) {
        std::vector<frozen_record> out{made[0]};  // appends after what is there
        p.append_after(t, out);
        std::vector<frozen_record> want{made[0]};
        for (auto const& r : made)
            if (r.at > t) want.push_back(r);
        CHECK(out == want);
        CHECK(p.count_after(t) == want.size() - 1);
    }
}

TEST_CASE("a daily record a meter makes takes at most 16 bytes") {
    packed_records const p{days(8)};
    CHECK(p.heap_bytes() <= 8 * 16 + 32);
}

}  // TEST_SUITE

#include "meters/freeze.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

using namespace metersim::meters;
using namespace std::chrono_literals;

namespace {

constexpr int china = 480;

/// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    std::int64_t const era = (y >= 0 ? y : y - 399) / 400;
    auto const yoe = static_cast<unsigned>(y - era * 400);
    unsigned const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// Local midnight at +08:00 of a civil date.
instant midnight(std::int64_t y, unsigned m, unsigned d) {
    return instant_from_ms(days_from_civil(y, m, d) * 86'400'000 - 8 * 3'600'000);
}

/// A reading that grows by 1 m3 a day from 2026-01-01 +08:00 (1e-4 m3 per 8.64 s).
freeze_values values_at(instant t) {
    std::int64_t const ms = to_ms(t) - to_ms(midnight(2026, 1, 1));
    freeze_values v;
    v.reading = volume::from_e4(ms / 8640);
    v.total_buy = decimal::from_units(500);
    v.total_use = decimal::from_e4(ms / 8640 * 3);
    v.surplus = v.total_buy - v.total_use;
    return v;
}

}  // namespace

TEST_SUITE("meters/freeze") {

TEST_CASE("the test calendar helper agrees with the epoch") {
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(to_ms(midnight(2026, 1, 1)) == 1'767'196'800'000);
}

TEST_CASE("a day boundary is local midnight at +08:00, not UTC midnight") {
    instant const utc_midnight = midnight(2026, 3, 10) + 8h;
    auto const b = freeze_boundaries(utc_midnight - 1h, utc_midnight + 1h, china);
    CHECK(b.empty());
    CHECK(freeze_boundaries(utc_midnight - 1h, utc_midnight + 1h, 0).size() == 1);
    CHECK(next_freeze_after(midnight(2026, 3, 10) + 30min, china) == midnight(2026, 3, 11));
    CHECK(next_freeze_after(midnight(2026, 3, 10), china) == midnight(2026, 3, 11));
    CHECK(next_freeze_after(midnight(2026, 3, 10) - 1ms, china) == midnight(2026, 3, 10));
}

TEST_CASE("boundaries are listed in order with the start excluded and the end included") {
    auto const b = freeze_boundaries(midnight(2026, 1, 10), midnight(2026, 1, 13), china);
    REQUIRE(b.size() == 3);
    CHECK(b[0] == freeze_boundary{midnight(2026, 1, 11), false});
    CHECK(b[1] == freeze_boundary{midnight(2026, 1, 12), false});
    CHECK(b[2] == freeze_boundary{midnight(2026, 1, 13), false});
    CHECK(freeze_boundaries(midnight(2026, 1, 13), midnight(2026, 1, 10), china).empty());
}

TEST_CASE("a boundary that starts a month is marked as such") {
    auto const b = freeze_boundaries(midnight(2026, 1, 30) + 12h, midnight(2026, 2, 2), china);
    REQUIRE(b.size() == 3);
    CHECK(b[0] == freeze_boundary{midnight(2026, 1, 31), false});
    CHECK(b[1] == freeze_boundary{midnight(2026, 2, 1), true});
    CHECK(b[2] == freeze_boundary{midnight(2026, 2, 2), false});
}

TEST_CASE("a leap day is a day like the others and March still starts a month") {
    auto const b = freeze_boundaries(midnight(2028, 2, 28), midnight(2028, 3, 1), china);
    REQUIRE(b.size() == 2);
    CHECK(b[0] == freeze_boundary{midnight(2028, 2, 29), false});
    CHECK(b[1] == freeze_boundary{midnight(2028, 3, 1), true});
}

TEST_CASE("advancing across days freezes the reading at each local midnight") {
    freeze_log log{freeze_params{}};
    auto made = log.advance(midnight(2026, 1, 1) + 10h, midnight(2026, 1, 4) + 5h, values_at);
    REQUIRE(made.size() == 3);
    CHECK(made[0].kind == freeze_kind::daily);
    CHECK(made[0].at == midnight(2026, 1, 2));
    CHECK(made[0].values.reading == volume::from_units(1));
    CHECK(made[0].period_use == volume::zero());  // the first record has nothing before it
    CHECK(made[1].values.reading == volume::from_units(2));
    CHECK(made[1].period_use == volume::from_units(1));
    CHECK(made[2].at == midnight(2026, 1, 4));
    CHECK(made[2].values.total_use == decimal::from_units(9));
    CHECK(made[2].values.surplus == decimal::from_units(491));
    CHECK(log.state().daily.size() == 3);
    CHECK(log.state().monthly.empty());
}

TEST_CASE("a month start gets a daily and a monthly record with the month's use") {
    freeze_log log{freeze_params{}};
    (void)log.advance(midnight(2026, 1, 1) - 1h, midnight(2026, 1, 1), values_at);
    auto made = log.advance(midnight(2026, 1, 1), midnight(2026, 2, 1) + 1h, values_at);
    REQUIRE(made.size() == 32);
    CHECK(made[30].kind == freeze_kind::daily);
    CHECK(made[31].kind == freeze_kind::monthly);
    CHECK(made[31].at == midnight(2026, 2, 1));
    CHECK(made[31].values.reading == volume::from_units(31));
    CHECK(made[31].period_use == volume::from_units(31));
    REQUIRE(log.state().monthly.size() == 2);
    CHECK(log.state().monthly.front().at == midnight(2026, 1, 1));
}

TEST_CASE("advancing in steps freezes the same records as one long advance") {
    freeze_log once{freeze_params{}};
    freeze_log steps{freeze_params{}};
    instant const start = midnight(2026, 1, 1) + 3h;
    instant const end = midnight(2026, 4, 15) + 3h;
    (void)once.advance(start, end, values_at);
    for (instant t = start; t < end;) {
        instant const next = std::min(end, t + 17h);
        (void)steps.advance(t, next, values_at);
        t = next;
    }
    CHECK(steps.state() == once.state());
}

TEST_CASE("history keeps the newest 62 daily and 24 monthly records") {
    freeze_log log{freeze_params{}};
    (void)log.advance(midnight(2026, 1, 1) - 1h, midnight(2028, 12, 31), values_at);
    REQUIRE(log.state().daily.size() == 62);
    CHECK(log.state().daily.back().at == midnight(2028, 12, 31));
    CHECK(log.state().daily.front().at == midnight(2028, 10, 31));
    REQUIRE(log.state().monthly.size() == 24);
    CHECK(log.state().monthly.back().at == midnight(2028, 12, 1));
    CHECK(log.state().monthly.front().at == midnight(2027, 1, 1));
}

TEST_CASE("a full history is packed in a fraction of its records' plain size") {
    freeze_log log{freeze_params{china, 8, 13}};
    CHECK(log.heap_bytes() == 0);  // nothing allocated before the first freeze
    log.catch_up(midnight(2026, 1, 1) - 1h, midnight(2027, 6, 30), values_at);
    CHECK(log.daily_count() == 8);
    CHECK(log.monthly_count() == 13);
    CHECK(log.heap_bytes() < (8 + 13) * sizeof(frozen_record) / 2);
    freeze_log listed{freeze_params{china, 8, 13}};
    (void)listed.advance(midnight(2026, 1, 1) - 1h, midnight(2027, 6, 30), values_at);
    CHECK(listed.state() == log.state());
}

TEST_CASE("a state restored into a log comes back unchanged") {
    freeze_log log{freeze_params{china, 8, 13}};
    log.catch_up(midnight(2026, 1, 1) - 1h, midnight(2026, 5, 3), values_at);
    log.mark_reported(midnight(2026, 5, 2) + 2h);
    freeze_state const s = log.state();
    freeze_log const copy{freeze_params{china, 8, 13}, s};
    CHECK(copy.state() == s);
    CHECK(copy.since_last_report() == log.since_last_report());
}

TEST_CASE("recording a boundary again changes nothing") {
    freeze_log log{freeze_params{}};
    freeze_boundary const b{midnight(2026, 2, 1), true};
    CHECK(log.record(b, values_at(b.at)).size() == 2);
    CHECK(log.record(b, values_at(b.at)).empty());
    CHECK(log.record({midnight(2026, 1, 31), false}, values_at(b.at)).empty());
    CHECK(log.state().daily.size() == 1);
    CHECK(log.state().monthly.size() == 1);
}

TEST_CASE("records since the last report are those frozen after the reported mark") {
    freeze_log log{freeze_params{}};
    (void)log.advance(midnight(2026, 1, 30), midnight(2026, 2, 2), values_at);
    auto all = log.since_last_report();
    REQUIRE(all.size() == 4);  // Jan 31, Feb 1, Feb 2 daily, then Feb 1 monthly
    CHECK(all[3].kind == freeze_kind::monthly);
    log.mark_reported(midnight(2026, 2, 1) + 2h);
    auto rest = log.since_last_report();
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].at == midnight(2026, 2, 2));
    log.mark_reported(midnight(2026, 1, 1));  // the mark never moves back
    CHECK(log.since_last_report().size() == 1);
}

TEST_CASE("freeze kinds carry Xianfeng's frozenType numbers") {
    CHECK(static_cast<int>(freeze_kind::daily) == 3);
    CHECK(static_cast<int>(freeze_kind::monthly) == 4);
    CHECK(to_string(freeze_kind::monthly) == "monthly");
}

}  // TEST_SUITE

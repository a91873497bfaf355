#include "meters/tariff.hpp"

#include <doctest/doctest.h>

#include "tests/support/tariff_builders.hpp"

using namespace metersim::meters;
using namespace metersim::test;

namespace {

/// A three-price ladder: 1.2 to 2000 m³, 1.8 to 5000 m³, 3.0 beyond.
tariff three_ladders() {
    tariff t;
    t.price_count = 3;
    t.prices = {price_e4(12000), price_e4(18000), price_e4(30000)};
    t.thresholds = {m3_whole(2000), m3_whole(5000)};
    return t;
}

/// "三价二阶" padded to five prices: prices 4 and 5 repeat price 3, ladders 3 and 4 repeat ladder 2.
tariff three_two_padded() {
    tariff t;
    t.price_count = 5;
    t.prices = {price_e4(25000), price_e4(30000), price_e4(37500), price_e4(37500), price_e4(37500)};
    t.thresholds = {m3_whole(300), m3_whole(600), m3_whole(600), m3_whole(600)};
    return t;
}
}  // namespace

TEST_SUITE("meters/tariff") {

TEST_CASE("usage falls in the first ladder whose threshold it has not reached") {
    tariff const t = three_ladders();
    CHECK(ladder_of(t, m3_whole(0)) == 0u);
    CHECK(ladder_of(t, volume::from_e4(2000 * 10000 - 1)) == 0u);
    CHECK(ladder_of(t, m3_whole(2000)) == 1u);
    CHECK(ladder_of(t, m3_whole(5000)) == 2u);
    CHECK(price_at(t, m3_whole(999999)) == price_e4(30000));
}

TEST_CASE("empty ladders from equal thresholds are skipped") {
    tariff const t = three_two_padded();
    CHECK(ladder_of(t, m3_whole(599)) == 1u);
    CHECK(ladder_of(t, m3_whole(600)) == 4u);
    CHECK(price_at(t, m3_whole(600)) == price_e4(37500));
}

TEST_CASE("an N-month cycle turns every N months from its start, clamping short months") {
    billing_cycle c;
    c.kind = cycle_kind::months;
    c.months = 1;
    c.start = at(2026, 1, 31);
    CHECK(next_cycle_boundary(c, at(2026, 2, 10), cst) == at(2026, 2, 28));
    CHECK(next_cycle_boundary(c, at(2026, 2, 28), cst) == at(2026, 3, 31));
    CHECK(cycle_start_at(c, at(2026, 3, 1), cst) == at(2026, 2, 28));
    c.months = 12;
    c.start = at(2019, 9, 2);
    CHECK(next_cycle_boundary(c, at(2026, 5, 1), cst) == at(2026, 9, 2));
    CHECK(cycle_start_at(c, at(2026, 5, 1), cst) == at(2025, 9, 2));
    CHECK(next_cycle_boundary(c, at(2018, 1, 1), cst) == at(2018, 9, 2));  // before the start
}

TEST_CASE("settlement cycles turn at local midnight of the settlement day") {
    billing_cycle c;
    c.settle_month = 2;
    c.settle_day = 15;
    c.kind = cycle_kind::monthly;
    CHECK(next_cycle_boundary(c, at(2026, 6, 15), cst) == at(2026, 7, 15));
    CHECK(next_cycle_boundary(c, at(2026, 6, 14, 23), cst) == at(2026, 6, 15));
    c.kind = cycle_kind::quarterly;  // February phase: Feb, May, Aug, Nov
    CHECK(next_cycle_boundary(c, at(2026, 6, 1), cst) == at(2026, 8, 15));
    CHECK(cycle_start_at(c, at(2026, 6, 1), cst) == at(2026, 5, 15));
    c.kind = cycle_kind::yearly;
    CHECK(next_cycle_boundary(c, at(2026, 6, 1), cst) == at(2027, 2, 15));
    CHECK(cycle_start_at(c, at(2026, 2, 15), cst) == at(2026, 2, 15));
}

TEST_CASE("a tariff without a cycle never turns") {
    CHECK(next_cycle_boundary(billing_cycle{}, at(2026, 1, 1), cst) == instant::max());
}

TEST_CASE("validation refuses decreasing thresholds and bad counts") {
    tariff t = flat_tariff(price_e4(30000));
    CHECK_FALSE(validate(t).has_value());
    t.price_count = 3;
    t.thresholds = {m3_whole(10), m3_whole(5)};
    REQUIRE(validate(t).has_value());
    CHECK(validate(t)->field == "thresholds");
    t.price_count = 7;
    CHECK(validate(t)->field == "price_count");
}

}

#include "meters/billing.hpp"

#include <doctest/doctest.h>

#include "tests/support/builders.hpp"

#include "meters/rng.hpp"

using namespace metersim::meters;
using namespace metersim::test;

namespace {

/// 3 prices, 2 thresholds: 2.5555 up to 10 m³, 3.3333 up to 20 m³, 4.7777 above. Prices with
/// four decimals make every increment's exact charge a fraction of 1e-4 yuan.
tariff three_tier() {
    tariff t;
    t.version = "1";
    t.price_count = 3;
    t.prices = {price_e4(25555), price_e4(33333), price_e4(47777)};
    t.thresholds = {m3_whole(10), m3_whole(20)};
    return t;
}

billing_state funded(money m) {
    billing_state s;
    add_money(s, m);
    return s;
}
}  // namespace

TEST_SUITE("meters/billing") {

TEST_CASE("an increment crossing a ladder threshold is charged at both prices") {
    billing_state s = funded(money::from_units(100));
    money const first = add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(8));
    CHECK(first == money::from_e4(204440));  // 8 × 2.5555
    // 8 -> 13 m³: 2 at 2.5555 + 3 at 3.3333 = 5.1110 + 9.9999
    money const second = add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(5));
    CHECK(second == money::from_e4(51110 + 99999));
    CHECK(s.balance == money::from_units(100) - first - second);
    CHECK(s.cycle_usage == m3_whole(13));
    CHECK(s.reading == m3_whole(13));
    CHECK(s.total_used_money == first + second);
}

TEST_CASE("one increment may cross every ladder at once") {
    billing_state s = funded(money::from_units(500));
    money const c = add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(25));
    CHECK(c == money::from_e4(10 * 25555 + 10 * 33333 + 5 * 47777));
}

TEST_CASE("the ladder charge is rounded once, half away from zero") {
    tariff t = flat_tariff(price_e4(5000));  // 0.5 yuan/m³
    CHECK(ladder_charge(t, m3_e4(0), m3_e4(1)) == money::from_e4(1));   // 0.00005 -> 0.0001
    t.prices[0] = price_e4(4999);
    CHECK(ladder_charge(t, m3_e4(0), m3_e4(1)) == money::from_e4(0));   // 0.00004999 -> 0
    CHECK(ladder_charge(t, m3_e4(0), m3_e4(3)) == money::from_e4(1));   // 0.00014997 -> 0.0001
}

TEST_CASE("tiny increments charge exactly what one large increment charges") {
    billing_state many = funded(money::from_units(100));
    for (int i = 0; i < 150'000; ++i) add_usage(many, billing_mode::money_prepaid, three_tier(), m3_e4(1));
    billing_state once = funded(money::from_units(100));
    add_usage(once, billing_mode::money_prepaid, three_tier(), m3_e4(150'000));
    CHECK(many.balance == once.balance);
    CHECK(many.total_used_money == ladder_charge(three_tier(), m3_e4(0), m3_e4(150'000)));
}

TEST_CASE("random increment sequences always sum to the one-shot charge (seeded property)") {
    meter_rng rng{20260101};
    tariff const t = three_tier();
    for (int run = 0; run < 3000; ++run) {
        billing_state s = funded(money::from_units(1000));
        money sum = money::zero();
        int const steps = static_cast<int>(rng.uniform(1, 40));
        for (int i = 0; i < steps; ++i) {
            // Mostly small figures, sometimes several ladders' worth.
            std::int64_t const e4 = rng.chance_percent(10) ? rng.uniform(0, 150'000) : rng.uniform(0, 997);
            sum += add_usage(s, billing_mode::money_prepaid, t, m3_e4(e4));
        }
        CAPTURE(run);
        REQUIRE(sum == ladder_charge(t, volume::zero(), s.cycle_usage));
        REQUIRE(s.balance == money::from_units(1000) - sum);
    }
}

TEST_CASE("a closed segment starts charging again from its own usage") {
    billing_state s = funded(money::from_units(100));
    add_usage(s, billing_mode::money_prepaid, three_tier(), m3_e4(95'001));
    close_segment(s);
    money const after = add_usage(s, billing_mode::money_prepaid, three_tier(), m3_e4(9'999));
    // 9.5001 -> 10.5000: 0.4999 at 2.5555 and 0.5 at 3.3333, rounded once for this segment
    CHECK(after == money::from_e4(round_e8_to_e4(wide_int{4999} * 25555 + wide_int{5000} * 33333)));
}

TEST_CASE("a price switch records per-ladder usage under the old price and keeps the ladder") {
    billing_state s = funded(money::from_units(200));
    add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(12));
    tariff next = three_tier();
    next.version = "2";
    next.prices = {price_e4(30000), price_e4(40000), price_e4(50000)};
    price_change_info const info = switch_tariff(s, three_tier(), next, instant_from_ms(1000));
    CHECK(info.last_version == "1");
    CHECK(info.last_prices[0] == price_e4(25555));
    CHECK(info.last_ladder_usage[0] == m3_whole(10));
    CHECK(info.last_ladder_usage[1] == m3_whole(2));
    CHECK(info.last_ladder_usage[2] == m3_whole(0));
    CHECK(info.last_cycle_usage == m3_whole(12));
    CHECK(info.total_use == m3_whole(12));
    CHECK(info.surplus_money == s.balance);
    // Still in ladder 2 of the cycle: the new second price applies.
    CHECK(add_usage(s, billing_mode::money_prepaid, next, m3_whole(1)) == money::from_units(4));
    CHECK(segment_ladder_usage(s, next)[1] == m3_whole(1));
}

TEST_CASE("a clear-ladder mark restarts the cycle at the switch") {
    billing_state s = funded(money::from_units(200));
    add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(15));
    tariff next = three_tier();
    next.clear_ladder = true;
    switch_tariff(s, three_tier(), next, instant_from_ms(5000));
    CHECK(s.cycle_usage == m3_whole(0));
    CHECK(s.cycle_start == instant_from_ms(5000));
    CHECK(s.reading == m3_whole(15));
    CHECK(add_usage(s, billing_mode::money_prepaid, next, m3_whole(1)) == money::from_e4(25555));
}

TEST_CASE("a cycle reset returns the ladder to its first price") {
    billing_state s = funded(money::from_units(200));
    add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(25));
    reset_cycle(s, instant_from_ms(7));
    CHECK(add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(1)) == money::from_e4(25555));
}

TEST_CASE("setting the ladder usage moves the meter along its ladder") {
    billing_state s = funded(money::from_units(200));
    set_cycle_usage(s, m3_whole(19));
    // 19 -> 21: 1 at 3.3333 + 1 at 4.7777
    CHECK(add_usage(s, billing_mode::money_prepaid, three_tier(), m3_whole(2)) == money::from_e4(33333 + 47777));
    CHECK(s.reading == m3_whole(2));
}

TEST_CASE("a gas-prepaid meter deducts volume and charges no money") {
    billing_state s;
    add_gas(s, m3_whole(50));
    CHECK(add_usage(s, billing_mode::gas_prepaid, three_tier(), m3_whole(12)) == money::zero());
    CHECK(s.gas_balance == m3_whole(38));
    CHECK(s.balance == money::zero());
    CHECK(s.total_bought_gas == m3_whole(50));
    CHECK(s.buy_count == 1u);
    refund_gas(s, m3_whole(8));
    CHECK(s.gas_balance == m3_whole(30));
    CHECK(s.total_bought_gas == m3_whole(42));
    CHECK(s.buy_count == 1u);
}

TEST_CASE("a backend-prepaid meter charges the synced unit price without a ladder") {
    billing_state s;
    backend_terms terms;
    terms.surplus = money::from_units(50);
    terms.unit_price = price_e4(32000);
    sync_backend(s, terms);
    CHECK(s.balance == money::from_units(50));
    CHECK(add_usage(s, billing_mode::backend, three_tier(), m3_whole(30)) == money::from_units(96));
    CHECK(s.balance == money::from_units(-46));
    terms.surplus = money::from_units(10);
    terms.unit_price = price_e4(10000);
    sync_backend(s, terms);
    CHECK(add_usage(s, billing_mode::backend, three_tier(), m3_whole(1)) == money::from_units(1));
    CHECK(s.balance == money::from_units(9));
}

TEST_CASE("a backend-postpaid meter only counts gas") {
    billing_state s;
    s.backend.prepaid = false;
    s.backend.unit_price = price_e4(32000);
    CHECK(add_usage(s, billing_mode::backend, three_tier(), m3_whole(3)) == money::zero());
    CHECK(s.reading == m3_whole(3));
    CHECK_FALSE(volume_until_below(s, billing_mode::backend, three_tier(), 1).has_value());
}

TEST_CASE("the volume until the credit falls below a level is exact across ladders") {
    billing_state s = funded(money::from_units(40));
    tariff const t = three_tier();
    // Zero is crossed when remaining <= 0, i.e. below 1e-4 yuan.
    auto const dv = volume_until_below(s, billing_mode::money_prepaid, t, 1);
    REQUIRE(dv.has_value());
    billing_state before = s;
    add_usage(before, billing_mode::money_prepaid, t, *dv - m3_e4(1));
    CHECK(before.balance.is_positive());
    billing_state after = s;
    add_usage(after, billing_mode::money_prepaid, t, *dv);
    CHECK_FALSE(after.balance.is_positive());
    CHECK(*dv > m3_whole(10));  // 10 m³ cost 25.555 yuan: the zero lies in the second ladder
}

TEST_CASE("the volume until a gas level is the remaining gas past the level") {
    billing_state s;
    add_gas(s, m3_whole(5));
    CHECK(volume_until_below(s, billing_mode::gas_prepaid, three_tier(), 1).value() == m3_whole(5));
    CHECK(volume_until_below(s, billing_mode::gas_prepaid, three_tier(), 50'000).value() == m3_e4(1));
    CHECK(volume_until_below(s, billing_mode::gas_prepaid, three_tier(), 60'000).value() == volume::zero());
}

TEST_CASE("a credit already below the level needs no more volume") {
    billing_state s;
    CHECK(volume_until_below(s, billing_mode::money_prepaid, three_tier(), 1).value() == volume::zero());
}

TEST_CASE("a free ladder never brings the credit down") {
    billing_state s = funded(money::from_units(1));
    CHECK_FALSE(volume_until_below(s, billing_mode::money_prepaid, flat_tariff(price::zero()), 1).has_value());
}

TEST_CASE("recharges count purchases and refunds do not") {
    billing_state s;
    add_money(s, money::from_units(30));
    add_money(s, money::from_units(20));
    refund_money(s, money::from_units(5));
    CHECK(s.balance == money::from_units(45));
    CHECK(s.total_bought_money == money::from_units(45));
    CHECK(s.buy_count == 2u);
}

}

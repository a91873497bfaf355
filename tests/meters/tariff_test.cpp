#include "meters/tariff.hpp"

#include <doctest/doctest.h>

#include "tests/support/builders.hpp"

using namespace metersim::meters;
using namespace metersim::test;

namespace {
constexpr utc_offset cst{480};

instant at(int y, unsigned mo, unsigned d, unsigned h = 0) {
    return from_civil(civil_time{y, mo, d, h, 0, 0, 0}, cst);
}

cnmcsp_price cnmcsp_ladder() {
    cnmcsp_price p;
    p.price_id = "5021";
    p.version = "309";
    p.ini_date = at(2019, 9, 2);
    p.change_time = at(2019, 10, 2);
    p.price_mode = 101;
    p.month_count = 12;
    p.price1 = price_e4(12000);
    p.price2 = price_e4(18000);
    p.price3 = price_e4(30000);
    p.level1 = m3_whole(2000);
    p.level2 = m3_whole(5000);
    return p;
}

xianfeng_price xianfeng_three_two() {
    // "三价二阶": prices 4 and 5 repeat price 3, ladders 3 and 4 repeat ladder 2 (§4.6 note).
    xianfeng_price p;
    p.prices = {price_e4(25000), price_e4(30000), price_e4(37500), price_e4(37500), price_e4(37500)};
    p.ladders = {m3_whole(300), m3_whole(600), m3_whole(600), m3_whole(600)};
    p.price_ver = 7;
    p.price_period = 12;
    p.price_time = at(2026, 7, 1);
    p.ladder_time = at(2026, 1, 1);
    p.clear_mark = true;
    p.gas_type = 1;
    return p;
}

xintian_price xintian_yearly() {
    xintian_price p;
    p.price_type_code = "P01";
    p.dividers = {m3_whole(240), m3_whole(360), m3_whole(480), m3_whole(600), m3_whole(720)};
    p.prices = {price_e4(26000), price_e4(31000), price_e4(36000), price_e4(41000), price_e4(46000), price_e4(51000)};
    p.stair_type = 3;
    p.freeze_month = 1;
    p.freeze_day = 1;
    p.exe_date = at(2026, 1, 1);
    return p;
}
}  // namespace

TEST_SUITE("meters/tariff") {

TEST_CASE("usage falls in the first ladder whose threshold it has not reached") {
    tariff const t = from_cnmcsp(cnmcsp_ladder(), at(2019, 10, 1)).value();
    CHECK(ladder_of(t, m3_whole(0)) == 0u);
    CHECK(ladder_of(t, volume::from_e4(2000 * 10000 - 1)) == 0u);
    CHECK(ladder_of(t, m3_whole(2000)) == 1u);
    CHECK(ladder_of(t, m3_whole(5000)) == 2u);
    CHECK(price_at(t, m3_whole(999999)) == price_e4(30000));
}

TEST_CASE("empty ladders from equal thresholds are skipped") {
    tariff const t = from_xianfeng(xianfeng_three_two()).value();
    CHECK(ladder_of(t, m3_whole(599)) == 1u);
    CHECK(ladder_of(t, m3_whole(600)) == 4u);
    CHECK(price_at(t, m3_whole(600)) == price_e4(37500));
}

TEST_CASE("a CNMCSP ladder price maps prices, levels, cycle and change time") {
    auto const r = from_cnmcsp(cnmcsp_ladder(), at(2019, 10, 1));
    REQUIRE(r.has_value());
    tariff const& t = r.value();
    CHECK(t.price_count == 3);
    CHECK(t.prices[1] == price_e4(18000));
    CHECK(t.thresholds[0] == m3_whole(2000));
    CHECK(t.thresholds[1] == m3_whole(5000));
    CHECK(t.cycle.kind == cycle_kind::months);
    CHECK(t.cycle.months == 12);
    CHECK(t.cycle.start == at(2019, 9, 2));
    CHECK(t.effective_at == at(2019, 10, 2));
    CHECK(t.version == "309");
    CHECK(t.code == "5021");
    CHECK_FALSE(validate(t).has_value());
}

TEST_CASE("a CNMCSP standard price has one price and takes effect on receipt without ChangeTime") {
    cnmcsp_price p;
    p.price_mode = 100;
    p.price1 = price_e4(28000);
    auto const r = from_cnmcsp(p, at(2026, 5, 5));
    REQUIRE(r.has_value());
    CHECK(r.value().price_count == 1);
    CHECK(r.value().cycle.kind == cycle_kind::none);
    CHECK(r.value().effective_at == at(2026, 5, 5));
}

TEST_CASE("CNMCSP prices that break the rules are refused naming the field") {
    struct bad_case { char const* name; cnmcsp_price p; char const* field; };
    cnmcsp_price decreasing = cnmcsp_ladder();
    decreasing.level2 = m3_whole(1500);
    cnmcsp_price no_months = cnmcsp_ladder();
    no_months.month_count.reset();
    cnmcsp_price bad_mode = cnmcsp_ladder();
    bad_mode.price_mode = 102;
    cnmcsp_price no_level = cnmcsp_ladder();
    no_level.level1.reset();
    cnmcsp_price lone_price3 = cnmcsp_ladder();
    lone_price3.level2.reset();
    for (auto const& [name, p, field] : {bad_case{"decreasing", decreasing, "Level2"},
                                         bad_case{"no months", no_months, "MonthCount"},
                                         bad_case{"bad mode", bad_mode, "PriceMode"},
                                         bad_case{"no level", no_level, "Level1"},
                                         bad_case{"price3 alone", lone_price3, "Level2"}}) {
        CAPTURE(name);
        auto const r = from_cnmcsp(p, at(2026, 1, 1));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().field == field);
    }
}

TEST_CASE("a Xianfeng price keeps its five prices, four ladders, times and clear mark") {
    auto const r = from_xianfeng(xianfeng_three_two());
    REQUIRE(r.has_value());
    tariff const& t = r.value();
    CHECK(t.price_count == 5);
    CHECK(t.version == "7");
    CHECK(t.cycle.kind == cycle_kind::months);
    CHECK(t.cycle.start == at(2026, 1, 1));
    CHECK(t.effective_at == at(2026, 7, 1));
    CHECK(t.clear_ladder);
    CHECK(t.gas_type == 1);
}

TEST_CASE("a Xianfeng ladder below the previous one is refused") {
    xianfeng_price p = xianfeng_three_two();
    p.ladders[2] = m3_whole(500);
    auto const r = from_xianfeng(p);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().field == "ladderGasThree");
}

TEST_CASE("Xianfeng ranges are checked: price up to 30, version and period 1 to 255") {
    xianfeng_price expensive = xianfeng_three_two();
    expensive.prices[4] = price_e4(300001);
    CHECK(from_xianfeng(expensive).error().field == "priceFive");
    xianfeng_price ver0 = xianfeng_three_two();
    ver0.price_ver = 0;
    CHECK(from_xianfeng(ver0).error().field == "priceVer");
    xianfeng_price period = xianfeng_three_two();
    period.price_period = 256;
    CHECK(from_xianfeng(period).error().field == "pricePeriod");
}

TEST_CASE("a Xianfeng tariff reads back in PRICE_READ's shape unchanged") {
    xianfeng_price const p = xianfeng_three_two();
    xianfeng_price const back = to_xianfeng(from_xianfeng(p).value());
    CHECK(back.prices == p.prices);
    CHECK(back.ladders == p.ladders);
    CHECK(back.price_ver == 7);
    CHECK(back.price_period == 12);
    CHECK(back.price_time == p.price_time);
    CHECK(back.ladder_time == p.ladder_time);
}

TEST_CASE("a three-price tariff is padded to five prices for Xianfeng") {
    xianfeng_price const x = to_xianfeng(from_cnmcsp(cnmcsp_ladder(), at(2019, 10, 1)).value());
    CHECK(x.prices[3] == price_e4(30000));
    CHECK(x.prices[4] == price_e4(30000));
    CHECK(x.ladders[2] == m3_whole(5000));
    CHECK(x.ladders[3] == m3_whole(5000));
    CHECK(x.price_ver == 1);  // "309" is outside priceVer's 1-255
}

TEST_CASE("a Xintian price maps six prices, five dividers and a settlement cycle") {
    auto const r = from_xintian(xintian_yearly());
    REQUIRE(r.has_value());
    CHECK(r.value().price_count == 6);
    CHECK(r.value().cycle.kind == cycle_kind::yearly);
    CHECK(r.value().code == "P01");
    CHECK(r.value().thresholds[4] == m3_whole(720));
}

TEST_CASE("Xintian settings out of range or decreasing are refused naming the field") {
    xintian_price decreasing = xintian_yearly();
    decreasing.dividers[3] = m3_whole(100);
    CHECK(from_xintian(decreasing).error().field == "Divid4");
    xintian_price day = xintian_yearly();
    day.freeze_day = 29;
    CHECK(from_xintian(day).error().field == "FreezeDay");
    xintian_price stair = xintian_yearly();
    stair.stair_type = 4;
    CHECK(from_xintian(stair).error().field == "StairType");
    xintian_price month = xintian_yearly();
    month.freeze_month = 0;
    CHECK(from_xintian(month).error().field == "FreezeMonth");
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

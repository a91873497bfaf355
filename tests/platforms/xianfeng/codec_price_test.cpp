#include "platforms/xianfeng/codec_price.hpp"

#include <doctest/doctest.h>

#include "tests/support/tariff_builders.hpp"

using namespace metersim::meters;
using namespace metersim::platforms::xianfeng;
using namespace metersim::test;

namespace {
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

/// The tariff a CNMCSP three-price ladder (Version "309") maps to.
tariff three_prices() {
    return tariff{.version = "309", .code = {}, .price_count = 3,
                  .prices = {price_e4(12000), price_e4(18000), price_e4(30000)}, .thresholds = {m3_whole(2000), m3_whole(5000)},
                  .cycle = {}, .effective_at = {}, .clear_ladder = false, .gas_type = 0};
}
}  // namespace

TEST_SUITE("platforms/xianfeng/codec_price") {

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
    xianfeng_price const x = to_xianfeng(three_prices());
    CHECK(x.prices[3] == price_e4(30000));
    CHECK(x.prices[4] == price_e4(30000));
    CHECK(x.ladders[2] == m3_whole(5000));
    CHECK(x.ladders[3] == m3_whole(5000));
    CHECK(x.price_ver == 1);  // "309" is outside priceVer's 1-255
}

}

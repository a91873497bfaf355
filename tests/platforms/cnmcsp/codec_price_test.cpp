#include "platforms/cnmcsp/codec_price.hpp"

#include <doctest/doctest.h>

#include "tests/support/tariff_builders.hpp"

using namespace metersim::meters;
using namespace metersim::platforms::cnmcsp;
using namespace metersim::test;

namespace {
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
}  // namespace

TEST_SUITE("platforms/cnmcsp/codec_price") {

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

}

#include "platforms/xintian/codec_price.hpp"

#include <doctest/doctest.h>

using namespace metersim::meters;
using namespace metersim::platforms::xintian;

namespace {
constexpr utc_offset cst{480};

instant at(int y, unsigned mo, unsigned d, unsigned h = 0) {
    return from_civil(civil_time{y, mo, d, h, 0, 0, 0}, cst);
}
price yuan(std::int64_t e4) { return price::from_e4(e4); }
volume m3(std::int64_t units) { return volume::from_units(units); }

xintian_price xintian_yearly() {
    xintian_price p;
    p.price_type_code = "P01";
    p.dividers = {m3(240), m3(360), m3(480), m3(600), m3(720)};
    p.prices = {yuan(26000), yuan(31000), yuan(36000), yuan(41000), yuan(46000), yuan(51000)};
    p.stair_type = 3;
    p.freeze_month = 1;
    p.freeze_day = 1;
    p.exe_date = at(2026, 1, 1);
    return p;
}
}  // namespace

TEST_SUITE("platforms/xintian/codec_price") {

TEST_CASE("a Xintian price maps six prices, five dividers and a settlement cycle") {
    auto const r = from_xintian(xintian_yearly());
    REQUIRE(r.has_value());
    CHECK(r.value().price_count == 6);
    CHECK(r.value().cycle.kind == cycle_kind::yearly);
    CHECK(r.value().code == "P01");
    CHECK(r.value().thresholds[4] == m3(720));
}

TEST_CASE("Xintian settings out of range or decreasing are refused naming the field") {
    xintian_price decreasing = xintian_yearly();
    decreasing.dividers[3] = m3(100);
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

}

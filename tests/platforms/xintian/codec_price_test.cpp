#include "platforms/xintian/codec_price.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/support/tariff_builders.hpp"

using namespace metersim::meters;
using namespace metersim::platforms::xintian;
using namespace metersim::test;

namespace {
xintian_price xintian_yearly() {
    return xintian_price{.price_type_code = "P01",
                         .dividers = {m3_whole(240), m3_whole(360), m3_whole(480), m3_whole(600), m3_whole(720)},
                         .prices = {price_e4(26000), price_e4(31000), price_e4(36000), price_e4(41000), price_e4(46000), price_e4(51000)},
                         .stair_type = 3, .freeze_month = 1, .freeze_day = 1, .exe_date = at(2026, 1, 1)};
}

/// The field from_xintian names when `change` spoils the yearly price.
template <class Change>
std::string refused(Change change) {
    xintian_price p = xintian_yearly();
    change(p);
    return from_xintian(p).error().field;
}
}  // namespace

TEST_SUITE("platforms/xintian/codec_price") {

TEST_CASE("a Xintian price maps six prices, five dividers and a settlement cycle") {
    auto const r = from_xintian(xintian_yearly());
    REQUIRE(r.has_value());
    CHECK(r.value().price_count == 6);
    CHECK(r.value().cycle.kind == cycle_kind::yearly);
    CHECK(r.value().code == "P01");
    CHECK(r.value().thresholds[4] == m3_whole(720));
}

TEST_CASE("Xintian settings out of range or decreasing are refused naming the field") {
    CHECK(refused([](xintian_price& p) { p.dividers[3] = m3_whole(100); }) == "Divid4");
    CHECK(refused([](xintian_price& p) { p.freeze_day = 29; }) == "FreezeDay");
    CHECK(refused([](xintian_price& p) { p.stair_type = 4; }) == "StairType");
    CHECK(refused([](xintian_price& p) { p.freeze_month = 0; }) == "FreezeMonth");
}

}

#include "meters/fixed4_text.hpp"

#include <doctest/doctest.h>

#include "tests/support/parse_checks.hpp"

#include <cstdint>
#include <limits>

using namespace metersim::meters;

TEST_SUITE("meters/fixed4") {

TEST_CASE("decimal text parses exactly into 1e-4 units") {
    CHECK(parse_fixed4("0").value() == 0);
    CHECK(parse_fixed4("12").value() == 120000);
    CHECK(parse_fixed4("12.5").value() == 125000);
    CHECK(parse_fixed4("0.1").value() == 1000);
    CHECK(parse_fixed4("0.0001").value() == 1);
    CHECK(parse_fixed4("-3.25").value() == -32500);
    CHECK(parse_fixed4("999999999999.9999").value() == 9999999999999999);
}

TEST_CASE("malformed or over-precise decimal text is refused with its position") {
    struct bad { char const* text; std::size_t position; };
    for (auto [text, position] : {bad{"", 0}, bad{"-", 1}, bad{"1.", 2}, bad{".5", 0},
                                  bad{"1.23456", 6}, bad{"1234567890123", 12}, bad{"+1", 0},
                                  bad{"1e5", 1}, bad{" 1", 0}, bad{"1 ", 1}, bad{"1.2.3", 3}}) {
        CAPTURE(text);
        metersim::test::check_refused_at(parse_fixed4(text), position);
    }
}

TEST_CASE("formatting always prints four decimals") {
    CHECK(format_e4(150000) == "15.0000");
    CHECK(format_e4(0) == "0.0000");
    CHECK(format_e4(-5) == "-0.0005");
    CHECK(format_e4(std::numeric_limits<std::int64_t>::min()) == "-922337203685477.5808");
    CHECK(to_string(money::from_e4(123456)) == "12.3456");
}

TEST_CASE("text round-trips through parse and format") {
    for (auto text : {"0.0000", "1.0000", "-1.2345", "999999999999.9999", "0.0001"})
        CHECK(format_e4(parse_fixed4(text).value()) == text);
}

TEST_CASE("formatting to fewer places rounds half away from zero") {
    CHECK(format_e4_places(25050, 2) == "2.51");
    CHECK(format_e4_places(25049, 2) == "2.50");
    CHECK(format_e4_places(-25050, 2) == "-2.51");
    CHECK(format_e4_places(15000, 1) == "1.5");
    CHECK(format_e4_places(15000, 0) == "2");
    CHECK(format_e4_places(-4, 2) == "0.00");
}

TEST_CASE("a charge is rounded once, half away from zero") {
    // 0.0001 m3 at 0.5000 yuan = 0.00005 -> 0.0001
    CHECK(charge_for(volume::from_e4(1), price::from_e4(5000)).e4() == 1);
    // just below half: 0.0001 m3 at 0.4999 = 0.00004999 -> 0
    CHECK(charge_for(volume::from_e4(1), price::from_e4(4999)).e4() == 0);
    CHECK(charge_for(volume::from_e4(1), price::from_e4(5001)).e4() == 1);
    CHECK(charge_for(volume::from_e4(-1), price::from_e4(5000)).e4() == -1);
    CHECK(charge_for(volume::from_e4(-1), price::from_e4(4999)).e4() == 0);
    CHECK(charge_for(parse_volume("12.5").value(), parse_price("3.2").value()) ==
          parse_money("40").value());
}

TEST_CASE("money buys volume rounded down") {
    CHECK(volume_for(parse_money("10").value(), parse_price("3").value()).e4() == 33333);
    CHECK(volume_for(parse_money("10").value(), price::zero()).is_zero());
}

}  // TEST_SUITE

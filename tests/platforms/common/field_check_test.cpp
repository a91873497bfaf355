#include "platforms/common/field_check.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>

using namespace metersim::platforms;
using namespace std::chrono_literals;
namespace meters = metersim::meters;

namespace {
constexpr std::string_view code = "101001";
}

TEST_SUITE("platforms/common/field_check") {

TEST_CASE("utf8_length counts characters, not bytes") {
    CHECK(utf8_length("") == 0u);
    CHECK(utf8_length("abc") == 3u);
    CHECK(utf8_length("杭州先锋电子技术股份有限公司") == 14u);
    CHECK(utf8_length("滨安路1186-1号") == 10u);
    CHECK(utf8_length("\xF0\x9F\x94\xA5") == 1u);  // U+1F525, four bytes
}

TEST_CASE("utf8_length refuses malformed sequences") {
    for (std::string_view bad : {std::string_view("\x80"), std::string_view("\xC3"),
                                 std::string_view("\xC0\xAF"), std::string_view("\xE0\x80\xAF"),
                                 std::string_view("\xED\xA0\x80"), std::string_view("\xF4\x90\x80\x80"),
                                 std::string_view("\xE6\x9D"), std::string_view("a\xFFz")}) {
        CHECK_FALSE(utf8_length(bad).has_value());
    }
}

TEST_CASE("a missing or empty required value is reported as required") {
    auto e = check_required("userNo", code, std::nullopt);
    REQUIRE(e.has_value());
    CHECK(e->code == "101001");
    CHECK(e->field == "userNo");
    CHECK(e->message == "userNo is required");
    CHECK(check_required("userNo", code, std::string_view("")).has_value());
    CHECK_FALSE(check_required("userNo", code, std::string_view("1")).has_value());
}

TEST_CASE("a Chinese name of 64 characters fits String(1-64) although it is 192 bytes") {
    std::string name;
    for (int i = 0; i < 64; ++i) name += "气";
    CHECK(name.size() == 192);
    CHECK_FALSE(check_length("userName", code, name, 1, 64).has_value());
    auto e = check_length("userName", code, name + "气", 1, 64);
    REQUIRE(e.has_value());
    CHECK(e->field == "userName");
    CHECK(e->message == "userName must be at most 64 characters, got 65");
}

TEST_CASE("length checks refuse empty text below the minimum and malformed UTF-8") {
    CHECK(check_length("userNo", code, "", 1, 24)->message == "userNo must not be empty");
    CHECK(check_length("cardNo", code, "123", 10, 10).has_value());
    CHECK(check_length("userName", code, "\xFF", 0, 64)->message == "userName is not valid UTF-8");
}

TEST_CASE("digit checks accept only ASCII digits, optionally of an exact length") {
    CHECK_FALSE(check_digits("cardNo", "500034", "0123456789", 10).has_value());
    auto e = check_digits("cardNo", "500034", "012345678", 10);
    REQUIRE(e.has_value());
    CHECK(e->code == "500034");
    CHECK(check_digits("cardNo", "500034", "01234a6789", 10).has_value());
    CHECK(check_digits("companyCode", code, "", 0).has_value());
    CHECK(check_digits("companyCode", code, "-1").has_value());
    CHECK(check_digits("companyCode", code, "１２").has_value());  // full-width digits
}

TEST_CASE("hex-32 checks accept a Xianfeng deviceId in either case") {
    CHECK_FALSE(check_hex32("deviceId", code, "673ae176a7124ffbac397429e5b79131").has_value());
    CHECK_FALSE(check_hex32("deviceId", code, "673AE176A7124FFBAC397429E5B79131").has_value());
    CHECK(check_hex32("deviceId", code, "673ae176a7124ffbac397429e5b7913").has_value());
    CHECK(check_hex32("deviceId", code, "673ae176a7124ffbac397429e5b7913g").has_value());
    CHECK(check_hex32("deviceId", code, "").has_value());
}

TEST_CASE("enumerations name the allowed values") {
    CHECK_FALSE(check_enum("msgType", code, "0", {"0", "1"}).has_value());
    auto e = check_enum("msgType", code, "2", {"0", "1"});
    REQUIRE(e.has_value());
    CHECK(e->message == R"(msgType must be one of "0", "1")");
    CHECK_FALSE(check_enum("controlFlag", "500015", std::int64_t{1}, {0, 1}).has_value());
    auto n = check_enum("controlFlag", "500015", std::int64_t{2}, {0, 1});
    REQUIRE(n.has_value());
    CHECK(n->code == "500015");
    CHECK(n->message == "controlFlag must be one of 0, 1, got 2");
}

TEST_CASE("integer ranges are inclusive") {
    CHECK_FALSE(check_range("billNo", "500032", 1, 1, 65535).has_value());
    CHECK_FALSE(check_range("billNo", "500032", 65535, 1, 65535).has_value());
    auto e = check_range("billNo", "500032", 65536, 1, 65535);
    REQUIRE(e.has_value());
    CHECK(e->code == "500032");
    CHECK(e->field == "billNo");
    CHECK(check_range("billNo", "500032", 0, 1, 65535).has_value());
}

TEST_CASE("decimal ranges compare exact values and print them as decimals") {
    auto const lo = meters::price::zero();
    auto const hi = meters::price::from_units(30);
    CHECK_FALSE(check_range("priceOne", "500020", meters::price::from_e4(300000), lo, hi).has_value());
    auto e = check_range("priceOne", "500020", meters::price::from_e4(300001), lo, hi);
    REQUIRE(e.has_value());
    CHECK(e->message == "priceOne must be between 0.0000 and 30.0000, got 30.0001");
    CHECK(check_range("priceOne", "500020", meters::price::from_e4(-1), lo, hi).has_value());
}

TEST_CASE("a price with two decimals refuses a third but not trailing zeros") {
    CHECK_FALSE(check_decimals("priceOne", "500020", meters::price::from_e4(12300), 2).has_value());
    CHECK_FALSE(check_decimals("priceOne", "500020", meters::price::from_e4(12000), 2).has_value());
    auto e = check_decimals("priceOne", "500020", meters::price::from_e4(12340), 2);
    REQUIRE(e.has_value());
    CHECK(e->message == "priceOne must have at most 2 decimals");
    CHECK(check_decimals("ladderValue", "500039", meters::volume::from_e4(-10010), 1).has_value());
    CHECK(check_decimals_e4("n", code, 10000, 0) == std::nullopt);
    CHECK(check_decimals_e4("n", code, 10001, 0)->message == "n must be a whole number");
}

TEST_CASE("dates are checked for shape and calendar with the pattern in the message") {
    CHECK_FALSE(check_date("priceTime", "500027", "20240229120000", timestamp_format::compact).has_value());
    auto e = check_date("priceTime", "500027", "20240230120000", timestamp_format::compact);
    REQUIRE(e.has_value());
    CHECK(e->code == "500027");
    CHECK(e->field == "priceTime");
    CHECK(e->message.find("yyyyMMddHHmmss") != std::string::npos);
    CHECK(check_date("ExeDate", code, "2024-02-30", timestamp_format::date_only).has_value());
    CHECK(check_date("ReadTime", code, "2024-02-01 25:00:00", timestamp_format::spaced).has_value());
}

TEST_CASE("parse_date_field returns the instant at the given offset") {
    auto t = parse_date_field("accountDate", "500022", "19700101080000", timestamp_format::compact, 480min);
    REQUIRE(t.has_value());
    CHECK(meters::to_ms(t.value()) == 0);
    auto e = parse_date_field("accountDate", "500022", "1970010108000", timestamp_format::compact, 480min);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == "500022");
    CHECK(e.error().field == "accountDate");
}

}  // TEST_SUITE

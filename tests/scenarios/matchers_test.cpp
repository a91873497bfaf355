#include "scenarios/matchers.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/support/json_doc.hpp"

namespace sc = metersim::scenarios;
using metersim::test::json_doc;

namespace {

sc::matcher m(sc::matcher::kind k, std::string text = {}) {
    sc::matcher x;
    x.k = k;
    x.text = std::move(text);
    return x;
}

bool check(sc::matcher const& x, std::string_view json, std::string_view key = "v") {
    auto d = json_doc(json);
    return sc::matches(x, d.find(key));
}

using K = sc::matcher::kind;

}  // namespace

TEST_SUITE("scenarios/matchers") {
    TEST_CASE("equals compares texts: a string 0 and a number 0 both equal 0") {
        CHECK(check(m(K::equals, "0"), R"({"v":"0"})"));
        CHECK(check(m(K::equals, "0"), R"({"v":0})"));
        CHECK(check(m(K::equals, "true"), R"({"v":true})"));
        CHECK_FALSE(check(m(K::equals, "0"), R"({"v":"00"})"));
        CHECK_FALSE(check(m(K::equals, "0"), R"({"w":0})"));
    }

    TEST_CASE("decimal compares to 4 places whatever the writing") {
        auto x = m(K::decimal, "12.5");
        CHECK(check(x, R"({"v":"12.5"})"));
        CHECK(check(x, R"({"v":12.50})"));
        CHECK(check(x, R"({"v":"12.5000"})"));
        CHECK(check(x, R"({"v":12.500000})"));
        CHECK_FALSE(check(x, R"({"v":12.5001})"));
        CHECK_FALSE(check(x, R"({"v":"abc"})"));
        CHECK_FALSE(check(x, R"({"v":true})"));
    }

    TEST_CASE("regex searches anywhere unless anchored") {
        CHECK(check(m(K::regex, "b+"), R"({"v":"abbc"})"));
        CHECK_FALSE(check(m(K::regex, "^b"), R"({"v":"abbc"})"));
        CHECK(check(m(K::regex, "^[0-9a-f]{4}$"), R"({"v":"09af"})"));
        CHECK_FALSE(check(m(K::regex, "(unclosed"), R"({"v":"x"})"));
    }

    TEST_CASE("range is inclusive and null leaves an end open") {
        sc::matcher r = m(K::range);
        r.low_e4 = 100'000;
        r.high_e4 = 200'000;
        CHECK(check(r, R"({"v":"10"})"));
        CHECK(check(r, R"({"v":20.0})"));
        CHECK_FALSE(check(r, R"({"v":20.0001})"));
        r.high_e4.reset();
        CHECK(check(r, R"({"v":99999})"));
        CHECK_FALSE(check(r, R"({"v":9.9999})"));
    }

    TEST_CASE("present and absent look at existence only") {
        CHECK(check(m(K::present), R"({"v":null})"));
        CHECK_FALSE(check(m(K::present), R"({"w":1})"));
        CHECK(check(m(K::absent), R"({"w":1})"));
        CHECK_FALSE(check(m(K::absent), R"({"v":1})"));
    }

    TEST_CASE("any_of matches when one alternative does") {
        auto x = m(K::any_of);
        x.inner = {m(K::equals, "1"), m(K::decimal, "2")};
        CHECK(check(x, R"({"v":"2.00"})"));
        CHECK(check(x, R"({"v":1})"));
        CHECK_FALSE(check(x, R"({"v":3})"));
    }

    TEST_CASE("contains finds an element, a member of an object element, or a substring") {
        auto x = m(K::contains);
        x.inner = {m(K::equals, "0011H")};
        CHECK(check(x, R"({"v":["0009H","0011H"]})"));
        CHECK(check(x, R"({"v":[{"code":"0011H","name":"low battery"}]})"));
        CHECK(check(x, R"({"v":"alarms 0011H, 0009H"})"));
        CHECK_FALSE(check(x, R"({"v":[]})"));
        CHECK_FALSE(check(x, R"({"v":[{"code":"0009H"}]})"));
    }

    TEST_CASE("matchers and values read well in messages") {
        auto r = m(K::range);
        r.low_e4 = 100'000;
        CHECK(sc::describe(r) == "range [10.0000, null]");
        CHECK(sc::describe(m(K::equals, "0")) == R"("0")");
        CHECK(sc::describe(m(K::decimal, "12.5")) == "decimal 12.5");
        CHECK(sc::describe(nullptr) == "absent");
        auto d = json_doc(R"({"v":12.50})");
        CHECK(sc::describe(d.find("v")) == "12.50");
    }
}

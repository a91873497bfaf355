#include "scenarios/json_path.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/support/json_doc.hpp"

namespace sc = metersim::scenarios;
namespace pf = metersim::platforms;
using metersim::test::json_doc;

namespace {

std::string at(pf::json_value const& d, std::string_view path) {
    auto const* v = sc::find_path(d, path);
    return v == nullptr ? std::string("<absent>") : pf::to_json_text(*v);
}

}  // namespace

TEST_SUITE("scenarios/json_path") {
    TEST_CASE("keys separated by dots reach nested fields") {
        auto d = json_doc(R"({"data":{"deviceId":"abc","n":12.50}})");
        CHECK(at(d, "data.deviceId") == R"("abc")");
        CHECK(at(d, "data.n") == "12.50");
    }

    TEST_CASE("indexes reach array elements, also at the start") {
        auto d = json_doc(R"({"DataList":[{"Remnant":1},{"Remnant":2}]})");
        CHECK(at(d, "DataList[1].Remnant") == "2");
        auto a = json_doc(R"([{"x":[5,6]},{"x":[7]}])");
        CHECK(at(a, "[0].x[1]") == "6");
        CHECK(at(a, "$[1].x[0]") == "7");
    }

    TEST_CASE("$ is the whole document") {
        auto d = json_doc(R"({"a":1})");
        CHECK(at(d, "$") == R"({"a":1})");
        CHECK(at(d, "$.a") == "1");
    }

    TEST_CASE("a key applied to a one-element array looks inside it") {
        auto d = json_doc(R"([{"callbackData":{"reportType":"99"}}])");
        CHECK(at(d, "callbackData.reportType") == R"("99")");
        auto two = json_doc(R"([{"a":1},{"a":2}])");
        CHECK(at(two, "a") == "<absent>");
    }

    TEST_CASE("a missing key, an index out of range or a wrong kind is absent") {
        auto d = json_doc(R"({"a":{"b":[1]},"s":"x"})");
        CHECK(at(d, "a.c") == "<absent>");
        CHECK(at(d, "a.b[3]") == "<absent>");
        CHECK(at(d, "s.x") == "<absent>");
        CHECK(at(d, "a[0]") == "<absent>");
    }

    TEST_CASE("malformed paths are errors saying where") {
        CHECK_FALSE(sc::parse_path("a..b").has_value());
        CHECK_FALSE(sc::parse_path("a[").has_value());
        CHECK_FALSE(sc::parse_path("a[x]").has_value());
        CHECK_FALSE(sc::parse_path("a.").has_value());
        CHECK_FALSE(sc::parse_path("a[0]b").has_value());
        CHECK(sc::parse_path("a[").error().find("at 1") != std::string::npos);
        CHECK(sc::parse_path("service[2].data.balance").value().size() == 4);
    }
}

#include "sim/json/value.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace metersim::sim::json;

namespace {

json_value parsed(std::string_view text) {
    auto r = parse_json(text);
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().reason));
    return std::move(r).value();
}

}  // namespace

TEST_SUITE("sim/json/value") {

TEST_CASE("numbers keep their raw token text") {
    auto v = parsed(R"({"a":12.50,"b":1000,"c":-0.0001,"d":123456789012345678901234567890,)"
                    R"("e":1e3,"f":-7,"g":18446744073709551615})");
    CHECK(v.find("a")->text() == "12.50");
    CHECK(v.find("b")->text() == "1000");
    CHECK(v.find("c")->text() == "-0.0001");
    CHECK(v.find("d")->text() == "123456789012345678901234567890");
    CHECK(v.find("e")->text() == "1e3");
    CHECK(v.find("f")->text() == "-7");
    CHECK(v.find("g")->text() == "18446744073709551615");
    CHECK(v.find("a")->kind() == json_kind::number);
}

TEST_CASE("the DOM keeps strings, booleans, nulls, arrays and member order") {
    auto v = parsed(R"( {"z":"杭州\u5148\n","y":[true,false,null,{}],"x":{"k":[]}} )");
    REQUIRE(v.is_object());
    REQUIRE(v.size() == 3);
    CHECK(v.key_at(0) == "z");
    CHECK(v.key_at(2) == "x");
    CHECK(v.at(0).text() == "杭州先\n");
    json_value const& y = v.at(1);
    REQUIRE(y.is_array());
    CHECK(y.size() == 4);
    CHECK(y.at(0).as_bool());
    CHECK_FALSE(y.at(1).as_bool());
    CHECK(y.at(2).is_null());
    CHECK(y.at(3).is_object());
    CHECK(v.at(2).find("k")->is_array());
}

TEST_CASE("to_json_text writes compact JSON with the raw number tokens") {
    std::string const text = R"({"a":12.50,"b":[1,"x\"y",null,true],"c":{"d":"\u0001"}})";
    CHECK(to_json_text(parsed(text)) == R"({"a":12.50,"b":[1,"x\"y",null,true],"c":{"d":"\u0001"}})");
}

TEST_CASE("a syntax error reports line, column, offset and reason") {
    auto r = parse_json("{\n  \"a\": 1,\n  \"b\" 2\n}");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 3);
    CHECK(r.error().column == 7);
    CHECK(r.error().offset == 18);
    CHECK(r.error().reason.find("syntax error") != std::string::npos);
    CHECK(r.error().reason.find("json.exception") == std::string::npos);
}

TEST_CASE("malformed bodies of every kind are errors, never crashes") {
    for (std::string_view bad :
         {std::string_view(""), std::string_view("   "), std::string_view("{"), std::string_view("}"),
          std::string_view("[1,]"), std::string_view("{\"a\":}"), std::string_view("{\"a\" 1}"),
          std::string_view("nul"), std::string_view("01"), std::string_view("1.e5"),
          std::string_view("\"\xff\""), std::string_view("\"a\nb\""), std::string_view("{} {}"),
          std::string_view("1e400"), std::string_view("\"\\ud800\""), std::string_view("[\"\\x\"]"),
          std::string_view("{\"a\":1,}"), std::string_view("// c\n{}"), std::string_view("\0", 1),
          std::string_view("{\"a\":\"unterminated")}) {
        CAPTURE(bad);
        auto r = parse_json(bad);
        REQUIRE_FALSE(r.has_value());
        CHECK_FALSE(r.error().reason.empty());
        CHECK(r.error().offset <= bad.size());
    }
}

TEST_CASE("nesting deeper than the limit is refused at the opening bracket") {
    std::string ok(64, '[');
    ok += std::string(64, ']');
    CHECK(parse_json(ok).has_value());
    std::string deep(65, '[');
    deep += std::string(65, ']');
    auto r = parse_json(deep);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().offset == 64);
    CHECK(r.error().reason == "nesting deeper than 64 levels");
    std::string hostile(100000, '[');
    CHECK_FALSE(parse_json(hostile).has_value());
    std::string objects;
    for (int i = 0; i < 70; ++i) objects += "{\"a\":";
    auto o = parse_json(objects);
    REQUIRE_FALSE(o.has_value());
    CHECK(o.error().offset == 64 * 5);
}

TEST_CASE("a body with more values than the limit is refused") {
    auto r = parse_json("[1,2,\"x\",4]", json_limits{64, 3});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().offset == 5);
    CHECK(r.error().reason == "more than 3 values");
    CHECK(parse_json("[1,2]", json_limits{64, 3}).has_value());
    auto k = parse_json(R"({"a":1,"b":{}})", json_limits{64, 2});
    REQUIRE_FALSE(k.has_value());
    CHECK(k.error().offset == 11);
}

}  // TEST_SUITE

#include "sim/admin/admin_body.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace metersim::sim;
using admin::body_reader;

namespace {

/// A request whose body is `body` (a view: give it text that outlives the request).
http::request post(std::string_view body) {
    http::request r;
    r.method = "POST";
    r.body = body;
    return r;
}

json::json_value object(std::string_view text) {
    auto r = admin::body_object(post(text));
    REQUIRE(r.has_value());
    return std::move(r).value();
}

}  // namespace

TEST_SUITE("sim/admin/admin_body") {

TEST_CASE("a body that is not one JSON object is refused naming the body") {
    for (char const* bad : {"{", "[1]", "\"x\"", R"({"a":1,"a":2})", R"({"a":{"b":1,"b":1}})"}) {
        CAPTURE(bad);
        auto r = admin::body_object(post(bad));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().status == 400);
        CHECK(r.error().field == "body");
    }
    CHECK(admin::body_object(post(R"({"a":{"b":1,"b":1}})")).error().message ==
          R"(not valid JSON: key "b" appears more than once)");
    CHECK(admin::body_object(post("[1]")).error().message == "expected a JSON object, found an array");
}

TEST_CASE("fields are read with the admin messages and the first problem sticks") {
    auto const body = object(R"({"s":"x","n":7,"big":18446744073709551615,"d":1.50,"f":true,"nul":null})");
    body_reader in(body, "meters[0]");
    CHECK(in.text("s", true) == "x");
    CHECK(in.integer("n", true, 1, 10) == 7);
    CHECK(in.text("n", false, true) == "7");
    CHECK(in.decimal_e4("d", true) == 15000);
    CHECK(in.flag("f", true) == true);
    CHECK_FALSE(in.text("nul", false).has_value());
    CHECK(in.ok());
    CHECK_FALSE(in.integer("big", true, 0, 100).has_value());
    CHECK(in.problem().field == "meters[0].big");
    CHECK(in.problem().message == "must be between 0 and 100");
    CHECK_FALSE(in.text("missing", true).has_value());
    CHECK(in.problem().field == "meters[0].big");  // the first problem stays
}

TEST_CASE("wrong types are named as the JSON layer describes them") {
    auto const body = object(R"({"s":1.5,"n":"7","d":[],"f":0})");
    auto first = [&](auto read) {
        body_reader in(body);
        read(in);
        return in.problem().message;
    };
    CHECK(first([](body_reader& in) { (void)in.text("s", true); }) == "expected a string, found a fractional number");
    CHECK(first([](body_reader& in) { (void)in.integer("n", true, 0, 9); }) == "expected an integer, found a string");
    CHECK(first([](body_reader& in) { (void)in.decimal_e4("d", true); }) ==
          "expected a decimal (string or number), found an array");
    CHECK(first([](body_reader& in) { (void)in.flag("f", true); }) == "expected true or false, found an integer");
    CHECK(first([](body_reader& in) { (void)in.text("absent", true); }) == "missing");
}

TEST_CASE("a refusal answers its status with the field in the message") {
    auto const a = admin::refuse({404, "meterNo", "no meter \"1\""});
    CHECK(a.status == 404);
    CHECK(a.body == R"({"message":"meterNo: no meter \"1\"","field":"meterNo"})");
}

}  // TEST_SUITE

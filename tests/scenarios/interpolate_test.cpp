#include "scenarios/interpolate.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace sc = metersim::scenarios;

namespace {

sc::var_lookup vars(std::map<std::string, sc::var_value, std::less<>> m) {
    return [m = std::move(m)](std::string_view name) -> std::optional<sc::var_value> {
        if (auto it = m.find(name); it != m.end()) return it->second;
        return std::nullopt;
    };
}

sc::value scalar(std::string text, bool quoted = false) {
    sc::value v;
    v.k = sc::value::kind::scalar;
    v.text = std::move(text);
    v.quoted = quoted;
    return v;
}

sc::value map(std::vector<std::pair<std::string, sc::value>> fields) {
    sc::value v;
    v.k = sc::value::kind::map;
    v.fields = std::move(fields);
    return v;
}

std::string json(sc::value const& v, sc::var_lookup const& look = {}) {
    auto r = sc::to_json_text(v, look ? look : vars({}));
    REQUIRE(r.has_value());
    return r.value();
}

}  // namespace

TEST_SUITE("scenarios/interpolate") {
    TEST_CASE("variables are spliced into text") {
        auto look = vars({{"dev", {"abc", false}}, {"n", {"12", true}}});
        CHECK(sc::interpolate("id=${dev}, n=${n}", look).value() == "id=abc, n=12");
        CHECK(sc::interpolate("no vars", look).value() == "no vars");
    }

    TEST_CASE("an unknown variable or an unclosed reference is an error naming it") {
        auto look = vars({});
        CHECK(sc::interpolate("x ${nope} y", look).error() == "unknown variable ${nope}");
        CHECK(sc::interpolate("x ${open", look).error().find("unclosed") != std::string::npos);
    }

    TEST_CASE("a nested reference is resolved first") {
        auto look = vars({{"meter", {"0001", false}}, {"imei:0001", {"8612", false}}});
        CHECK(sc::interpolate("${imei:${meter}}", look).value() == "8612");
    }

    TEST_CASE("plain numbers keep their digits and quoted scalars are strings") {
        CHECK(json(scalar("50")) == "50");
        CHECK(json(scalar("0.1")) == "0.1");
        CHECK(json(scalar("12345678901234567890.123456789")) == "12345678901234567890.123456789");
        CHECK(json(scalar("50", true)) == R"("50")");
        CHECK(json(scalar("true")) == "true");
        CHECK(json(scalar("null")) == "null");
        CHECK(json(scalar("007")) == R"("007")");
        CHECK(json(scalar("RECHARGE")) == R"("RECHARGE")");
    }

    TEST_CASE("maps and lists become JSON in file order") {
        sc::value list;
        list.k = sc::value::kind::list;
        list.items = {scalar("1"), scalar("a", true)};
        auto v = map({{"b", scalar("2")}, {"a", list}, {"q", scalar("x\"y", true)}});
        CHECK(json(v) == R"({"b":2,"a":[1,"a"],"q":"x\"y"})");
    }

    TEST_CASE("exactly one reference to a saved JSON value becomes that value") {
        auto look = vars({{"obj", {R"({"k":1})", true}}, {"num", {"12.50", true}}, {"txt", {"12", false}}});
        CHECK(json(scalar("${obj}", true), look) == R"({"k":1})");
        CHECK(json(scalar("${num}", true), look) == "12.50");
        CHECK(json(scalar("n=${num}", true), look) == R"("n=12.50")");
        CHECK(json(scalar("${txt}", true), look) == R"("12")");
        CHECK(json(scalar("${txt}"), look) == "12");
    }

    TEST_CASE("matchers get their texts resolved, inner ones too") {
        sc::matcher inner;
        inner.k = sc::matcher::kind::equals;
        inner.text = "${a}";
        sc::matcher m;
        m.k = sc::matcher::kind::any_of;
        m.inner = {inner};
        auto r = sc::interpolate(m, vars({{"a", {"7", false}}}));
        REQUIRE(r.has_value());
        CHECK(r.value().inner.front().text == "7");
        CHECK_FALSE(sc::interpolate(m, vars({})).has_value());
    }

    TEST_CASE("JSON number literals are recognised by the RFC grammar") {
        CHECK(sc::is_json_number("0"));
        CHECK(sc::is_json_number("-1.5e+3"));
        CHECK_FALSE(sc::is_json_number("01"));
        CHECK_FALSE(sc::is_json_number("1."));
        CHECK_FALSE(sc::is_json_number(".5"));
        CHECK_FALSE(sc::is_json_number("+1"));
        CHECK_FALSE(sc::is_json_number(""));
    }
}

#include "sim/json/text.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <climits>
#include <string>

#include "meters/fixed4_text.hpp"
#include "meters/rng.hpp"
#include "sim/json/value.hpp"

using namespace metersim;
using namespace metersim::sim::json;

namespace {

std::string e4_text(std::int64_t v, int places) {
    std::string out = "x";  // appended, not overwritten
    if (places == 4) append_e4(out, v);
    else append_e4_places(out, v, places);
    return out.substr(1);
}

std::string nlohmann_string(std::string const& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string text_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

}  // namespace

TEST_SUITE("sim/json/text") {

TEST_CASE("fixed-point figures are written as meters::format_e4 / format_e4_places write them") {
    std::int64_t const edges[] = {0, 1, -1, 5, -5, 49, 50, -50, 51, 99, 100, 9999, 10000, -10000,
                                  123456, -123456, 15000, -15000, 1'000'000'000'000,
                                  INT64_MAX, INT64_MIN, INT64_MIN + 1};
    for (auto v : edges)
        for (int places = -1; places <= 5; ++places) {
            auto const want = places >= 4 ? meters::format_e4(v) : meters::format_e4_places(v, places);
            CHECK_MESSAGE(e4_text(v, places >= 4 ? 4 : places) == want, v << " places " << places);
        }
    meters::meter_rng rng{42};
    for (int i = 0; i < 20000; ++i) {
        auto const raw = rng.next();
        // Mostly small figures, some spanning the whole range.
        std::int64_t const v = i % 4 == 0 ? static_cast<std::int64_t>(raw)
                                          : static_cast<std::int64_t>(raw % 2'000'000) - 1'000'000;
        int const places = static_cast<int>(rng.next() % 5);
        auto const want = places == 4 ? meters::format_e4(v) : meters::format_e4_places(v, places);
        REQUIRE(e4_text(v, places) == want);
    }
}

TEST_CASE("integers are written as std::to_string writes them") {
    for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{7}, std::int64_t{99},
                           std::int64_t{-99}, INT64_MAX, INT64_MIN}) {
        std::string out;
        append_int(out, v);
        CHECK(out == std::to_string(v));
    }
}

TEST_CASE("strings are escaped as nlohmann escapes them, invalid UTF-8 replaced") {
    std::string const cases[] = {"", "plain", "with \"quotes\"", "back\\slash", "tab\there",
                                 "nl\ncr\rff\fbs\b", std::string("nul\0x", 5), "\x01\x1f\x7f",
                                 "中文 UTF-8", "bad \xff\xfe utf8", "cut \xe4\xb8", "/slash/",
                                 "\xc0\xaf overlong", "\xed\xa0\x80 surrogate"};
    for (auto const& s : cases) CHECK(text_string(s) == nlohmann_string(s));
    meters::meter_rng rng{99};
    for (int i = 0; i < 20000; ++i) {
        std::string s(rng.next() % 12, ' ');
        for (auto& c : s) {
            auto const r = rng.next();
            // Mostly ASCII, some control bytes and high bytes.
            c = static_cast<char>(r % 8 == 0 ? r % 256 : 0x20 + r % 0x5f);
        }
        REQUIRE(text_string(s) == nlohmann_string(s));
    }
}

TEST_CASE("json_quote escapes and always yields valid JSON") {
    CHECK(json_quote("a\"b\\c\n") == R"("a\"b\\c\n")");
    CHECK(json_quote("杭州") == "\"杭州\"");
    CHECK(json_quote(std::string_view("\x01", 1)) == R"("\u0001")");
    CHECK(json_quote("a\xff") == "\"a\xEF\xBF\xBD\"");
    CHECK(json_quote("\xE6\x9D") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(parse_json(json_quote("\xC0\xAF \xED\xA0\x80 ok")).has_value());
}

TEST_CASE("the writer places commas and nests like a dumped ordered_json") {
    std::string out;
    json_text w(out);
    w.begin_object();
    w.field("a", "1");
    w.object("b");
    w.end_object();
    w.array("c");
    w.begin_object();
    w.flag("d", true);
    w.end_object();
    w.begin_object();
    w.end_object();
    w.end_array();
    w.number("e", -12);
    w.int_string("f", 3);
    w.e4("g", 15000);
    w.e4_places("h", -850000, 1);
    w.compact_time("i", meters::instant_from_ms(1'767'283'200'000), std::chrono::minutes{480});
    w.key("j");
    w.raw("[1,2]");
    w.end_object();
    w.finish();  // the string has its final size only once the writer finished
    nlohmann::ordered_json j{{"a", "1"}, {"b", nlohmann::ordered_json::object()},
                             {"c", {{{"d", "1"}}, nlohmann::ordered_json::object()}},
                             {"e", -12}, {"f", "3"}, {"g", "1.5000"}, {"h", "-85.0"},
                             {"i", "20260102000000"}, {"j", {1, 2}}};
    CHECK(out == j.dump());
}

TEST_CASE("the writer appends after what the string holds and grows it as needed") {
    std::string out = "prefix:";
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    {
        json_text w(out);
        w.begin_object();
        for (int i = 0; i < 2000; ++i) {
            auto const name = "k" + std::to_string(i);
            auto const value = std::string(static_cast<std::size_t>(i % 50), static_cast<char>('a' + i % 26));
            w.field(name, value);
            j[name] = value;
        }
        w.end_object();
    }  // finished by the destructor
    CHECK(out == "prefix:" + j.dump());
    std::string empty;
    { json_text w(empty); }
    CHECK(empty.empty());
}

}

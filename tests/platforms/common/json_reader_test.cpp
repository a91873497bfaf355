#include "platforms/common/json_reader.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "meters/fixed4_text.hpp"

using namespace metersim::platforms;
namespace meters = metersim::meters;

namespace {

json_value parsed(std::string_view text) {
    auto r = parse_json(text);
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().reason));
    return std::move(r).value();
}

reader_context lenient() { return reader_context{conformance::lenient, "101001", "xianfeng §1.1", {}}; }
reader_context strict() { return reader_context{conformance::strict, "101001", "xianfeng §1.1", {}}; }

}  // namespace

TEST_SUITE("platforms/common/json_reader") {

TEST_CASE("the CNMCSP example with unquoted keys is a parse error at the first key") {
    auto r = parse_json(R"({Meters:[{"MeterNo":"1"}]})");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 1);
    CHECK(r.error().column == 2);
    auto e = to_api_error(r.error(), "80002001");
    CHECK(e.code == "80002001");
    CHECK(e.field.empty());
    CHECK(e.message.rfind("request body is not valid JSON at line 1, column 2: ", 0) == 0);
}

TEST_CASE("mutated bodies never crash the parser or the readers") {
    // A seeded xorshift walks through byte flips, insertions and truncations of a real body.
    std::string const seed_body =
        R"({"command":{"method":"PRICE_CHANGE","paras":{"priceOne":2.5,"ladderGasOne":100,)"
        R"("priceTime":"20240101000000","list":[1,"2",{"x":null}]}},"expireTime":172800})";
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    auto next = [&] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
    char const alphabet[] = "{}[]\":,.-+eE0123456789 \\ntfu\xff\xe6";
    int parsed_ok = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string body = seed_body;
        int const edits = 1 + static_cast<int>(next() % 4);
        for (int k = 0; k < edits && !body.empty(); ++k) {
            std::size_t const at = next() % body.size();
            char const c = alphabet[next() % (sizeof(alphabet) - 1)];
            switch (next() % 3) {
            case 0: body[at] = c; break;
            case 1: body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), c); break;
            default: body.resize(at); break;
            }
        }
        auto r = parse_json(body);
        if (!r) {
            CHECK(r.error().offset <= body.size());
            continue;
        }
        ++parsed_ok;
        auto ctx = (round % 2) ? lenient() : strict();
        auto obj = object_reader::from(r.value(), ctx);
        if (!obj) continue;
        auto cmd = obj->object_field("command");
        (void)obj->integer_field("expireTime", {1, 2678400});
        if (!cmd) continue;
        auto paras = cmd->object_field("paras");
        (void)cmd->enum_field("method", {"PRICE_CHANGE"});
        if (!paras) continue;
        (void)paras->price_field("priceOne", 2);
        (void)paras->integer_field("ladderGasOne");
        (void)paras->string_field("priceTime", {14, 14});
        if (auto list = paras->array_field("list"); list) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                (void)list->integer_at(i);
                (void)list->object_at(i);
            }
        }
        (void)to_json_text(r.value());
    }
    CHECK(parsed_ok > 0);
}

// ---- readers --------------------------------------------------------------------------------

TEST_CASE("strings are read with their length limits in characters") {
    auto body = parsed(R"({"userNo":"0000000001","userName":"杭州先锋"})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.string_field("userNo", {1, 24}).value() == "0000000001");
    CHECK(r.string_field("userName", {1, 4}).value() == "杭州先锋");
    auto e = r.string_field("userName", {1, 3});
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == "101001");
    CHECK(e.error().field == "userName");
    CHECK(ctx.deviations.empty());
}

TEST_CASE("a missing required field is reported as required with the field's own code") {
    auto body = parsed(R"({"a":1})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    auto e = r.integer_field({"controlFlag", "500015"});
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == "500015");
    CHECK(e.error().field == "controlFlag");
    CHECK(e.error().message == "controlFlag is required");
    CHECK(r.string_field("deviceNo").error().code == "101001");
}

TEST_CASE("optional fields may be absent or null") {
    auto body = parsed(R"({"userNo":null,"syncFlag":1})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK_FALSE(r.optional_string_field("userNo").value().has_value());
    CHECK_FALSE(r.optional_string_field("userAddress").value().has_value());
    CHECK(r.optional_integer_field("syncFlag").value() == std::optional<std::int64_t>{1});
    CHECK(r.string_field("userNo").error().message == "userNo is required");
    CHECK_FALSE(r.has("userNo"));
    CHECK(r.has("syncflag"));
}

TEST_CASE("a key in another case is accepted leniently and recorded as a deviation") {
    auto body = parsed(R"({"Price1":1.20,"price3":3.0})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.price_field("Price3").value() == meters::price::from_e4(30000));
    REQUIRE(ctx.deviations.size() == 1);
    CHECK(ctx.deviations[0].field == "Price3");
    CHECK(ctx.deviations[0].rule == "key case");
    CHECK(ctx.deviations[0].section == "xianfeng §1.1");
    CHECK(ctx.deviations[0].detail == R"(sent as "price3")");
}

TEST_CASE("a key in another case is refused in strict mode") {
    auto body = parsed(R"({"price3":3.0})");
    auto ctx = strict();
    auto r = object_reader::from(body, ctx).value();
    auto e = r.price_field("Price3");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().field == "Price3");
    CHECK(e.error().message.find("price3") != std::string::npos);
    CHECK(ctx.deviations.empty());
}

TEST_CASE("a key sent twice is refused when read, exactly or ignoring case") {
    auto body = parsed(R"({"a":1,"a":2,"Bb":1,"bB":2})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.integer_field("a").error().message == "a appears more than once");
    CHECK(r.integer_field("bb").error().field == "bb");
}

TEST_CASE("a number sent as a string is accepted leniently and recorded") {
    auto body = parsed(R"({"PreSaving":"1000","MonthCount":"12","Level2":"5000.5"})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.integer_field("MonthCount").value() == 12);
    CHECK(r.money_field("PreSaving").value() == meters::money::from_units(1000));
    CHECK(r.volume_field("Level2").value() == meters::volume::from_e4(50005000));
    REQUIRE(ctx.deviations.size() == 3);
    CHECK(ctx.deviations[0].field == "MonthCount");
    CHECK(ctx.deviations[0].rule == "number sent as string");
}

TEST_CASE("a number sent as a string is refused in strict mode") {
    auto body = parsed(R"({"MonthCount":"12"})");
    auto ctx = strict();
    auto r = object_reader::from(body, ctx).value();
    auto e = r.integer_field("MonthCount");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().field == "MonthCount");
    CHECK(e.error().message == R"(MonthCount must be a number, got the string "12")");
}

TEST_CASE("a text field sent as a number is a deviation, and either type is fine when declared") {
    auto body = parsed(R"({"UserType":1,"ReturnCode":"0"})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.string_field("UserType").value() == "1");
    CHECK(r.integer_field("ReturnCode", {}, declared_as::either).value() == 0);
    REQUIRE(ctx.deviations.size() == 1);
    CHECK(ctx.deviations[0].rule == "string sent as number");
    auto sctx = strict();
    auto s = object_reader::from(body, sctx).value();
    CHECK_FALSE(s.string_field("UserType").has_value());
    CHECK(s.integer_field("ReturnCode", {}, declared_as::either).value() == 0);
}

TEST_CASE("a bad value records no deviation") {
    auto body = parsed(R"({"MonthCount":"twelve"})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.integer_field("MonthCount").error().message == R"(MonthCount must be an integer, got "twelve")");
    CHECK(ctx.deviations.empty());
}

TEST_CASE("integers refuse fractions, exponents, signs and overflow, and honour ranges") {
    auto body = parsed(R"({"a":1.0,"b":1e3,"c":"+5","d":99999999999999999999,"e":" 5","f":-9223372036854775808,"g":7})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.integer_field("a").error().message == "a must be an integer, got 1.0");
    CHECK_FALSE(r.integer_field("b").has_value());
    CHECK_FALSE(r.integer_field("c").has_value());
    CHECK(r.integer_field("d").error().message == "d is out of range, got 99999999999999999999");
    CHECK_FALSE(r.integer_field("e").has_value());
    CHECK(r.integer_field("f").value() == INT64_MIN);
    CHECK(r.integer_field("g", {0, 5}).error().message == "g must be between 0 and 5, got 7");
    CHECK(r.integer_field("g", {0, 7}).value() == 7);
}

TEST_CASE("decimals are exact from numbers and strings alike") {
    auto body = parsed(R"({"n":0.1,"s":"0.1","neg":-2147483.64,"big":999999999999.9999,"i":30})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.money_field("n").value().e4() == 1000);
    CHECK(r.money_field("s", 4, declared_as::either).value().e4() == 1000);
    CHECK(r.money_field("neg", 2).value().e4() == -21474836400);
    CHECK(r.decimal_field("big").value().e4() == 9999999999999999);
    CHECK(r.price_field("i", 2).value() == meters::price::from_units(30));
    CHECK(ctx.deviations.empty());
}

TEST_CASE("decimals with an exponent, too many places or junk are refused with a clear message") {
    auto body = parsed(R"({"x":1e3,"y":1.23456,"z":"1,5","p":1.234,"q":1E-2,"h":1234567890123})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    auto e = r.money_field("x");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().field == "x");
    CHECK(e.error().message == "x must be written without an exponent, got 1e3");
    CHECK(r.money_field("q").error().message.find("exponent") != std::string::npos);
    CHECK(r.money_field("y").error().message.find("more than 4 decimals") != std::string::npos);
    CHECK(r.money_field("z").error().message.find("position 1") != std::string::npos);
    CHECK(r.price_field("p", 2).error().message == "p must have at most 2 decimals");
    CHECK(r.money_field("h").error().message.find("12 integer digits") != std::string::npos);
    CHECK(ctx.deviations.empty());
}

TEST_CASE("optional decimals come back empty when absent") {
    auto body = parsed(R"({"price":2.5})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.optional_fixed4_field<meters::price>("price").value() ==
          std::optional<meters::price>{meters::price::from_e4(25000)});
    CHECK_FALSE(r.optional_fixed4_field<meters::money>("surplusValue").value().has_value());
}

TEST_CASE("enumerations accept only the allowed values") {
    auto body = parsed(R"({"method":"VALVE_CONTROL","bad":"VALVE","controlFlag":1,"prepaidType":"1"})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.enum_field("method", {"VALVE_CONTROL", "PRICE_READ"}).value() == "VALVE_CONTROL");
    auto e = r.enum_field({"bad", "500013"}, {"VALVE_CONTROL", "PRICE_READ"});
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == "500013");
    CHECK(e.error().message == R"(bad must be one of "VALVE_CONTROL", "PRICE_READ")");
    CHECK(r.int_enum_field({"controlFlag", "500015"}, {0, 1}).value() == 1);
    CHECK(r.int_enum_field({"controlFlag", "500015"}, {0}).error().code == "500015");
    CHECK(r.int_enum_field("prepaidType", {0, 1}).value() == 1);
    CHECK(ctx.deviations.size() == 1);
    CHECK_FALSE(r.optional_enum_field("missing", {"a"}).value().has_value());
}

TEST_CASE("wrong JSON types are named in the message") {
    auto body = parsed(R"({"s":[],"n":{},"b":"true","o":1,"a":"x"})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    CHECK(r.string_field("s").error().message == "s must be a string, got an array");
    CHECK(r.integer_field("n").error().message == "n must be an integer, got an object");
    CHECK(r.bool_field("b").error().message == "b must be true or false, got a string");
    CHECK(r.object_field("o").error().message == "o must be an object, got a number");
    CHECK(r.array_field("a").error().message == "a must be an array, got a string");
}

TEST_CASE("nested objects and arrays name their fields by path") {
    auto body = parsed(R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":"x"}},)"
                       R"("deviceNos":["3333000002",3333000003,"3333000001"]})");
    auto ctx = strict();
    auto r = object_reader::from(body, ctx).value();
    auto cmd = r.object_field("command");
    REQUIRE(cmd.has_value());
    auto paras = cmd->object_field("paras");
    REQUIRE(paras.has_value());
    auto flag = paras->integer_field({"controlFlag", "500015"}, {0, 1}, declared_as::either);
    REQUIRE_FALSE(flag.has_value());
    CHECK(flag.error().field == "command.paras.controlFlag");
    CHECK(flag.error().code == "500015");
    CHECK(cmd->string_field("method").value() == "VALVE_CONTROL");

    auto nos = r.array_field("deviceNos", 10);
    REQUIRE(nos.has_value());
    CHECK(nos->size() == 3);
    CHECK(nos->string_at(0, {1, 32}).value() == "3333000002");
    auto e = nos->string_at(1, {1, 32});
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().field == "deviceNos[1]");
    CHECK(r.array_field("deviceNos", 2).error().message ==
          "deviceNos must have at most 2 elements, got 3");
}

TEST_CASE("a top-level array body is read with its own code and limit") {
    auto body = parsed(R"(["0036dc6189ec4eeca66d66af8c3bc537","036557cee2be4671b9ea316a5c441c2c"])");
    auto ctx = lenient();
    auto ids = array_reader::from(body, ctx, "", "500048", 10);
    REQUIRE(ids.has_value());
    CHECK(ids->string_at(1).value() == "036557cee2be4671b9ea316a5c441c2c");
    auto too_many = array_reader::from(body, ctx, "", "500048", 1);
    REQUIRE_FALSE(too_many.has_value());
    CHECK(too_many.error().code == "500048");
    CHECK_FALSE(array_reader::from(parsed("{}"), ctx, "", "500048").has_value());
}

TEST_CASE("a body that is not an object is refused by the object reader") {
    auto ctx = lenient();
    auto e = object_reader::from(parsed("[1]"), ctx);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == "101001");
    CHECK(e.error().message == "body must be an object, got an array");
}

TEST_CASE("arrays of objects and of numbers are read element by element") {
    auto body = parsed(R"({"recs":[{"v":"1.8"},{"v":2}],"nums":[1,"2",3.5]})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    auto recs = r.array_field("recs").value();
    CHECK(recs.object_at(0).value().volume_field("v", 4, declared_as::either).value().e4() == 18000);
    CHECK(recs.object_at(1).value().path() == "recs[1]");
    auto nums = r.array_field("nums").value();
    CHECK(nums.integer_at(0).value() == 1);
    CHECK(nums.integer_at(1).value() == 2);
    CHECK(nums.integer_at(2).error().field == "nums[2]");
    CHECK(nums.fixed4_e4_at(2).value() == 35000);
    CHECK(nums.object_at(0).error().message == "nums[0] must be an object, got a number");
    CHECK(ctx.deviations.size() == 1);  // "2" as a string
    CHECK(ctx.deviations[0].field == "nums[1]");
}

TEST_CASE("unknown keys are listed without being errors") {
    auto body = parsed(R"({"userNo":"1","UserName":"x","extra":1})");
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    auto u = r.unknown_keys({"userNo", "userName"});
    REQUIRE(u.size() == 1);
    CHECK(u[0] == "extra");
}

TEST_CASE("long values are shortened in messages") {
    std::string const big = std::string(R"({"n":")") + std::string(500, '9') + "\"}";
    auto body = parsed(big);
    auto ctx = lenient();
    auto r = object_reader::from(body, ctx).value();
    auto e = r.integer_field("n");
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().message.size() < 100);
}

}  // TEST_SUITE

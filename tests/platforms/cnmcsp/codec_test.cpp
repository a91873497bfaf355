#include "platforms/cnmcsp/codec.hpp"

#include <doctest/doctest.h>

#include "platforms/cnmcsp/errors.hpp"

using namespace metersim;
using namespace metersim::platforms;
using namespace metersim::platforms::cnmcsp;

namespace {

/// Parses `text` and runs `parse` on it in the given mode; keeps the deviations.
template <class Parse>
auto run(Parse parse, std::string_view text, conformance mode = conformance::lenient,
         std::vector<deviation>* devs = nullptr) {
    auto v = parse_json(text);
    REQUIRE(v.has_value());
    reader_context ctx{mode, std::string(codes::bad_field), "cnmcsp §5.3", {}};
    auto obj = object_reader::from(v.value(), ctx);
    REQUIRE(obj.has_value());
    auto r = parse(obj.value(), codec_context{});
    if (devs != nullptr) *devs = ctx.deviations;
    return r;
}

constexpr char const* recharge =
    R"({"UserID":"U1","MeterID":"M1","TradeNo":"T1","RechargeTime":"2019-10-02 12:34:22","RechargeAmt":12.5,"DataFrom":"x"})";

}  // namespace

TEST_SUITE("platforms/cnmcsp/codec") {

TEST_CASE("a recharge is read exactly") {
    auto r = run(parse_recharge, recharge);
    REQUIRE(r.has_value());
    CHECK(r.value().amount == meters::money::from_e4(125000));
    CHECK(r.value().trade_no == "T1");
    CHECK(r.value().time_text == "2019-10-02 12:34:22");
}

TEST_CASE("an amount sent as a string is a lenient deviation and a strict refusal") {
    std::string body = recharge;
    body.replace(body.find("12.5"), 4, R"("12.5")");
    std::vector<deviation> devs;
    auto r = run(parse_recharge, body, conformance::lenient, &devs);
    REQUIRE(r.has_value());
    REQUIRE(devs.size() == 1);
    CHECK(devs[0].rule == "number sent as string");
    auto s = run(parse_recharge, body, conformance::strict);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code == codes::type_conversion);
    CHECK(s.error().field == "RechargeAmt");
}

TEST_CASE("field errors get the code of their group") {
    auto code_of = [](std::string_view body) {
        auto r = run(parse_recharge, body);
        REQUIRE_FALSE(r.has_value());
        return r.error().code;
    };
    CHECK(code_of(R"({"MeterID":"M1"})") == codes::bad_field);                 // UserID missing
    CHECK(code_of(R"({"UserID":"U1","MeterID":"M 1"})") == codes::bad_meter_id);
    CHECK(code_of(R"({"UserID":[1],"MeterID":"M1"})") == codes::bad_user);
    std::string long_id(51, 'x');
    CHECK(code_of(R"({"UserID":"U1","MeterID":")" + long_id + R"("})") == codes::bad_meter);
    std::string bad_date = recharge;
    bad_date.replace(bad_date.find("2019-10-02 12:34:22"), 19, "2019-13-02 12:34:22");
    CHECK(code_of(bad_date) == codes::bad_field);
    std::string five_decimals = recharge;
    five_decimals.replace(five_decimals.find("12.5"), 4, "12.12345");
    CHECK(code_of(five_decimals) == codes::type_conversion);
}

TEST_CASE("meteradd reads the price block with the example's quirks") {
    std::vector<deviation> devs;
    auto r = run(parse_meter_add,
                 R"({"UserID":"U","UserName":"U","UserType":"1","PreSaving":"1000","MeterID":"M","MeterNo":"M",)"
                 R"("MeterParamModel":"CNMCPUJE","MeterProtocol":"CNModbusV61","PriceID":"5021",)"
                 R"("PriceMode":"101","MonthCount":"12","Price1":1.20,"Price2":1.8,"price3":3.0,)"
                 R"("Level1":2000,"Level2":"5000","DataFrom":"x"})",
                 conformance::lenient, &devs);
    REQUIRE(r.has_value());
    auto const& p = r.value().price;
    CHECK(r.value().user.user_type == "001");
    CHECK(p.price_mode == 101);
    CHECK(*p.month_count == 12);
    CHECK(*p.price3 == meters::price::from_units(3));
    CHECK(*p.level2 == meters::volume::from_units(5000));
    CHECK(r.value().pre_saving == meters::money::from_units(1000));
    CHECK(devs.size() == 5);  // UserType, PreSaving, MonthCount, price3, Level2
}

TEST_CASE("a Meters list must hold at least one meter") {
    auto r = run(parse_read, R"({"Meters":[]})");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codes::bad_field);
    auto r2 = run(parse_read, R"({"Meters":[{"UserID":"U1"}]})");
    REQUIRE_FALSE(r2.has_value());
    CHECK(r2.error().field == "Meters[0].MeterID");
}

TEST_CASE("valve states follow the §8 dictionary") {
    CHECK(valve_state_code(meters::valve_position::open) == "01");
    CHECK(valve_state_code(meters::valve_position::closed) == "00");
    CHECK(valve_state_code(meters::valve_position::closing) == "10");
    CHECK(valve_state_code(meters::valve_position::opening) == "10");
    CHECK(valve_state_code(meters::valve_position::damaged) == "11");
    CHECK(valve_state_code(meters::valve_position::abnormal) == "11");
}

TEST_CASE("a realtime upload carries the section's fields") {
    meters::meter_report r;
    r.at = meters::instant_from_ms(1'767'196'800'000);
    r.reading = meters::volume::from_e4(1582200);
    r.balance = meters::money::from_units(12);
    auto body = realtime_body(upload_head{"RealTimeData", "苍南", "S1", "U1", "M1"}, r, true,
                              std::chrono::minutes{480});
    auto v = parse_json(body);
    REQUIRE(v.has_value());
    CHECK(v.value().find("requestSerialNo")->text() == "S1");
    CHECK(v.value().find("CreateDate")->text() == "2026-01-01 00:00:00");
    CHECK(v.value().find("Reading")->text() == "158.2200");
    CHECK(v.value().find("RemainMoney")->text() == "12.0000");
    CHECK(v.value().find("ValveState")->text() == "01");
}

}  // TEST_SUITE

TEST_SUITE("platforms/cnmcsp/errors") {

TEST_CASE("errors use the examples' lower-case keys and successes the upper-case ones") {
    auto r = to_response(make_api_error(codes::duplicate_account, "MeterNo", "MeterNo M1 is already registered"));
    CHECK(r.status == 200);
    CHECK(r.body == R"({"returnCode":"80002009","returnMessage":"数据库中已经存在该用户号或气表号，开户失败: MeterNo M1 is already registered"})");
    CHECK(success_body() == R"({"ReturnCode":"0","ReturnMessage":"接口功能执行成功"})");
}

TEST_CASE("every §7 code has its meaning, the doubled ones included") {
    CHECK(all_codes().size() == 43);
    CHECK(meaning_of("80002029") == "找不到该气表通信协议");
    CHECK(meaning_of("80003001") == "身份验证失败");
    CHECK(meaning_of("99999999").empty());
}

}  // TEST_SUITE

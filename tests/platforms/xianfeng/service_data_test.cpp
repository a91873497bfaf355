#include "platforms/xianfeng/service_data.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "tests/support/field_checks.hpp"

using namespace metersim;
using namespace metersim::platforms::xianfeng;
using json = nlohmann::json;

namespace {

// 2026-01-02 00:00:00 at +08:00.
meters::instant const midnight = meters::instant_from_ms(1'767'283'200'000);

message_source gprs_money() {
    message_source s;
    s.device_id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    s.device_no = "07602190100000900";
    s.comm = meters::comm_type::gprs;
    s.mode = meters::billing_mode::money_prepaid;
    return s;
}

json const& service(json const& msg, std::string const& id) {
    for (auto const& d : msg.at("callbackData").at("data"))
        if (d.at("serviceId") == id) return d.at("serviceData");
    FAIL("no " << id);
    return msg;
}

}  // namespace

TEST_SUITE("platforms/xianfeng/service_data") {

TEST_CASE("a GPRS meter-side prepaid meter's frozen records carry the prepaid figures (§5.6)") {
    meters::meter_report r;
    r.at = midnight;
    meters::frozen_record daily;
    daily.kind = meters::freeze_kind::daily;
    daily.at = midnight;
    daily.values.reading = meters::volume::from_e4(123456);
    daily.values.total_buy = meters::decimal::from_units(100);
    daily.values.total_use = meters::decimal::from_e4(308640);
    daily.values.surplus = meters::decimal::from_e4(691360);
    daily.period_use = meters::volume::from_e4(23456);
    meters::frozen_record monthly = daily;
    monthly.kind = meters::freeze_kind::monthly;
    r.frozen = {daily, monthly};
    auto const msg = json::parse(report_message(gprs_money(), r, report_type::automatic, midnight));
    CHECK(msg.at("callbackData").at("commType") == "0");
    CHECK(msg.at("callbackData").at("reportType") == "0");
    auto const& records = service(msg, "FrozenValueInfo").at("frozenRecords");
    REQUIRE(records.size() == 2);
    CHECK(records[0] == json{{"frozenType", "3"}, {"frozenDate", "20260102000000"}, {"frozenValue", "12.3456"},
                             {"dayUseValue", "2.3456"}, {"totalBuyValue", "100.0000"},
                             {"totalUseValue", "30.8640"}, {"surplusValue", "69.1360"}});
    CHECK(records[1].at("frozenType") == "4");
}

TEST_CASE("money below zero and prices keep exactly 4 decimals") {
    meters::meter_report r;
    r.at = midnight;
    r.balance = meters::money::from_e4(-15000);
    r.current_price = meters::price::from_e4(25000);
    auto const msg = json::parse(report_message(gprs_money(), r, report_type::button, midnight));
    CHECK(msg.at("callbackData").at("reportType") == "1");
    CHECK(service(msg, "MoneyMeterInfo").at("surplusMoney") == "-1.5000");
    CHECK(service(msg, "MoneyMeterInfo").at("currentPrice") == "2.5000");
    CHECK(service(msg, "GeneralDataInfo").at("deviceTime") == "20260102000000");
}

TEST_CASE("PriceChangeInfo repeats the last price for ladders the old system did not have (§4.2 note)") {
    meters::meter_report r;
    r.at = midnight;
    meters::price_change_info p;
    p.last_version = "7";
    p.last_price_count = 3;
    p.last_prices[0] = meters::price::from_e4(25000);
    p.last_prices[1] = meters::price::from_e4(30000);
    p.last_prices[2] = meters::price::from_e4(35000);
    p.last_ladder_usage[0] = meters::volume::from_units(100);
    p.last_ladder_usage[1] = meters::volume::from_e4(55000);
    p.last_cycle_usage = meters::volume::from_e4(1055000);
    r.price_change = p;
    auto const msg = json::parse(report_message(gprs_money(), r, report_type::automatic, midnight));
    auto const& d = service(msg, "PriceChangeInfo");
    test::check_fields(d, {{"lastPriceVer", "7"},
                           {"lastPriceThree", "3.5000"},
                           {"lastPriceFour", "3.5000"},
                           {"lastPriceFive", "3.5000"},
                           {"lastLadderOneUseValue", "100.0000"},
                           {"lastLadderTwoUseValue", "5.5000"},
                           {"lastCycleValue", "105.5000"}});
}

TEST_CASE("a backend meter reports neither MoneyMeterInfo nor PriceChangeInfo") {
    auto src = gprs_money();
    src.mode = meters::billing_mode::backend;
    meters::meter_report r;
    r.at = midnight;
    r.price_change = meters::price_change_info{};
    auto const msg = json::parse(report_message(src, r, report_type::automatic, midnight));
    CHECK(msg.at("callbackData").at("chargeType") == "0");
    CHECK(msg.at("callbackData").at("data").size() == 2);  // GeneralDataInfo, SignalInfo
}

TEST_CASE("a concentrator's report follows appendix 5") {
    message_source src;
    src.device_id = "cccccccccccccccccccccccccccccccc";
    src.device_no = "C1";
    src.concentrator = true;
    src.comm = meters::comm_type::gprs;
    src.mode = meters::billing_mode::backend;
    concentrator_status s;
    s.mains_powered = true;
    s.mains_present = false;
    s.low_voltage = true;
    s.battery_mv = 3100;
    auto const msg = json::parse(concentrator_message(src, s, midnight, midnight));
    CHECK(msg.at("msgDeviceType") == "1");
    CHECK(msg.at("callbackData").at("meterType") == "2");
    auto const& d = service(msg, "ConcentratorDataInfo");
    CHECK(d.at("batteryVoltage") == "3.10");
    CHECK(d.at("concentratorStatus") == json{{"powerType", "1"}, {"electricState", "0"}, {"storeState", "0"},
                                              {"updateState", "0"}, {"pressureLack", "1"}, {"meterState", "0"}});
}

TEST_CASE("an alarm message holds WarnDataInfo only, one event per change") {
    std::vector<meters::alarm_change> changes{{meters::alarm_code::low_balance, true, midnight},
                                              {meters::alarm_code::valve_closed, false, midnight}};
    auto const msg = json::parse(alarm_message(gprs_money(), changes, midnight));
    CHECK(msg.at("callbackData").at("reportType") == "99");
    REQUIRE(msg.at("callbackData").at("data").size() == 1);
    auto const& events = service(msg, "WarnDataInfo").at("warnEvents");
    REQUIRE(events.size() == 2);
    CHECK(events[0] == json{{"warnDate", "20260102000000"}, {"warnType", "000FH"}, {"warnState", "1"}});
    CHECK(events[1].at("warnType") == "0002H");
    CHECK(events[1].at("warnState") == "0");
}

}  // TEST_SUITE

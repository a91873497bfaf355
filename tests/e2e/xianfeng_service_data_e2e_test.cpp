// The service data blocks of appendix 2 (spec: xianfeng §5.1-§5.8, appendices 3 and 4) as the
// CIS receives them, field by field: names, JSON strings as the spec types every field, money
// and volume with 4 decimals.

#include "tests/e2e/xianfeng_fixture.hpp"
#include "tests/support/field_checks.hpp"

#include <set>

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

std::string const account_open_gas =
    R"({"method":"ACCOUNT_OPEN","paras":{"prepaidType":1,"gasType":1,"billNo":1,)"
    R"("rechargeValue":50.00,"cardNo":"0000000002"}})";

std::set<std::string> keys(json const& o) {
    std::set<std::string> out;
    for (auto it = o.begin(); it != o.end(); ++it) out.insert(it.key());
    return out;
}

/// Every leaf is a JSON string: the spec types every service data field String.
bool all_strings(json const& v) {
    if (v.is_object() || v.is_array()) {
        for (auto const& x : v)
            if (!all_strings(x)) return false;
        return true;
    }
    return v.is_string();
}

/// "-12.3" style: optional sign, digits, a point and exactly `places` decimals.
bool has_places(json const& v, std::size_t places) {
    if (!v.is_string()) return false;
    auto const s = v.get<std::string>();
    auto const dot = s.find('.');
    std::size_t const start = !s.empty() && s[0] == '-' ? 1 : 0;
    if (dot == std::string::npos || dot == start || s.size() - dot - 1 != places) return false;
    return s.substr(start, dot - start).find_first_not_of("0123456789") == std::string::npos &&
           s.substr(dot + 1).find_first_not_of("0123456789") == std::string::npos;
}

json const* block(json const& msg, std::string const& service) {
    for (auto const& d : msg.at("callbackData").at("data"))
        if (d.at("serviceId") == service) return &d.at("serviceData");
    return nullptr;
}

std::vector<std::string> service_ids(json const& msg) {
    std::vector<std::string> out;
    for (auto const& d : msg.at("callbackData").at("data")) out.push_back(d.at("serviceId"));
    return out;
}

std::set<std::string> const meter_status_keys = {
    "deviceLock", "superFlow", "magneticInterference", "pressureLack", "leakAlarm", "singleCount",
    "breakLine", "valveDamage", "remoteCloseValve", "valueLack", "loseTrack", "accountFlag"};

struct service_fixture : xianfeng_fixture {
    /// A money meter manufactured, registered and sent ACCOUNT_OPEN (100.00): its deviceId.
    std::string opened_device(std::string const& no) {
        auto id = registered_device(no);
        run_command(id, no, account_open_money);
        return id;
    }
    /// The msgDTOs pushed for a meter, oldest first; alarms (99) or business reports.
    std::vector<json> messages(std::string const& no, bool alarms) {
        std::vector<json> out;
        for (auto const& p : pushes("/deviceReportData"))
            for (auto const& msg : p)
                if (msg.at("callbackData").at("meterNo") == no &&
                    (msg.at("callbackData").at("reportType") == "99") == alarms)
                    out.push_back(msg);
        return out;
    }
    json last_report(std::string const& no) {
        auto all = messages(no, false);
        REQUIRE(!all.empty());
        return all.back();
    }
    json last_alarm(std::string const& no) {
        auto all = messages(no, true);
        REQUIRE(!all.empty());
        return all.back();
    }
    /// Creates a command, lets the meter take it in a session and checks that it succeeded.
    void run_command(std::string const& id, std::string const& no, std::string const& cmd) {
        auto c = create_command(id, cmd);
        wake(no);
        advance(2s);
        auto r = query_command(id, c);
        REQUIRE_MESSAGE(r.at("commandState") == 1, r.dump());
    }
    std::string now_text() {
        return platforms::format_instant(loop.call([&] { return sched.now(); }),
                                         platforms::timestamp_format::compact, 480min);
    }
    void consume(std::string const& no, std::int64_t m3) {
        inject(no, meters::events::consume{meters::volume::from_units(m3)});
    }
};

}  // namespace

TEST_SUITE("e2e/xianfeng service data") {

TEST_CASE_FIXTURE(service_fixture, "a money meter reports GeneralDataInfo, MoneyMeterInfo and SignalInfo field by field") {
    std::string const no = "07602190100000600";
    auto id = opened_device(no);
    consume(no, 10);
    wake(no);
    auto const msg = last_report(no);
    auto const now = now_text();

    // The envelope (§3.1 msgDTO, reportDataDTO).
    CHECK(keys(msg) == std::set<std::string>{"callbackType", "msgDeviceType", "deviceId", "receiveTime", "callbackData"});
    check_fields(msg, {{"callbackType", "0"}, {"msgDeviceType", "0"}, {"deviceId", id}, {"receiveTime", now}});
    auto const& cb = msg.at("callbackData");
    CHECK(keys(cb) == std::set<std::string>{"meterNo", "commType", "chargeType", "meterType", "reportType", "data"});
    // reportType 0: an explicit wake stands for the meter's own schedule (issue 16; the button is 1).
    check_fields(cb, {{"meterNo", no}, {"commType", "1"}, {"chargeType", "2"}, {"meterType", "0"}, {"reportType", "0"}});
    CHECK(service_ids(msg) == std::vector<std::string>{"GeneralDataInfo", "MoneyMeterInfo", "SignalInfo"});
    CHECK(all_strings(cb));

    // §5.1 and appendix 3.
    auto const& g = *block(msg, "GeneralDataInfo");
    CHECK(keys(g) == std::set<std::string>{"totalUseValue", "deviceTime", "valveState", "batteryVoltage", "meterStatus"});
    CHECK(g.at("totalUseValue") == "10.0000");
    CHECK(g.at("deviceTime") == now);
    CHECK(g.at("valveState") == "1");
    CHECK(has_places(g.at("batteryVoltage"), 2));
    CHECK(keys(g.at("meterStatus")) == meter_status_keys);
    for (auto const& k : meter_status_keys) {
        CAPTURE(k);
        CHECK(g.at("meterStatus").at(k) == (k == "accountFlag" ? "1" : "0"));
    }

    // §5.2: 10 m³ at 2.50 of a 100.00 opening credit.
    auto const& m = *block(msg, "MoneyMeterInfo");
    CHECK(keys(m) == std::set<std::string>{"totalBuyMoney", "totalUseMoney", "surplusMoney", "currentPrice", "totalLadderValue", "buyCount"});
    check_fields(m, {{"totalBuyMoney", "100.0000"},
                     {"totalUseMoney", "25.0000"},
                     {"surplusMoney", "75.0000"},
                     {"currentPrice", "2.5000"},
                     {"totalLadderValue", "10.0000"},
                     {"buyCount", "1"}});

    // §5.5: an NB-IoT meter has every signal figure.
    auto const& s = *block(msg, "SignalInfo");
    CHECK(keys(s) == std::set<std::string>{"signalCSQ", "signalRSRP", "signalSNR", "signalECL", "signalCellId", "signalFCN"});
    auto const sig = loop.call([&] { return fleet.find(no)->meter.state().radio.signal; });
    CHECK(s.at("signalCSQ") == std::to_string(sig.csq));
    CHECK(has_places(s.at("signalRSRP"), 1));
    CHECK(has_places(s.at("signalSNR"), 1));
    CHECK(s.at("signalECL") == std::to_string(sig.ecl));
    CHECK(s.at("signalCellId") == sig.cell_id);
    CHECK(s.at("signalFCN") == sig.fcn);
}

TEST_CASE_FIXTURE(service_fixture, "meterStatus flags follow the meter (appendix 3)") {
    std::string const no = "07602190100000601";
    auto id = registered_device(no);
    wake(no);
    CHECK(block(last_report(no), "GeneralDataInfo")->at("meterStatus").at("accountFlag") == "0");
    run_command(id, no, account_open_money);

    SUBCASE("a remote close: remoteCloseValve and valveState 2") {
        run_command(id, no, R"({"method":"VALVE_CONTROL","paras":{"controlFlag":1}})");
        advance(10s);  // the valve takes seconds to close
        wake(no);
        auto const msg = last_report(no);
        auto const& g = *block(msg, "GeneralDataInfo");
        CHECK(g.at("valveState") == "2");
        CHECK(g.at("meterStatus").at("remoteCloseValve") == "1");
    }
    SUBCASE("a low battery: pressureLack and the voltage") {
        inject(no, meters::events::battery{3200});
        wake(no);
        auto const msg = last_report(no);
        auto const& g = *block(msg, "GeneralDataInfo");
        CHECK(g.at("batteryVoltage") == "3.20");
        CHECK(g.at("meterStatus").at("pressureLack") == "1");
    }
    SUBCASE("a low balance: valueLack") {
        consume(no, 37);  // 92.50 of 100.00: below the 10.00 warning
        wake(no);
        auto const msg = last_report(no);
        CHECK(block(msg, "MoneyMeterInfo")->at("surplusMoney") == "7.5000");
        CHECK(block(msg, "GeneralDataInfo")->at("meterStatus").at("valueLack") == "1");
    }
    SUBCASE("a lost radio: loseTrack") {
        inject(no, meters::events::offline{});
        advance(48h);
        inject(no, meters::events::online{});
        wake(no);
        CHECK(block(last_report(no), "GeneralDataInfo")->at("meterStatus").at("loseTrack") == "1");
        wake(no);
        CHECK(block(last_report(no), "GeneralDataInfo")->at("meterStatus").at("loseTrack") == "0");
    }
    SUBCASE("each alarm sets its own flag") {
        struct row {
            meters::alarm_code code;
            char const* flag;
        };
        using meters::alarm_code;
        for (auto const& r : {row{alarm_code::dead_meter, "deviceLock"}, row{alarm_code::over_flow, "superFlow"},
                              row{alarm_code::magnetic_interference, "magneticInterference"},
                              row{alarm_code::external_abnormal, "leakAlarm"},
                              row{alarm_code::single_pipe, "singleCount"}, row{alarm_code::break_line, "breakLine"},
                              row{alarm_code::valve_abnormal, "valveDamage"}}) {
            std::string const flag = r.flag;
            CAPTURE(flag);
            inject(no, meters::events::alarm{r.code});
            wake(no);
            auto const msg = last_report(no);
            CHECK(block(msg, "GeneralDataInfo")->at("meterStatus").at(r.flag) == "1");
            inject(no, meters::events::clear_alarm{r.code});
            inject(no, meters::events::button{});  // reopens a valve the alarm closed
            wake(no);
            CHECK(block(last_report(no), "GeneralDataInfo")->at("meterStatus").at(r.flag) == "0");
        }
    }
}

TEST_CASE_FIXTURE(service_fixture, "a gas-prepaid meter reports GasMeterInfo") {
    std::string const no = "07602190100000602";
    manufacture(no, "xf-nb-gas");
    auto id = register_device(no);
    run_command(id, no, account_open_gas);
    consume(no, 12);
    run_command(id, no, R"({"method":"RECHARGE_REMOTE","paras":{"prepaidType":1,"billNo":2,"rechargeValue":20.5}})");
    wake(no);
    auto const msg = last_report(no);
    CHECK(msg.at("callbackData").at("chargeType") == "1");
    CHECK(service_ids(msg) == std::vector<std::string>{"GeneralDataInfo", "GasMeterInfo", "SignalInfo"});
    CHECK(all_strings(msg.at("callbackData")));
    auto const& gas = *block(msg, "GasMeterInfo");
    CHECK(keys(gas) == std::set<std::string>{"totalBuyGas", "surplusGas", "buyCount"});
    CHECK(gas.at("totalBuyGas") == "70.5000");
    CHECK(gas.at("surplusGas") == "58.5000");
    CHECK(gas.at("buyCount") == "2");
    CHECK(block(msg, "GeneralDataInfo")->at("totalUseValue") == "12.0000");
}

TEST_CASE_FIXTURE(service_fixture, "the flow meter reports FlowMeterInfo with temperature and pressure") {
    std::string const no = "07602190100000603";
    manufacture(no, "xf-flow");
    auto id = register_device(no);
    run_command(id, no, R"({"method":"ACCOUNT_OPEN","paras":{"billingMethod":0}})");
    inject(no, meters::events::conditions{meters::decimal::from_e4(235000), meters::decimal::from_e4(3502500)});
    inject(no, meters::events::flow{meters::volume::from_e4(125000)});  // 12.5 m³/h
    advance(1h);
    inject(no, meters::events::alarm{meters::alarm_code::temperature_abnormal});
    wake(no);
    auto const msg = last_report(no);
    auto const& cb = msg.at("callbackData");
    CHECK(cb.at("commType") == "0");
    CHECK(cb.at("chargeType") == "0");
    CHECK(cb.at("meterType") == "1");
    CHECK(all_strings(cb));
    CHECK(block(msg, "MoneyMeterInfo") == nullptr);
    CHECK(block(msg, "GasMeterInfo") == nullptr);
    CHECK(block(msg, "GeneralDataInfo")->at("valveState") == "0");  // no valve
    CHECK(block(msg, "GeneralDataInfo")->at("totalUseValue") == "12.5000");
    auto const* f = block(msg, "FlowMeterInfo");
    REQUIRE(f != nullptr);
    CHECK(keys(*f) == std::set<std::string>{"standardTotalValue", "workTotalValue", "standardInstantValue",
                                            "workInstantValue", "temperatureValue", "pressureValue", "flowMeterStatus"});
    check_fields(*f, {{"standardTotalValue", "12.5000"},
                      {"workTotalValue", "12.5000"},
                      {"standardInstantValue", "12.5000"},
                      {"workInstantValue", "12.5000"},
                      {"temperatureValue", "23.5000"},
                      {"pressureValue", "350.2500"}});
    auto const& st = f->at("flowMeterStatus");  // appendix 4
    CHECK(keys(st) == std::set<std::string>{"totalizerConnectState", "temperatureSensorState", "pressureSensorState",
                                            "magneticInterference", "pressureLack", "pressureWarn", "temperatureWarn"});
    check_fields(st, {{"temperatureSensorState", "1"},
                      {"temperatureWarn", "1"},
                      {"pressureSensorState", "0"},
                      {"pressureWarn", "0"},
                      {"totalizerConnectState", "0"}});
    auto const& s = *block(msg, "SignalInfo");
    CHECK(keys(s) == std::set<std::string>{"signalCSQ"});  // GPRS: CSQ only
}

TEST_CASE_FIXTURE(service_fixture, "issue 16: a GPRS meter-side prepaid meter (xf-gprs-money) reports FrozenValueInfo's prepaid fields") {
    std::string const no = "07602190100001611";
    manufacture(no, "xf-gprs-money");
    auto id = register_device(no);
    run_command(id, no, account_open_money);
    consume(no, 3);
    advance(24h);  // past 2026-01-02 00:00 +08:00
    wake(no);
    auto const msg = last_report(no);
    CHECK(msg.at("callbackData").at("commType") == "0");
    CHECK(msg.at("callbackData").at("chargeType") == "2");
    auto const* f = block(msg, "FrozenValueInfo");
    REQUIRE(f != nullptr);
    auto const& records = f->at("frozenRecords");
    REQUIRE_FALSE(records.empty());
    CHECK(keys(records[0]) == std::set<std::string>{"frozenType", "frozenDate", "frozenValue", "dayUseValue",
                                                    "totalBuyValue", "totalUseValue", "surplusValue"});
    CHECK(records[0].at("totalBuyValue") == "100.0000");
    CHECK(all_strings(*f));
    auto const& s = *block(msg, "SignalInfo");
    CHECK(keys(s) == std::set<std::string>{"signalCSQ"});  // GPRS: CSQ only
}

TEST_CASE_FIXTURE(service_fixture, "FrozenValueInfo carries a frozenRecords array after a day boundary") {
    std::string const no = "07602190100000604";
    auto id = opened_device(no);
    consume(no, 3);
    wake(no);
    CHECK(block(last_report(no), "FrozenValueInfo") == nullptr);
    advance(24h);  // past 2026-01-02 00:00 +08:00, before that day's report
    consume(no, 2);
    wake(no);
    auto const msg = last_report(no);
    CHECK(service_ids(msg) == std::vector<std::string>{"GeneralDataInfo", "MoneyMeterInfo", "SignalInfo", "FrozenValueInfo"});
    auto const* f = block(msg, "FrozenValueInfo");
    REQUIRE(f != nullptr);
    CHECK(keys(*f) == std::set<std::string>{"frozenRecords"});
    auto const& records = f->at("frozenRecords");
    REQUIRE(records.is_array());
    REQUIRE(records.size() == 1);
    CHECK(keys(records[0]) == std::set<std::string>{"frozenType", "frozenDate", "frozenValue"});  // NB: no GPRS-only fields
    CHECK(records[0].at("frozenType") == "3");
    CHECK(records[0].at("frozenDate") == "20260102000000");
    CHECK(records[0].at("frozenValue") == "3.0000");
    CHECK(all_strings(*f));
    wake(no);
    CHECK(block(last_report(no), "FrozenValueInfo") == nullptr);  // reported once
}

TEST_CASE_FIXTURE(service_fixture, "PriceChangeInfo follows a PRICE_CHANGE whose activation passes") {
    std::string const no = "07602190100000605";
    auto id = opened_device(no);
    consume(no, 10);
    run_command(id, no,
                R"({"method":"PRICE_CHANGE","paras":{"priceOne":3.0,"ladderGasOne":100,"priceTwo":3.5,)"
                R"("ladderGasTwo":200,"priceThree":4.0,"ladderGasThree":300,"priceFour":4.5,"ladderGasFour":400,)"
                R"("priceFive":5.0,"gasType":1,"priceVer":2,"pricePeriod":12,"priceTime":"20260102000000",)"
                R"("ladderTime":"20260101000000","clearMark":0}})");
    consume(no, 5);
    wake(no);
    CHECK(block(last_report(no), "PriceChangeInfo") == nullptr);  // not active yet
    CHECK(block(last_report(no), "MoneyMeterInfo")->at("currentPrice") == "2.5000");
    advance(24h);
    wake(no);
    auto const msg = last_report(no);
    auto const* p = block(msg, "PriceChangeInfo");
    REQUIRE(p != nullptr);
    CHECK(all_strings(*p));
    CHECK(keys(*p) == std::set<std::string>{
                          "lastPriceVer", "lastPriceOne", "lastLadderOneUseValue", "lastPriceTwo",
                          "lastLadderTwoUseValue", "lastPriceThree", "lastLadderThreeUseValue", "lastPriceFour",
                          "lastLadderFourUseValue", "lastPriceFive", "lastLadderFiveUseValue", "lastCycleValue",
                          "totalUseValue", "totalUseMoney", "surplusMoney"});
    CHECK(p->at("lastPriceVer") == "1");
    CHECK(p->at("lastPriceOne") == "2.5000");
    CHECK(p->at("lastPriceTwo") == "3.0000");
    CHECK(p->at("lastPriceThree") == "3.5000");
    CHECK(p->at("lastPriceFour") == "4.0000");
    CHECK(p->at("lastPriceFive") == "4.5000");
    CHECK(p->at("lastLadderOneUseValue") == "15.0000");
    CHECK(p->at("lastLadderTwoUseValue") == "0.0000");
    CHECK(p->at("lastLadderFiveUseValue") == "0.0000");
    CHECK(p->at("lastCycleValue") == "15.0000");
    CHECK(p->at("totalUseValue") == "15.0000");
    CHECK(p->at("totalUseMoney") == "37.5000");
    CHECK(p->at("surplusMoney") == "62.5000");
    CHECK(block(msg, "MoneyMeterInfo")->at("currentPrice") == "3.0000");
    wake(no);
    CHECK(block(last_report(no), "PriceChangeInfo") == nullptr);  // once
}

TEST_CASE_FIXTURE(service_fixture, "LADDER_VALUE_CHANGE moves the meter along its ladder") {
    std::string const no = "07602190100000606";
    auto id = opened_device(no);
    run_command(id, no, R"({"method":"LADDER_VALUE_CHANGE","paras":{"ladderValue":150.5}})");
    wake(no);
    auto m = *block(last_report(no), "MoneyMeterInfo");
    CHECK(m.at("totalLadderValue") == "150.5000");
    CHECK(m.at("currentPrice") == "3.0000");  // ladder two: past ladderGasOne 100
    consume(no, 10);
    wake(no);
    m = *block(last_report(no), "MoneyMeterInfo");
    CHECK(m.at("totalLadderValue") == "160.5000");
    CHECK(m.at("totalUseMoney") == "30.0000");
    CHECK(m.at("surplusMoney") == "70.0000");
}

TEST_CASE_FIXTURE(service_fixture, "an alarm is pushed as reportType 99 with WarnDataInfo only, raised then cleared") {
    std::string const no = "07602190100000607";
    auto id = registered_device(no);
    inject(no, meters::events::alarm{meters::alarm_code::magnetic_interference});
    auto const raised_at = now_text();
    auto msg = last_alarm(no);
    CHECK(msg.at("callbackType") == "0");
    CHECK(msg.at("deviceId") == id);
    CHECK(msg.at("callbackData").at("reportType") == "99");
    CHECK(msg.at("callbackData").at("chargeType") == "2");
    CHECK(service_ids(msg) == std::vector<std::string>{"WarnDataInfo"});
    CHECK(all_strings(msg.at("callbackData")));
    auto const* w = block(msg, "WarnDataInfo");
    REQUIRE(w != nullptr);
    CHECK(keys(*w) == std::set<std::string>{"warnEvents"});
    REQUIRE(w->at("warnEvents").size() == 1);
    auto const& e = w->at("warnEvents")[0];
    CHECK(keys(e) == std::set<std::string>{"warnDate", "warnType", "warnState"});
    CHECK(e.at("warnDate") == raised_at);
    CHECK(e.at("warnType") == "0009H");
    CHECK(e.at("warnState") == "1");
    // The business report of the session the alarm opened carries the flag.
    CHECK(block(last_report(no), "GeneralDataInfo")->at("meterStatus").at("magneticInterference") == "1");

    advance(1min);
    inject(no, meters::events::clear_alarm{meters::alarm_code::magnetic_interference});
    msg = last_alarm(no);
    auto const& cleared = block(msg, "WarnDataInfo")->at("warnEvents")[0];
    CHECK(cleared.at("warnType") == "0009H");
    CHECK(cleared.at("warnState") == "0");
    CHECK(cleared.at("warnDate") == now_text());
    CHECK(messages(no, true).size() == 2);
}

}  // TEST_SUITE

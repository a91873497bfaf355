#include "tests/e2e/xintian_fixture.hpp"

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

json pay(std::string const& no, std::string const& trans, double money = 100) {
    return json{{"MeterAddr", no}, {"Money", money}, {"PayDate", "2026-01-01 09:30:00"}, {"TransId", trans}, {"PayWay", 4}};
}

json pay_list_by_trans(std::string const& trans) { return json{{"TransId", trans}}; }

}  // namespace

TEST_SUITE("e2e/xintian pay and data") {

TEST_CASE_FIXTURE(xintian_fixture, "RemotePay reaches the meter at its next wake: PayResult 0 until then, 1 after") {
    create_price();
    create_meter("XT0001", "U001");
    auto before = state("XT0001").billing.balance;
    REQUIRE(code(call_json("/api/Pay/RemotePay", pay("XT0001", "T-1"))) == 1);
    auto list = call_json("/api/Users/GetPayList", pay_list_by_trans("T-1"));
    REQUIRE(code(list) == 1);
    REQUIRE(list.at("DataList").size() == 1);
    auto const& p = list.at("DataList")[0];
    CHECK(p.at("PayResult") == 0);
    CHECK(p.at("TransId") == "T-1");
    CHECK(p.at("MeterAddr") == "XT0001");
    CHECK(p.at("UserCode") == "U001");
    CHECK(p.at("PayDate") == "2026-01-01 09:30:00");
    CHECK(p.at("Money") == 100);
    CHECK(call("/api/Users/GetPayList", pay_list_by_trans("T-1").dump()).body.find(R"("Money":100.0000)") != std::string::npos);
    CHECK(p.at("PayID") == 1);
    CHECK(state("XT0001").billing.balance == before);
    wake("XT0001");
    CHECK(state("XT0001").billing.balance == before + meters::money::from_units(100));
    CHECK(call_json("/api/Users/GetPayList", pay_list_by_trans("T-1")).at("DataList")[0].at("PayResult") == 1);
}

TEST_CASE_FIXTURE(xintian_fixture, "a repeated TransId never credits twice") {
    create_price();
    create_meter("XT0001", "U001");
    auto before = state("XT0001").billing.balance;
    REQUIRE(code(call_json("/api/Pay/RemotePay", pay("XT0001", "T-2"))) == 1);
    CHECK(code(call_json("/api/Pay/RemotePay", pay("XT0001", "T-2"))) == 1);  // the same recharge: done
    CHECK(code(call_json("/api/Pay/RemotePay", pay("XT0001", "T-2", 5))) == -203);  // another one: refused
    wake("XT0001");
    wake("XT0001");
    CHECK(state("XT0001").billing.balance == before + meters::money::from_units(100));
    auto list = call_json("/api/Users/GetPayList",
                          json{{"MeterAddr", "XT0001"}, {"BeginDate", "2026-01-01"}, {"EndDate", "2026-01-01"}});
    CHECK(list.at("DataList").size() == 1);
}

TEST_CASE("a meter takes max_queued_pays RemotePays waiting, then -203 naming MeterAddr and the limit") {
    auto o = xintian_fixture::default_options();
    o.pays.waiting = 2;
    xintian_fixture f{o};
    f.create_price();
    f.create_meter("XT0009", "U009");
    REQUIRE(xintian_fixture::code(f.call_json("/api/Pay/RemotePay", pay("XT0009", "Q-1"))) == 1);
    REQUIRE(xintian_fixture::code(f.call_json("/api/Pay/RemotePay", pay("XT0009", "Q-2"))) == 1);
    auto full = f.call_json("/api/Pay/RemotePay", pay("XT0009", "Q-3"));
    CHECK(xintian_fixture::code(full) == -203);
    CHECK(full.dump().find("MeterAddr XT0009") != std::string::npos);
    CHECK(full.dump().find("at most 2") != std::string::npos);
    CHECK(xintian_fixture::code(f.call_json("/api/Pay/RemotePay", pay("XT0009", "Q-1"))) == 1);  // repeat: done
    f.wake("XT0009");  // delivered: room again
    CHECK(xintian_fixture::code(f.call_json("/api/Pay/RemotePay", pay("XT0009", "Q-3"))) == 1);
}

// Issue 16 item 4: the old default (16 waiting a meter) refused a batch job's 17th recharge.
TEST_CASE_FIXTURE(xintian_fixture, "50 RemotePays to one meter in a burst are all accepted and credited") {
    create_price();
    create_meter("XT0008", "U008");
    for (int i = 0; i < 50; ++i) {
        CAPTURE(i);
        CHECK(code(call_json("/api/Pay/RemotePay", pay("XT0008", "B-" + std::to_string(i), 1))) == 1);
    }
    auto const before = with_meter("XT0008", [](auto& m) { return m.billing().balance; });
    wake("XT0008");
    CHECK(with_meter("XT0008", [](auto& m) { return m.billing().balance; }) - before == meters::money::from_units(50));
}

TEST_CASE("max_queued_pays_total bounds the recharges waiting over all meters: -203 naming it") {
    xintian_fixture f{[] {
        auto o = xintian_fixture::default_options();
        o.pays.waiting_total = 1;
        return o;
    }()};
    f.create_price();
    for (std::string const no : {"XT0006", "XT0007"}) f.create_meter(no, "U" + no.substr(2));
    REQUIRE(xintian_fixture::code(f.call_json("/api/Pay/RemotePay", pay("XT0006", "W-1"))) == 1);
    auto full = f.call_json("/api/Pay/RemotePay", pay("XT0007", "W-2"));
    CHECK(xintian_fixture::code(full) == -203);
    CHECK(full.dump().find("all meters together (at most 1)") != std::string::npos);
}

TEST_CASE("GetPayList lists a settled recharge for pay_retention, then no longer") {
    auto o = xintian_fixture::default_options();
    o.pays.retention = std::chrono::hours{1};
    xintian_fixture f{o};
    f.create_price();
    f.create_meter("XT0010", "U010");
    REQUIRE(xintian_fixture::code(f.call_json("/api/Pay/RemotePay", pay("XT0010", "R-1"))) == 1);
    f.wake("XT0010");
    auto listed = [&] { return f.call_json("/api/Users/GetPayList", pay_list_by_trans("R-1")).at("DataList").size(); };
    CHECK(listed() == 1);
    f.advance(59min);
    CHECK(listed() == 1);
    f.advance(1min);
    CHECK(listed() == 0);
}

TEST_CASE_FIXTURE(xintian_fixture, "a recharge the meter refuses shows PayResult 2") {
    create_meter("XT0003", "U003", "6", "");  // third-party billed: the meter takes no money
    REQUIRE(code(call_json("/api/Pay/RemotePay", pay("XT0003", "T-3"))) == 1);
    wake("XT0003");
    CHECK(call_json("/api/Users/GetPayList", pay_list_by_trans("T-3")).at("DataList")[0].at("PayResult") == 2);
}

TEST_CASE_FIXTURE(xintian_fixture, "RemotePay answers every code of §3.2.3") {
    create_price();
    create_meter("XT0001", "U001");
    auto with = [](json j, json patch) {
        j.merge_patch(patch);
        return j;
    };
    auto const base = pay("XT0001", "T-9");
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"MeterAddr", nullptr}, {"UserCode", "U404"}}))) == 0);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"MeterAddr", "XT404"}}))) == -1);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"MeterAddr", nullptr}}))) == -2);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"TransId", ""}}))) == -3);
    auto money = call_json("/api/Pay/RemotePay", with(base, {{"Money", nullptr}}));
    CHECK(code(money) == -4);
    CHECK(money.at("Message").get<std::string>().find("Money is required") != std::string::npos);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"Money", 0}}))) == -4);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"PayDate", nullptr}}))) == -5);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"PayWay", 9}}))) == -6);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"Money", "lots"}}))) == -200);
    CHECK(code(call_json("/api/Pay/RemotePay", "[1,2]")) == -200);
    REQUIRE(code(call_json("/api/Meters/ChangeMeter",
                           R"({"MeterAddr":"XT0001","NewMeterAddr":"XT0002","PeriodDosage":0})")) == 1);
    CHECK(code(call_json("/api/Pay/RemotePay", with(base, {{"TransId", "T-10"}}))) == -7);
}

// Issue 16 item 3: the old meter of a ChangeMeter, paid with the user's UserCode beside its
// MeterAddr, answered 0 ("UserCode is not the user of MeterAddr"): -7 is what §3.2.3 says.
TEST_CASE_FIXTURE(xintian_fixture, "a RemotePay to a cancelled meter answers -7 whichever identifier is sent") {
    create_price();
    create_meter("XT0001", "U001");
    REQUIRE(code(call_json("/api/Meters/ChangeMeter",
                           R"({"MeterAddr":"XT0001","NewMeterAddr":"XT0002","PeriodDosage":0})")) == 1);
    auto with_user = pay("XT0001", "T-11");
    with_user["UserCode"] = "U001";
    auto j = call_json("/api/Pay/RemotePay", with_user);
    CHECK(code(j) == -7);
    CHECK(j.at("Message").get<std::string>().find("XT0001 is cancelled") != std::string::npos);
    // Another user's code on the cancelled meter: still -7 (the meter's state comes first).
    with_user["UserCode"] = "U404";
    with_user["TransId"] = "T-12";
    CHECK(code(call_json("/api/Pay/RemotePay", with_user)) == -7);
    // The user's code alone reaches the user's meter now, the new one.
    auto by_user = pay("XT0001", "T-13");
    by_user.erase("MeterAddr");
    by_user["UserCode"] = "U001";
    CHECK(code(call_json("/api/Pay/RemotePay", by_user)) == 1);
}

TEST_CASE_FIXTURE(xintian_fixture, "GetPayList answers every code of §3.3.3 and filters by date") {
    create_price();
    create_meter("XT0001", "U001");
    REQUIRE(code(call_json("/api/Pay/RemotePay", pay("XT0001", "T-1"))) == 1);
    auto p2 = pay("XT0001", "T-2");
    p2["PayDate"] = "2026-01-05 08:00:00";
    REQUIRE(code(call_json("/api/Pay/RemotePay", p2)) == 1);
    auto range = [&](char const* b, char const* e) {
        return call_json("/api/Users/GetPayList", json{{"UserCode", "U001"}, {"BeginDate", b}, {"EndDate", e}});
    };
    CHECK(range("2026-01-01", "2026-01-04").at("DataList").size() == 1);
    CHECK(range("2026-01-01", "2026-01-05").at("DataList").size() == 2);
    CHECK(code(call_json("/api/Users/GetPayList", json{{"UserCode", "U404"}, {"BeginDate", "2026-01-01"}, {"EndDate", "2026-01-02"}})) == 0);
    CHECK(code(call_json("/api/Users/GetPayList", json{{"MeterAddr", "X404"}, {"BeginDate", "2026-01-01"}, {"EndDate", "2026-01-02"}})) == -1);
    CHECK(code(call_json("/api/Users/GetPayList", json::object())) == -2);
    CHECK(code(call_json("/api/Users/GetPayList", json{{"TransId", ""}})) == -3);
    CHECK(code(call_json("/api/Users/GetPayList", json{{"UserCode", "U001"}, {"EndDate", "2026-01-02"}})) == -4);
    CHECK(code(call_json("/api/Users/GetPayList", json{{"UserCode", "U001"}, {"BeginDate", "2026-01-02"}})) == -5);
    CHECK(code(range("2026-01-03", "2026-01-02")) == -6);
    CHECK(code(range("2026/01/01", "2026-01-02")) == -200);
    CHECK(call_json("/api/Users/GetPayList", pay_list_by_trans("T-404")).at("DataList").empty());
}

TEST_CASE_FIXTURE(xintian_fixture, "ControlValve closes at the next wake, a warning close yields to the button") {
    create_price();
    create_meter("XT0001", "U001");
    CHECK(code(call_json("/api/Meters/ControlValve", R"({"MeterAddr":"XT0001"})")) == -3);
    CHECK(code(call_json("/api/Meters/ControlValve", R"({"MeterAddr":"XT0001","ValveMode":5})")) == -4);
    CHECK(code(call_json("/api/Meters/ControlValve", R"({"ValveMode":2})")) == -2);
    CHECK(code(call_json("/api/Meters/ControlValve", R"({"MeterAddr":"XT404","ValveMode":2})")) == -1);
    CHECK(code(call_json("/api/Meters/ControlValve", R"({"UserCode":"U404","ValveMode":2})")) == 0);
    REQUIRE(code(call_json("/api/Meters/ControlValve", R"({"MeterAddr":"XT0001","ValveMode":2})")) == 1);
    CHECK(valve("XT0001") == meters::valve_position::open);
    wake("XT0001");
    advance(30s);
    CHECK(valve("XT0001") == meters::valve_position::closed);
    REQUIRE(code(call_json("/api/Meters/ControlValve", R"({"UserCode":"U001","ValveMode":1})")) == 1);
    wake("XT0001");
    advance(30s);
    CHECK(valve("XT0001") == meters::valve_position::open);
    REQUIRE(code(call_json("/api/Meters/ControlValve", R"({"MeterAddr":"XT0001","ValveMode":3})")) == 1);
    wake("XT0001");
    advance(30s);
    CHECK(valve("XT0001") == meters::valve_position::closed);
    inject("XT0001", meters::events::button{});
    advance(30s);
    CHECK(valve("XT0001") == meters::valve_position::open);
}

TEST_CASE_FIXTURE(xintian_fixture, "GetData answers from the meter's last report with every field of §3.5.2") {
    create_price();
    create_meter("XT0001", "U001");
    REQUIRE(code(call_json("/api/Pay/RemotePay", pay("XT0001", "T-1"))) == 1);
    wake("XT0001");
    inject("XT0001", meters::events::consume{meters::volume::from_units(3)});
    wake("XT0001");
    auto raw = call("/api/Meters/GetData", R"({"UserCode":"U001","MeterAddr":"XT0001"})").body;
    auto j = json::parse(raw);
    REQUIRE_MESSAGE(code(j) == 1, j.dump());
    REQUIRE(j.at("DataList").size() == 1);
    auto const& d = j.at("DataList")[0];
    CHECK(d.at("UserCode") == "U001");
    CHECK(d.at("UserName") == "张三");
    CHECK(d.at("MeterAddr") == "XT0001");
    CHECK(raw.find(R"("ReadNumber":3.0000)") != std::string::npos);
    CHECK(d.at("ValveState") == 1);
    CHECK(d.at("BatteryState") == 0);
    CHECK(d.at("MeterStatus").is_string());
    CHECK(raw.find(R"("Remnant":92.5000)") != std::string::npos);  // 100 - 3 m³ at 2.50
    CHECK(raw.find(R"("PeriodDosage":3.0000)") != std::string::npos);
    CHECK(raw.find(R"("CurPrice":2.50)") != std::string::npos);
    for (auto k : {"Voltage", "MeterCSQ", "RSRP", "SNR", "CC", "ReadDate"}) CHECK_MESSAGE(d.contains(k), k);
    CHECK(code(call_json("/api/Meters/GetData", R"({"MeterAddr":"XT404"})")) == -1);
    CHECK(code(call_json("/api/Meters/GetData", R"({"UserCode":"U404"})")) == 0);
    CHECK(code(call_json("/api/Meters/GetData", R"({})")) == -2);
}

// Issue 16 item 12: a meter that never reported was silently left out of DataList.
TEST_CASE_FIXTURE(xintian_fixture, "GetData lists a meter that has not reported yet with null readings") {
    create_price();
    REQUIRE(code(call_json("/api/Meters/CreateMeter", meter_body("XT0001", "U001", "1", "P1"))) == 1);  // no session yet
    json expected{{"UserCode", "U001"}, {"UserName", "张三"}, {"MeterAddr", "XT0001"}};
    for (auto k : {"ReadNumber", "Voltage", "ValveState", "MeterCSQ", "RSRP", "SNR", "CC", "MeterStatus",
                   "BatteryState", "Remnant", "ReadDate", "PeriodDosage", "CurPrice"})
        expected[k] = nullptr;
    auto j = call_json("/api/Meters/GetData", R"({"MeterAddr":"XT0001"})");
    CHECK(code(j) == 1);
    CHECK(j.at("DataList") == json::array({expected}));
    // Once it reports, the same entry carries the reading.
    wake("XT0001");
    auto after = call_json("/api/Meters/GetData", R"({"UserCode":"U001"})");
    REQUIRE(after.at("DataList").size() == 1);
    CHECK(after.at("DataList")[0].at("ReadDate").is_string());
}

}  // TEST_SUITE

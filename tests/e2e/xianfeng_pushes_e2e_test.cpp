#include "tests/e2e/xianfeng_fixture.hpp"

#include <set>

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

json const* block(json const& msg, std::string const& service) {
    for (auto const& d : msg.at("callbackData").at("data"))
        if (d.at("serviceId") == service) return &d.at("serviceData");
    return nullptr;
}

}  // namespace

TEST_SUITE("e2e/xianfeng pushes") {

TEST_CASE_FIXTURE(xianfeng_fixture, "a meter's report reaches the CIS with its service data and signed headers") {
    auto id = reporting_device("07602190100000300");
    auto reports = pushes("/deviceReportData");
    REQUIRE(!reports.empty());
    auto const& msg = reports.back()[0];
    CHECK(msg.at("callbackType") == "0");
    CHECK(msg.at("msgDeviceType") == "0");
    CHECK(msg.at("deviceId") == id);
    CHECK(msg.at("callbackData").at("chargeType") == "2");
    CHECK(msg.at("callbackData").at("commType") == "1");
    CHECK(msg.at("callbackData").at("meterType") == "0");
    auto const* general = block(msg, "GeneralDataInfo");
    REQUIRE(general != nullptr);
    CHECK(general->at("meterStatus").at("accountFlag") == "0");
    CHECK(general->at("valveState") == "1");
    CHECK(block(msg, "MoneyMeterInfo") != nullptr);
    CHECK(block(msg, "SignalInfo") != nullptr);
    CHECK(block(msg, "GasMeterInfo") == nullptr);
    auto const req = cis.requests().front();
    CHECK(req.header("API_ORG_NUM") == "000000");
    CHECK(req.header("API_TRANS_ID").size() == 22);
    CHECK(req.header("API_TOKEN") == xf::make_token(xf_key, xf_merchant, req.header("API_TRANS_ID")));
}

TEST_CASE_FIXTURE(xianfeng_fixture, "the pushed bytes, queryReportData and the journal hold the same message") {
    auto id = reporting_device("07602190100000306");
    std::string pushed;
    for (auto const& r : cis.requests())
        if (r.target == "/deviceReportData") pushed = r.body;
    REQUIRE(pushed.size() > 2);
    REQUIRE(pushed.front() == '[');
    REQUIRE(pushed.back() == ']');
    // queryReportData answers the msgDTO between the brackets, byte for byte.
    auto const a = call("GET", "/iotcloud/app/msg/v1.0.0/queryReportData?msgType=0&deviceId=" + id);
    CHECK(a.body.find(R"("result":)" + pushed.substr(1, pushed.size() - 2)) != std::string::npos);
    CHECK(json::parse(a.body).at("result") == json::parse(pushed)[0]);
    // The journal's entry of the push holds the same bytes.
    auto const entries = loop.call([&] {
        return journal.query(sim::journal_query{"xianfeng", "07602190100000306", 0, 1000});
    });
    bool found = false;
    for (auto const& e : entries)
        if (e.dir == sim::direction::out && e.kind == "xianfeng.report") {
            CHECK(e.request_body == pushed);
            found = true;
        }
    CHECK(found);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "a push refused by the CIS is retried with the same signed headers") {
    manufacture("07602190100000307");
    register_device("07602190100000307");
    cis.enqueue(scripted_answer{503, "{}"});
    cis.enqueue(scripted_answer{500, "{}"});
    wake("07602190100000307");
    REQUIRE(cis.wait_for_requests(1));
    advance(1s);  // the first retry (backoff 1 s)
    REQUIRE(cis.wait_for_requests(2));
    advance(2s);  // the second
    REQUIRE(cis.wait_for_requests(3));
    settle();
    auto const seen = cis.requests();
    REQUIRE(seen.size() == 3);
    for (auto const& r : seen) {
        CHECK(r.body == seen[0].body);
        CHECK(r.header("API_ORG_NUM") == "000000");
        CHECK(r.header("API_TRANS_ID") == seen[0].header("API_TRANS_ID"));
        CHECK(r.header("API_TOKEN") == xf::make_token(xf_key, xf_merchant, r.header("API_TRANS_ID")));
    }
    CHECK(loop.call([&] { return outbox->counters().pending; }) == 0);
}

// Issue 16 item 1: a button press produced no report, and a wake reported reportType 1.
TEST_CASE_FIXTURE(xianfeng_fixture, "a button press reports reportType 1 and delivers waiting commands, a wake reports 0") {
    std::string const no = "07602190100000308";
    auto id = registered_device(no);
    auto cmd = create_command(id, R"({"method":"VALVE_CONTROL","paras":{"controlFlag":1}})");
    CHECK(query_command(id, cmd).at("commandState") == 0);
    inject(no, meters::events::button{});
    REQUIRE(cis.wait_for_requests(1));
    settle();
    // The session the button opened delivered the command (4: sending) and reported.
    CHECK(query_command(id, cmd).at("commandState") == 4);
    auto reports = pushes("/deviceReportData");
    REQUIRE(reports.size() == 1);
    CHECK(reports[0][0].at("callbackData").at("reportType") == "1");
    wake(no);  // the simulator forces a session: the meter's own schedule, 0 automatic
    reports = pushes("/deviceReportData");
    REQUIRE(reports.size() == 2);
    CHECK(reports[1][0].at("callbackData").at("reportType") == "0");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "an unregistered meter's reports are not pushed") {
    manufacture("07602190100000301");
    wake("07602190100000301");
    settle();
    CHECK(cis.request_count() == 0);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "a gas meter reports GasMeterInfo and a flow meter FlowMeterInfo") {
    manufacture("07602190100000302", "xf-nb-gas");
    manufacture("07602190100000303", "xf-flow");
    register_device("07602190100000302");
    register_device("07602190100000303");
    wake("07602190100000302");
    wake("07602190100000303");
    REQUIRE(cis.wait_for_requests(2));
    settle();
    bool gas = false, flow = false;
    for (auto const& p : pushes("/deviceReportData")) {
        auto const& msg = p[0];
        if (msg.at("callbackData").at("meterNo") == "07602190100000302") {
            gas = block(msg, "GasMeterInfo") != nullptr;
            CHECK(msg.at("callbackData").at("chargeType") == "1");
        } else {
            flow = block(msg, "FlowMeterInfo") != nullptr;
            CHECK(msg.at("callbackData").at("meterType") == "1");
            CHECK(msg.at("callbackData").at("commType") == "0");
            auto const* s = block(msg, "SignalInfo");
            REQUIRE(s != nullptr);
            CHECK(!s->contains("signalRSRP"));  // GPRS: CSQ only
        }
    }
    CHECK(gas);
    CHECK(flow);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "an alarm goes out at once as reportType 99 with WarnDataInfo") {
    manufacture("07602190100000304");
    auto id = register_device("07602190100000304");
    inject("07602190100000304", meters::events::alarm{meters::alarm_code::magnetic_interference});
    REQUIRE(cis.wait_for_requests(1));
    settle();
    bool seen = false;
    for (auto const& p : pushes("/deviceReportData")) {
        auto const& msg = p[0];
        if (msg.at("callbackData").at("reportType") != "99") continue;
        auto const* warn = block(msg, "WarnDataInfo");
        REQUIRE(warn != nullptr);
        CHECK(msg.at("callbackData").at("data").size() == 1);
        for (auto const& e : warn->at("warnEvents"))
            if (e.at("warnType") == "0009H" && e.at("warnState") == "1") seen = true;
    }
    CHECK(seen);
    auto j = call_json("GET", "/iotcloud/app/msg/v1.0.0/queryReportData?msgType=1&deviceId=" + id);
    REQUIRE(code(j) == "100000");
    CHECK(j.at("result").at("callbackData").at("reportType") == "99");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "pushes survive a CIS outage: retried with the same transId, none lost, none duplicated") {
    manufacture("07602190100000305");
    register_device("07602190100000305");
    cis.down();
    wake("07602190100000305");
    advance(1s);
    advance(2s);
    cis.up();
    advance(8s);
    advance(8s);
    REQUIRE(cis.wait_for_requests(1));
    settle();
    std::multiset<std::string> trans;
    for (auto const& r : cis.requests()) trans.insert(r.header("API_TRANS_ID"));
    std::set<std::string> unique(trans.begin(), trans.end());
    CHECK(trans.size() == unique.size());
    CHECK(loop.call([&] { return outbox->counters().pending; }) == 0);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "a concentrator registers, reports ConcentratorDataInfo and raises 1000H and 1001H") {
    manufacture("07602190100000400");
    loop.call([&] {
        platform->add_concentrator({"C0001", {"07602190100000400"}, true});
        platform->attach_meter("07602190100000401", "C9999");
    });
    auto cid = register_device("C0001");
    loop.call([&] { platform->concentrator_report("C0001"); });
    loop.call([&] {
        platform->concentrator_alarm("C0001", meters::alarm_code::concentrator_mains_lost, true);
        platform->concentrator_alarm("C0001", meters::alarm_code::concentrator_low_voltage, true);
    });
    REQUIRE(cis.wait_for_requests(3));
    settle();
    auto reports = pushes("/deviceReportData");
    REQUIRE(reports.size() >= 3);
    auto const& data = reports[0][0];
    CHECK(data.at("msgDeviceType") == "1");
    CHECK(data.at("deviceId") == cid);
    CHECK(data.at("callbackData").at("meterType") == "2");
    auto const* c = block(data, "ConcentratorDataInfo");
    REQUIRE(c != nullptr);
    CHECK(c->at("concentratorStatus").at("powerType") == "1");
    CHECK(c->at("concentratorStatus").at("electricState") == "1");
    auto const* warn = block(reports[1][0], "ConcentratorWarnDataInfo");
    REQUIRE(warn != nullptr);
    CHECK(warn->at("warnEvents")[0].at("warnType") == "1001H");
    CHECK(block(reports[2][0], "ConcentratorWarnDataInfo")->at("warnEvents")[0].at("warnType") == "1000H");
    // The meter behind C0001 registers; one behind an unknown concentrator is refused.
    register_device("07602190100000400");
    manufacture("07602190100000401");
    CHECK(code(call_json("POST", "/iotcloud/app/devices/v1.0.0/register?companyCode=000000",
                         R"({"manuId":1,"deviceNo":"07602190100000401"})")) == "500045");
    // Periodic reports follow the interval.
    auto before = pushes("/deviceReportData").size();
    advance(1h);
    REQUIRE(cis.wait_for_requests(before + 1));
}

}  // TEST_SUITE

// The platform's admin routes for concentrators (platform.hpp add_admin_routes), over HTTP on a
// listener of their own, as `metersim serve` puts them on the admin port.

#include "tests/e2e/xianfeng_fixture.hpp"

#include <set>
#include <string>
#include <vector>

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

constexpr char const* concentrators = "/admin/xianfeng/concentrators";

json const* block(json const& msg, std::string const& service) {
    for (auto const& d : msg.at("callbackData").at("data"))
        if (d.at("serviceId") == service) return &d.at("serviceData");
    return nullptr;
}

struct admin_fixture : xianfeng_fixture {
    /// Status and parsed body of an admin request.
    std::pair<unsigned, json> send(std::string const& method, std::string const& target,
                                   std::string const& body = {}) {
        auto a = admin(method, target, body);
        return {a.status, json::parse(a.body)};
    }
    /// The status of a refused request, checking that its message and field name `field`.
    unsigned refused(std::string const& target, std::string const& body, std::string const& field) {
        auto [status, j] = send("POST", target, body);
        CHECK(j.at("field") == field);
        CHECK(j.at("message").get<std::string>().starts_with(field + ": "));
        return status;
    }
};

}  // namespace

TEST_SUITE("e2e/xianfeng admin") {

TEST_CASE_FIXTURE(admin_fixture, "a concentrator is created, reports and raises 1000H/1001H through the admin routes") {
    manufacture("07602190100000700");
    auto [status, c] = send("POST", concentrators,
                            R"({"concentratorNo":"C0700","meterNos":["07602190100000700"],"mainsPowered":true})");
    REQUIRE(status == 201);
    CHECK(c.at("concentratorNo") == "C0700");
    CHECK(c.at("deviceId").get<std::string>().size() == 32);
    CHECK(c.at("deviceState") == 1);
    CHECK(c.at("meterNos") == json::array({"07602190100000700"}));
    CHECK(c.at("status").at("mainsPowered") == true);

    // The CIS registers it; its meter registers behind it.
    auto cid = register_device("C0700");
    CHECK(cid == c.at("deviceId"));
    register_device("07602190100000700");

    auto [rs, report] = send("POST", std::string(concentrators) + "/C0700/report");
    CHECK(rs == 200);
    CHECK(report.at("pushed") == true);
    auto [as, alarm] = send("POST", std::string(concentrators) + "/C0700/alarm", R"({"code":"1001H","raised":true})");
    CHECK(as == 200);
    CHECK(alarm.at("code") == "1001H");
    CHECK(alarm.at("raised") == true);
    send("POST", std::string(concentrators) + "/C0700/report");
    REQUIRE(cis.wait_for_requests(3));
    settle();

    // Three pushes on pooled connections may reach the CIS in any order: find each by its block.
    auto reports = pushes("/deviceReportData");
    REQUIRE(reports.size() == 3);
    std::vector<json> data_reports;
    json const* alarm_report = nullptr;
    for (auto const& r : reports) {
        if (block(r[0], "ConcentratorWarnDataInfo") != nullptr) alarm_report = &r[0];
        else data_reports.push_back(r[0]);
    }
    REQUIRE(alarm_report != nullptr);
    REQUIRE(data_reports.size() == 2);
    for (auto const& first : data_reports) {
        CHECK(first.at("msgDeviceType") == "1");
        CHECK(first.at("deviceId") == cid);
        CHECK(first.at("callbackData").at("meterType") == "2");
        REQUIRE(block(first, "ConcentratorDataInfo") != nullptr);
    }
    auto const* warn = block(*alarm_report, "ConcentratorWarnDataInfo");
    CHECK(alarm_report->at("callbackData").at("reportType") == "99");
    CHECK(warn->at("warnEvents")[0].at("warnType") == "1001H");
    CHECK(warn->at("warnEvents")[0].at("warnState") == "1");
    // One report shows the mains on, the one after the alarm shows them lost (appendix 5 electricState).
    std::set<std::string> electric;
    for (auto const& r : data_reports)
        electric.insert(block(r, "ConcentratorDataInfo")->at("concentratorStatus").at("electricState").get<std::string>());
    CHECK(electric == std::set<std::string>{"0", "1"});

    auto [ls, list] = send("GET", concentrators);
    CHECK(ls == 200);
    REQUIRE(list.at("concentrators").size() == 1);
    CHECK(list.at("concentrators")[0].at("deviceState") == 2);
    CHECK(list.at("concentrators")[0].at("status").at("mainsPresent") == false);

    // Clearing 1000H after raising it.
    send("POST", std::string(concentrators) + "/C0700/alarm", R"({"code":"1000H","raised":true})");
    auto [cs, cleared] = send("POST", std::string(concentrators) + "/C0700/alarm", R"({"code":"1000h","raised":false})");
    CHECK(cs == 200);
    CHECK(cleared.at("code") == "1000H");
    REQUIRE(cis.wait_for_requests(5));
    settle();
    // The raise and the clear may reach the CIS in either order (the outbox sends over several
    // connections): find the clear by what it says.
    reports = pushes("/deviceReportData");
    int clears = 0;
    for (auto const& r : reports) {
        auto const* w = block(r[0], "ConcentratorWarnDataInfo");
        if (w == nullptr) continue;
        auto const& e = w->at("warnEvents")[0];
        if (e.at("warnType") == "1000H" && e.at("warnState") == "0") ++clears;
    }
    CHECK(clears == 1);
}

TEST_CASE_FIXTURE(admin_fixture, "an unregistered concentrator reports nothing to the CIS") {
    CHECK(send("POST", concentrators, R"({"concentratorNo":"C0701"})").first == 201);
    auto [rs, report] = send("POST", std::string(concentrators) + "/C0701/report");
    CHECK(rs == 200);
    CHECK(report.at("pushed") == false);
    settle();
    CHECK(cis.request_count() == 0);
}

TEST_CASE_FIXTURE(admin_fixture, "the admin routes refuse bad input with 400, 404 or 409 naming the field, and change nothing") {
    manufacture("CN0700", "cn-nb-money");
    manufacture("07602190100000702");
    CHECK(refused(concentrators, "{", "body") == 400);
    CHECK(refused(concentrators, "[]", "body") == 400);
    CHECK(refused(concentrators, "{}", "concentratorNo") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":7})", "concentratorNo") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":""})", "concentratorNo") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":")" + std::string(33, '1') + "\"}", "concentratorNo") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":"C1","meterNos":"x"})", "meterNos") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":"C1","meterNos":["ok",7]})", "meterNos[1]") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":"C1","meterNos":["C1"]})", "meterNos[0]") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":"C1","meterNos":["CN0700"]})", "meterNos[0]") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":"C1","mainsPowered":"yes"})", "mainsPowered") == 400);
    CHECK(refused(concentrators, R"({"concentratorNo":"07602190100000702"})", "concentratorNo") == 409);
    CHECK(send("GET", concentrators).second.at("concentrators").empty());

    REQUIRE(send("POST", concentrators, R"({"concentratorNo":"C1"})").first == 201);
    CHECK(refused(concentrators, R"({"concentratorNo":"C1"})", "concentratorNo") == 409);
    CHECK(refused(concentrators, R"({"concentratorNo":"C2","meterNos":["C1"]})", "meterNos[0]") == 400);

    std::string const alarm = std::string(concentrators) + "/C1/alarm";
    CHECK(refused(std::string(concentrators) + "/C9/alarm", R"({"code":"1000H","raised":true})", "concentratorNo") == 404);
    CHECK(refused(std::string(concentrators) + "/C9/report", "", "concentratorNo") == 404);
    CHECK(refused(alarm, "{", "body") == 400);
    CHECK(refused(alarm, R"({"raised":true})", "code") == 400);
    CHECK(refused(alarm, R"({"code":1000,"raised":true})", "code") == 400);
    CHECK(refused(alarm, R"({"code":"0009H","raised":true})", "code") == 400);
    CHECK(refused(alarm, R"({"code":"1001H","raised":true})", "code") == 400);  // C1 runs on its battery
    CHECK(refused(alarm, R"({"code":"1000H"})", "raised") == 400);
    CHECK(refused(alarm, R"({"code":"1000H","raised":"1"})", "raised") == 400);
    auto list = send("GET", concentrators).second.at("concentrators");
    REQUIRE(list.size() == 1);
    CHECK(list[0].at("status").at("lowVoltage") == false);
}

}  // TEST_SUITE

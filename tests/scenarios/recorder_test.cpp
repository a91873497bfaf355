#include "scenarios/recorder.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"

namespace sc = metersim::scenarios;
using metersim::test::http_request;

namespace {

struct recorder_fixture {
    metersim::test::loopback loop;
    std::unique_ptr<sc::recorder> rec;
    std::string price = "3.5000";

    recorder_fixture() {
        sc::recorder_lookups look;
        look.unit_price_of = [this](std::string_view) { return price; };
        look.device_id_of = [](std::string_view meter) { return meter == "0001" ? std::string("dev-1") : std::string{}; };
        loop.call([&] { rec = std::make_unique<sc::recorder>(loop.io(), look); });
    }
    ~recorder_fixture() {
        loop.call([&] { rec.reset(); });
    }

    metersim::test::http_answer post(std::string const& path, std::string const& body) {
        return http_request("POST", "127.0.0.1", rec->port(), path, {{"Content-Type", "application/json"}}, body);
    }
    void script(sc::scripted_answer a) {
        loop.call([&] { rec->script(std::move(a)); });
    }
};

std::string const xt_report =
    R"({"UserCode":"u1","MeterAddr":"3301000001","ReadNumber":12.5,"ValveState":2,"Reserve":88.25})";

}  // namespace

TEST_SUITE("scenarios/recorder") {
    TEST_CASE_FIXTURE(recorder_fixture, "each push kind gets its vendor's success answer") {
        auto cn = post("/cnmcsp/realtime", R"({"meterNo":"1"})");
        CHECK(cn.status == 200);
        CHECK(cn.body.find(R"("ReturnCode":"0")") != std::string::npos);
        auto xf = post("/xianfeng/report", R"([{"callbackData":{"reportType":"0"}}])");
        CHECK(xf.status == 200);
        CHECK(xf.body.empty());
        CHECK(post("/xianfeng/response", "[]").status == 200);
        auto xt = post("/xintian/billing", xt_report);
        CHECK(xt.status == 200);
        CHECK(xt.body == R"({"ResultCode":1,"Message":"成功","DataList":[{"MeterAddr":"3301000001","UnitPrice":3.5000,"Remnant":88.25,"ValveMode":2}]})");
        CHECK(loop.call([&] { return rec->received(); }) == 4);
    }

    TEST_CASE("push kinds are told by path, alarms by reportType 99") {
        CHECK(sc::push_kind_of("/xianfeng/report", R"([{"callbackData":{"reportType":"99"}}])") == "xianfeng.alarm");
        CHECK(sc::push_kind_of("/xianfeng/report", R"([{"callbackData":{"reportType":"1"}}])") == "xianfeng.report");
        CHECK(sc::push_kind_of("/cnmcsp/alarm", "{}") == "cnmcsp.alarm");
        CHECK(sc::push_kind_of("/xintian/billing", "{}") == "xintian.billing");
        CHECK(sc::push_kind_of("/elsewhere", "{}").empty());
    }

    TEST_CASE_FIXTURE(recorder_fixture, "a scripted answer is used for its kind, count times, then the default again") {
        script({"xintian.billing", "", 2, 200, R"({"ResultCode":0})"});
        CHECK(post("/xintian/billing", xt_report).body == R"({"ResultCode":0})");
        CHECK(post("/cnmcsp/alarm", "{}").body.find("ReturnCode") != std::string::npos);
        CHECK(post("/xintian/billing", xt_report).body == R"({"ResultCode":0})");
        CHECK(post("/xintian/billing", xt_report).body.find(R"("ResultCode":1)") != std::string::npos);
    }

    TEST_CASE_FIXTURE(recorder_fixture, "a script for a meter wins over one for every meter, and a new one replaces the old") {
        script({"cnmcsp.realtime", "", std::nullopt, 503, "all"});
        script({"cnmcsp.realtime", "0001", std::nullopt, 500, "one"});
        CHECK(post("/cnmcsp/realtime", R"({"meterNo":"0002"})").body == "all");
        auto one = post("/cnmcsp/realtime", R"({"meterNo":"0001"})");
        CHECK(one.status == 500);
        CHECK(one.body == "one");
        // Found by the platform's device id too (Xianfeng responses name only the device).
        script({"xianfeng.response", "0001", std::nullopt, 200, "dev"});
        CHECK(post("/xianfeng/response", R"([{"deviceId":"dev-1"}])").body == "dev");
        script({"cnmcsp.realtime", "", std::nullopt, 200, "replaced"});
        CHECK(post("/cnmcsp/realtime", R"({"meterNo":"0002"})").body == "replaced");
    }

    TEST_CASE_FIXTURE(recorder_fixture, "a script without a body answers the kind's default body with its status") {
        script({"cnmcsp.alarm", "", 1, 202, std::nullopt});
        auto a = post("/cnmcsp/alarm", "{}");
        CHECK(a.status == 202);
        CHECK(a.body.find(R"("ReturnCode":"0")") != std::string::npos);
    }

    TEST_CASE("the default Xintian answer leaves an open valve open") {
        auto body = sc::default_answer("xintian.billing", R"({"MeterAddr":"9","ValveState":1,"Reserve":0})", "");
        CHECK(body == R"({"ResultCode":1,"Message":"成功","DataList":[{"MeterAddr":"9","UnitPrice":0,"Remnant":0,"ValveMode":1}]})");
    }
}

// The runner against a clock that runs by itself (accelerated), with a real CIS: a thread acting
// as the CIS under test calls the platform over HTTP, the pushes go to a cis_receiver.
#include "scenarios/runner.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "platforms/xianfeng/token.hpp"
#include "tests/scenarios/runner_support.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/http_client.hpp"

namespace sc = metersim::scenarios;
namespace xf = metersim::platforms::xianfeng;
using metersim::test::run_yaml;
using metersim::test::steps_text;

namespace {

/// A port free right now (the scenario fixes its platform there, as a run against a real CIS does).
std::uint16_t free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

/// The CIS under test registering a meter, signed as Xianfeng's appendix 8 says.
metersim::test::http_answer register_meter(std::uint16_t port) {
    auto trans = xf::make_trans_id(std::chrono::system_clock::now(), std::chrono::minutes{480}, 4242);
    return metersim::test::http_request(
        "POST", "127.0.0.1", port, "/iotcloud/app/devices/v1.0.0/register?companyCode=000000",
        {{"RandomCode", trans}, {"Authorization", xf::make_token("demo-key", "demo-merchant", trans)},
         {"Content-Type", "application/json"}},
        R"({"manuId":1,"deviceNo":"07602190000001","userNo":"1"})");
}

}  // namespace

TEST_SUITE("scenarios/runner live") {
    TEST_CASE("accelerated clock: advance waits for the clock, expect_request and expect_push wait for the CIS") {
        metersim::test::cis_receiver cis;
        auto const port = free_port();
        std::promise<void> started;
        auto go = started.get_future();
        std::jthread the_cis([&] {
            if (go.wait_for(std::chrono::seconds{10}) != std::future_status::ready) return;
            auto a = register_meter(port);
            CHECK(a.status == 200);
            CHECK(a.body.find("100000") != std::string::npos);
        });
        sc::run_options o;
        o.cis_url = cis.url("/");
        bool told = false;
        o.on_step = [&](sc::step_record const&) {
            if (!told) started.set_value();
            told = true;
        };
        auto const t0 = std::chrono::steady_clock::now();
        auto r = run_yaml(R"(
clock: { mode: accelerated, speed: 3600 }
platforms:
  xianfeng: { listen: "127.0.0.1:)" + std::to_string(port) + R"(" }
meters:
  - { no: "07602190000001", platform: xianfeng, model: xf-nb-money }
steps:
  - advance: 10m
  - expect_request: { platform: xianfeng, path: /iotcloud/app/devices/v1.0.0/register,
                      body: { deviceNo: "07602190000001" }, within: 3h }
  - event: { meter: "07602190000001", type: alarm, code: "0009H" }
  - expect_push: { kind: xianfeng.alarm, meter: "07602190000001", within: 1h }
)", o);
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
        CHECK(r.steps[0].virtual_end - r.steps[0].virtual_start >= std::chrono::minutes{10});
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds{8});
        CHECK(cis.wait_for_requests(1));
        auto const got = cis.requests();
        REQUIRE_FALSE(got.empty());
        CHECK(got.front().target == "/xianfeng/report");
    }

    TEST_CASE("accelerated clock: a push that never comes fails once the clock has passed within") {
        auto const t0 = std::chrono::steady_clock::now();
        auto r = run_yaml(R"(
clock: { mode: accelerated, speed: 3600 }
platforms: [cnmcsp]
meters:
  - { no: "2026010001", platform: cnmcsp, model: cn-nb-money }
steps:
  - expect_push: { kind: cnmcsp.alarm, within: 10m }
  - expect_no_push: { kind: cnmcsp.alarm, within: 5m }
)");
        INFO(steps_text(r));
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds{5});
        REQUIRE(r.result == sc::outcome::failed);
        CHECK(r.steps[0].virtual_end - r.steps[0].virtual_start >= std::chrono::minutes{10});
        CHECK(r.steps[1].result == sc::outcome::skipped);
    }

    TEST_CASE("stepped clock against a real CIS: pushes reach it and are matched from the journal") {
        metersim::test::cis_receiver cis;
        sc::run_options o;
        o.cis_url = cis.url("/");
        auto r = run_yaml(R"(
platforms: [cnmcsp]
meters:
  - { no: "2026010001", platform: cnmcsp, model: cn-nb-money }
steps:
  - call:
      platform: cnmcsp
      path: /rest/Standard/meter/meteradd
      body: { UserID: "U1", UserName: "Li", UserType: "001", PreSaving: 100, MeterID: "2026010001",
              MeterNo: "2026010001", MeterParamModel: CNMCPUJE, MeterProtocol: CNModbusV61, MeterReading: 0,
              PriceID: "5020", Version: "1", PriceMode: 100, Price1: 2.5, DataFrom: "test" }
    expect: { status: 200, body: { ReturnCode: "0" } }
  - advance: 2d
  - expect_push: { kind: cnmcsp.realtime, meter: "2026010001", fields: { meterNo: "2026010001" } }
  - cis_answer: { kind: cnmcsp.realtime, status: 500, body: "ignored: a real CIS answers for itself" }
)", o);
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
        CHECK(r.pushes > 0);
        CHECK(r.pushes == cis.request_count());
    }
}

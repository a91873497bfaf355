#include "scenarios/runner.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "platforms/common/json_reader.hpp"
#include "scenarios/runner_internal.hpp"
#include "tests/scenarios/runner_support.hpp"

namespace sc = metersim::scenarios;
using metersim::test::run_yaml;
using metersim::test::check_passed_then_failed;
using metersim::test::steps_text;

namespace {

/// A Xianfeng money meter registered and opened with 20 yuan at a flat 2.50; a day later the
/// opening has reached it.
std::string const xf_opened = R"(
seed: 3
start: "2026-01-05 09:00:00"
platforms: [xianfeng]
meters:
  - { no: "07602190000104", platform: xianfeng, model: xf-nb-money }
steps:
  - name: register
    call:
      platform: xianfeng
      path: /iotcloud/app/devices/v1.0.0/register
      query: { companyCode: "000000" }
      body: { manuId: 1, deviceNo: "07602190000104", userNo: "0000000104" }
    expect: { status: 200, body: { responseCode: "100000", result: { present: true } } }
    save: { device: result }
  - name: open
    call:
      platform: xianfeng
      path: /iotcloud/app/cmd/v1.0.0/creatCmd
      query: { deviceId: "${device}" }
      body:
        command:
          method: ACCOUNT_OPEN
          paras: { prepaidType: 0, priceOne: 2.5, ladderGasOne: 0, priceTwo: 2.5, ladderGasTwo: 0,
                   priceThree: 2.5, ladderGasThree: 0, priceFour: 2.5, ladderGasFour: 0, priceFive: 2.5,
                   priceVer: 1, pricePeriod: 12, priceTime: "20260101000000", ladderTime: "20260101000000",
                   clearMark: 1, gasType: 1, billNo: 1, rechargeValue: 20, cardNo: "0000000104" }
    expect: { status: 200, body: { responseCode: "100000" } }
  - advance: 1d
  - expect_meter: { meter: "07602190000104", balance: { decimal: "20" }, valve: open, account_state: { present: true } }
)";

std::string with(std::string const& more) { return xf_opened + more; }


}  // namespace

TEST_SUITE("scenarios/runner") {
    TEST_CASE("a Xianfeng story runs: call with expect and save, advance, event, expect_push, expect_meter") {
        auto r = run_yaml(with(R"(
  - event: { meter: "07602190000104", type: consume, m3: "5" }
  - expect_push:
      kind: xianfeng.alarm
      meter: "07602190000104"
      within: 1m
      fields: { "[0].callbackData.reportType": "99",
                "callbackData.data[0].serviceData.warnEvents[0].warnType": "000FH" }
    save: { warn: "[0].callbackData.data[0].serviceData.warnEvents[0].warnType" }
  - expect_push:
      kind: xianfeng.report
      meter: "07602190000104"
      within: 1m
      fields: { "[0].callbackData.data[1].serviceData.surplusMoney": { decimal: "7.5" } }
  - expect_meter: { meter: "07602190000104", balance: { decimal: "7.5" }, reading: { range: ["4", "6"] },
                    alarms: { contains: "${warn}" } }
)"));
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
        CHECK(r.steps.size() == 8);
        CHECK(r.steps[0].label == "register");
        CHECK(r.steps[2].label == "advance 1d");
        CHECK(r.steps[3].label == "expect_meter 07602190000104");
        CHECK(r.virtual_end - r.virtual_start >= std::chrono::hours{24});
        CHECK(r.requests >= 2);
        CHECK(r.pushes >= 2);
        CHECK_FALSE(r.timeline.empty());
        CHECK_FALSE(r.samples.empty());
    }

    TEST_CASE("a failing expectation says what was expected and seen, and skips the rest") {
        std::vector<std::string> live;
        sc::run_options o;
        o.on_step = [&](sc::step_record const& s) { live.push_back(s.label + " " + std::string(to_string(s.result))); };
        auto r = run_yaml(with(R"(
  - expect_meter: { meter: "07602190000104", balance: { decimal: "99" }, valve: open }
  - advance: 1h
  - event: { meter: "07602190000104", type: consume, m3: "1" }
)"), o);
        INFO(steps_text(r));
        REQUIRE(r.result == sc::outcome::failed);
        auto const& f = r.steps[4];
        CHECK(f.result == sc::outcome::failed);
        CHECK(f.message.find("balance: expected decimal 99, saw \"20.0000\"") != std::string::npos);
        CHECK(f.message.find("valve") == std::string::npos);  // that one held
        CHECK_FALSE(f.context.empty());
        CHECK(r.steps[5].result == sc::outcome::skipped);
        CHECK(r.steps[6].result == sc::outcome::skipped);
        CHECK(live.size() == r.steps.size());
        CHECK(live.back() == "event consume 07602190000104 skipped");
    }

    TEST_CASE("a push that never comes fails once within has passed, and does not hang") {
        auto const t0 = std::chrono::steady_clock::now();
        auto r = run_yaml(with(R"(
  - expect_push: { kind: xianfeng.response, meter: "07602190000104", within: 6h, fields: { "[0].commandId": "nope" } }
)"));
        INFO(steps_text(r));
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds{20});
        REQUIRE(r.result == sc::outcome::failed);
        auto const& f = r.steps.back();
        CHECK(f.message.find("expected 1 xianfeng.response push for 07602190000104") != std::string::npos);
        CHECK(f.message.find("within 6h, saw 0 matching") != std::string::npos);
        CHECK(f.virtual_end - f.virtual_start == std::chrono::hours{6});
        bool closest = false;
        for (auto const& c : f.context) closest = closest || c.starts_with("closest push #");
        CHECK(closest);  // the opening's response came, with another commandId
    }

    TEST_CASE("each push is matched by one expect_push only, oldest first") {
        auto r = run_yaml(with(R"(
  - expect_push: { kind: xianfeng.response, meter: "07602190000104" }
  - expect_push: { kind: xianfeng.response, meter: "07602190000104" }
)"));
        INFO(steps_text(r));
        CHECK(r.steps[4].result == sc::outcome::passed);
        CHECK(r.steps[5].result == sc::outcome::failed);
    }

    TEST_CASE("expect_no_push holds while nothing comes and fails when a matching push does") {
        auto quiet = run_yaml(with(R"(
  - expect_no_push: { kind: xianfeng.alarm, meter: "07602190000104", within: 2h }
)"));
        INFO(steps_text(quiet));
        CHECK(quiet.result == sc::outcome::passed);
        CHECK(quiet.steps.back().virtual_end - quiet.steps.back().virtual_start == std::chrono::hours{2});

        auto loud = run_yaml(with(R"(
  - event: { meter: "07602190000104", type: alarm, code: "0009H" }
  - expect_no_push: { kind: xianfeng.alarm, within: 1h }
)"));
        INFO(steps_text(loud));
        REQUIRE(loud.result == sc::outcome::failed);
        CHECK(loud.steps.back().message.find("expected no xianfeng.alarm push within 1h, saw push #") != std::string::npos);
    }

    TEST_CASE("expect_request finds the requests the platforms received, each once") {
        auto r = run_yaml(with(R"(
  - expect_request: { platform: xianfeng, method: POST, path: /iotcloud/app/cmd/v1.0.0/creatCmd,
                      body: { command.method: ACCOUNT_OPEN, command.paras.rechargeValue: { decimal: "20" } } }
  - expect_request: { platform: xianfeng, path: /iotcloud/app/devices/v1.0.0/register }
  - expect_request: { platform: xianfeng, path: /iotcloud/app/cmd/v1.0.0/creatCmd, within: 10m }
)"));
        INFO(steps_text(r));
        check_passed_then_failed(r, {4, 5}, 6,
                                 "expected 1 xianfeng request /iotcloud/app/cmd/v1.0.0/creatCmd within 10m, saw 0 matching");
    }

    TEST_CASE("set, repeat with ${i}, for_each_meter with ${meter}, ${seq} and the built-ins") {
        auto r = run_yaml(R"(
start: "2026-02-01 00:00:00"
platforms: [xintian]
meters:
  - { fleet: 3, platform: xintian, model: xt-nb-meter, id_prefix: "3301" }
  - { no: "3302000009", platform: xintian, model: xt-nb-meter }
vars: { m3: "1" }
steps:
  - set: { first: "3301000001", when: "${now}" }
  - repeat:
      times: 3
      steps:
        - event: { meter: "${first}", type: consume, m3: "${m3}" }
        - expect_meter: { meter: "${first}", reading: { decimal: "${i}" } }
  - for_each_meter:
      platform: xintian
      steps:
        - expect_meter: { meter: "${meter}", meterNo: "${meter}", imei: "${imei:${meter}}" }
  - set: { a: "${seq}", b: "${seq}", t: "${now_compact}", ms: "${now_ms}" }
  - expect_meter: { meter: "3302000009", meterNo: { regex: "^3302000009$" } }
  - call:
      platform: xintian
      path: /api/Meters/GetData
      body: { MeterAddr: "${first}", Note: "${a}-${b} ${when} ${t} ${ms}" }
    expect: { status: 200 }
)");
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
        // set, repeat + 3 × 2, for_each + 4 meters, set, expect_meter, call
        CHECK(r.steps.size() == 1 + 1 + 6 + 1 + 4 + 3);
        CHECK(r.steps[2].depth == 1);
        CHECK(r.steps[9].label == "expect_meter 3301000001");
        CHECK(r.steps[12].label == "expect_meter 3302000009");
    }

    TEST_CASE("a value that cannot be resolved at run time is an error of its step") {
        auto r = run_yaml(R"(
platforms: [xintian]
meters:
  - { no: "3301000001", platform: xintian, model: xt-nb-meter }
steps:
  - set: { m: "9999999999" }
  - event: { meter: "${m}", type: wake }
  - advance: 1h
)");
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::error);
        CHECK(r.steps[1].result == sc::outcome::error);
        CHECK(r.steps[1].message.starts_with("the event was refused (404)"));
        CHECK(r.steps[2].result == sc::outcome::skipped);
    }

    TEST_CASE("a block whose step errors is an error too, not a failure") {
        auto r = run_yaml(R"(
platforms: [xintian]
meters:
  - { no: "3301000001", platform: xintian, model: xt-nb-meter }
steps:
  - repeat:
      times: 3
      steps:
        - set: { m: "999999999${i}" }
        - event: { meter: "${m}", type: wake }
  - advance: 1h
)");
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::error);
        REQUIRE(r.steps.size() == 4);
        CHECK(r.steps[0].result == sc::outcome::error);  // the repeat, recorded before its steps
        CHECK(r.steps[0].message == "a step could not run in turn 1 of 3");
        CHECK(r.steps[2].result == sc::outcome::error);
        CHECK(r.steps[3].result == sc::outcome::skipped);
    }

    TEST_CASE("calls are signed per vendor with the scenario's credentials, auth none is refused") {
        auto r = run_yaml(R"Y(
platforms:
  cnmcsp: { app_token: "tok-1", app_secret: "sec-1" }
  xintian: { app_id: "id-1", app_secret: "sec-2" }
  xianfeng: { company_code: "330100", key: "0a155959379dc684bfa11f199734b01d", merchant_id: "43516709" }
meters:
  - { no: "3301000001", platform: xintian, model: xt-nb-meter }
steps:
  - call: { platform: xintian, path: /api/Meters/GetData, body: { MeterAddr: "3301000001" } }
    expect: { status: 200, body: { ResultCode: { regex: "^(?!-20[12]$)" } } }
  - call: { platform: xintian, path: /api/Meters/GetData, body: { MeterAddr: "3301000001" } }
    expect: { status: 200, body: { ResultCode: { regex: "^(?!-20[12]$)" } } }
  - call: { platform: xintian, path: /api/Meters/GetData, auth: none, body: { MeterAddr: "3301000001" } }
    expect: { body: { ResultCode: "-202" } }
  - call: { platform: cnmcsp, path: /rest/Standard/reading/ReadCurrentData, body: { MeterNos: ["1"] } }
    expect: { status: 200 }
  - call: { platform: cnmcsp, path: /rest/Standard/reading/ReadCurrentData, auth: none, body: {} }
    expect: { status: 401 }
  - call:
      platform: xianfeng
      path: /iotcloud/app/devices/v1.0.0/register
      query: { companyCode: "330100" }
      body: { manuId: 1, deviceNo: "07602190000001", userNo: "1" }
    expect: { body: { responseCode: { any_of: ["100000", "500001", "500002", "500003"] } } }
)Y");
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
    }

    TEST_CASE("single meters keep their number and fleets are numbered prefix + 6 digits") {
        auto r = run_yaml(R"(
platforms: [cnmcsp, xintian]
meters:
  - { no: "2026010777", platform: cnmcsp, model: cn-nb-money }
  - { fleet: 2, platform: xintian, model: xt-nb-meter, id_prefix: "3301" }
steps:
  - expect_meter: { meter: "2026010777", platform: cnmcsp }
  - expect_meter: { meter: "3301000002", platform: xintian }
  - set: { m: "3301000003" }
  - expect_meter: { meter: "${m}" }
)");
        INFO(steps_text(r));
        check_passed_then_failed(r, {0, 1}, 3, "expected meter 3301000003, saw no such meter");
    }

    TEST_CASE("a world that cannot start makes the scenario an error, not a crash") {
        sc::run_options o;
        o.make_world = [](sc::world_spec const&) -> std::unique_ptr<sc::world> {
            throw std::runtime_error("port 8802 in use");
        };
        auto r = sc::run_scenario(metersim::test::load_yaml("steps:\n  - advance: 1h\n"), o);
        CHECK(r.result == sc::outcome::error);
        CHECK(r.error == "the world could not start: port 8802 in use");
    }

    TEST_CASE("the same seed gives the same pushes") {
        auto const yaml = with(R"(
  - advance: 3d
)");
        auto a = run_yaml(yaml);
        auto b = run_yaml(yaml);
        REQUIRE(a.result == sc::outcome::passed);
        CHECK(a.pushes == b.pushes);
        CHECK(a.virtual_end == b.virtual_end);
    }

    TEST_CASE("fault: the CIS unreachable for a while delays a push, none is lost, clear ends every fault") {
        auto r = run_yaml(with(R"(
  - fault: { target: cis, kind: unreachable, for: 2h }
  - event: { meter: "07602190000104", type: alarm, code: "0009H" }
  - expect_no_push: { kind: xianfeng.alarm, within: 1h }
  - expect_push: { kind: xianfeng.alarm, meter: "07602190000104", within: 2h }
  - fault: { target: cis, kind: unreachable, for: 1d }
  - fault: clear
  - event: { meter: "07602190000104", type: clear_alarm, code: "0009H" }
  - expect_push: { kind: xianfeng.alarm, meter: "07602190000104" }
)"));
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
        auto const& late = r.steps[7];
        CHECK(late.virtual_end - late.virtual_start <= std::chrono::hours{2});
        CHECK(late.virtual_end - r.steps[5].virtual_start >= std::chrono::hours{2});
    }

    // Issue 16: the push-side faults are set from a scenario like the others.
    TEST_CASE("fault: a duplicate push fault makes the CIS receive one push twice") {
        auto const steps = R"(
  - event: { meter: "07602190000104", type: alarm, code: "0009H" }
  - expect_push: { kind: xianfeng.alarm, meter: "07602190000104" }
)";
        auto once = run_yaml(with(steps));
        auto twice = run_yaml(with(std::string("\n  - fault: { target: cis, kind: duplicate }") + steps));
        INFO(steps_text(twice));
        REQUIRE(once.result == sc::outcome::passed);
        REQUIRE(twice.result == sc::outcome::passed);
        // The CIS (the recorder) answered the alarm's second copy: the journal's fault entry.
        auto copies_answered = [](sc::scenario_result const& r) {
            return std::count_if(r.timeline.begin(), r.timeline.end(), [](sc::timeline_entry const& t) {
                return t.k == sc::timeline_entry::kind::push && t.summary.starts_with("xianfeng.alarm") &&
                       t.summary.find(" fault (200)") != std::string::npos;
            });
        };
        CHECK(copies_answered(once) == 0);
        CHECK(copies_answered(twice) == 1);
    }

    TEST_CASE("fault: a platform answers an error for a count of requests") {
        auto r = run_yaml(with(R"(
  - fault: { target: xianfeng, path: /iotcloud/app/cmd/v1.0.0/creatCmd, kind: error, status: 503, count: 1 }
  - call: { platform: xianfeng, path: /iotcloud/app/cmd/v1.0.0/creatCmd, query: { deviceId: "${device}" },
            body: { command: { method: VALVE_CONTROL, paras: { valveStatus: 0 } } } }
    expect: { status: 503 }
  - call: { platform: xianfeng, path: /iotcloud/app/cmd/v1.0.0/creatCmd, query: { deviceId: "${device}" },
            body: { command: { method: VALVE_CONTROL, paras: { valveStatus: 0 } } } }
    expect: { status: 200 }
)"));
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
    }

    TEST_CASE("cis_answer scripts the recorder: refused pushes are retried and count once") {
        auto r = run_yaml(with(R"(
  - cis_answer: { kind: xianfeng.alarm, meter: "07602190000104", status: 500, count: 2, body: { error: "busy" } }
  - event: { meter: "07602190000104", type: alarm, code: "0009H" }
  - expect_push: { kind: xianfeng.alarm, meter: "07602190000104", within: 10m }
  - expect_no_push: { kind: xianfeng.alarm, within: 1h }
)"));
        INFO(steps_text(r));
        CHECK(r.result == sc::outcome::passed);
        std::size_t attempts = 0, accepted = 0;
        for (auto const& t : r.timeline) {
            if (t.k != sc::timeline_entry::kind::push || !t.summary.starts_with("xianfeng.alarm")) continue;
            ++attempts;
            if (t.summary.find(" 07602190000104 accepted") != std::string::npos) ++accepted;
        }
        CHECK(attempts == 3);
        CHECK(accepted == 1);
    }
}

TEST_SUITE("scenarios/runner") {
    TEST_CASE("advance to an instant moves there, and never backwards") {
        auto r = run_yaml(R"(
start: "2026-01-01 08:00:00"
timezone: "+08:00"
platforms: [xintian]
steps:
  - advance: { to: "2026-01-02 00:00:00" }
  - advance: { to: "2026-01-01 12:00:00" }
  - advance: 500ms
)");
        INFO(steps_text(r));
        REQUIRE(r.result == sc::outcome::passed);
        CHECK(r.steps[0].virtual_end - r.steps[0].virtual_start == std::chrono::hours{16});
        CHECK(r.steps[1].virtual_end == r.steps[1].virtual_start);
        CHECK(r.steps[2].label == "advance 500ms");
        CHECK(r.steps[2].virtual_end - r.steps[2].virtual_start == std::chrono::milliseconds{500});
    }
}

namespace {

/// The fault rule as runner_steps.cpp wrote it by hand before json_text: the reference.
std::string old_fault_body(sc::fault_step const& f, std::optional<std::string> const& path,
                           std::optional<std::string> const& body) {
    using metersim::platforms::json_quote;
    std::string out = "{\"target\":" + json_quote(f.target) + ",\"kind\":" + json_quote(f.kind);
    if (path) out += ",\"path\":" + json_quote(*path);
    if (f.kind == "error") out += ",\"status\":" + std::to_string(f.status);
    if (body) out += ",\"body\":" + json_quote(*body);
    if (f.delay.count() != 0) out += ",\"delay_ms\":" + std::to_string(f.delay.count());
    if (f.for_) out += ",\"for_ms\":" + std::to_string(f.for_->count());
    if (f.count || !f.for_) out += ",\"count\":" + std::to_string(f.count.value_or(1));
    return out + "}";
}

}  // namespace

TEST_SUITE("scenarios/runner") {
    TEST_CASE("a fault step's admin body is byte for byte the one written by hand before") {
        using namespace std::chrono_literals;
        auto fault = [](std::string target, std::string kind) {
            sc::fault_step f;
            f.target = std::move(target);
            f.kind = std::move(kind);
            return f;
        };
        std::vector<sc::fault_step> faults = {fault("cis", "unreachable"), fault("xianfeng", "error"),
                                              fault("cnmcsp", "slow"), fault("xintian", "drop"),
                                              fault("ci\"s\n", "error"), fault("cis", "unreachable")};
        faults[0].for_ = 2h;
        faults[1].status = 503;
        faults[1].count = 3;
        faults[2].delay = 1500ms;
        faults[3].for_ = 24h;
        faults[3].count = 1'000'000'000;
        faults[4].status = 400;
        std::vector<std::optional<std::string>> const texts = {
            std::nullopt, "", "/iotcloud/app/cmd/v1.0.0/creatCmd", R"({"code":"500","msg":"忙"})",
            std::string("bad \xff utf-8 \t\x01"),
        };
        for (auto const& f : faults)
            for (auto const& path : texts)
                for (auto const& body : texts) {
                    CAPTURE(f.target);
                    CHECK(sc::detail::fault_body(f, path, body) == old_fault_body(f, path, body));
                }
    }
}

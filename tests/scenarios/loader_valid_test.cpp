// A complete scenario with every step kind and every matcher, read back field by field.
#include "scenarios/loader.hpp"

#include <doctest/doctest.h>

#include <string>

#include "meters/calendar.hpp"
#include "sim/catalogue.hpp"

namespace sc = metersim::scenarios;
namespace me = metersim::meters;

namespace {

constexpr std::string_view every_kind = R"(name: Every step kind
description: all of them
seed: 42
start: "2026-03-01 08:00:00"
timezone: "+08:00"
clock: { mode: accelerated, speed: 120 }
conformance: strict
platforms:
  xianfeng: { company_code: "330100", listen: "127.0.0.1:0", replay_check: false }
  xintian: {}
  cnmcsp: { auth_window_s: 60 }
meters:
  - { no: "07602190000001", platform: xianfeng, model: xf-nb-money }
  - { fleet: 3, platform: xintian, model: xt-nb-thirdparty, id_prefix: "3301" }
cis: { url: "http://127.0.0.1:9000", paths: { xianfeng.report: /xf/report } }
vars: { amount: "50" }
steps:
  - name: register
    call:
      platform: xianfeng
      method: PUT
      path: /iotcloud/app/devices/v1.0.0/register
      query: { companyCode: "000000" }
      headers: { X-Trace: t1 }
      auth: none
      body: { manuId: 1, deviceNo: "07602190000001", imei: "${imei:07602190000001}", list: [1.50, "a"], n: ~ }
    expect:
      status: 200
      body:
        responseCode: "100000"
        result: { present: true }
        a: { equals: 12 }
        b: { decimal: "12.5" }
        c: { regex: "^[0-9a-f]{32}$" }
        d: { range: ["10", null] }
        e: { present: false }
        f: { absent: true }
        g: { any_of: [ "1", { decimal: "2" } ] }
        h: { contains: "0011H" }
    save: { device: result, first: "[0].x" }
  - advance: 1d12h
  - advance: { to: "2026-03-05 00:00:00" }
  - event: { meter: "07602190000001", type: consume, m3: "1.5" }
  - fault: { target: cis, kind: unreachable, for: 2h }
  - fault: { target: xianfeng, path: /x, kind: error, status: 503, body: { code: "9" }, count: 2 }
  - fault: { target: cnmcsp, kind: slow, delay: 3s }
  - fault: clear
  - cis_answer: { kind: xintian.billing, meter: "3301000002", count: 1, status: 201, body: { ResultCode: 1, UnitPrice: 3.5 } }
  - expect_push: { kind: xianfeng.response, meter: "07602190000001", fields: { data.status: 2 }, within: 1d, count: 2 }
    save: { bill: "data.result.billNo" }
  - expect_no_push: { kind: xianfeng.alarm, meter: "07602190000001", within: 90s }
  - expect_request: { platform: xianfeng, method: POST, path: /p, body: { method: VALVE_CONTROL }, count: 3, within: 10m }
  - expect_meter: { meter: "07602190000001", balance: { decimal: "0" }, valve: closed }
  - set: { bill2: "B${seq}-${bill}-${device}-${amount}" }
  - repeat:
      times: 3
      steps:
        - event: { meter: "07602190000001", type: battery, volts: "3.1" }
        - advance: 500ms
        - name: "turn ${i}"
          set: { x: "${i}" }
  - for_each_meter:
      platform: xintian
      model: xt-nb-thirdparty
      steps:
        - expect_meter: { meter: "${meter}", valve: open, imei: "${imei:${meter}}" }
)";

sc::scenario load_every_kind() {
    static auto const models = metersim::sim::catalogue::builtin();
    auto r = sc::parse_scenario(every_kind, "every.yaml", models);
    if (!r) {
        std::string all;
        for (auto const& e : r.error()) all += sc::to_string(e) + "\n";
        FAIL(all);
    }
    return std::move(r).value();
}

template <class T>
T const& as(sc::step const& s) {
    REQUIRE(std::holds_alternative<T>(s.what));
    return std::get<T>(s.what);
}

std::string setting(sc::platform_decl const& p, std::string_view key) {
    for (auto const& [k, v] : p.settings)
        if (k == key) return v.text;
    return "<none>";
}

}  // namespace

TEST_SUITE("scenarios/loader") {

TEST_CASE("a complete scenario: the top-level keys") {
    auto s = load_every_kind();
    CHECK(s.file == "every.yaml");
    CHECK(s.name == "Every step kind");
    CHECK(s.description == "all of them");
    CHECK(s.seed == 42);
    CHECK(s.start_text == "2026-03-01 08:00:00");
    CHECK(me::to_ms(s.start) == 1'772'323'200'000);  // 2026-03-01 00:00:00 UTC
    CHECK(s.zone.minutes == 480);
    CHECK(s.clock.mode == metersim::sim::clock_mode::accelerated);
    CHECK(s.clock.speed == 120);
    CHECK(to_string(s.conformance) == "strict");
    REQUIRE(s.platforms.size() == 3);
    CHECK(s.platforms[0].name == "xianfeng");
    CHECK(s.platforms[0].at.line == 9);
    REQUIRE(s.platforms[0].settings.size() == 3);
    CHECK(setting(s.platforms[0], "company_code") == "330100");
    CHECK(s.platforms[0].settings[0].second.quoted);
    CHECK(setting(s.platforms[0], "listen") == "127.0.0.1:0");
    CHECK(setting(s.platforms[0], "replay_check") == "false");
    CHECK_FALSE(s.platforms[0].settings[2].second.quoted);
    CHECK(s.platforms[1].name == "xintian");
    CHECK(s.platforms[1].settings.empty());
    CHECK(setting(s.platforms[2], "auth_window_s") == "60");
    REQUIRE(s.meters.size() == 2);
    CHECK(s.meters[0].no == "07602190000001");
    CHECK(s.meters[0].platform == "xianfeng");
    CHECK(s.meters[0].model == "xf-nb-money");
    CHECK(s.meters[0].fleet == 0);
    CHECK(s.meters[0].at.line == 13);
    CHECK(s.meters[1].no.empty());
    CHECK(s.meters[1].fleet == 3);
    CHECK(s.meters[1].id_prefix == "3301");
    CHECK(s.meters[1].model == "xt-nb-thirdparty");
    CHECK_FALSE(s.cis.recorder);
    CHECK(s.cis.url == "http://127.0.0.1:9000");
    REQUIRE(s.cis.paths.size() == 1);
    CHECK(s.cis.paths[0] == std::pair<std::string, std::string>{"xianfeng.report", "/xf/report"});
    REQUIRE(s.vars.size() == 1);
    CHECK(s.vars[0] == std::pair<std::string, std::string>{"amount", "50"});
    REQUIRE(s.steps.size() == 16);
}

TEST_CASE("a complete scenario: call with its body, expectations and saves") {
    auto s = load_every_kind();
    auto const& st = s.steps[0];
    CHECK(st.name == "register");
    CHECK(st.at.line == 18);
    CHECK(st.at.column == 5);
    auto const& c = as<sc::call_step>(st);
    CHECK(c.platform == "xianfeng");
    CHECK(c.method == "PUT");
    CHECK(c.path == "/iotcloud/app/devices/v1.0.0/register");
    CHECK(c.query == sc::named_texts{{"companyCode", "000000"}});
    CHECK(c.headers == sc::named_texts{{"X-Trace", "t1"}});
    CHECK_FALSE(c.signed_auth);
    REQUIRE(c.body);
    auto const& b = *c.body;
    CHECK(b.k == sc::value::kind::map);
    REQUIRE(b.fields.size() == 5);
    CHECK(b.fields[0].first == "manuId");
    CHECK(b.fields[0].second.k == sc::value::kind::scalar);
    CHECK(b.fields[0].second.text == "1");
    CHECK_FALSE(b.fields[0].second.quoted);
    CHECK(b.fields[1].second.text == "07602190000001");
    CHECK(b.fields[1].second.quoted);
    CHECK(b.fields[2].second.text == "${imei:07602190000001}");
    auto const& list = b.fields[3].second;
    CHECK(list.k == sc::value::kind::list);
    REQUIRE(list.items.size() == 2);
    CHECK(list.items[0].text == "1.50");  // the digits as written
    CHECK_FALSE(list.items[0].quoted);
    CHECK(list.items[1].quoted);
    CHECK(b.fields[4].second.k == sc::value::kind::null);
    CHECK(b.at.line == 26);
    CHECK(c.expect_status == 200u);
    REQUIRE(c.expect_body.size() == 10);
    auto const& x = c.expect_body;
    CHECK(x[0].path == "responseCode");
    CHECK(x[0].m.k == sc::matcher::kind::equals);
    CHECK(x[0].m.text == "100000");
    CHECK(x[0].at.line == 30);
    CHECK(x[0].at.column == 9);
    CHECK(x[1].m.k == sc::matcher::kind::present);
    CHECK(x[2].m.k == sc::matcher::kind::equals);
    CHECK(x[2].m.text == "12");
    CHECK(x[3].m.k == sc::matcher::kind::decimal);
    CHECK(x[3].m.text == "12.5");
    CHECK(x[4].m.k == sc::matcher::kind::regex);
    CHECK(x[4].m.text == "^[0-9a-f]{32}$");
    CHECK(x[5].m.k == sc::matcher::kind::range);
    CHECK(x[5].m.low_e4 == 100'000);
    CHECK_FALSE(x[5].m.high_e4);
    CHECK(x[6].m.k == sc::matcher::kind::absent);  // present: false
    CHECK(x[7].m.k == sc::matcher::kind::absent);
    CHECK(x[8].m.k == sc::matcher::kind::any_of);
    REQUIRE(x[8].m.inner.size() == 2);
    CHECK(x[8].m.inner[0].k == sc::matcher::kind::equals);
    CHECK(x[8].m.inner[0].text == "1");
    CHECK(x[8].m.inner[1].k == sc::matcher::kind::decimal);
    CHECK(x[8].m.inner[1].text == "2");
    CHECK(x[9].m.k == sc::matcher::kind::contains);
    CHECK(x[9].m.text == "0011H");
    REQUIRE(x[9].m.inner.size() == 1);
    CHECK(x[9].m.inner[0].text == "0011H");
    CHECK(st.save == sc::named_texts{{"device", "result"}, {"first", "[0].x"}});
}

TEST_CASE("a complete scenario: advance, event, fault and cis_answer") {
    auto s = load_every_kind();
    auto const& a1 = as<sc::advance_step>(s.steps[1]);
    CHECK(a1.by == me::duration{36 * 3'600'000});
    CHECK_FALSE(a1.to);
    auto const& a2 = as<sc::advance_step>(s.steps[2]);
    CHECK_FALSE(a2.by);
    REQUIRE(a2.to);
    CHECK(me::to_ms(*a2.to) == 1'772'323'200'000 + 3 * 86'400'000 + 16 * 3'600'000);
    auto const& e = as<sc::event_step>(s.steps[3]);
    CHECK(e.meter == "07602190000001");
    REQUIRE(e.event.fields.size() == 2);  // the meter is not part of the event body
    CHECK(e.event.fields[0].first == "type");
    CHECK(e.event.fields[0].second.text == "consume");
    CHECK(e.event.fields[1].first == "m3");
    CHECK(e.event.fields[1].second.text == "1.5");
    auto const& f1 = as<sc::fault_step>(s.steps[4]);
    CHECK_FALSE(f1.clear);
    CHECK(f1.target == "cis");
    CHECK(f1.kind == "unreachable");
    CHECK(f1.for_ == me::duration{7'200'000});
    CHECK_FALSE(f1.count);
    auto const& f2 = as<sc::fault_step>(s.steps[5]);
    CHECK(f2.target == "xianfeng");
    CHECK(f2.path == "/x");
    CHECK(f2.kind == "error");
    CHECK(f2.status == 503);
    REQUIRE(f2.body);
    CHECK(f2.body->fields.at(0).second.text == "9");
    CHECK(f2.count == 2u);
    auto const& f3 = as<sc::fault_step>(s.steps[6]);
    CHECK(f3.kind == "slow");
    CHECK(f3.delay == me::duration{3000});
    CHECK(as<sc::fault_step>(s.steps[7]).clear);
    auto const& ca = as<sc::cis_answer_step>(s.steps[8]);
    CHECK(ca.kind == "xintian.billing");
    CHECK(ca.meter == "3301000002");
    CHECK(ca.count == 1u);
    CHECK(ca.status == 201);
    REQUIRE(ca.body.fields.size() == 2);
    CHECK(ca.body.fields[1].second.text == "3.5");
}

TEST_CASE("a complete scenario: the expectations, set and the blocks") {
    auto s = load_every_kind();
    auto const& p = as<sc::expect_push_step>(s.steps[9]);
    CHECK(p.kind == "xianfeng.response");
    CHECK(p.meter == "07602190000001");
    REQUIRE(p.fields.size() == 1);
    CHECK(p.fields[0].path == "data.status");
    CHECK(p.fields[0].m.text == "2");
    CHECK(p.within == me::duration{86'400'000});
    CHECK(p.count == 2);
    CHECK(s.steps[9].save == sc::named_texts{{"bill", "data.result.billNo"}});
    auto const& np = as<sc::expect_no_push_step>(s.steps[10]);
    CHECK(np.kind == "xianfeng.alarm");
    CHECK(np.within == me::duration{90'000});
    auto const& rq = as<sc::expect_request_step>(s.steps[11]);
    CHECK(rq.platform == "xianfeng");
    CHECK(rq.method == "POST");
    CHECK(rq.path == "/p");
    REQUIRE(rq.body.size() == 1);
    CHECK(rq.body[0].path == "method");
    CHECK(rq.count == 3);
    CHECK(rq.within == me::duration{600'000});
    auto const& em = as<sc::expect_meter_step>(s.steps[12]);
    CHECK(em.meter == "07602190000001");
    REQUIRE(em.fields.size() == 2);
    CHECK(em.fields[0].path == "balance");
    CHECK(em.fields[0].m.k == sc::matcher::kind::decimal);
    CHECK(em.fields[1].path == "valve");
    CHECK(em.fields[1].m.text == "closed");
    CHECK(as<sc::set_step>(s.steps[13]).vars == sc::named_texts{{"bill2", "B${seq}-${bill}-${device}-${amount}"}});
    auto const& r = as<sc::repeat_step>(s.steps[14]);
    CHECK(r.times == 3);
    REQUIRE(r.steps.size() == 3);
    CHECK(sc::kind_name(r.steps[0]) == "event");
    CHECK(sc::kind_name(r.steps[1]) == "advance");
    CHECK(r.steps[2].name == "turn ${i}");
    CHECK(r.steps[2].at.line == 60);
    auto const& fe = as<sc::for_each_meter_step>(s.steps[15]);
    CHECK(fe.platform == "xintian");
    CHECK(fe.model == "xt-nb-thirdparty");
    REQUIRE(fe.steps.size() == 1);
    auto const& inner = as<sc::expect_meter_step>(fe.steps[0]);
    CHECK(inner.meter == "${meter}");
    CHECK(inner.fields.at(1).m.text == "${imei:${meter}}");
}

}  // TEST_SUITE

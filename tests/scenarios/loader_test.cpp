#include "scenarios/loader.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "meters/calendar.hpp"
#include "sim/catalogue.hpp"

namespace sc = metersim::scenarios;
namespace me = metersim::meters;

namespace {

metersim::sim::catalogue const& models() {
    static auto const c = metersim::sim::catalogue::builtin();
    return c;
}

sc::load_result load(std::string_view yaml, std::string_view file = "t.yaml") {
    return sc::parse_scenario(yaml, file, models());
}

std::vector<sc::load_error> errors_of(std::string_view yaml) {
    auto r = load(yaml);
    if (r) return {};
    return r.error();
}

std::string joined(std::vector<sc::load_error> const& es) {
    std::string out;
    for (auto const& e : es) out += sc::to_string(e) + "\n";
    return out;
}

/// The one error the text has, as "LINE:COLUMN: MESSAGE".
std::string only_error(std::string_view yaml) {
    auto es = errors_of(yaml);
    INFO(joined(es));
    REQUIRE(es.size() == 1);
    return std::to_string(es[0].at.line) + ":" + std::to_string(es[0].at.column) + ": " + es[0].message;
}

/// Platforms, meters and a `steps:` key on lines 1-5; the steps given start on line 6.
std::string with_steps(std::string_view steps) {
    return std::string{R"(platforms: [xianfeng, xintian]
meters:
  - { no: "07602190000001", platform: xianfeng, model: xf-nb-money }
  - { fleet: 3, platform: xintian, model: xt-nb-meter, id_prefix: "3301" }
steps:
)"} + std::string{steps};
}

std::string with_steps(std::string_view steps, std::string_view more) { return with_steps(steps) + std::string{more}; }

}  // namespace

TEST_SUITE("scenarios/loader") {

TEST_CASE("a minimal scenario takes every default, and its name from the file's stem") {
    auto r = load("steps:\n  - advance: 1h\n", "dir/prepaid-runs-dry.yaml");
    INFO(joined(r ? std::vector<sc::load_error>{} : r.error()));
    REQUIRE(r);
    auto const& s = *r;
    CHECK(s.file == "dir/prepaid-runs-dry.yaml");
    CHECK(s.name == "prepaid-runs-dry");
    CHECK(s.description.empty());
    CHECK(s.seed == 1);
    CHECK(s.start_text == "2026-01-01 00:00:00");
    CHECK(s.zone.minutes == 480);
    CHECK(me::to_civil(s.start, me::utc_offset{0}).hour == 16);  // midnight at +08:00 is 16:00 UTC the day before
    CHECK(s.clock.mode == metersim::sim::clock_mode::stepped);
    CHECK(to_string(s.conformance) == "lenient");
    REQUIRE(s.platforms.size() == 3);
    CHECK(s.platforms[0].name == "cnmcsp");
    CHECK(s.platforms[1].name == "xianfeng");
    CHECK(s.platforms[2].name == "xintian");
    CHECK(s.meters.empty());
    CHECK(s.cis.recorder);
    REQUIRE(s.steps.size() == 1);
    CHECK(sc::kind_name(s.steps[0]) == "advance");
    CHECK(s.steps[0].at.line == 2);
    CHECK(s.steps[0].at.column == 5);
}

TEST_CASE("to_string puts file, line and column first") {
    CHECK(sc::to_string(sc::load_error{{"a.yaml", 3, 7}, "x: found y, expected z"}) == "a.yaml:3:7: error: x: found y, expected z");
    CHECK(sc::to_string(sc::load_error{{"a.yaml", 0, 0}, "cannot read the file"}) == "a.yaml: error: cannot read the file");
}

TEST_CASE("an unknown step kind is an error at its key") {
    CHECK(only_error(with_steps("  - jump: 1h\n")) ==
          "6:5: steps[0]: found unknown key \"jump\", expected one of: name, expect, save, call, advance, event, "
          "fault, cis_answer, expect_push, expect_no_push, expect_request, expect_meter, set, repeat or for_each_meter");
}

TEST_CASE("a step with two kind keys is an error at the second") {
    CHECK(only_error(with_steps("  - advance: 1h\n    set: { a: b }\n")) ==
          "7:5: steps[0]: found a second step kind \"set\" beside \"advance\", expected exactly one step kind per step");
}

TEST_CASE("a step with no kind key is an error at the step") {
    CHECK(only_error(with_steps("  - name: nothing\n")) ==
          "6:5: steps[0]: found no step kind, expected one of: call, advance, event, fault, cis_answer, expect_push, "
          "expect_no_push, expect_request, expect_meter, set, repeat or for_each_meter");
}

TEST_CASE("a step that is not a map is an error") {
    CHECK(only_error(with_steps("  - advance\n")) ==
          "6:5: steps[0]: found \"advance\", expected a step: a map with one step kind (call, advance, event, ...)");
}

TEST_CASE("an unknown key inside a step kind is an error at the key") {
    CHECK(only_error(with_steps("  - expect_push: { kind: xianfeng.report, whithin: 1d }\n")) ==
          "6:43: steps[0].expect_push: found unknown key \"whithin\", expected one of: kind, meter, fields, within or "
          "count");
}

TEST_CASE("an unknown top-level key is an error") {
    CHECK(only_error("stpes: []\nsteps:\n  - advance: 1h\n") ==
          "1:1: scenario: found unknown key \"stpes\", expected one of: name, description, seed, start, timezone, "
          "clock, conformance, platforms, meters, cis, vars or steps");
}

TEST_CASE("a key written twice is an error at the second") {
    CHECK(only_error("seed: 1\nseed: 2\nsteps:\n  - advance: 1h\n") ==
          "2:1: seed: found a second \"seed\", expected each key once");
}

TEST_CASE("a missing key is an error at the map that lacks it") {
    CHECK(only_error(with_steps("  - call: { platform: xianfeng }\n")) ==
          "6:11: steps[0].call: found no path, expected path: the endpoint's path, such as "
          "/iotcloud/app/devices/v1.0.0/register");
    CHECK(only_error("name: x\n") == "1:1: scenario: found no steps, expected steps: a list of steps");
}

TEST_CASE("a value of the wrong type is an error at the value") {
    CHECK(only_error(with_steps("  - repeat: { times: many, steps: [ { advance: 1h } ] }\n")) ==
          "6:22: steps[0].repeat.times: found \"many\", expected an integer from 1 to 1000000");
    CHECK(only_error(with_steps("  - call: { platform: [xianfeng], path: /p }\n")) ==
          "6:23: steps[0].call.platform: found a list, expected cnmcsp, xianfeng or xintian");
    CHECK(only_error("steps: { advance: 1h }\n") == "1:8: steps: found a map, expected a list of steps");
}

TEST_CASE("an unknown platform is an error") {
    CHECK(only_error(with_steps("  - call: { platform: xf, path: /p }\n")) ==
          "6:23: steps[0].call.platform: found \"xf\", expected cnmcsp, xianfeng or xintian");
    CHECK(only_error("platforms: [xianfeng, acme]\nsteps:\n  - advance: 1h\n") ==
          "1:23: platforms: found unknown platform \"acme\", expected cnmcsp, xianfeng or xintian");
}

TEST_CASE("a platform the scenario does not start is an error where a step uses it") {
    CHECK(only_error(with_steps("  - call: { platform: cnmcsp, path: /p }\n")) ==
          "6:23: steps[0].call.platform: found \"cnmcsp\", expected a platform the scenario starts (platforms: "
          "xianfeng, xintian)");
    CHECK(only_error(with_steps("  - expect_push: { kind: cnmcsp.alarm }\n")) ==
          "6:26: steps[0].expect_push.kind: found \"cnmcsp.alarm\", expected a push kind of a platform the scenario "
          "starts (cnmcsp is not started; platforms: xianfeng, xintian)");
    CHECK(only_error("platforms: [xianfeng]\nmeters:\n  - { no: \"1\", platform: cnmcsp, model: cn-nb-money }\n"
                     "steps:\n  - advance: 1h\n") ==
          "3:26: meters[0].platform: found \"cnmcsp\", expected a platform the scenario starts (see platforms)");
}

TEST_CASE("an unknown model is an error listing the catalogue") {
    auto e = only_error("meters:\n  - { no: \"1\", platform: xianfeng, model: xf-nb-cash }\nsteps:\n  - advance: 1h\n");
    INFO(e);
    CHECK(e.starts_with("2:43: meters[0].model: found \"xf-nb-cash\", expected a catalogue model: "));
    CHECK(e.find("xf-nb-money") != std::string::npos);
}

TEST_CASE("a model of another platform is an error") {
    CHECK(only_error("meters:\n  - { no: \"1\", platform: xianfeng, model: xt-nb-meter }\nsteps:\n  - advance: 1h\n") ==
          "2:43: meters[0].model: found \"xt-nb-meter\", expected a xianfeng model (\"xt-nb-meter\" is a xintian model)");
}

TEST_CASE("a meter the scenario does not declare is an error, a fleet's numbers are declared") {
    CHECK(only_error(with_steps("  - event: { meter: \"07602190000002\", type: wake }\n")) ==
          "6:21: steps[0].event.meter: found \"07602190000002\", expected a meter the scenario declares under meters");
    CHECK(only_error(with_steps("  - event: { meter: \"3301000004\", type: wake }\n")) ==
          "6:21: steps[0].event.meter: found \"3301000004\", expected a meter the scenario declares under meters");
    CHECK(load(with_steps("  - event: { meter: \"3301000003\", type: wake }\n")));
    CHECK(load(with_steps("  - set: { m: \"3301000003\" }\n  - event: { meter: \"${m}\", type: wake }\n")));
}

TEST_CASE("a meter of another platform than the push kind's is an error") {
    CHECK(only_error(with_steps("  - expect_push: { kind: xianfeng.report, meter: \"3301000001\" }\n")) ==
          "6:50: steps[0].expect_push.meter: found \"3301000001\", expected a xianfeng meter (\"3301000001\" is on "
          "xintian)");
}

TEST_CASE("an unknown push kind is an error listing the kinds") {
    CHECK(only_error(with_steps("  - expect_no_push: { kind: xianfeng.reports }\n")) ==
          "6:29: steps[0].expect_no_push.kind: found \"xianfeng.reports\", expected a push kind: cnmcsp.realtime, "
          "cnmcsp.alarm, xianfeng.report, xianfeng.alarm, xianfeng.response, xintian.billing");
}

TEST_CASE("a bad duration is an error") {
    std::string const expected = "expected a duration such as 90s, 15m, 2h, 3d, 1d12h or 500ms (at most 36600d)";
    CHECK(only_error(with_steps("  - advance: 2x\n")) == "6:14: steps[0].advance: found \"2x\", " + expected);
    CHECK(only_error(with_steps("  - advance: 12h1d\n")) == "6:14: steps[0].advance: found \"12h1d\", " + expected);
    CHECK(only_error(with_steps("  - advance: 99999999999d\n")) ==
          "6:14: steps[0].advance: found \"99999999999d\", " + expected);
    CHECK(only_error(with_steps("  - advance: -1h\n")) == "6:14: steps[0].advance: found \"-1h\", " + expected);
}

TEST_CASE("durations add their parts") {
    auto r = load(with_steps("  - advance: 1d12h\n  - advance: 500ms\n  - advance: 90s\n  - advance: 1h1m1s1ms\n"));
    REQUIRE(r);
    auto by = [&](std::size_t i) { return std::get<sc::advance_step>(r->steps[i].what).by->count(); };
    CHECK(by(0) == 36 * 3'600'000);
    CHECK(by(1) == 500);
    CHECK(by(2) == 90'000);
    CHECK(by(3) == 3'661'001);
}

TEST_CASE("a bad decimal is an error naming the reason") {
    CHECK(only_error(with_steps("  - event: { meter: \"07602190000001\", type: consume, m3: \"1.23456\" }\n")) ==
          "6:58: steps[0].event.m3: found \"1.23456\", expected a decimal such as \"12.5\" (up to 12 digits and 4 "
          "decimals); more than 4 decimals at character 7");
    CHECK(only_error(with_steps("  - expect_meter: { meter: \"07602190000001\", balance: { decimal: \"1e3\" } }\n")) ==
          "6:66: steps[0].expect_meter.balance.decimal: found \"1e3\", expected a decimal such as \"12.5\" (up to 12 "
          "digits and 4 decimals); unexpected character 'e' at character 2");
}

TEST_CASE("a bad time is an error") {
    std::string const expected = "expected a time \"yyyy-MM-dd HH:mm:ss\" (a real date, years 1970-9999)";
    CHECK(only_error("start: \"2026-02-30 00:00:00\"\nsteps:\n  - advance: 1h\n") ==
          "1:8: start: found \"2026-02-30 00:00:00\", " + expected);
    CHECK(only_error(with_steps("  - advance: { to: \"2026-03-01T00:00:00\" }\n")) ==
          "6:20: steps[0].advance.to: found \"2026-03-01T00:00:00\", " + expected);
}

TEST_CASE("advance to a time before the start is an error") {
    CHECK(only_error(with_steps("  - advance: { to: \"2025-12-31 00:00:00\" }\n")) ==
          "6:20: steps[0].advance.to: found \"2025-12-31 00:00:00\", expected a time at or after the scenario's start");
}

TEST_CASE("times are read in the scenario's timezone") {
    auto r = load("timezone: \"-05:00\"\nstart: \"2026-03-01 08:00:00\"\nsteps:\n  - advance: { to: \"2026-03-02 "
                  "00:00:00\" }\n");
    REQUIRE(r);
    CHECK(r->zone.minutes == -300);
    auto utc = me::to_civil(r->start, me::utc_offset{0});
    CHECK(utc.day == 1);
    CHECK(utc.hour == 13);
    auto to = *std::get<sc::advance_step>(r->steps[0].what).to;
    CHECK(me::to_civil(to, me::utc_offset{0}).hour == 5);
}

TEST_CASE("a bad timezone is an error") {
    CHECK(only_error("timezone: \"+25:00\"\nsteps:\n  - advance: 1h\n") ==
          "1:11: timezone: found \"+25:00\", expected UTC or an offset such as \"+08:00\" or \"-05:30\"");
    CHECK(only_error("timezone: local\nsteps:\n  - advance: 1h\n") ==
          "1:11: timezone: found \"local\", expected UTC or an offset such as \"+08:00\" or \"-05:30\"");
}

TEST_CASE("a bad regular expression is an error") {
    auto e = only_error(with_steps("  - expect_meter: { meter: \"07602190000001\", valve: { regex: \"(open\" } }\n"));
    INFO(e);
    CHECK(e.starts_with("6:62: steps[0].expect_meter.valve.regex: found \"(open\", expected an ECMAScript regular "
                        "expression ("));
    CHECK(only_error(with_steps("  - expect_meter: { meter: \"07602190000001\", valve: { regex: \"((a{1000}){1000})\" } }\n")) ==
          "6:62: steps[0].expect_meter.valve.regex: found \"((a{1000}){1000})\", expected a regular expression whose "
          "{n} counts multiply to at most 100000");
}

TEST_CASE("an unknown platform setting is an error listing the platform's keys") {
    CHECK(only_error("platforms:\n  xianfeng: { company_code: \"1\", app_id: x }\nsteps:\n  - advance: 1h\n") ==
          "2:34: platforms.xianfeng: found unknown key \"app_id\", expected one of: listen, company_code, key, "
          "merchant_id, freshness_window_s, replay_check or auto_provision");
    CHECK(only_error("platforms:\n  cnmcsp: { listen: \"localhost:99999\" }\nsteps:\n  - advance: 1h\n") ==
          "2:21: platforms.cnmcsp.listen: found \"localhost:99999\", expected host:port, such as 127.0.0.1:8802 (port "
          "0: any free port)");
}

TEST_CASE("a variable nothing defines before its use is an error") {
    std::string const expected =
        "expected a variable from vars, set or save defined before its use, a built-in (now, now_compact, now_ms, "
        "seq, imei:METER, iccid:METER), ${i} inside repeat or ${meter} inside for_each_meter";
    SUBCASE("never defined") {
        CHECK(only_error(with_steps("  - set: { a: \"x${amount}\" }\n")) ==
              "6:15: steps[0].set.a: found \"${amount}\" (nothing defines amount before this use), " + expected);
    }
    SUBCASE("defined by a later step") {
        CHECK(only_error(with_steps("  - set: { a: \"${b}\" }\n  - set: { b: \"1\" }\n")) ==
              "6:15: steps[0].set.a: found \"${b}\" (nothing defines b before this use), " + expected);
    }
    SUBCASE("saved by the same step") {
        CHECK(only_error(with_steps("  - call: { platform: xianfeng, path: \"/p/${d}\" }\n    save: { d: data.id }\n")) ==
              "6:39: steps[0].call.path: found \"${d}\" (nothing defines d before this use), " + expected);
    }
    SUBCASE("${i} outside repeat and ${meter} outside for_each_meter") {
        auto es = errors_of(with_steps("  - set: { a: \"${i}\", b: \"${meter}\" }\n"));
        REQUIRE(es.size() == 2);
        CHECK(es[0].message.starts_with("steps[0].set.a: found \"${i}\""));
        CHECK(es[1].message.starts_with("steps[0].set.b: found \"${meter}\""));
    }
    SUBCASE("imei of a meter not declared") {
        CHECK(only_error(with_steps("  - set: { a: \"${imei:123}\" }\n")) ==
              "6:15: steps[0].set.a: found \"${imei:123}\" (\"123\" is not a declared meter), expected ${imei:METER} "
              "with METER a meter the scenario declares");
    }
    SUBCASE("unterminated") {
        CHECK(only_error(with_steps("  - set: { a: \"${x\" }\n")) ==
              "6:15: steps[0].set.a: found an unterminated \"${\" in \"${x\", expected ${name}");
    }
}

TEST_CASE("variables come from vars, set, save, built-ins and blocks") {
    auto r = load(with_steps(R"(  - set: { a: "${now} ${now_compact} ${now_ms} ${seq} ${imei:07602190000001} ${iccid:3301000002}" }
  - call: { platform: xianfeng, path: /p, body: { x: "${a}${v}" } }
    save: { dev: data.deviceId }
  - call: { platform: xianfeng, path: "/q/${dev}" }
  - expect_push: { kind: xianfeng.report }
    save: { rep: "[0].callbackData" }
  - set: { b: "${rep}", c: "${b}" }
  - repeat:
      times: 2
      steps:
        - set: { n: "${i}" }
  - for_each_meter:
      steps:
        - expect_meter: { meter: "${meter}", imei: "${imei:${meter}}" }
  - set: { after: "${n}" }
)",
                           "vars: { v: \"1\" }\n"));
    INFO(joined(r ? std::vector<sc::load_error>{} : r.error()));
    CHECK(r);
}

TEST_CASE("a built-in cannot be redefined") {
    CHECK(only_error(with_steps("  - set: { seq: \"1\" }\n")) ==
          "6:12: steps[0].set.seq: found the built-in \"seq\", expected a name that is not a built-in (now, "
          "now_compact, now_ms, seq)");
}

TEST_CASE("a meter number declared twice is an error") {
    CHECK(only_error(R"(meters:
  - { no: "3301000002", platform: xintian, model: xt-nb-meter }
  - { fleet: 3, platform: xintian, model: xt-nb-meter, id_prefix: "3301" }
  - { no: "3301000009", platform: xintian, model: xt-nb-meter }
steps:
  - advance: 1h
)") == "3:5: meters[1]: found a fleet numbered 3301000001... again (already declared by meters[0]), expected each "
       "meter number once");
    CHECK(only_error(R"(meters:
  - { no: "1", platform: xintian, model: xt-nb-meter }
  - { no: "1", platform: xintian, model: xt-nb-meter }
steps:
  - advance: 1h
)") == "3:5: meters[1]: found meter \"1\" again (already declared by meters[0]), expected each meter number once");
}

TEST_CASE("a meter entry needs either no or fleet") {
    CHECK(only_error("meters:\n  - { no: \"1\", fleet: 2, platform: xintian, model: xt-nb-meter }\nsteps:\n  - advance: 1h\n") ==
          "2:5: meters[0]: found both no and fleet, expected either no (one meter) or fleet (a count)");
    CHECK(only_error("meters:\n  - { platform: xintian, model: xt-nb-meter }\nsteps:\n  - advance: 1h\n") ==
          "2:5: meters[0]: found neither no nor fleet, expected either no (one meter) or fleet (a count)");
}

TEST_CASE("matchers: a map with one matcher key") {
    std::string const meter = "  - expect_meter: { meter: \"07602190000001\", ";
    CHECK(only_error(with_steps(meter + "valve: { regex: a, decimal: \"1\" } }\n")) ==
          "6:65: steps[0].expect_meter.valve: found a second key \"decimal\" beside \"regex\", expected a matcher with "
          "one key");
    CHECK(only_error(with_steps(meter + "tariff: { price: \"1\" } }\n")) ==
          "6:56: steps[0].expect_meter.tariff: found unknown matcher \"price\", expected one of: equals, decimal, "
          "regex, range, present, absent, any_of or contains (a nested field is written as a path: a.b)");
    CHECK(only_error(with_steps(meter + "balance: { range: [\"1\"] } }\n")) ==
          "6:64: steps[0].expect_meter.balance.range: found a list, expected a list of two decimals [low, high], null "
          "for an open end");
    CHECK(only_error(with_steps(meter + "balance: { range: [\"2\", \"1\"] } }\n")) ==
          "6:70: steps[0].expect_meter.balance.range[1]: found \"1\", expected a high end at least the low end");
    CHECK(only_error(with_steps(meter + "valve: { any_of: [] } }\n")) ==
          "6:63: steps[0].expect_meter.valve.any_of: found a list, expected a list of at least one matcher");
    CHECK(only_error(with_steps(meter + "valve: { present: maybe } }\n")) ==
          "6:64: steps[0].expect_meter.valve.present: found \"maybe\", expected true or false");
    CHECK(only_error(with_steps(meter + "valve: [open] }\n")) ==
          "6:53: steps[0].expect_meter.valve: found a list, expected a matcher: a plain value, or a map with one of "
          "equals, decimal, regex, range, present, absent, any_of, contains");
    CHECK(only_error(with_steps(meter + "\"a..b\": 1 }\n")) ==
          "6:46: steps[0].expect_meter.a..b: found \"a..b\", expected a field path such as data.deviceId, "
          "DataList[0].Remnant or $");
}

TEST_CASE("fault: clear or a map, with the keys its target and kind allow") {
    CHECK(only_error(with_steps("  - fault: all\n")) ==
          "6:12: steps[0].fault: found \"all\", expected clear, or a map {target, kind, path, status, body, delay, for, "
          "count}");
    CHECK(only_error(with_steps("  - fault: { target: cis, kind: drop }\n")) ==
          "6:33: steps[0].fault.kind: found \"drop\", expected unreachable, slow, duplicate, reorder, delay, "
          "bad_signature or truncated (target cis)");
    CHECK(only_error(with_steps("  - fault: { target: xianfeng, kind: slow }\n")) ==
          "6:12: steps[0].fault: found no delay, expected delay: how long a slow answer waits, such as 3s");
    // Issue 16: the push-side kinds, for target cis only; delay needs its delay.
    CHECK(only_error(with_steps("  - fault: { target: xianfeng, kind: duplicate }\n")) ==
          "6:38: steps[0].fault.kind: found \"duplicate\", expected error, drop or slow (target xianfeng)");
    CHECK(only_error(with_steps("  - fault: { target: cis, kind: delay }\n")) ==
          "6:12: steps[0].fault: found no delay, expected delay: how long a delayed push waits, such as 3s");
    CHECK(only_error(with_steps("  - fault: { target: xianfeng, kind: drop, for: 1h, count: 2 }\n")) ==
          "6:53: steps[0].fault: found both for and count, expected one of them (how long the fault lasts)");
    CHECK(only_error(with_steps("  - fault: { target: cis, kind: unreachable, status: 503 }\n")) ==
          "6:46: steps[0].fault: found status with kind unreachable, expected status only with kind error");
    CHECK(only_error(with_steps("  - fault: { target: cis, kind: unreachable, path: /x }\n")) ==
          "6:46: steps[0].fault: found path with target cis, expected path only with a platform target");
}

TEST_CASE("advance: a duration or a map with to") {
    auto es = errors_of(with_steps("  - advance: { by: 2h }\n"));
    REQUIRE(es.size() == 2);
    CHECK(sc::to_string(es[0]) == "t.yaml:6:14: error: steps[0].advance: found no to, expected to: a time \"yyyy-MM-dd HH:mm:ss\"");
    CHECK(sc::to_string(es[1]) == "t.yaml:6:16: error: steps[0].advance: found unknown key \"by\", expected one of: to");
    CHECK(only_error(with_steps("  - advance: [2h]\n")) ==
          "6:14: steps[0].advance: found a list, expected a duration such as 2h, or a map {to: \"yyyy-MM-dd "
          "HH:mm:ss\"}");
}

TEST_CASE("expect and save only where they mean something") {
    CHECK(only_error(with_steps("  - advance: 1h\n    expect: { status: 200 }\n")) ==
          "7:5: steps[0]: found expect beside advance, expected expect only with call (the expect_* step kinds say "
          "what they expect themselves)");
    CHECK(only_error(with_steps("  - advance: 1h\n    save: { a: b }\n")) ==
          "7:5: steps[0]: found save beside advance, expected save only with call or expect_push");
}

TEST_CASE("event: a known type with the fields the admin API takes") {
    std::string const ev = "  - event: { meter: \"07602190000001\", ";
    CHECK(only_error(with_steps(ev + "type: explode }\n")) ==
          "6:45: steps[0].event.type: found \"explode\", expected consume, flow, alarm, clear_alarm, battery, "
          "battery_replaced, button, offline, online, wake, valve_fault, valve_repaired or conditions");
    CHECK(only_error(with_steps(ev + "type: consume, m3: \"1\", volts: \"3\" }\n")) ==
          "6:63: steps[0].event: found unknown key \"volts\" for a consume event, expected one of: meter, type, m3");
    CHECK(only_error(with_steps(ev + "type: alarm, code: \"0099H\" }\n")) ==
          "6:58: steps[0].event.code: found \"0099H\", expected an alarm code such as \"0009H\" or a name such as "
          "magnetic_interference");
    CHECK(only_error(with_steps(ev + "type: battery, volts: \"3.1234\" }\n")) ==
          "6:61: steps[0].event.volts: found \"3.1234\", expected volts from 0 to 10 in millivolt steps");
    CHECK(only_error(with_steps(ev + "type: consume }\n")) ==
          "6:12: steps[0].event: found no m3, expected m3: a decimal or a code, as the admin API takes it");
}

TEST_CASE("cis: recorder or a map with a URL and push paths") {
    CHECK(only_error("cis: somebody\nsteps:\n  - advance: 1h\n") ==
          "1:6: cis: found \"somebody\", expected recorder or a map {url, paths}");
    CHECK(only_error("cis: { url: \"ftp://x\" }\nsteps:\n  - advance: 1h\n") ==
          "1:13: cis.url: found \"ftp://x\", expected an http:// or https:// URL");
    CHECK(only_error("cis: { url: \"http://x\", paths: { xianfeng.rep: /r } }\nsteps:\n  - advance: 1h\n") ==
          "1:34: cis.paths: found unknown push kind \"xianfeng.rep\", expected one of: cnmcsp.realtime, cnmcsp.alarm, "
          "xianfeng.report, xianfeng.alarm, xianfeng.response, xintian.billing");
}

TEST_CASE("clock: a mode, or a map with mode and speed") {
    auto r = load("clock: realtime\nsteps:\n  - advance: 1h\n");
    REQUIRE(r);
    CHECK(r->clock.mode == metersim::sim::clock_mode::realtime);
    CHECK(only_error("clock: { mode: fast }\nsteps:\n  - advance: 1h\n") ==
          "1:16: clock.mode: found \"fast\", expected stepped, accelerated or realtime");
    CHECK(only_error("clock: { mode: accelerated, speed: -1 }\nsteps:\n  - advance: 1h\n") ==
          "1:36: clock.speed: found \"-1\", expected a number greater than 0 and at most 1e9");
}

TEST_CASE("every problem is reported at once, in file order") {
    auto es = errors_of(with_steps("  - advance: 2x\n  - jump: 1\n  - event: { meter: \"9\", type: wake }\n",
                                   "seed: -1\n"));
    INFO(joined(es));
    REQUIRE(es.size() == 4);
    CHECK(es[0].at.line == 6);
    CHECK(es[1].at.line == 7);
    CHECK(es[2].at.line == 8);
    CHECK(es[3].at.line == 9);
    CHECK(es[3].message == "seed: found \"-1\", expected an integer from 0 to 18446744073709551615");
}

TEST_CASE("a YAML syntax error is one error with its place") {
    auto es = errors_of("steps:\n  - advance: [1h\n");
    REQUIRE(es.size() == 1);
    CHECK(es[0].at.line >= 2);
    CHECK(es[0].message.starts_with("YAML syntax: "));
}

TEST_CASE("a file that cannot be read is one error without a place") {
    auto r = sc::load_scenario_file("/nonexistent/dir/x.yaml", models());
    REQUIRE_FALSE(r);
    REQUIRE(r.error().size() == 1);
    CHECK(sc::to_string(r.error()[0]) == "/nonexistent/dir/x.yaml: error: cannot read the file");
}

TEST_CASE("field paths: keys, indexes, a leading index, and ${var} parts") {
    std::string const push = "  - expect_push: { kind: xianfeng.report, fields: { ";
    CHECK(load(with_steps(push + "\"[0].callbackData.reportType\": \"1\", \"$[0].a\": 1, \"$\": { present: true }, "
                                 "\"DataList[0].Remnant\": 1 } }\n")));
    CHECK(load(with_steps("  - repeat: { times: 2, steps: [ { expect_push: { kind: xianfeng.report, fields: { "
                          "\"DataList[${i}].Remnant\": 1 } } } ] }\n")));
    CHECK(only_error(with_steps(push + "\"a[0]b\": 1 } }\n")) ==
          "6:53: steps[0].expect_push.fields.a[0]b: found \"a[0]b\", expected a field path such as data.deviceId, "
          "DataList[0].Remnant or $");
    CHECK(only_error(with_steps(push + "\"a[x]\": 1 } }\n")) ==
          "6:53: steps[0].expect_push.fields.a[x]: found \"a[x]\", expected a field path such as data.deviceId, "
          "DataList[0].Remnant or $");
    CHECK(only_error(with_steps("  - call: { platform: xianfeng, path: /p }\n    save: { d: \"data.\" }\n")) ==
          "7:16: steps[0].save.d: found \"data.\", expected a field path such as data.deviceId, DataList[0].Remnant "
          "or $");
}

TEST_CASE("a variable name must be a plain name") {
    CHECK(only_error(with_steps("  - set: { \"a b\": \"1\" }\n")) ==
          "6:12: steps[0].set.a b: found \"a b\", expected a variable name of letters, digits, _ or - (not starting "
          "with a digit)");
}

TEST_CASE("every step that names a platform must name a started one") {
    CHECK(only_error(with_steps("  - fault: { target: cnmcsp, kind: drop }\n")) ==
          "6:22: steps[0].fault.target: found \"cnmcsp\", expected a platform the scenario starts (platforms: "
          "xianfeng, xintian)");
    CHECK(only_error(with_steps("  - expect_request: { platform: cnmcsp }\n")) ==
          "6:33: steps[0].expect_request.platform: found \"cnmcsp\", expected a platform the scenario starts "
          "(platforms: xianfeng, xintian)");
    CHECK(only_error(with_steps("  - for_each_meter: { platform: cnmcsp, steps: [ { advance: 1h } ] }\n")) ==
          "6:33: steps[0].for_each_meter.platform: found \"cnmcsp\", expected a platform the scenario starts "
          "(platforms: xianfeng, xintian)");
    CHECK(only_error(with_steps("  - fault: { target: xianfeng, kind: unreachable }\n")) ==
          "6:38: steps[0].fault.kind: found \"unreachable\", expected error, drop or slow (target xianfeng)");
}

TEST_CASE("a platform listed twice is an error") {
    CHECK(only_error("platforms: [xintian, xintian]\nsteps:\n  - advance: 1h\n") ==
          "1:22: platforms: found \"xintian\" a second time, expected each platform once");
}

TEST_CASE("blocks need steps, and repeat needs times") {
    CHECK(only_error(with_steps("  - repeat: { steps: [ { advance: 1h } ] }\n")) ==
          "6:13: steps[0].repeat: found no times, expected times: how many times, 1 or more");
    CHECK(only_error(with_steps("  - for_each_meter: { steps: [] }\n")) ==
          "6:30: steps[0].for_each_meter.steps: found a list, expected a list of at least one step");
    CHECK(only_error("steps: []\n") == "1:8: steps: found a list, expected a list of at least one step");
}

TEST_CASE("a file is read whole, and named after its stem") {
    auto dir = std::filesystem::temp_directory_path() / "metersim_loader_test";
    std::filesystem::create_directories(dir);
    auto path = (dir / "runs-dry.yaml").string();
    {
        std::ofstream out{path, std::ios::binary};
        out << "steps:\n  - advance: 1h\n";
    }
    auto r = sc::load_scenario_file(path, models());
    REQUIRE(r);
    CHECK(r->file == path);
    CHECK(r->name == "runs-dry");
    auto d = sc::load_scenario_file(dir.string(), models());
    REQUIRE_FALSE(d);
    CHECK(d.error().at(0).message == "cannot read the file: it is a directory");
    std::filesystem::remove_all(dir);
}

}  // TEST_SUITE

// The admin API over real HTTP: the real sim::http::server on 127.0.0.1:0 with the admin routes,
// a real fleet with the built-in catalogue on a stepped clock, driven with the sync test client.
#include "sim/admin/admin_api.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/http/server.hpp"
#include "sim/journal.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/admin_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"

using namespace metersim;
using json = nlohmann::json;

namespace {

/// 2026-01-01 00:00:00 +08:00.
meters::instant const start = meters::instant_from_ms(1'767'196'800'000);

struct admin_fixture {
    test::loopback loop;
    sim::clock clk{sim::clock_mode::stepped, 1.0, start};
    sim::scheduler sched{clk};
    sim::catalogue cat = sim::catalogue::builtin();
    sim::fleet fleet{sched, cat, sim::fleet_options{}};
    sim::journal journal{1000};
    sim::admin_context ctx{fleet, sched, clk, journal};
    std::unique_ptr<sim::http::server> server;
    std::uint16_t port = 0;

    admin_fixture() {
        ctx.version = "test";
        loop.call([&] {
            server = test::admin_server(loop.io(), ctx);
            port = server->port();
        });
    }
    ~admin_fixture() {
        loop.call([&] { server.reset(); });
        loop.stop();
    }

    test::http_answer get(std::string const& target) { return test::http_request("GET", "127.0.0.1", port, target); }
    test::http_answer post(std::string const& target, std::string const& body) {
        return test::http_request("POST", "127.0.0.1", port, target, {{"Content-Type", "application/json"}}, body);
    }
    static json body_of(test::http_answer const& a) { return json::parse(a.body); }
    json get_json(std::string const& target) {
        auto a = get(target);
        REQUIRE_MESSAGE(a.status == 200, a.body);
        return body_of(a);
    }
    json event(std::string const& meter_no, std::string const& body) {
        auto a = post("/admin/meters/" + meter_no + "/events", body);
        REQUIRE_MESSAGE(a.status == 200, a.body);
        return body_of(a);
    }
    void advance(int seconds) {
        auto a = post("/admin/clock/advance", R"({"seconds": )" + std::to_string(seconds) + "}");
        REQUIRE_MESSAGE(a.status == 200, a.body);
    }
    void manufacture(std::string const& body) {
        auto a = post("/admin/meters", body);
        REQUIRE_MESSAGE(a.status == 201, a.body);
    }
    /// A money-prepaid Xianfeng meter with an opened account: 100 yuan at a flat 3 yuan/m³.
    void opened_meter(std::string const& no) {
        manufacture(R"({"meters": [{"model": "xf-nb-money", "meterNo": ")" + no + R"("}]})");
        loop.call([&] {
            meters::commands::open_account c;
            c.opening_credit = meters::money::from_units(100);
            c.price = meters::flat_tariff(meters::price::from_units(3));
            auto fx = fleet.apply(*fleet.find(no), c);
            REQUIRE(fx.result->accepted());
        });
    }
    /// A refusal's status and field.
    static void check_refused(test::http_answer const& a, unsigned status, std::string const& field) {
        CHECK_MESSAGE(a.status == status, a.body);
        auto b = body_of(a);
        CHECK(b["field"] == field);
        CHECK(b["message"].get<std::string>().find(field) != std::string::npos);
    }
};

bool has_alarm(json const& summary, std::string const& code) {
    for (auto const& a : summary["alarms"])
        if (a["code"] == code) return true;
    return false;
}

bool has_cause(json const& summary, std::string const& cause) {
    for (auto const& c : summary["valve_causes"])
        if (c == cause) return true;
    return false;
}

}  // namespace

TEST_SUITE("e2e/admin") {

TEST_CASE_FIXTURE(admin_fixture, "health answers ok with the version and the clock") {
    auto b = get_json("/admin/health");
    CHECK(b["status"] == "ok");
    CHECK(b["version"] == "test");
    CHECK(b["meters"] == 0);
    CHECK(b["clock"] == "stepped");
    CHECK(b["now"] == "2026-01-01 00:00:00");
}

TEST_CASE_FIXTURE(admin_fixture, "health and metrics give the clock lag, zero on a stepped clock") {
    manufacture(R"({"model": "xf-nb-money", "count": 2, "id_prefix": "0760219"})");
    advance(86400);
    auto const h = get_json("/admin/health");
    REQUIRE(h.contains("clock_lag"));
    CHECK(h["clock_lag"]["wall_s"] == 0);
    CHECK(h["clock_lag"]["max_wall_s"] == 0);
    CHECK(h["clock_lag"]["virtual_ms"] == 0);
    auto const m = get("/metrics");
    CHECK(m.body.find("metersim_clock_lag_seconds 0.000\n") != std::string::npos);
    CHECK(m.body.find("metersim_clock_lag_max_seconds 0.000\n") != std::string::npos);
}

TEST_CASE_FIXTURE(admin_fixture, "the fleet checksum is the fleet's and moves with its state") {
    manufacture(R"({"model": "xf-nb-money", "count": 3, "id_prefix": "0760219"})");
    auto const a = get_json("/admin/fleet/checksum");
    CHECK(a["meters"] == 3);
    REQUIRE(a["checksum"].is_string());
    auto const hex = [this] {
        char text[17];
        std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(fleet.state_checksum()));
        return std::string(text);
    };
    auto const first = a["checksum"].get<std::string>();
    CHECK(first.size() == 16);
    CHECK(first == hex());
    CHECK(get_json("/admin/fleet/checksum")["checksum"] == first);  // reading changes nothing
    REQUIRE(post("/admin/meters/0760219000001/events", R"({"type": "consume", "m3": "1.5"})").status == 200);
    auto const after = get_json("/admin/fleet/checksum")["checksum"].get<std::string>();
    CHECK(after != first);
    CHECK(after == hex());
}

TEST_CASE_FIXTURE(admin_fixture, "metrics count the meters and their wakes, without an outbox no push metrics") {
    manufacture(R"({"model": "xf-nb-money", "count": 3, "id_prefix": "0760219"})");
    advance(86400);
    auto const a = get("/metrics");
    REQUIRE(a.status == 200);
    CHECK(a.header("Content-Type").starts_with("text/plain; version=0.0.4"));
    CHECK(a.body.find("metersim_info{version=\"test\"} 1\n") != std::string::npos);
    CHECK(a.body.find("metersim_meters{platform=\"xianfeng\"} 3\n") != std::string::npos);
    CHECK(a.body.find("metersim_meter_wakes_total 0\n") == std::string::npos);  // a day woke them
    CHECK(a.body.find("metersim_virtual_time_seconds 1767283200.000\n") != std::string::npos);  // a day on
    CHECK(a.body.find("metersim_push") == std::string::npos);
    CHECK(a.body.find("# TYPE process_cpu_seconds_total counter\n") != std::string::npos);
    CHECK(post("/metrics", "{}").status == 405);
}

TEST_CASE_FIXTURE(admin_fixture, "the clock shows its mode and time, and advances in stepped mode") {
    auto c = get_json("/admin/clock");
    CHECK(c["mode"] == "stepped");
    CHECK(c["now"] == "2026-01-01 00:00:00");
    CHECK(c["now_ms"] == meters::to_ms(start));
    CHECK(c["zone"] == "+08:00");

    auto a = post("/admin/clock/advance", R"({"seconds": 3600})");
    REQUIRE(a.status == 200);
    CHECK(body_of(a)["now"] == "2026-01-01 01:00:00");
    a = post("/admin/clock/advance", R"({"seconds": "0.5"})");
    REQUIRE(a.status == 200);
    CHECK(body_of(a)["now_ms"] == meters::to_ms(start) + 3'600'500);
}

TEST_CASE_FIXTURE(admin_fixture, "switching the clock mode and speed, and advance refused outside stepped mode") {
    auto a = post("/admin/clock", R"({"mode": "accelerated", "speed": 60})");
    REQUIRE_MESSAGE(a.status == 200, a.body);
    CHECK(body_of(a)["mode"] == "accelerated");
    CHECK(body_of(a)["speed"] == 60.0);
    check_refused(post("/admin/clock/advance", R"({"seconds": 10})"), 409, "mode");

    check_refused(post("/admin/clock", R"({"mode": "fast"})"), 400, "mode");
    check_refused(post("/admin/clock", R"({"mode": "stepped", "speed": "0"})"), 400, "speed");
    CHECK(get_json("/admin/clock")["mode"] == "accelerated");  // the refused request changed nothing

    a = post("/admin/clock", R"({"mode": "stepped", "speed": 2.5})");
    REQUIRE_MESSAGE(a.status == 200, a.body);
    CHECK(body_of(a)["mode"] == "stepped");
    CHECK(body_of(a)["speed"] == 2.5);
    CHECK(post("/admin/clock/advance", R"({"seconds": 10})").status == 200);
}

TEST_CASE_FIXTURE(admin_fixture, "bad advance bodies are refused naming the field") {
    check_refused(post("/admin/clock/advance", R"({})"), 400, "seconds");
    check_refused(post("/admin/clock/advance", R"({"seconds": -5})"), 400, "seconds");
    check_refused(post("/admin/clock/advance", R"({"seconds": "1.23456"})"), 400, "seconds");
    check_refused(post("/admin/clock/advance", R"({"seconds": true})"), 400, "seconds");
    check_refused(post("/admin/clock/advance", R"({"seconds": 1)"), 400, "body");
    CHECK(get_json("/admin/clock")["now"] == "2026-01-01 00:00:00");
}

TEST_CASE_FIXTURE(admin_fixture, "manufacturing a list makes every meter") {
    auto a = post("/admin/meters", R"({"meters": [
        {"model": "xf-nb-money", "meterNo": "07602190000001", "imei": 864814042227339, "deviceId": "d1"},
        {"model": "cn-nb-money", "meterNo": "2026010001", "iccid": "8986111825900679193"}]})");
    REQUIRE_MESSAGE(a.status == 201, a.body);
    CHECK(body_of(a)["created"] == 2);
    auto m = get_json("/admin/meters/07602190000001");
    CHECK(m["platform"] == "xianfeng");
    CHECK(m["imei"] == "864814042227339");
    CHECK(m["device_id"] == "d1");
    CHECK(get_json("/admin/meters/2026010001")["model"] == "cn-nb-money");
}

TEST_CASE_FIXTURE(admin_fixture, "a template numbers meters after the prefix and continues on the next call") {
    auto a = post("/admin/meters", R"({"model": "xt-nb-meter", "count": 3, "id_prefix": "0760219"})");
    REQUIRE_MESSAGE(a.status == 201, a.body);
    CHECK(body_of(a)["meters"] == json::array({"0760219000001", "0760219000002", "0760219000003"}));
    a = post("/admin/meters", R"({"model": "xt-nb-meter", "count": 2, "id_prefix": "0760219"})");
    REQUIRE(a.status == 201);
    CHECK(body_of(a)["meters"] == json::array({"0760219000004", "0760219000005"}));
    a = post("/admin/meters", R"({"model": "xt-nb-meter", "count": 1, "id_prefix": "A", "width": 2})");
    REQUIRE(a.status == 201);
    CHECK(body_of(a)["meters"] == json::array({"A01"}));
    CHECK(get_json("/admin/health")["meters"] == 6);
}

TEST_CASE_FIXTURE(admin_fixture, "manufacturing is all or nothing") {
    manufacture(R"({"meters": [{"model": "xf-nb-money", "meterNo": "M1"}]})");
    SUBCASE("a duplicate meter number") {
        check_refused(post("/admin/meters", R"({"meters": [{"model": "xf-nb-money", "meterNo": "M2"},
                                                           {"model": "xf-nb-money", "meterNo": "M1"}]})"),
                      409, "meters[1].meterNo");
    }
    SUBCASE("a number repeated inside the request") {
        check_refused(post("/admin/meters", R"({"meters": [{"model": "xf-nb-money", "meterNo": "M2"},
                                                           {"model": "xf-nb-money", "meterNo": "M2"}]})"),
                      409, "meters[1].meterNo");
    }
    SUBCASE("an unknown model") {
        check_refused(post("/admin/meters", R"({"meters": [{"model": "xf-nb-money", "meterNo": "M2"},
                                                           {"model": "nope", "meterNo": "M3"}]})"),
                      400, "meters[1].model");
    }
    SUBCASE("a template with an unknown model") {
        check_refused(post("/admin/meters", R"({"model": "nope", "count": 2, "id_prefix": "M"})"), 400, "model");
    }
    SUBCASE("a template without a count") {
        check_refused(post("/admin/meters", R"({"model": "xf-nb-money", "id_prefix": "M"})"), 400, "count");
    }
    CHECK(get("/admin/meters/M2").status == 404);
    CHECK(get_json("/admin/health")["meters"] == 1);
}

TEST_CASE_FIXTURE(admin_fixture, "the meter list pages with a total and filters by platform") {
    manufacture(R"({"model": "xf-nb-money", "count": 3, "id_prefix": "X"})");
    manufacture(R"({"model": "cn-nb-money", "count": 2, "id_prefix": "C"})");
    auto page = get_json("/admin/meters?limit=2&offset=1");
    CHECK(page["total"] == 5);
    REQUIRE(page["meters"].size() == 2);
    CHECK(page["meters"][0]["meterNo"] == "X000002");
    CHECK(page["meters"][1]["meterNo"] == "X000003");
    auto cn = get_json("/admin/meters?platform=cnmcsp");
    CHECK(cn["total"] == 2);
    CHECK(cn["limit"] == 100);
    CHECK(cn["meters"][0]["meterNo"] == "C000001");
    CHECK(get_json("/admin/meters?offset=10")["meters"].empty());
    check_refused(get("/admin/meters?limit=5000"), 400, "limit");
    check_refused(get("/admin/meters?limit=abc"), 400, "limit");
    check_refused(get("/admin/meters?platform=nope"), 400, "platform");
}

TEST_CASE_FIXTURE(admin_fixture, "one meter shows its full state, pending commands included") {
    ctx.pending_commands["xianfeng"] = [](sim::fleet_meter const&) {
        return std::vector<sim::pending_command>{{"42", "VALVE_CONTROL", "pending", start, std::nullopt}};
    };
    manufacture(R"({"meters": [{"model": "xf-nb-money", "meterNo": "G1"}, {"model": "cn-nb-money", "meterNo": "G2"}]})");
    auto m = get_json("/admin/meters/G1");
    CHECK(m["meterNo"] == "G1");
    CHECK(m["reading"] == "0.0000");
    CHECK(m["balance"] == "0.0000");
    CHECK(m["valve"] == "open");
    CHECK(m["battery_v"] == "3.6000");
    CHECK(m["alarms"] == json::array());
    CHECK(m["account_state"] == "manufactured");
    CHECK(m["tariff"]["prices"] == json::array({"0.0000"}));
    REQUIRE(m["pending_commands"].size() == 1);
    CHECK(m["pending_commands"][0]["method"] == "VALVE_CONTROL");
    CHECK(m["state"]["identity"]["meter_no"] == "G1");
    CHECK(m["state"]["billing"]["reading"] == "0.0000");
    CHECK(get_json("/admin/meters/G2")["pending_commands"] == json::array());
    check_refused(get("/admin/meters/nope"), 404, "meterNo");
}

TEST_CASE_FIXTURE(admin_fixture, "a meter's history lists its reports, oldest first, as the meter stood") {
    opened_meter("R1");
    event("R1", R"({"type": "flow", "m3_per_hour": "0.1"})");
    advance(4 * 86400);
    event("R1", R"({"type": "wake"})");  // a report now: the history's last entry is the meter's state
    auto const m = get_json("/admin/meters/R1");
    auto const h = get_json("/admin/meters/R1/history");
    CHECK(h["meterNo"] == "R1");
    auto const& rs = h["reports"];
    REQUIRE(rs.size() >= 4);  // a report a day, and the wake's
    CHECK(h["count"] == rs.size());
    for (std::size_t i = 1; i < rs.size(); ++i) {
        CHECK(rs[i]["at_ms"].get<std::int64_t>() >= rs[i - 1]["at_ms"].get<std::int64_t>());
        CHECK(std::stod(rs[i]["reading"].get<std::string>()) >= std::stod(rs[i - 1]["reading"].get<std::string>()));
    }
    auto const& last = rs.back();
    CHECK(last["reason"] == "wake");
    CHECK(last["at"] == m["now"]);
    CHECK(last["reading"] == m["reading"]);
    CHECK(last["balance"] == m["balance"]);
    CHECK(last["valve"] == m["valve"]);
    CHECK(last["battery_v"].get<std::string>().substr(0, 4) == m["battery_v"].get<std::string>().substr(0, 4));
    auto const two = get_json("/admin/meters/R1/history?limit=2")["reports"];
    REQUIRE(two.size() == 2);
    CHECK(two[0] == rs[rs.size() - 2]);
    CHECK(two[1] == last);
    check_refused(get("/admin/meters/nope/history"), 404, "meterNo");
    check_refused(get("/admin/meters/R1/history?limit=x"), 400, "limit");
}

TEST_CASE_FIXTURE(admin_fixture, "consume and flow raise the reading") {
    opened_meter("E1");
    auto s = event("E1", R"({"type": "consume", "m3": "1.5"})");
    CHECK(s["reading"] == "1.5000");
    CHECK(s["balance"] == "95.5000");
    CHECK(s["effects"]["consumed"] == "1.5000");
    s = event("E1", R"({"type": "consume", "m3": 0.25})");  // a JSON number, read exactly
    CHECK(s["reading"] == "1.7500");
    s = event("E1", R"({"type": "flow", "m3_per_hour": "0.2"})");
    CHECK(s["flow_m3_per_hour"] == "0.2000");
    advance(10 * 3600);
    CHECK(get_json("/admin/meters/E1")["reading"] == "3.7500");
    s = event("E1", R"({"type": "flow"})");  // back to the meter's own profile (none)
    CHECK(s["flow_m3_per_hour"] == "0.0000");
}

TEST_CASE_FIXTURE(admin_fixture, "alarm and clear_alarm show and close and release the valve") {
    opened_meter("E2");
    auto s = event("E2", R"({"type": "alarm", "code": "0009H"})");
    CHECK(has_alarm(s, "0009H"));
    CHECK(s["valve"] == "closing");
    CHECK(has_cause(s, "magnetic"));
    CHECK(s["effects"]["reports"] == 1);  // an alarm wakes the meter at once
    advance(10);
    CHECK(get_json("/admin/meters/E2")["valve"] == "closed");
    s = event("E2", R"({"type": "clear_alarm", "code": "magnetic_interference"})");
    CHECK_FALSE(has_alarm(s, "0009H"));
    CHECK_FALSE(has_cause(s, "magnetic"));
    CHECK(s["valve"] == "closed");  // a fault released waits for the button
    s = event("E2", R"({"type": "button"})");
    CHECK(s["valve"] == "opening");
    advance(10);
    CHECK(get_json("/admin/meters/E2")["valve"] == "open");
}

TEST_CASE_FIXTURE(admin_fixture, "battery volts below the failure threshold close the valve, a new battery restores them") {
    opened_meter("E3");
    auto s = event("E3", R"({"type": "battery", "volts": "3.1"})");
    CHECK(s["battery_v"] == "3.1000");
    CHECK(has_alarm(s, "0007H"));
    CHECK(s["valve"] == "open");
    s = event("E3", R"({"type": "battery", "volts": "2.9"})");
    CHECK(has_alarm(s, "0004H"));
    CHECK(has_cause(s, "battery_failure"));
    CHECK(s["valve"] == "closing");
    s = event("E3", R"({"type": "battery_replaced"})");
    CHECK(s["battery_v"] == "3.6000");
    CHECK_FALSE(has_alarm(s, "0004H"));
}

TEST_CASE_FIXTURE(admin_fixture, "a valve fault shows and a repair clears it") {
    opened_meter("E4");
    auto s = event("E4", R"({"type": "valve_fault"})");
    CHECK(s["valve"] == "damaged");
    CHECK(has_alarm(s, "0018H"));
    s = event("E4", R"({"type": "valve_repaired"})");
    CHECK(s["valve"] != "damaged");
    CHECK_FALSE(has_alarm(s, "0018H"));
}

TEST_CASE_FIXTURE(admin_fixture, "offline, online and wake change the radio") {
    opened_meter("E5");
    auto s = event("E5", R"({"type": "offline"})");
    CHECK(s["online"] == false);
    s = event("E5", R"({"type": "wake"})");
    CHECK(s["effects"]["reports"] == 0);  // no session while offline
    s = event("E5", R"({"type": "online"})");
    CHECK(s["online"] == true);
    CHECK(s["effects"]["reports"] == 1);  // the wake asked for while offline
    advance(1);
    s = event("E5", R"({"type": "wake"})");
    CHECK(s["effects"]["reports"] == 1);
    s = event("E5", R"({"type": "conditions", "temperature_c": "21.5", "pressure_kpa": 101.3})");
    CHECK(s["meterNo"] == "E5");
}

TEST_CASE_FIXTURE(admin_fixture, "bad event requests answer 400 or 404 naming the field and change nothing") {
    opened_meter("B1");
    check_refused(post("/admin/meters/B1/events", R"({"type": "consume", "m3": "1.5")"), 400, "body");
    check_refused(post("/admin/meters/B1/events", R"([1, 2])"), 400, "body");
    check_refused(post("/admin/meters/nope/events", R"({"type": "consume", "m3": "1.5"})"), 404, "meterNo");
    check_refused(post("/admin/meters/B1/events", R"({"type": "teleport"})"), 400, "type");
    check_refused(post("/admin/meters/B1/events", R"({"m3": "1.5"})"), 400, "type");
    check_refused(post("/admin/meters/B1/events", R"({"type": "consume", "m3": "1.23456"})"), 400, "m3");
    check_refused(post("/admin/meters/B1/events", R"({"type": "consume", "m3": 1e3})"), 400, "m3");
    check_refused(post("/admin/meters/B1/events", R"({"type": "consume", "m3": "-1"})"), 400, "m3");
    check_refused(post("/admin/meters/B1/events", R"({"type": "consume"})"), 400, "m3");
    check_refused(post("/admin/meters/B1/events", R"({"type": "flow", "m3_per_hour": "fast"})"), 400, "m3_per_hour");
    check_refused(post("/admin/meters/B1/events", R"({"type": "battery", "volts": "3.12345"})"), 400, "volts");
    check_refused(post("/admin/meters/B1/events", R"({"type": "battery", "volts": "3.1234"})"), 400, "volts");
    check_refused(post("/admin/meters/B1/events", R"({"type": "alarm", "code": "0042H"})"), 400, "code");
    check_refused(post("/admin/meters/B1/events", R"({"type": "valve_fault", "kind": "melted"})"), 400, "kind");
    auto m = get_json("/admin/meters/B1");
    CHECK(m["reading"] == "0.0000");
    CHECK(m["flow_m3_per_hour"] == "0.0000");
    CHECK(m["battery_v"] == "3.6000");
    CHECK(m["alarms"] == json::array());
    CHECK(m["valve"] == "open");
}

TEST_CASE_FIXTURE(admin_fixture, "models list the catalogue and the journal answers its entries") {
    auto models = get_json("/admin/models")["models"];
    bool found = false;
    for (auto const& m : models) found = found || (m["model"] == "cn-nb-money" && m["vendor_model"] == "CNMCPUJE");
    CHECK(found);

    loop.call([&] {
        sim::journal_entry e;
        e.platform = "xianfeng";
        e.meter_no = "J1";
        e.method = "POST";
        e.target = "/x";
        e.verdict = "ok";
        journal.append(e);
        e.platform = "cnmcsp";
        journal.append(e);
    });
    auto j = get_json("/admin/journal?platform=xianfeng");
    REQUIRE(j["entries"].size() == 1);
    CHECK(j["entries"][0]["meter_no"] == "J1");
    CHECK(j["last_id"] == 2);
    CHECK(get_json("/admin/journal?since=1")["entries"].size() == 1);
    check_refused(get("/admin/journal?since=x"), 400, "since");
}

}  // TEST_SUITE

// ---- the dashboard ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(admin_fixture, "GET / serves the dashboard and /assets/* its files, built in, with cache headers") {
    auto page = get("/");
    CHECK(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(page.header("Cache-Control") == "no-cache");
    CHECK(page.body.find("<script src=\"/assets/app.js\"") != std::string::npos);
    auto chart = get("/assets/chart.js");
    CHECK(chart.status == 200);
    CHECK(chart.header("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(chart.header("Cache-Control") == "public, max-age=86400");
    CHECK(chart.body.find("Chart.js v") != std::string::npos);
    CHECK(get("/assets/app.js").header("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(get("/assets/style.css").header("Content-Type") == "text/css; charset=utf-8");
    CHECK(get("/assets/missing.js").status == 404);
}

TEST_CASE_FIXTURE(admin_fixture, "GET /admin/meters searches, filters by state and counts, and pages as before without them") {
    manufacture(R"({"model": "xf-nb-money", "count": 3, "id_prefix": "0760"})");
    manufacture(R"({"model": "cn-nb-money", "count": 2, "id_prefix": "2026"})");
    opened_meter("0761000001");
    event("0760000002", R"({"type": "alarm", "code": "0009H"})");

    auto plain = get_json("/admin/meters?limit=2&offset=1");
    CHECK(plain["total"] == 6);
    CHECK(plain["meters"].size() == 2);
    CHECK_FALSE(plain.contains("counts"));

    auto found = get_json("/admin/meters?q=0760&counts=true");
    CHECK(found["total"] == 3);
    CHECK(found["counts"]["account_state"]["manufactured"] == 3);
    CHECK(found["counts"]["alarms"] == 1);
    CHECK(found["counts"]["valve"]["open"] == 2);

    auto alarmed = get_json("/admin/meters?alarms=true");
    REQUIRE(alarmed["meters"].size() == 1);
    CHECK(alarmed["meters"][0]["meterNo"] == "0760000002");
    CHECK(get_json("/admin/meters?alarms=false")["total"] == 5);
    CHECK(get_json("/admin/meters?account_state=opened")["meters"][0]["meterNo"] == "0761000001");
    CHECK(get_json("/admin/meters?platform=cnmcsp&q=2026&limit=1&offset=1")["meters"][0]["meterNo"] == "2026000002");
    CHECK(get_json("/admin/meters?platform=cnmcsp&q=2026&limit=1&offset=1")["total"] == 2);
    CHECK(get_json("/admin/meters?low_balance=true")["total"] == 0);
    CHECK(get_json("/admin/meters?valve=closed&q=0760")["total"] == 0);
    check_refused(get("/admin/meters?alarms=yes"), 400, "alarms");
    check_refused(get("/admin/meters?counts=1"), 400, "counts");
}

#pragma once
/// The Xintian platform on 127.0.0.1:0: the real sim::http server with the platform's routes, a
/// real fleet on a stepped clock, the outbox pushing third-party billing reports to a
/// cis_receiver standing in for the CIS. Everything that lives on the loop is created, used and
/// destroyed through loop.call().

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "meters/meter.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/xintian/auth.hpp"
#include "platforms/xintian/platform.hpp"
#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "sim/http/server.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"

namespace metersim::test {

using json = nlohmann::json;
namespace xt = platforms::xintian;

inline constexpr char const* xt_app_id = "xt-app-01";
inline constexpr char const* xt_secret = "xt-secret-0123456789";
inline constexpr std::chrono::minutes xt_zone{480};
inline constexpr char const* xt_report_path = "/api/Meters/GetData";

/// 2026-01-01 00:00:00 +08:00.
inline meters::instant xt_start() { return meters::instant_from_ms(1'767'196'800'000); }

struct xintian_fixture {
    cis_receiver cis;
    loopback loop;
    sim::clock clk{sim::clock_mode::stepped, 1.0, xt_start()};
    sim::scheduler sched{clk};
    sim::catalogue cat = sim::catalogue::builtin();
    sim::fleet fleet{sched, cat, sim::fleet_options{}};
    sim::journal journal{10000};
    sim::memory_outbox_store store;
    std::unique_ptr<sim::http::client> client;
    std::unique_ptr<sim::outbox> outbox;
    std::unique_ptr<xt::platform> platform;
    std::unique_ptr<sim::http::server> server;
    std::uint16_t port = 0;
    std::atomic<int> stamp{0};

    explicit xintian_fixture(xt::options o = default_options()) { start(std::move(o)); }
    ~xintian_fixture() {
        loop.call([&] {
            server.reset();
            platform.reset();
            outbox.reset();
            client.reset();
        });
        loop.stop();
    }

    static xt::options default_options() {
        xt::options o;
        o.app_id = xt_app_id;
        o.app_secret = xt_secret;
        o.auth_window_s = 86400;  // room for one fresh timestamp per request, a second apart
        return o;
    }

    void start(xt::options o) {
        if (o.report_url.empty()) o.report_url = cis.url(xt_report_path);
        loop.call([&] {
            client = std::make_unique<sim::http::client>(loop.io());
            sim::outbox_options oo;
            oo.backoff = {std::chrono::seconds{1}, std::chrono::seconds{8}};
            outbox = std::make_unique<sim::outbox>(*client, sched, store, &journal, oo);
            platform = std::make_unique<xt::platform>(std::move(o), fleet, *outbox, journal, sched);
            sim::http::router r;
            platform->add_routes(r);
            server = std::make_unique<sim::http::server>(loop.io(), std::move(r));
            port = server->port();
        });
    }

    /// A timestamp never used before in this fixture (a second apart, inside the window).
    std::string fresh_timestamp() {
        auto const t = std::chrono::system_clock::now() - std::chrono::hours{12} + std::chrono::seconds{stamp.fetch_add(1)};
        return platforms::format_wall(t, platforms::timestamp_format::compact, xt_zone);
    }

    header_list headers_for(std::string const& timestamp, std::string const& secret = xt_secret) {
        auto h = xt::make_headers(xt_app_id, secret, timestamp);
        return {{"AccessToken", h.access_token},
                {"Authorization", h.authorization},
                {"Accept", "application/json"},
                {"Content-Type", "application/json;charset=utf-8"}};
    }
    header_list auth_headers() { return headers_for(fresh_timestamp()); }

    http_answer call(std::string const& path, std::string const& body, header_list headers = {}) {
        if (headers.empty()) headers = auth_headers();
        return http_request("POST", "127.0.0.1", port, path, headers, body);
    }
    json call_json(std::string const& path, std::string const& body, header_list headers = {}) {
        auto a = call(path, body, std::move(headers));
        REQUIRE(a.status == 200);
        return json::parse(a.body);
    }
    json call_json(std::string const& path, json const& body) { return call_json(path, body.dump()); }
    /// A literal body is sent as written (json converts from it too: without this, ambiguous).
    json call_json(std::string const& path, char const* body) { return call_json(path, std::string(body)); }
    static int code(json const& j) { return j.at("ResultCode").get<int>(); }

    void manufacture(std::string const& no, std::string const& model = "xt-nb-meter") {
        loop.call([&] {
            meters::meter_identity id;
            id.meter_no = no;
            auto r = fleet.manufacture(sim::manufacture_request{model, id});
            REQUIRE(r.has_value());
        });
    }

    static json price_body(std::string const& code, int op = 1, std::string const& exe = "2025-12-01 00:00:00") {
        return json{{"OperationType", op}, {"PriceTypeCode", code}, {"PriceTypeName", "居民用气"},
                    {"Divid1", 100}, {"Divid2", 200}, {"Divid3", 300}, {"Divid4", 400}, {"Divid5", 500},
                    {"Price1", 2.5}, {"Price2", 3}, {"Price3", 3.5}, {"Price4", 4}, {"Price5", 4.5},
                    {"Price6", 5}, {"StairType", 1}, {"FreezeMonth", 1}, {"FreezeDay", 1}, {"ExeDate", exe}};
    }
    static json meter_body(std::string const& no, std::string const& user, std::string const& pay_type = "1",
                           std::string const& price = "P1") {
        json j{{"UserCode", user}, {"UserName", "张三"}, {"Phone", "13800000000"}, {"DeptId", "D01"},
               {"DeptName", "东区"}, {"DoorPlate", "1-101"}, {"Address", "幸福路1号"}, {"MeterAddr", no},
               {"PayType", pay_type}, {"MeterTypeID", "51"}};
        if (!price.empty()) j["PriceTypeCode"] = price;
        return j;
    }

    void create_price(std::string const& code = "P1") {
        auto j = call_json("/api/Meters/CreatePrice", price_body(code));
        REQUIRE_MESSAGE(code_of(j) == 1, j.dump());
    }
    /// CreateMeter, then a session so the opening reaches the meter.
    void create_meter(std::string const& no, std::string const& user, std::string const& pay_type = "1",
                      std::string const& price = "P1") {
        auto j = call_json("/api/Meters/CreateMeter", meter_body(no, user, pay_type, price));
        REQUIRE_MESSAGE(code_of(j) == 1, j.dump());
        wake(no);
    }
    static int code_of(json const& j) { return code(j); }

    void settle() {
        bool idle = loop.run_and_wait([this](auto done) { outbox->when_idle([done] { done->set_value(); }); });
        REQUIRE(idle);
        // Billing answers are applied as they settle; run whatever they made due at now.
        loop.call([&] { sched.advance(std::chrono::milliseconds{0}); });
    }
    void advance(meters::duration d) {
        loop.call([&] { sched.advance(d); });
        settle();
    }
    void wake(std::string const& no) { inject(no, meters::events::wake{}); }
    void inject(std::string const& no, meters::event e) {
        loop.call([&] {
            auto* m = fleet.find(no);
            REQUIRE(m != nullptr);
            fleet.inject(*m, e);
        });
        settle();
    }

    /// A copy of the meter's state, advanced to now.
    meters::meter_state state(std::string const& no) {
        return loop.call([&] {
            auto* m = fleet.find(no);
            REQUIRE(m != nullptr);
            fleet.touch(*m);
            return m->meter.state();
        });
    }
    meters::valve_position valve(std::string const& no) {
        return loop.call([&] {
            auto* m = fleet.find(no);
            REQUIRE(m != nullptr);
            fleet.touch(*m);
            return m->meter.valve_position_now();
        });
    }

    std::vector<json> reports() {
        std::vector<json> out;
        for (auto const& r : cis.requests())
            if (r.target == xt_report_path) out.push_back(json::parse(r.body));
        return out;
    }
};

}  // namespace metersim::test

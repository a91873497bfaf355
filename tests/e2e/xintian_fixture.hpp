#pragma once
/// The Xintian platform on 127.0.0.1:0: the real sim::http server with the platform's routes, a
/// real fleet on a stepped clock, the outbox pushing third-party billing reports to a
/// cis_receiver standing in for the CIS. Everything that lives on the loop is created, used and
/// destroyed through loop.call().

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "platforms/common/timestamp.hpp"
#include "platforms/xintian/auth.hpp"
#include "platforms/xintian/platform.hpp"
#include "tests/support/platform_harness.hpp"

namespace metersim::test {

namespace xt = platforms::xintian;

inline constexpr char const* xt_app_id = "xt-app-01";
inline constexpr char const* xt_secret = "xt-secret-0123456789";
inline constexpr std::chrono::minutes xt_zone{480};
inline constexpr char const* xt_report_path = "/api/Meters/GetData";

struct xintian_fixture : platform_harness<xintian_fixture, xt::platform, xt::options> {
    static constexpr char const* default_model = "xt-nb-meter";

    std::atomic<int> stamp{0};

    explicit xintian_fixture(xt::options o = default_options()) : platform_harness(harness_start()) {
        start(std::move(o));
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
        start_platform(std::move(o));
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
        return request("POST", path, body, std::move(headers));
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
        platform_harness::settle();
        // Billing answers are applied as they settle; run whatever they made due at now.
        loop.call([&] { sched.advance(std::chrono::milliseconds{0}); });
    }

    /// A copy of the meter's state, advanced to now.
    meters::meter_state state(std::string const& no) {
        return on_meter(no, [&](sim::fleet_meter& m) {
            fleet.touch(m);
            return m.meter.state();
        });
    }
    meters::valve_position valve(std::string const& no) {
        return on_meter(no, [&](sim::fleet_meter& m) {
            fleet.touch(m);
            return m.meter.valve_position_now();
        });
    }

    std::vector<json> reports() { return pushes(xt_report_path); }
};

}  // namespace metersim::test

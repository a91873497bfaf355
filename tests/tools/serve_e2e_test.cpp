#include "tools/cmd_serve.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "platforms/cnmcsp/auth.hpp"
#include "platforms/common/crypto.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/field_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/tools/serve_harness.hpp"

using namespace metersim;

namespace {

/// The real `metersim serve` (the embedded default config, every port 0, a stepped clock) on
/// its own thread; stopped and joined by the destructor.
struct running_serve : test::serve_thread {
    running_serve() : serve_thread(make_config()) {}
    explicit running_serve(tools::config c) : serve_thread(std::move(c)) {}
    static tools::config make_config() { return test::loopback_serve_config(); }
};

/// Checks `text` against the Prometheus text format 0.0.4 as metersim writes it: HELP and TYPE
/// lines before a family's samples, counters named *_total, every sample `name{labels} number`.
/// Returns the samples by name (labels included).
std::map<std::string, std::string> parse_exposition(std::string const& text) {
    static std::regex const help{R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)"};
    static std::regex const type{R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge))"};
    static std::regex const sample{R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+="[^"\\]*"\})? (-?[0-9]+(\.[0-9]+)?))"};
    std::map<std::string, std::string> out;
    std::map<std::string, std::string> types;
    std::istringstream in(text);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        CAPTURE(line);
        if (std::regex_match(line, m, help)) continue;
        if (std::regex_match(line, m, type)) {
            CHECK(types.emplace(m[1].str(), m[2].str()).second);  // one TYPE per family
            if (m[2].str() == "counter") CHECK(m[1].str().ends_with("_total"));
            continue;
        }
        REQUIRE(std::regex_match(line, m, sample));
        CHECK(types.contains(m[1].str()));  // declared before its samples
        out[m[1].str() + m[2].str()] = m[3].str();
    }
    return out;
}

}  // namespace

TEST_SUITE("tools/serve e2e") {

TEST_CASE("metersim serve answers its admin API and all three platforms on loopback") {
    running_serve s;
    REQUIRE(s.app.admin_port() != 0);
    auto health = s.admin("GET", "/admin/health");
    CHECK(health.status == 200);
    CHECK(health.body.find("\"meters\":9") != std::string::npos);

    // Each platform answers on its own port, in its own format (here: no credentials).
    for (auto const* name : {"cnmcsp", "xianfeng", "xintian"}) {
        CAPTURE(name);
        REQUIRE(s.app.port_of(name) != 0);
    }
    auto xf = test::http_request("GET", "127.0.0.1", s.app.port_of("xianfeng"),
                                 "/iotcloud/app/msg/v1.0.0/queryReportData?deviceId=x&msgType=0", {}, "");
    CHECK(xf.body.find("\"responseCode\":\"500003\"") != std::string::npos);
    auto xt = test::http_request("POST", "127.0.0.1", s.app.port_of("xintian"), "/api/Meters/GetData",
                                 {}, "{}");
    CHECK(xt.body.find("\"ResultCode\":-202") != std::string::npos);
}

// Issue 16 item 5: the default zone was the host's ("local"): on a UTC host a CIS signing with
// China's time was refused as eight hours off. "+08:00" whatever the host.
TEST_CASE("the default config reads CNMCSP's auth timestamps in +08:00 whatever the host's zone") {
    running_serve s;
    CHECK(s.app.settings().timezone == "+08:00");
    auto const post = [&](std::chrono::minutes zone) {
        auto h = platforms::cnmcsp::make_auth_headers(platforms::cnmcsp::credentials{"demo-app-token", "demo-app-secret"},
                                                      std::chrono::system_clock::now(), zone);
        return test::http_request("POST", "127.0.0.1", s.app.port_of("cnmcsp"), "/rest/Standard/reading/ReadCurrentData",
                                  {{"Content-Type", "application/json"}, {"Accept", "application/json"},
                                   {"AccessToken", h.access_token}, {"Authorization", h.authorization}},
                                  R"({"Meters":[]})");
    };
    auto china = post(std::chrono::minutes{480});
    CHECK(china.status == 200);
    CHECK(china.body.find("80003001") == std::string::npos);
    // Twelve hours away from +08:00 (whatever the host's own zone): outside the 300 s window.
    auto far = post(std::chrono::minutes{-240});
    CHECK(far.status == 401);
    CHECK(far.body.find("80003001") != std::string::npos);
}

TEST_CASE("the admin API drives a meter of the default fleet through virtual time") {
    running_serve s;
    auto list = s.admin("GET", "/admin/meters?platform=xianfeng&limit=1");
    REQUIRE(list.status == 200);
    auto const at = list.body.find("\"meterNo\":\"");
    REQUIRE(at != std::string::npos);
    auto const no = list.body.substr(at + 11, list.body.find('"', at + 11) - at - 11);

    auto consumed = s.admin("POST", "/admin/meters/" + no + "/events",
                            R"({"type":"consume","m3":"1.5"})");
    CHECK(consumed.status == 200);
    auto meter = s.admin("GET", "/admin/meters/" + no);
    CHECK(meter.body.find("\"reading\":\"1.5000\"") != std::string::npos);

    // The Xianfeng platform's own admin routes are served on the admin listener too.
    auto concentrators = s.admin("GET", "/admin/xianfeng/concentrators");
    CHECK(concentrators.status == 200);

    auto advanced = s.admin("POST", "/admin/clock/advance", R"({"seconds": 86400})");
    CHECK(advanced.status == 200);
    auto clock = s.admin("GET", "/admin/clock");
    CHECK(clock.body.find("2026-01-02 00:00:00") != std::string::npos);
}

TEST_CASE("the store bounds of the config reach the platforms: a second command past a cap of one answers 500014") {
    auto c = running_serve::make_config();
    c.platforms.xianfeng->replay_check = false;  // one fixed RandomCode for every request
    c.platforms.xianfeng->freshness_window_s = 0;
    c.platforms.xianfeng->commands.waiting = 1;
    running_serve s{c};
    std::string const random_code = "2026010100000080000001";
    test::header_list const h{{"RandomCode", random_code},
                              {"Authorization", platforms::crypto::sha256_hex("demo-key" "demo-merchant" + random_code)},
                              {"Content-Type", "application/json"}};
    auto xf = [&](std::string const& target, std::string const& body) {
        return test::http_request("POST", "127.0.0.1", s.app.port_of("xianfeng"), target, h, body);
    };
    auto reg = xf("/iotcloud/app/devices/v1.0.0/register?companyCode=000000",
                  R"({"manuId":1,"deviceNo":"07602190000001","userNo":"U1","userName":"t"})");
    REQUIRE(reg.body.find("\"responseCode\":\"100000\"") != std::string::npos);
    auto const at = reg.body.find("\"result\":\"") + 10;
    auto const device_id = reg.body.substr(at, 32);
    std::string const creat = "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + device_id;
    std::string const body = R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":172800,"expireCount":3})";
    CHECK(xf(creat, body).body.find("\"responseCode\":\"100000\"") != std::string::npos);
    auto second = xf(creat, body);
    CAPTURE(second.body);
    CHECK(second.body.find("\"responseCode\":\"500014\"") != std::string::npos);
}

TEST_CASE("the outbox keys reach the push client, and /admin/health shows the pushes on their way") {
    for (std::size_t const pipeline : {std::size_t{1}, std::size_t{4}}) {
        CAPTURE(pipeline);
        test::cis_receiver rx;
        auto c = running_serve::make_config();
        c.platforms.xianfeng->replay_check = false;  // one fixed RandomCode for every request
        c.platforms.xianfeng->freshness_window_s = 0;
        c.platforms.xianfeng->report_url = rx.url("/xf/report");
        c.fleet = {tools::fleet_entry{"xianfeng", "xf-nb-money", 40, "07602190"}};
        c.outbox.connections = 1;
        c.outbox.pipeline = pipeline;
        running_serve s{c};
        std::string const random_code = "2026010100000080000001";
        test::header_list const h{{"RandomCode", random_code},
                                  {"Authorization", platforms::crypto::sha256_hex("demo-key" "demo-merchant" + random_code)},
                                  {"Content-Type", "application/json"}};
        for (int i = 1; i <= 40; ++i) {
            auto const no = fmt::format("07602190{:06}", i);
            auto reg = test::http_request("POST", "127.0.0.1", s.app.port_of("xianfeng"),
                                          "/iotcloud/app/devices/v1.0.0/register?companyCode=000000", h,
                                          R"({"manuId":1,"deviceNo":")" + no + R"(","userNo":"U1","userName":"t"})");
            REQUIRE(reg.body.find("\"responseCode\":\"100000\"") != std::string::npos);
        }
        // The daily reports (02:00 +- 30 min) of all 40 meters, in one advance.
        REQUIRE(s.admin("POST", "/admin/clock/advance", R"({"seconds": 10800})").status == 200);
        REQUIRE(rx.wait_for_requests(40));
        std::string health;
        test::eventually([&] {
            health = s.admin("GET", "/admin/health").body;
            return health.find("\"pending\":0,\"in_flight\":0,\"delivered\":40") != std::string::npos;
        });
        CAPTURE(health);
        CHECK(health.find("\"pending\":0,\"in_flight\":0,\"delivered\":40,\"attempts\":40,\"failures\":0") !=
              std::string::npos);
        CHECK(health.find("\"opened\":1,") != std::string::npos);
        CHECK(health.find("\"unpipelined_hosts\":0}") != std::string::npos);
        CHECK(rx.connection_count() == 1);
        CHECK(rx.request_count() == 40);
        // A depth of 1 writes one push, then waits for its answer; 4 puts pushes behind others.
        CHECK((health.find("\"pipelined\":0,") != std::string::npos) == (pipeline == 1));

        // The same figures for a Prometheus scraper.
        auto const scraped = s.admin("GET", "/metrics");
        CHECK(scraped.status == 200);
        CHECK(scraped.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
        auto const samples = parse_exposition(scraped.body);
        test::check_fields(samples, {{"metersim_meters{platform=\"xianfeng\"}", "40"},
                                     {"metersim_meters{platform=\"cnmcsp\"}", "0"},
                                     {"metersim_pushes_delivered_total", "40"},
                                     {"metersim_push_attempts_total", "40"},
                                     {"metersim_pushes_pending", "0"},
                                     {"metersim_push_connections_opened_total", "1"}});
        CHECK((samples.at("metersim_push_requests_pipelined_total") == "0") == (pipeline == 1));
        auto const clock = s.admin("GET", "/admin/clock").body;
        auto const at = clock.find("\"now_ms\":") + 9;
        auto const now_ms = std::stoll(clock.substr(at, clock.find_first_of(",}", at) - at));
        CHECK(samples.at("metersim_virtual_time_seconds") == fmt::format("{}.{:03}", now_ms / 1000, now_ms % 1000));
        CHECK(std::stol(samples.at("metersim_meter_reports_total")) >= 40);
        CHECK(std::stol(samples.at("process_resident_memory_bytes")) > 0);
    }
}

TEST_CASE("a bad admin request changes nothing and names the problem") {
    running_serve s;
    auto r = s.admin("POST", "/admin/meters/nope/events", R"({"type":"consume","m3":"1"})");
    CHECK(r.status == 404);
    auto bad = s.admin("POST", "/admin/clock/advance", "{not json");
    CHECK(bad.status == 400);
}

}  // TEST_SUITE

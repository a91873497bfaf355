// `metersim serve` on a real state file (issue 15): what it saves comes back after a restart,
// the config's fleet is not made again, a pending push goes out again under its own serial, and
// a state file that cannot be used exits 2 before anything starts.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "platforms/common/crypto.hpp"
#include "sim/state/store.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/serve_harness.hpp"
#include "tools/exit_codes.hpp"

namespace tools = metersim::tools;
using metersim::test::serve_thread;
using metersim::test::temp_dir;

namespace {

tools::config state_config(std::string const& path) {
    auto c = metersim::test::loopback_serve_config();
    c.state = path;
    return c;
}

/// A serve on `path` as `metersim serve` starts it: the state opened first (its clock into the
/// config).
std::unique_ptr<serve_thread> serve_on(tools::config c) {
    auto state = tools::open_state(c);
    REQUIRE_MESSAGE(state.has_value(), (state.has_value() ? "" : state.error()));
    tools::serve_extras x;
    x.state = std::move(state).value();
    return std::make_unique<serve_thread>(std::move(c), std::move(x));
}

/// The text of a string member `"name":"..."` in a JSON body ("" when absent).
std::string member(std::string const& body, std::string const& name) {
    auto const key = "\"" + name + "\":\"";
    auto const at = body.find(key);
    if (at == std::string::npos) return {};
    auto const from = at + key.size();
    return body.substr(from, body.find('"', from) - from);
}

}  // namespace

TEST_SUITE("tools/serve state e2e") {

TEST_CASE("a serve on a state file resumes its meters and clock, and the config's fleet is not made again") {
    temp_dir dir;
    auto const path = dir.file("state.db");
    std::string meter_before;
    {
        auto s = serve_on(state_config(path));
        CHECK(s->app.summary().find("; state " + path + " (new)") != std::string::npos);
        REQUIRE(s->admin("POST", "/admin/meters/07602190000001/events", R"({"type":"consume","m3":"1.5"})").status == 200);
        REQUIRE(s->admin("POST", "/admin/meters", R"({"model":"xf-nb-money","count":2,"id_prefix":"0760300"})").status == 201);
        REQUIRE(s->admin("POST", "/admin/clock/advance", R"({"seconds": 86400})").status == 200);
        REQUIRE(s->admin("POST", "/admin/faults", R"({"target":"xintian","kind":"error","status":503,"count":4})").status == 201);
        meter_before = s->admin("GET", "/admin/meters/07602190000001").body;
        REQUIRE(member(meter_before, "reading") == "1.5000");
    }
    auto s = serve_on(state_config(path));
    auto const summary = s->app.summary();
    CHECK_MESSAGE(summary.find("metersim serve: resumed " + path + ": 11 meters, virtual now 2026-01-02 00:00:00, 0 pushes pending; listening on ") == 0, summary);
    CHECK(s->admin("GET", "/admin/health").body.find("\"meters\":11") != std::string::npos);
    CHECK(s->admin("GET", "/admin/clock").body.find("2026-01-02 00:00:00") != std::string::npos);
    auto const meter_after = s->admin("GET", "/admin/meters/07602190000001").body;
    CHECK(member(meter_after, "reading") == "1.5000");
    CHECK(member(meter_after, "balance") == member(meter_before, "balance"));
    CHECK(s->admin("GET", "/admin/meters/0760300000002").status == 200);
    auto const faults = s->admin("GET", "/admin/faults").body;
    CHECK_MESSAGE(faults.find("\"target\":\"xintian\"") != std::string::npos, faults);
    CHECK(faults.find("\"status\":503") != std::string::npos);
}

TEST_CASE("a push the CIS had not accepted when serve stopped goes out again after the restart, byte for byte") {
    temp_dir dir;
    auto const path = dir.file("state.db");
    metersim::test::cis_receiver rx;
    rx.answer_always({503, "busy"});
    auto c = state_config(path);
    c.platforms.xianfeng->report_url = rx.url("/xianfeng/report");
    c.platforms.xianfeng->replay_check = false;  // one fixed RandomCode for every request
    c.platforms.xianfeng->freshness_window_s = 0;
    {
        auto s = serve_on(c);
        std::string const random_code = "2026010100000080000001";
        metersim::test::header_list const h{
            {"RandomCode", random_code},
            {"Authorization", metersim::platforms::crypto::sha256_hex("demo-key" "demo-merchant" + random_code)},
            {"Content-Type", "application/json"}};
        auto reg = metersim::test::http_request("POST", "127.0.0.1", s->app.port_of("xianfeng"),
                                                "/iotcloud/app/devices/v1.0.0/register?companyCode=000000", h,
                                                R"({"manuId":1,"deviceNo":"07602190000001","userNo":"U1","userName":"t"})");
        REQUIRE(reg.body.find("\"responseCode\":\"100000\"") != std::string::npos);
        REQUIRE(s->admin("POST", "/admin/meters/07602190000001/events", R"({"type":"wake"})").status == 200);
        REQUIRE(rx.wait_for_requests(1));
    }
    auto const first = rx.requests().at(0);
    rx.answer_always({200, R"({"code":"0","msg":"ok"})"});
    auto s = serve_on(c);
    CHECK(s->app.summary().find(", 1 pushes pending; ") != std::string::npos);
    REQUIRE(rx.wait_for_requests(2));
    auto const again = rx.requests().at(1);
    CHECK(again.body == first.body);
    CHECK(again.target == first.target);
    CHECK(again.header("API_TRANS_ID") == first.header("API_TRANS_ID"));
    // The journal goes on from where it was: the registration and the refused attempt are there.
    auto const journal = s->admin("GET", "/admin/journal?platform=xianfeng&limit=100").body;
    CHECK_MESSAGE(journal.find("/iotcloud/app/devices/v1.0.0/register") != std::string::npos, journal);
}

TEST_CASE("a second serve on a state file in use exits 2 naming the file, and leaves it as it was") {
    temp_dir dir;
    auto const path = dir.file("state.db");
    auto s = serve_on(state_config(path));
    auto c = state_config(path);
    auto second = tools::open_state(c);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error() == "state file " + path + ": is locked by another process (a second metersim serve on the same file?)");

    // The command itself: exit 2, before listening on anything.
    auto const config_file = dir.file("serve.yaml");
    metersim::test::write_file(config_file, "state: \"" + path + "\"\nadmin: { listen: \"127.0.0.1:0\" }\n");
    tools::serve_options o;
    o.config_file = config_file;
    CHECK(tools::run_serve(o) == tools::exit_code::bad_input);
}

TEST_CASE("serve on a file that is not a state file exits 2 and does not touch it") {
    temp_dir dir;
    auto const path = dir.file("notes.db");
    metersim::test::write_file(path, std::string(8192, 'x'));
    auto const config_file = dir.file("serve.yaml");
    metersim::test::write_file(config_file, "state: \"" + path + "\"\nadmin: { listen: \"127.0.0.1:0\" }\n");
    tools::serve_options o;
    o.config_file = config_file;
    CHECK(tools::run_serve(o) == tools::exit_code::bad_input);
    CHECK(metersim::test::file_bytes(path) == std::string(8192, 'x'));
    CHECK_FALSE(std::filesystem::exists(path + "-wal"));
}

}  // TEST_SUITE

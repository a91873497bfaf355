// `metersim load` in process against a real HTTP receiver on loopback (tests/support/cis_receiver):
// the counts it reports are the receiver's, and its thresholds fail the run when the CIS errs
// or is slow (issue 14).

#include <chrono>
#include <cmath>
#include <atomic>
#include <csignal>
#include <thread>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <map>

#include <unistd.h>
#include <algorithm>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/support/cis_receiver.hpp"
#include "scenarios/cis_auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/json_doc.hpp"
#include "tools/cmd_load.hpp"
#include "tools/exit_codes.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using metersim::test::cis_receiver;
using metersim::test::json_doc;

std::string read_text(fs::path const& p) {
    std::ifstream in{p};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A load of `meters` meters of `platform` (xianfeng unless named), opened first, at `rate`
/// pushes/s for `duration`, to `rx`.
metersim::tools::load_options a_load(cis_receiver const& rx, fs::path const& dir, std::uint32_t meters,
                                     double rate, std::string duration, std::string platform = "xianfeng") {
    metersim::tools::load_options o;
    o.config_file = METERSIM_TEST_CONFIG_DIR "/load_loopback.yaml";
    o.platform = std::move(platform);
    o.meters = meters;
    o.duration = std::move(duration);
    o.rate = rate;
    o.cis = rx.url("");
    o.open = true;
    o.json_file = (dir / "load.json").string();
    return o;
}

std::uint64_t count_of(metersim::sim::json::json_value const& doc, char const* section, char const* field) {
    auto const* s = doc.find(section);
    REQUIRE(s != nullptr);
    auto const* f = s->find(field);
    REQUIRE(f != nullptr);
    return static_cast<std::uint64_t>(f->as_int64().value_or(-1));
}

/// How many requests the receiver saw at each target.
std::map<std::string, std::uint64_t> by_target(cis_receiver const& rx) {
    std::map<std::string, std::uint64_t> out;
    for (auto const& r : rx.requests()) ++out[r.target];
    return out;
}

/// pushes.by_kind[kind] of the JSON summary; 0 when the kind is absent.
std::uint64_t kind_count(metersim::sim::json::json_value const& doc, char const* kind) {
    auto const* by = doc.find("pushes")->find("by_kind");
    REQUIRE(by != nullptr);
    auto const* n = by->find(kind);
    return n == nullptr ? 0 : static_cast<std::uint64_t>(n->as_int64().value_or(-1));
}

struct temp_dir {
    fs::path path;
    explicit temp_dir(std::string const& name)
        : path(fs::temp_directory_path() / ("metersim-load-" + name + "-" + std::to_string(::getpid()))) {
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// Loads 30 meters of `platform`, opened first, for 2 s at 30/s into `rx`; checks that it passes
/// and that the JSON counts what `rx` saw: every attempt delivered, all to `target` and of
/// `kind`. Returns the JSON summary.
metersim::sim::json::json_value run_all_delivered(cis_receiver const& rx, char const* platform,
                                                  std::string const& target, char const* kind) {
    temp_dir dir{platform};
    auto o = a_load(rx, dir.path, 30, 30, "2s", platform);
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::ok);
    auto doc = json_doc(read_text(dir.path / "load.json"));
    auto const attempted = count_of(doc, "pushes", "attempted");
    CHECK(attempted >= 30);
    CHECK(attempted == rx.request_count());
    CHECK(count_of(doc, "pushes", "delivered") == attempted);
    CHECK(count_of(doc, "pushes", "failed") == 0);
    CHECK(kind_count(doc, kind) == attempted);
    auto const targets = by_target(rx);
    CHECK(targets.size() == 1);
    CHECK(targets.count(target) == 1);
    CHECK(doc.find("platform")->text() == platform);
    return doc;
}

}  // namespace

TEST_CASE("metersim load: the JSON's counts are what the receiver saw, every push delivered once") {
    cis_receiver rx;
    temp_dir dir{"counts"};
    auto o = a_load(rx, dir.path, 40, 40, "2s");
    o.meters_csv = (dir.path / "meters.csv").string();
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::ok);

    auto doc = json_doc(read_text(dir.path / "load.json"));
    auto const attempted = count_of(doc, "pushes", "attempted");
    CHECK(attempted >= 40);  // 40/s for 2 s, less the driver's last tick
    CHECK(attempted == rx.request_count());
    CHECK(count_of(doc, "pushes", "delivered") == attempted);
    CHECK(count_of(doc, "pushes", "failed") == 0);
    for (auto const& r : rx.requests()) CHECK(r.target == "/xianfeng/report");
    CHECK(doc.find("passed")->as_bool());
    CHECK(doc.find("platform")->text() == "xianfeng");
    CHECK(doc.find("meters")->as_int64() == 40);
    // The --open phase's registrations are not counted as the CIS's requests.
    CHECK(count_of(doc, "cis_requests", "count") == 0);

    auto csv = read_text(dir.path / "meters.csv");
    CHECK(csv.rfind("meterNo,userNo,deviceId,IMEI,model\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 41);
    CHECK(csv.find("07602190000001,2190000001,") != std::string::npos);
}

TEST_CASE("metersim load: a receiver answering 500 to a share of pushes fails --max-error-rate with exit 1") {
    cis_receiver rx;
    for (int i = 0; i < 20; ++i) rx.enqueue({500, R"({"error":"busy"})"});
    temp_dir dir{"errors"};
    auto o = a_load(rx, dir.path, 30, 30, "2s");
    o.max_error_rate_pct = 5;
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::expectation_failed);

    auto doc = json_doc(read_text(dir.path / "load.json"));
    auto const* causes = doc.find("pushes")->find("failed_by_cause");
    REQUIRE(causes != nullptr);
    REQUIRE(causes->find("http_500") != nullptr);
    CHECK(causes->find("http_500")->as_int64() == 20);
    CHECK(count_of(doc, "pushes", "failed") == 20);
    CHECK(count_of(doc, "pushes", "retried") >= 1);
    CHECK(count_of(doc, "pushes", "attempted") == rx.request_count());
    CHECK_FALSE(doc.find("passed")->as_bool());
    auto const* t = doc.find("thresholds");
    REQUIRE(t != nullptr);
    bool named = false;
    for (std::size_t i = 0; i < t->size(); ++i)
        if (t->at(i).find("name")->text() == "max_error_rate_pct") {
            named = true;
            CHECK_FALSE(t->at(i).find("ok")->as_bool());
        }
    CHECK(named);
}

TEST_CASE("metersim load: a slow receiver fails --max-p99 with exit 1") {
    cis_receiver rx;
    rx.answer_always({200, "{}", "application/json", 60ms});
    temp_dir dir{"slow"};
    auto o = a_load(rx, dir.path, 20, 20, "2s");
    o.max_p99_ms = 20;
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::expectation_failed);

    auto doc = json_doc(read_text(dir.path / "load.json"));
    auto const* p99 = doc.find("pushes")->find("latency_ms")->find("p99");
    REQUIRE(p99 != nullptr);
    CHECK(std::stod(p99->text()) >= 60.0);
    CHECK(count_of(doc, "pushes", "failed") == 0);
}

TEST_CASE("metersim load: without --open the meters are not opened and nothing is pushed, so the rate is missed") {
    cis_receiver rx;
    temp_dir dir{"unopened"};
    auto o = a_load(rx, dir.path, 10, 20, "1s");
    o.open = false;
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::expectation_failed);
    CHECK(rx.request_count() == 0);
    auto doc = json_doc(read_text(dir.path / "load.json"));
    CHECK(count_of(doc, "pushes", "attempted") == 0);
}

TEST_CASE("metersim load: SIGINT ends the run early and the summary is still written") {
    cis_receiver rx;
    temp_dir dir{"sigint"};
    auto o = a_load(rx, dir.path, 20, 20, "1m");
    o.report_file = (dir.path / "load.html").string();
    int code = -1;
    std::thread run{[&] { code = metersim::tools::run_load(o); }};
    // The load has begun (its signal handlers are in place) once the first push arrived.
    bool const started = rx.wait_for_requests(5, 10s);
    std::raise(SIGINT);
    run.join();
    REQUIRE(started);
    CHECK((code == metersim::tools::exit_code::ok || code == metersim::tools::exit_code::expectation_failed));
    auto doc = json_doc(read_text(dir.path / "load.json"));
    CHECK(doc.find("interrupted")->as_bool());
    CHECK(std::stod(doc.find("duration_s")->text()) < 30.0);
    CHECK(count_of(doc, "pushes", "attempted") == rx.request_count());
    CHECK(read_text(dir.path / "load.html").find("<canvas id=\"throughput\">") != std::string::npos);
}

TEST_CASE("metersim load: a Xianfeng command the CIS creates is measured until the CIS accepts its response") {
    cis_receiver rx;
    temp_dir dir{"roundtrip"};
    auto o = a_load(rx, dir.path, 5, 10, "5s");
    o.meters_csv = (dir.path / "meters.csv").string();
    std::atomic<std::uint16_t> port{0};
    o.on_begin = [&port](std::uint16_t p) { port = p; };
    int code = -1;
    std::thread run{[&] { code = metersim::tools::run_load(o); }};
    for (int i = 0; i < 500 && port == 0; ++i) std::this_thread::sleep_for(20ms);
    REQUIRE(port != 0);

    // The CIS closes the valve of the first meter (spec: xianfeng §2.1, appendix 1 VALVE_CONTROL).
    auto csv = read_text(dir.path / "meters.csv");
    auto const line = csv.substr(csv.find('\n') + 1);
    auto const device = line.substr(26, 32);  // meterNo (14), userNo (10), commas: deviceId follows
    metersim::scenarios::cis_signer signer(
        [](std::string_view, std::string_view key) -> std::string {
            if (key == "key") return "demo-key";
            if (key == "merchant_id") return "demo-merchant";
            return "000000";
        },
        std::chrono::minutes{480}, 7);
    metersim::test::header_list headers;
    for (auto& [k, v] : signer.headers_for("xianfeng")) headers.emplace_back(k, v);
    auto answer = metersim::test::http_request("POST", "127.0.0.1", port,
                                               "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + device, headers,
                                               R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}}})");
    run.join();
    INFO(answer.body);
    CHECK(answer.status == 200);
    CHECK(answer.body.find(R"("responseCode":"100000")") != std::string::npos);
    CHECK((code == metersim::tools::exit_code::ok || code == metersim::tools::exit_code::expectation_failed));

    auto doc = json_doc(read_text(dir.path / "load.json"));
    CHECK(count_of(doc, "cis_requests", "count") == 1);
    CHECK(doc.find("cis_requests")->find("by_path")->find("/iotcloud/app/cmd/v1.0.0/creatCmd")->as_int64() == 1);
    CHECK(count_of(doc, "round_trips", "completed") == 1);
    CHECK(count_of(doc, "round_trips", "open_at_end") == 0);
    // The meter answers 2 virtual seconds after the command reaches it (realtime clock here).
    CHECK(std::stod(doc.find("round_trips")->find("virtual_s")->find("p50")->text()) >= 2.0);
    CHECK(std::stod(doc.find("round_trips")->find("wall_ms")->find("p50")->text()) >= 1900.0);
    std::size_t responses = 0;
    for (auto const& r : rx.requests()) if (r.target == "/xianfeng/response") ++responses;
    CHECK(responses == 1);
}

TEST_CASE("metersim load --platform cnmcsp --open: meteradd opens the fleet, realtime pushes flow, counted as received") {
    cis_receiver rx;
    rx.answer_always({200, R"({"ReturnCode":0,"ReturnMsg":"ok"})"});  // spec: cnmcsp §6.1 响应说明
    auto doc = run_all_delivered(rx, "cnmcsp", "/cnmcsp/realtime", "cnmcsp.realtime");
    // The pushes are the meters --open registered (spec: cnmcsp §6.1 userNo, meterNo).
    auto const first = rx.requests().front().body;
    CHECK(first.find(R"("cmdCode":"RealTimeData")") != std::string::npos);
    CHECK(first.find(R"("userNo":"L60100000)") != std::string::npos);
    CHECK(count_of(doc, "cis_requests", "count") == 0);
}

TEST_CASE("metersim load --platform xintian --open: CreateMeter opens the fleet, billing reports flow, counted as received") {
    cis_receiver rx;
    // spec: xintian §3.6.2: the CIS answers each report with the meter's DataList entry; one
    // answer listing the whole fleet answers every meter's report.
    std::string list;
    for (int i = 1; i <= 30; ++i)
        list += fmt::format(R"({}{{"MeterAddr":"3301{:06}","UnitPrice":3.2,"Remnant":50,"ValveMode":1}})",
                            i == 1 ? "" : ",", i);
    rx.answer_always({200, R"({"ResultCode":1,"Message":"ok","DataList":[)" + list + "]}"});
    run_all_delivered(rx, "xintian", "/xintian/report", "xintian.billing");
    auto const first = rx.requests().front().body;
    CHECK(first.find(R"("UserCode":"U3301)") != std::string::npos);  // the userNo --open gave
    CHECK(first.find(R"("MeterAddr":"3301)") != std::string::npos);
}

TEST_CASE("metersim load --platform xintian: a CIS that never answers the billing loop fails every push, and the run with it") {
    cis_receiver rx;  // answers {}: no ResultCode, so no report is accepted (spec: xintian §3.6.3)
    temp_dir dir{"xintian-refused"};
    auto o = a_load(rx, dir.path, 30, 30, "1s", "xintian");
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::expectation_failed);
    auto doc = json_doc(read_text(dir.path / "load.json"));
    CHECK(count_of(doc, "pushes", "attempted") == rx.request_count());
    CHECK(count_of(doc, "pushes", "delivered") == 0);
    CHECK(doc.find("pushes")->find("failed_by_cause")->find("not_accepted")->as_int64() ==
          static_cast<std::int64_t>(rx.request_count()));
}

/// How far the sessions that raised an alarm are from `percent` of the sessions driven, in
/// sessions (the JSON's sessions.alarms_raised against sessions.driven).
double raises_off_by(metersim::sim::json::json_value const& doc, double percent) {
    auto const driven = count_of(doc, "sessions", "driven");
    REQUIRE(driven > 0);
    return std::abs(static_cast<double>(count_of(doc, "sessions", "alarms_raised")) -
                    static_cast<double>(driven) * percent / 100.0);
}

TEST_CASE("metersim load --alarms: the share asked of the sessions raise, one alarm push each, counted as the receiver saw them") {
    cis_receiver rx;
    temp_dir dir{"alarms"};
    // 20 meters for ~120 sessions: each meter is driven again and again, so raises and the
    // clears at the meter's next session interleave (cnmcsp uploads no clearing by default).
    auto o = a_load(rx, dir.path, 20, 60, "2s", "cnmcsp");
    o.alarms_percent = 20;
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::ok);

    auto doc = json_doc(read_text(dir.path / "load.json"));
    auto const targets = by_target(rx);
    auto const alarms = targets.count("/cnmcsp/alarm") ? targets.at("/cnmcsp/alarm") : 0;
    auto const reports = targets.count("/cnmcsp/realtime") ? targets.at("/cnmcsp/realtime") : 0;
    INFO("alarm pushes " << alarms << " of " << alarms + reports);
    CHECK(kind_count(doc, "cnmcsp.alarm") == alarms);
    CHECK(kind_count(doc, "cnmcsp.realtime") == reports);
    CHECK(alarms + reports == count_of(doc, "pushes", "attempted"));
    CHECK(count_of(doc, "sessions", "alarms_raised") == alarms);
    std::uint64_t bodies = 0;
    for (auto const& r : rx.requests())
        if (r.body.find(R"("cmdCode":"AlarmData")") != std::string::npos &&
            r.body.find(R"("AlarmType":"0006H")") != std::string::npos)
            ++bodies;
    CHECK(bodies == alarms);
    CHECK(alarms >= 10);
    // A quota: exact to one session.
    CHECK(count_of(doc, "sessions", "driven") >= 60);
    CHECK(raises_off_by(doc, 20) <= 1.0);  // a quota: exact to one session
}

TEST_CASE("metersim load --alarms: xianfeng's alarm pushes (WarnDataInfo) go to the report URL beside the report, counted by kind") {
    cis_receiver rx;
    temp_dir dir{"alarms-xf"};
    auto o = a_load(rx, dir.path, 400, 100, "2s");  // ~130 sessions, nearly all a meter's first
    o.alarms_percent = 50;
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::ok);

    auto doc = json_doc(read_text(dir.path / "load.json"));
    std::uint64_t warn = 0;
    for (auto const& r : rx.requests()) {
        CHECK(r.target == "/xianfeng/report");
        if (r.body.find(R"("serviceId":"WarnDataInfo")") != std::string::npos) ++warn;
    }
    INFO("alarm pushes " << warn << " of " << rx.request_count());
    CHECK(kind_count(doc, "xianfeng.alarm") == warn);
    CHECK(count_of(doc, "sessions", "alarms_raised") == warn);
    CHECK(kind_count(doc, "xianfeng.alarm") + kind_count(doc, "xianfeng.report") == rx.request_count());
    auto const driven = count_of(doc, "sessions", "driven");
    CHECK(kind_count(doc, "xianfeng.report") == driven);  // spec: xianfeng §3.1: every session reports
    CHECK(raises_off_by(doc, 50) <= 1.0);
}

TEST_CASE("metersim load: every push failing fails the run (min_delivered) even without --max-error-rate") {
    cis_receiver rx;
    rx.answer_always({500, R"({"error":"down"})"});
    temp_dir dir{"all-failed"};
    // 200 meters for ~40 sessions: each a different meter, so the retries hold no new push back
    // and the rate holds; only the failures can fail the run.
    auto o = a_load(rx, dir.path, 200, 20, "2s");
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::expectation_failed);

    auto doc = json_doc(read_text(dir.path / "load.json"));
    CHECK(count_of(doc, "pushes", "delivered") == 0);
    CHECK(count_of(doc, "pushes", "attempted") == rx.request_count());
    CHECK(count_of(doc, "pushes", "failed") == rx.request_count());
    CHECK_FALSE(doc.find("passed")->as_bool());
    auto const* t = doc.find("thresholds");
    REQUIRE(t != nullptr);
    std::map<std::string, bool> ok;
    for (std::size_t i = 0; i < t->size(); ++i) ok[t->at(i).find("name")->text()] = t->at(i).find("ok")->as_bool();
    REQUIRE(ok.count("min_delivered") == 1);
    CHECK_FALSE(ok["min_delivered"]);
    CHECK(ok["min_rate_per_s"]);  // the load itself was held: the failures alone fail the run
    CHECK(ok.count("max_error_rate_pct") == 0);
}

TEST_CASE("metersim load: some pushes failing without --max-error-rate still passes (min_delivered holds)") {
    cis_receiver rx;
    for (int i = 0; i < 5; ++i) rx.enqueue({500, R"({"error":"busy"})"});
    temp_dir dir{"some-failed"};
    auto o = a_load(rx, dir.path, 200, 20, "2s");
    CHECK(metersim::tools::run_load(o) == metersim::tools::exit_code::ok);
    auto doc = json_doc(read_text(dir.path / "load.json"));
    CHECK(count_of(doc, "pushes", "failed") == 5);
    CHECK(count_of(doc, "pushes", "delivered") >= 30);
    CHECK(doc.find("passed")->as_bool());
}

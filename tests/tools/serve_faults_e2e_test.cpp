#include "tools/cmd_serve.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "platforms/common/token_auth.hpp"
#include "platforms/xintian/auth.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/http_client.hpp"
#include "tests/tools/serve_harness.hpp"

using namespace metersim;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view billing_path = "/xintian/billing";
constexpr std::string_view meter_no = "3302000001";

struct with_cis {
    test::cis_receiver cis;  ///< before the app (a base constructed first): the config names its URL
};

/// The real `metersim serve` (embedded default config, every port 0, stepped clock, backoff 1 s
/// to 8 s) with Xintian's billing reports going to a cis_receiver; stopped and joined by the
/// destructor. Fault rules are set through the admin API, as a user or the scenario runner does.
struct faults_serve : with_cis, test::serve_thread {
    int stamp = 0;

    faults_serve() : serve_thread(make_config(cis)) {}

    static tools::config make_config(test::cis_receiver const& cis) {
        auto c = test::loopback_serve_config();
        c.platforms.xintian->report_url = cis.url(billing_path);
        c.platforms.xintian->auth_window_s = 86400;  // one fresh timestamp per call, a second apart
        c.outbox.backoff_base_ms = 1000;
        c.outbox.backoff_cap_ms = 8000;
        return c;
    }

    test::http_answer post_fault(std::string const& body) { return admin("POST", "/admin/faults", body); }
    test::http_answer advance(int seconds) {
        return admin("POST", "/admin/clock/advance", R"({"seconds":)" + std::to_string(seconds) + "}");
    }

    /// A signed Xintian call (spec: xintian §2), with a timestamp never used before.
    test::http_answer xintian(std::string_view path, std::string_view body) {
        auto const& xt = *app.settings().platforms.xintian;
        auto const at = std::chrono::system_clock::now() - 12h + std::chrono::seconds{stamp++};
        auto h = platforms::xintian::make_headers(xt.app_id, xt.app_secret, at,
                                                  std::chrono::minutes{app.settings().zone.minutes});
        return test::http_request("POST", "127.0.0.1", app.port_of("xintian"), path,
                                  {{"AccessToken", h.access_token}, {"Authorization", h.authorization},
                                   {"Content-Type", "application/json;charset=utf-8"}},
                                  body);
    }

    /// A third-party meter the CIS created; each wake sends a billing report to the CIS, which
    /// answers it as §3.6.2 says.
    void open_thirdparty_meter() {
        cis.answer_always({200, std::string(R"({"ResultCode":1,"Message":"ok","DataList":[{"MeterAddr":")") +
                                    std::string(meter_no) + R"(","UnitPrice":3.2,"Remnant":50,"ValveMode":1}]})"});
        auto created = xintian("/api/Meters/CreateMeter",
                               std::string(R"({"UserCode":"U1","UserName":"Zhang","Phone":"13800000000","DeptId":"D1",)") +
                                   R"("DeptName":"East","DoorPlate":"1-101","Address":"Road 1","MeterAddr":")" +
                                   std::string(meter_no) + R"(","PayType":"6","MeterTypeID":"51"})");
        REQUIRE(created.status == 200);
        REQUIRE_MESSAGE(created.body.find(R"("ResultCode":1)") != std::string::npos, created.body);
    }
    test::http_answer wake() {
        return admin("POST", "/admin/meters/" + std::string(meter_no) + "/events", R"({"type":"wake"})");
    }
    /// The meter uses `m3` and reports (a wake): its next billing report reads that much more.
    void consume_and_wake(std::string const& m3) {
        REQUIRE(admin("POST", "/admin/meters/" + std::string(meter_no) + "/events",
                      R"({"type":"consume","m3":")" + m3 + R"("})")
                    .status == 200);
        REQUIRE(wake().status == 200);
    }
    /// ReadNumber of a billing report the CIS received.
    static std::string reading_of(test::received_request const& r) {
        auto const at = r.body.find(R"("ReadNumber":)");
        if (at == std::string::npos) return "?";
        auto const from = at + 13;
        return r.body.substr(from, r.body.find(',', from) - from);
    }
    /// Whether the request's AccessToken verifies with the platform's appId and appSecret (§2).
    bool signed_well(test::received_request const& r) const {
        auto const& xt = *app.settings().platforms.xintian;
        auto const cfg = platforms::make_token_config(xt.app_id, xt.app_secret, 86400,
                                                      std::chrono::minutes{app.settings().zone.minutes});
        static constexpr platforms::token_scheme scheme{"appId", "-202", "-201"};
        return platforms::verify_token(scheme, cfg, platforms::token_request{r.header("AccessToken"), r.header("Authorization")},
                                       std::chrono::system_clock::now())
            .has_value();
    }

    /// The journal's pushes to the CIS as one text, polled until it contains `text` (the
    /// outbox settles on the loop, after the admin answer that started it).
    bool journal_shows(std::string_view text) {
        for (int i = 0; i < 200; ++i)
            if (admin("GET", "/admin/journal?platform=xintian&limit=1000").body.find(text) != std::string::npos)
                return true;
        return false;
    }
};

}  // namespace

TEST_SUITE("tools/serve faults e2e") {

TEST_CASE_FIXTURE(faults_serve, "an error fault answers its status and body in the platform's place, then passes") {
    auto f = post_fault(R"({"target":"xintian","kind":"error","path":"/api/Meters/GetData","status":503,"body":"busy"})");
    REQUIRE(f.status == 201);
    CHECK(f.body.find(R"("kind":"error")") != std::string::npos);
    CHECK(f.body.find(R"("count":1)") != std::string::npos);

    auto other = xintian("/api/Meters/GetUserInfo", "{}");
    CHECK(other.status != 503);  // another path: untouched
    auto hit = xintian("/api/Meters/GetData", "{}");
    CHECK(hit.status == 503);
    CHECK(hit.body == "busy");
    auto after = xintian("/api/Meters/GetData", "{}");
    CHECK(after.status == 200);  // the count is used up
    CHECK(admin("GET", "/admin/faults").body == R"({"faults":[]})");
    CHECK(journal_shows("fault 1: error 503 injected"));
}

TEST_CASE_FIXTURE(faults_serve, "an error fault without a body answers a JSON message naming the fault") {
    REQUIRE(post_fault(R"({"target":"xianfeng","kind":"error","count":2})").status == 201);
    for (int i = 0; i < 2; ++i) {
        auto a = test::http_request("GET", "127.0.0.1", app.port_of("xianfeng"), "/anything");
        CHECK(a.status == 500);
        CHECK(a.body == R"j({"message":"fault injected: error 500 (fault 1)"})j");
    }
    CHECK(test::http_request("GET", "127.0.0.1", app.port_of("xianfeng"), "/anything").status != 500);
}

TEST_CASE_FIXTURE(faults_serve, "a drop fault closes the client's connection without an answer") {
    REQUIRE(post_fault(R"({"target":"cnmcsp","kind":"drop"})").status == 201);
    test::http_connection c("127.0.0.1", app.port_of("cnmcsp"));
    c.write_raw("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    CHECK(c.closed_by_peer(2s));
    // One request only (count 1 by default): the next gets the platform's own answer.
    CHECK(test::http_request("POST", "127.0.0.1", app.port_of("cnmcsp"), "/x", {}, "{}").status != 0);
}

TEST_CASE_FIXTURE(faults_serve, "a slow platform fault answers after its delay") {
    REQUIRE(post_fault(R"({"target":"xintian","kind":"slow","delay_ms":300})").status == 201);
    auto const start = std::chrono::steady_clock::now();
    auto a = xintian("/api/Meters/GetData", "{}");
    CHECK(std::chrono::steady_clock::now() - start >= 300ms);
    CHECK(a.status == 200);
}

TEST_CASE_FIXTURE(faults_serve, "a CIS unreachable for a count loses no push and keeps its serial") {
    open_thirdparty_meter();
    REQUIRE(post_fault(R"({"target":"cis","kind":"unreachable","count":2})").status == 201);
    REQUIRE(wake().status == 200);
    CHECK(journal_shows("fault: CIS unreachable; retry 1 in 1000 ms"));
    CHECK(cis.request_count() == 0);
    REQUIRE(advance(1).status == 200);
    CHECK(journal_shows("fault: CIS unreachable; retry 2 in 2000 ms"));
    CHECK(cis.request_count() == 0);
    REQUIRE(advance(2).status == 200);
    REQUIRE(cis.wait_for_requests(1));
    auto const got = cis.requests();
    CHECK(got[0].body.find(std::string(R"("MeterAddr":")") + std::string(meter_no)) != std::string::npos);
    CHECK(journal_shows(R"("verdict":"accepted")"));
    CHECK(admin("GET", "/admin/faults").body == R"({"faults":[]})");
}

TEST_CASE_FIXTURE(faults_serve, "a CIS unreachable for a virtual time fails the pushes until that time has passed") {
    open_thirdparty_meter();
    auto f = post_fault(R"({"target":"cis","kind":"unreachable","for_ms":5000})");
    REQUIRE(f.status == 201);
    CHECK(f.body.find(R"("count":null)") != std::string::npos);
    CHECK(f.body.find(R"("for_ms":5000)") != std::string::npos);
    REQUIRE(wake().status == 200);
    CHECK(journal_shows("retry 1 in 1000 ms"));
    REQUIRE(advance(1).status == 200);  // +1 s: fails
    CHECK(journal_shows("retry 2 in 2000 ms"));
    REQUIRE(advance(2).status == 200);  // +3 s: fails
    CHECK(journal_shows("retry 3 in 4000 ms"));
    CHECK(admin("GET", "/admin/faults").body.find(R"("for_ms":2000)") != std::string::npos);
    CHECK(cis.request_count() == 0);
    REQUIRE(advance(4).status == 200);  // +7 s: the fault is over
    REQUIRE(cis.wait_for_requests(1));
    CHECK(admin("GET", "/admin/faults").body == R"({"faults":[]})");
}

// ---- the push side (issue 16) -----------------------------------------------------------------

TEST_CASE_FIXTURE(faults_serve, "a meter's pushes reach the CIS in the order made: a refused one holds the later back") {
    open_thirdparty_meter();
    cis.enqueue({503, "{}"});
    REQUIRE(wake().status == 200);  // report 1 (0.0000), refused
    REQUIRE(journal_shows("retry 1 in 1000 ms"));
    consume_and_wake("1");  // report 2 (1.0000): waits for report 1
    CHECK_FALSE(cis.wait_for_requests(2, 300ms));
    REQUIRE(advance(1).status == 200);  // report 1's retry, then report 2
    REQUIRE(cis.wait_for_requests(3));
    auto const got = cis.requests();
    CHECK(got[1].body == got[0].body);
    CHECK(reading_of(got[1]) == "0.0000");
    CHECK(reading_of(got[2]) == "1.0000");
}

TEST_CASE_FIXTURE(faults_serve, "a duplicate fault sends a push twice with the same body and headers, and journals it") {
    open_thirdparty_meter();
    REQUIRE(post_fault(R"({"target":"cis","kind":"duplicate"})").status == 201);
    REQUIRE(wake().status == 200);
    REQUIRE(cis.wait_for_requests(2));
    auto const got = cis.requests();
    CHECK(got[0].body == got[1].body);
    CHECK(got[0].header("Authorization") == got[1].header("Authorization"));
    CHECK(journal_shows("fault 1: duplicate: sent twice at once"));
    CHECK(journal_shows("the second copy's answer"));
    REQUIRE(wake().status == 200);  // the count is used up: once again
    REQUIRE(cis.wait_for_requests(3));
    CHECK_FALSE(cis.wait_for_requests(4, 300ms));
}

TEST_CASE_FIXTURE(faults_serve, "a reorder fault holds a push until the meter's next one is accepted") {
    open_thirdparty_meter();
    REQUIRE(post_fault(R"({"target":"cis","kind":"reorder"})").status == 201);
    REQUIRE(wake().status == 200);  // report 1 (0.0000): held
    CHECK(journal_shows("fault 1: reorder: held until the meter's next push is accepted"));
    CHECK_FALSE(cis.wait_for_requests(1, 300ms));
    consume_and_wake("2");  // report 2 (2.0000) goes first, then report 1
    REQUIRE(cis.wait_for_requests(2));
    auto const got = cis.requests();
    CHECK(reading_of(got[0]) == "2.0000");
    CHECK(reading_of(got[1]) == "0.0000");
}

TEST_CASE_FIXTURE(faults_serve, "a delay fault sends a push after its delay, the meter's next one first") {
    open_thirdparty_meter();
    REQUIRE(post_fault(R"({"target":"cis","kind":"delay","delay_ms":400})").status == 201);
    REQUIRE(wake().status == 200);  // report 1: 400 ms late
    consume_and_wake("3");
    REQUIRE(cis.wait_for_requests(2));
    auto const got = cis.requests();
    CHECK(reading_of(got[0]) == "3.0000");
    CHECK(reading_of(got[1]) == "0.0000");
    CHECK(journal_shows("fault 1: delay: sent 400 ms late"));
}

TEST_CASE_FIXTURE(faults_serve, "a bad_signature fault spoils one attempt's AccessToken, the retry is signed well") {
    open_thirdparty_meter();
    REQUIRE(post_fault(R"({"target":"cis","kind":"bad_signature"})").status == 201);
    cis.enqueue({401, R"({"ResultCode":-202,"Message":"bad token"})"});  // a CIS that verifies
    REQUIRE(wake().status == 200);
    REQUIRE(cis.wait_for_requests(1));
    CHECK_FALSE(signed_well(cis.requests()[0]));
    CHECK(journal_shows("fault 1: bad_signature: AccessToken spoiled"));
    REQUIRE(journal_shows("retry 1 in 1000 ms"));  // the refusal is settled: the retry is due in 1 s
    REQUIRE(advance(1).status == 200);
    REQUIRE(cis.wait_for_requests(2));
    auto const got = cis.requests();
    CHECK(signed_well(got[1]));
    CHECK(got[1].body == got[0].body);
}

TEST_CASE_FIXTURE(faults_serve, "a truncated fault sends half the body once, the retry sends it whole") {
    open_thirdparty_meter();
    REQUIRE(post_fault(R"({"target":"cis","kind":"truncated"})").status == 201);
    cis.enqueue({400, R"({"ResultCode":-200,"Message":"bad JSON"})"});
    REQUIRE(wake().status == 200);
    REQUIRE(journal_shows("retry 1 in 1000 ms"));
    REQUIRE(advance(1).status == 200);
    REQUIRE(cis.wait_for_requests(2));
    auto const got = cis.requests();
    CHECK(got[0].body.size() == got[1].body.size() / 2);
    CHECK(got[1].body.starts_with(got[0].body));
    CHECK(got[1].body.back() == '}');
    CHECK(journal_shows("fault 1: truncated: body cut to"));
}

TEST_CASE_FIXTURE(faults_serve, "faults are listed, removed one by one or all at once") {
    REQUIRE(post_fault(R"({"target":"cis","kind":"slow","delay_ms":10,"count":3})").status == 201);
    REQUIRE(post_fault(R"({"target":"xianfeng","kind":"drop","path":"/a","for_ms":60000})").status == 201);
    REQUIRE(post_fault(R"({"target":"xintian","kind":"error","status":502})").status == 201);
    auto list = admin("GET", "/admin/faults");
    CHECK(list.status == 200);
    CHECK(list.body.find(R"("id":1,"target":"cis","kind":"slow","path":null,"delay_ms":10,"count":3)") !=
          std::string::npos);
    CHECK(list.body.find(R"("id":2,"target":"xianfeng","kind":"drop","path":"/a","count":null,"for_ms":60000)") !=
          std::string::npos);
    CHECK(admin("DELETE", "/admin/faults/2").body == R"({"removed":1,"id":2})");
    CHECK(admin("DELETE", "/admin/faults/2").status == 404);
    CHECK(admin("DELETE", "/admin/faults/x").status == 400);
    CHECK(admin("DELETE", "/admin/faults").body == R"({"removed":2})");
    CHECK(admin("GET", "/admin/faults").body == R"({"faults":[]})");
}

TEST_CASE_FIXTURE(faults_serve, "bad fault requests answer 400 naming the field and change nothing") {
    struct bad {
        char const* body;
        char const* field;
    };
    for (auto const& b : {bad{"{not json", "body"},
                          bad{"[]", "body"},
                          bad{R"({"kind":"error"})", "target"},
                          bad{R"({"target":"cis"})", "kind"},
                          bad{R"({"target":"nowhere","kind":"error"})", "target"},
                          bad{R"({"target":"cis","kind":"explode"})", "kind"},
                          bad{R"({"target":"cis","kind":"error"})", "kind"},
                          bad{R"({"target":"xintian","kind":"unreachable"})", "kind"},
                          bad{R"({"target":"cis","kind":"unreachable","path":"/x"})", "path"},
                          bad{R"({"target":"xintian","kind":"error","status":600})", "status"},
                          bad{R"({"target":"xintian","kind":"error","status":"503"})", "status"},
                          bad{R"({"target":"xintian","kind":"drop","status":503})", "status"},
                          bad{R"({"target":"xintian","kind":"drop","body":"x"})", "body"},
                          bad{R"({"target":"xintian","kind":"slow"})", "delay_ms"},
                          bad{R"({"target":"xintian","kind":"slow","delay_ms":0})", "delay_ms"},
                          bad{R"({"target":"cis","kind":"delay"})", "delay_ms"},
                          bad{R"({"target":"cis","kind":"reorder","delay_ms":5})", "delay_ms"},
                          bad{R"({"target":"xintian","kind":"duplicate"})", "kind"},
                          bad{R"({"target":"cis","kind":"slow","delay_ms":1.5})", "delay_ms"},
                          bad{R"({"target":"xintian","kind":"error","for_ms":0})", "for_ms"},
                          bad{R"({"target":"xintian","kind":"error","count":0})", "count"},
                          bad{R"({"target":"xintian","kind":"error","count":-1})", "count"},
                          bad{R"({"target":"xintian","kind":"error","for":"2h"})", "for"}}) {
        CAPTURE(b.body);
        auto a = post_fault(b.body);
        CHECK(a.status == 400);
        CHECK(a.body.find(std::string(R"("field":")") + b.field + "\"") != std::string::npos);
    }
    CHECK(admin("GET", "/admin/faults").body == R"({"faults":[]})");
}

}  // TEST_SUITE

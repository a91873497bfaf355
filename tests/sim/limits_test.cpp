// The bounds of the HTTP server and the push client against clients that misbehave (issue #18):
// each misbehaving client is cut off by its bound while a well-behaved one is served meanwhile.
// The bounds are config keys (tools/config.hpp http.* and outbox.*); here they are set short.
#include "sim/http/client.hpp"
#include "sim/http/server.hpp"

#include "tests/support/cis_receiver.hpp"
#include "tests/support/client_fixture.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/held_thread.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;
namespace http = metersim::sim::http;

namespace {

using steady = std::chrono::steady_clock;
using test::eventually;

struct limits_fixture {
    test::loopback loop;
    std::unique_ptr<http::server> srv;

    ~limits_fixture() {
        loop.call([&] { srv.reset(); });
        loop.stop();
    }

    void start(http::server_options o) {
        http::router r;
        r.get("/ok", [](http::request const&) {
            http::response res;
            res.body = R"({"ok":true})";
            return res;
        });
        r.post("/ok", [](http::request const& req) {
            http::response res;
            res.body = R"({"bytes":)" + std::to_string(req.body.size()) + "}";
            return res;
        });
        loop.call([&] { srv = std::make_unique<http::server>(loop.io(), std::move(r), std::move(o)); });
    }
    std::uint16_t port() { return loop.call([&] { return srv->port(); }); }
    http::server_stats stats() { return loop.call([&] { return srv->stats(); }); }

    /// A well-behaved client: a fresh connection, one request, its answer.
    bool served() { return test::http_request("GET", "127.0.0.1", port(), "/ok").status == 200; }
};

/// How many idle connections this process can hold open (two descriptors each: the test's end
/// and the server's), leaving room for the rest of the test; at most `wanted`.
std::size_t idle_connections_that_fit(std::size_t wanted) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 100;
    auto const fds = static_cast<std::size_t>(lim.rlim_cur);
    return fds > 512 ? std::min(wanted, (fds - 256) / 2) : 100;
}

}  // namespace

TEST_SUITE("sim/http/limits") {

TEST_CASE_FIXTURE(limits_fixture, "a client stalled in its headers is cut off at the header timeout while others are served") {
    http::server_options o;
    o.header_timeout = 1500ms;
    o.idle_timeout = 30s;
    start(o);
    test::http_connection stalled("127.0.0.1", port());
    test::http_connection paused("127.0.0.1", port());  // stalls too, then finishes in time
    auto const began = steady::now();
    stalled.write_raw("GET /ok HTTP/1.1\r\nHost: x\r\nX-Half: written");
    paused.write_raw("GET /ok HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 5; ++i) CHECK(served());
    paused.write_raw("\r\n");  // the server waited for it while serving the others
    CHECK(paused.read_answer().status == 200);
    CHECK(stalled.closed_by_peer(10s));
    CHECK(steady::now() - began >= 1400ms);
    CHECK(eventually([&] { return stats().open_connections == 1; }));  // `paused`, kept alive
}

TEST_CASE_FIXTURE(limits_fixture, "an endless body is cut off at the body timeout while others are served") {
    http::server_options o;
    o.body_timeout = 1500ms;
    o.body_limit = 1024 * 1024;  // the trickle stays far below it: only the timeout can end it
    start(o);
    std::atomic<bool> done{false};
    std::optional<std::chrono::milliseconds> cut_after;
    test::held_thread endless;
    auto const p = port();
    endless.start([&] {
        test::http_connection c("127.0.0.1", p);
        c.write_raw("POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        std::string chunks;
        for (int i = 0; i < 1000; ++i) chunks += "1\r\nx\r\n";
        cut_after = c.trickle(chunks, 10ms, 10s);
        done = true;
        endless.hold();
    });
    for (int i = 0; i < 5 && !done; ++i) CHECK(served());
    REQUIRE(eventually([&] { return done.load(); }, 15s));
    REQUIRE(cut_after.has_value());
    CHECK(*cut_after >= 1400ms);
    CHECK(*cut_after < 8s);
    CHECK(served());
}

TEST_CASE_FIXTURE(limits_fixture, "a body past the limit sent without end is refused 413 and the connection closed") {
    http::server_options o;
    o.body_limit = 64 * 1024;
    start(o);
    test::http_connection c("127.0.0.1", port());
    c.write_raw("POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunk = "4000\r\n" + std::string(0x4000, 'b') + "\r\n";
    for (int i = 0; i < 5; ++i) c.write_raw(chunk);  // 80 KiB of a body that never ends
    CHECK(c.read_answer().status == 413);
    CHECK(c.closed_by_peer(5s));
    CHECK(served());
}

TEST_CASE_FIXTURE(limits_fixture, "thousands of idle connections: others are still served, and the idle ones close at the idle timeout") {
    auto const n = idle_connections_that_fit(2000);
    http::server_options o;
    o.idle_timeout = 2s;
    o.max_connections = n + 16;
    start(o);
    std::vector<std::unique_ptr<test::http_connection>> idle;
    idle.reserve(n);
    for (std::size_t i = 0; i < n; ++i) idle.push_back(std::make_unique<test::http_connection>("127.0.0.1", port()));
    REQUIRE(eventually([&] { return stats().open_connections == n; }, 20s));
    for (int i = 0; i < 5; ++i) CHECK(served());
    CHECK(stats().refused == 0);
    CHECK(eventually([&] { return stats().open_connections == 0; }, 20s));
    CHECK(idle.front()->closed_by_peer(1s));
    CHECK(idle.back()->closed_by_peer(1s));
    CHECK(stats().accepted >= n + 5);
}

TEST_CASE_FIXTURE(limits_fixture, "past the connection cap new connections are closed at once while the open ones are served") {
    http::server_options o;
    o.max_connections = 50;
    start(o);
    std::vector<std::unique_ptr<test::http_connection>> held;
    for (int i = 0; i < 50; ++i) held.push_back(std::make_unique<test::http_connection>("127.0.0.1", port()));
    REQUIRE(eventually([&] { return stats().open_connections == 50; }));
    test::http_connection extra("127.0.0.1", port());
    CHECK(extra.closed_by_peer(5s));
    CHECK(stats().refused >= 1);
    CHECK(held.back()->request("GET", "/ok").status == 200);  // the open ones go on
}

TEST_CASE("a CIS that never answers fails its push at the request timeout while another CIS is served") {
    test::cis_receiver silent;
    silent.enqueue({200, "{}", "application/json", 5s, false});
    test::client_fixture f;
    http::client_options o;
    o.request_timeout = 1s;
    f.reconfigure(o);

    auto pending = std::make_shared<std::promise<http::client_reply>>();
    auto silent_reply = pending->get_future();
    auto const began = steady::now();
    f.loop.call([&] {
        http::client_request req;
        req.url = silent.url("/never");
        req.body = "{}";
        f.client->send(std::move(req), [pending](http::client_reply r) { pending->set_value(std::move(r)); });
    });
    auto const other = f.post("/served", "{}");  // f.rx answers at once
    CHECK(other.ok());
    CHECK(other.status == 200);
    CHECK(silent_reply.wait_for(0ms) == std::future_status::timeout);  // still waiting on the silent one

    REQUIRE(silent_reply.wait_for(10s) == std::future_status::ready);
    auto r = silent_reply.get();
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("timed out after 1000 ms") != std::string::npos);
    CHECK(steady::now() - began >= 900ms);
}

TEST_CASE("an answer body past the client's limit fails the push instead of filling memory") {
    test::client_fixture f;
    http::client_options o;
    o.body_limit = 4096;
    f.reconfigure(o);
    f.rx.enqueue({200, std::string(64 * 1024, 'z'), "application/json", 0ms, false});
    auto r = f.post("/huge", "{}");
    CHECK_FALSE(r.ok());
    CHECK(r.status == 0);
    CHECK_FALSE(r.error.empty());
    CHECK(f.post("/next", "{}").ok());  // and the next push goes through
}

}  // TEST_SUITE

#include "sim/http/client.hpp"

#include "tests/support/cis_receiver.hpp"
#include "tests/support/loopback.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <doctest/doctest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;
namespace http = metersim::sim::http;

namespace {

struct client_fixture {
    test::cis_receiver rx;
    test::loopback loop;
    std::unique_ptr<http::client> client;

    explicit client_fixture(http::client_options options = {}) {
        loop.call([&] { client = std::make_unique<http::client>(loop.io(), options); });
    }
    ~client_fixture() {
        loop.call([&] { client.reset(); });
        loop.stop();
    }

    void reconfigure(http::client_options options) {
        loop.call([&] { client = std::make_unique<http::client>(loop.io(), options); });
    }

    /// Sends on the loop thread and waits for the completion.
    http::client_reply send(http::client_request req) {
        auto done = std::make_shared<std::promise<http::client_reply>>();
        auto reply = done->get_future();
        loop.call([&] { client->send(std::move(req), [done](http::client_reply r) { done->set_value(std::move(r)); }); });
        REQUIRE(reply.wait_for(10s) == std::future_status::ready);
        return reply.get();
    }

    http::client_reply post(std::string path, std::string body) {
        http::client_request req;
        req.url = rx.url(path);
        req.body = std::move(body);
        return send(std::move(req));
    }

    http::client_stats stats() { return loop.call([&] { return client->stats(); }); }
};

/// A port nothing listens on: bind one, then close it.
std::uint16_t closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

}  // namespace

TEST_SUITE("sim/http/client") {

TEST_CASE("URLs parse into host, port and target") {
    auto u = http::parse_url("http://127.0.0.1:8080/cis/report?x=1");
    REQUIRE(u.has_value());
    CHECK(u->host == "127.0.0.1");
    CHECK(u->port == 8080);
    CHECK(u->target == "/cis/report?x=1");

    auto d = http::parse_url("HTTP://cis.example");
    REQUIRE(d.has_value());
    CHECK(d->port == 80);
    CHECK(d->target == "/");

    auto v6 = http::parse_url("http://[::1]:81/a");
    REQUIRE(v6.has_value());
    CHECK(v6->host == "::1");
    CHECK(v6->port == 81);
}

TEST_CASE("bad URLs are refused with a reason") {
    CHECK(http::parse_url("https://cis/x").error() == "https is not supported yet");
    CHECK(http::parse_url("cis/x").error().find("missing scheme") == 0);
    CHECK(http::parse_url("http://:80/x").error() == "missing host");
    CHECK(http::parse_url("http://h:0/").error().find("bad port") == 0);
    CHECK(http::parse_url("http://h:99999/").error().find("bad port") == 0);
    CHECK(http::parse_url("http://h:8x/").error().find("bad port") == 0);
    CHECK(http::parse_url("ftp://h/").error().find("unsupported scheme") == 0);
}

TEST_CASE_FIXTURE(client_fixture, "a push arrives with its method, path, headers and body, and the answer comes back") {
    rx.answer_always({200, R"({"code":0})"});
    http::client_request req;
    req.url = rx.url("/cis/report");
    req.headers = {{"API_TOKEN", "abc"}};
    req.body = R"({"serial":"S1"})";
    auto r = send(req);
    REQUIRE(r.ok());
    CHECK(r.status == 200);
    CHECK(r.body == R"({"code":0})");
    CHECK(r.latency.count() > 0);
    auto seen = rx.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/cis/report");
    CHECK(seen[0].header("API_TOKEN") == "abc");
    CHECK(seen[0].header("Content-Type") == "application/json; charset=utf-8");
    CHECK(seen[0].body == R"({"serial":"S1"})");
}

TEST_CASE_FIXTURE(client_fixture, "requests in turn reuse one pooled connection") {
    CHECK_FALSE(post("/a", "1").reused_connection);
    CHECK(post("/a", "2").reused_connection);
    CHECK(post("/a", "3").reused_connection);
    CHECK(rx.connection_count() == 1);
    auto s = stats();
    CHECK(s.connections_opened == 1);
    CHECK(s.reuses == 2);
    CHECK(s.idle_connections == 1);
}

TEST_CASE_FIXTURE(client_fixture, "an error status is an answer, not a transport error") {
    rx.enqueue({503, R"({"message":"busy"})"});
    auto r = post("/a", "{}");
    CHECK(r.ok());
    CHECK(r.status == 503);
}

TEST_CASE_FIXTURE(client_fixture, "a request without an answer in time fails with a timeout") {
    http::client_options o;
    o.request_timeout = 200ms;
    reconfigure(o);
    rx.enqueue({200, "{}", "application/json", 3s, false});
    auto r = post("/slow", "{}");
    CHECK_FALSE(r.ok());
    CHECK(r.status == 0);
    CHECK(r.error.find("timed out after 200 ms") != std::string::npos);
    // The timed-out connection is not pooled: the next request opens a new one and succeeds.
    auto next = post("/a", "{}");
    CHECK(next.ok());
    CHECK_FALSE(next.reused_connection);
}

TEST_CASE_FIXTURE(client_fixture, "a refused connection is reported as an error") {
    http::client_request req;
    req.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
    auto r = send(req);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("connect 127.0.0.1:") == 0);
    CHECK(r.error.find("refused") != std::string::npos);
}

TEST_CASE_FIXTURE(client_fixture, "an https URL is refused with a clear error") {
    http::client_request req;
    req.url = "https://127.0.0.1/x";
    auto r = send(req);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("https is not supported yet") != std::string::npos);
}

TEST_CASE_FIXTURE(client_fixture, "a pooled connection the server closed is retried once on a fresh one") {
    rx.enqueue({200, "first", "text/plain", 0ms, true});  // answer, then close without saying so
    CHECK(post("/a", "1").body == "first");
    auto r = post("/a", "2");
    REQUIRE(r.ok());
    CHECK(r.status == 200);
    CHECK_FALSE(r.reused_connection);
    CHECK(rx.request_count() == 2);  // the second request reached the CIS exactly once
    CHECK(rx.connection_count() == 2);
    CHECK(stats().retries == 1);
}

TEST_CASE_FIXTURE(client_fixture, "a CIS that goes down and comes back is reached again") {
    CHECK(post("/a", "1").ok());
    rx.down();
    CHECK_FALSE(post("/a", "2").ok());
    rx.up();
    CHECK(post("/a", "3").ok());
    CHECK(rx.request_count() == 2);
}

TEST_CASE_FIXTURE(client_fixture, "requests past the per-host limit wait their turn") {
    http::client_options o;
    o.max_connections_per_host = 1;
    reconfigure(o);
    auto remaining = std::make_shared<std::promise<void>>();
    auto all_done = remaining->get_future();
    std::vector<http::client_reply> replies;
    loop.call([&] {
        for (int i = 0; i < 3; ++i) {
            http::client_request req;
            req.url = rx.url("/q");
            req.body = std::to_string(i);
            client->send(std::move(req), [&, remaining](http::client_reply r) {
                replies.push_back(std::move(r));
                if (replies.size() == 3) remaining->set_value();
            });
        }
        CHECK(client->stats().queued == 2);
    });
    REQUIRE(all_done.wait_for(10s) == std::future_status::ready);
    for (auto const& r : replies) CHECK(r.ok());
    CHECK(rx.connection_count() == 1);
    auto seen = rx.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].body == "0");
    CHECK(seen[2].body == "2");
}

}  // TEST_SUITE

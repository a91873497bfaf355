#include "sim/http/server.hpp"

#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;
namespace http = metersim::sim::http;

namespace {

/// A server whose fault hook answers what `next` says for paths under /fault, counting the
/// requests its router saw.
struct fault_server {
    test::loopback loop;
    std::unique_ptr<http::server> srv;
    std::mutex mutex;
    http::request_fault next;      ///< guarded by mutex
    std::vector<std::string> routed;    ///< guarded by mutex
    std::vector<std::string> journaled;  ///< guarded by mutex
    std::vector<std::string> errors;     ///< guarded by mutex

    explicit fault_server(bool hook_throws = false) {
        http::router r;
        r.add("POST", "/fault", [this](http::request const& q) {
            std::lock_guard lock(mutex);
            routed.emplace_back(q.body);
            http::response res;
            res.body = R"({"routed":true})";
            return res;
        });
        r.add("GET", "/plain", [](http::request const&) {
            http::response res;
            res.body = "plain";
            return res;
        });
        http::server_options o;
        o.on_fault = [this, hook_throws](http::request const& q) -> http::request_fault {
            if (q.path != "/fault") return {};
            if (hook_throws) throw std::runtime_error("hook broke");
            std::lock_guard lock(mutex);
            return next;
        };
        o.on_journal = [this](http::request const& q, http::response const& res, std::chrono::microseconds) {
            std::lock_guard lock(mutex);
            journaled.push_back(std::string(q.path) + " -> " + std::to_string(res.status));
        };
        o.on_error = [this](std::string_view what) {
            std::lock_guard lock(mutex);
            errors.emplace_back(what);
        };
        loop.call([&] { srv = std::make_unique<http::server>(loop.io(), std::move(r), std::move(o)); });
    }
    ~fault_server() {
        loop.call([&] { srv.reset(); });
        loop.stop();
    }

    void set(http::request_fault f) {
        std::lock_guard lock(mutex);
        next = std::move(f);
    }
    std::uint16_t port() { return loop.call([&] { return srv->port(); }); }
    std::size_t routed_count() {
        std::lock_guard lock(mutex);
        return routed.size();
    }
};

http::request_fault answer_with(unsigned status, std::string body) {
    http::request_fault f;
    f.what = http::request_fault::action::answer;
    f.answer.status = status;
    f.answer.body = std::move(body);
    return f;
}

}  // namespace

TEST_SUITE("sim/http/server faults") {

TEST_CASE_FIXTURE(fault_server, "without a fault the request is routed as usual") {
    auto a = test::http_request("POST", "127.0.0.1", port(), "/fault", {}, "b1");
    CHECK(a.status == 200);
    CHECK(a.body == R"({"routed":true})");
    CHECK(routed_count() == 1);
}

TEST_CASE_FIXTURE(fault_server, "an answer fault replaces the handler's answer and keeps the connection") {
    set(answer_with(503, R"({"message":"fault"})"));
    test::http_connection c("127.0.0.1", port());
    auto a = c.request("POST", "/fault", {}, "b1");
    CHECK(a.status == 503);
    CHECK(a.body == R"({"message":"fault"})");
    CHECK(a.keep_alive);
    CHECK(routed_count() == 0);
    // The same connection goes on serving.
    CHECK(c.request("GET", "/plain").body == "plain");
    std::lock_guard lock(mutex);
    REQUIRE(journaled.size() == 2);
    CHECK(journaled[0] == "/fault -> 503");
}

TEST_CASE_FIXTURE(fault_server, "a drop fault closes the connection without an answer") {
    http::request_fault f;
    f.what = http::request_fault::action::drop;
    set(f);
    test::http_connection c("127.0.0.1", port());
    c.write_raw("POST /fault HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nb1");
    CHECK(c.closed_by_peer(2s));
    CHECK(routed_count() == 0);
    CHECK_THROWS(test::http_request("POST", "127.0.0.1", port(), "/fault", {}, "b2", 2s));
    // Other paths are untouched, and the server carries on.
    CHECK(test::http_request("GET", "127.0.0.1", port(), "/plain").body == "plain");
    std::lock_guard lock(mutex);
    CHECK(journaled.size() == 1);
}

TEST_CASE_FIXTURE(fault_server, "a delay fault routes the request and answers later without blocking others") {
    http::request_fault f;
    f.what = http::request_fault::action::delay;
    f.delay = 400ms;
    set(f);
    test::http_connection slow("127.0.0.1", port());
    auto const start = std::chrono::steady_clock::now();
    slow.write_raw("POST /fault HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nb1");
    CHECK(test::http_request("GET", "127.0.0.1", port(), "/plain").body == "plain");
    auto a = slow.read_answer();
    CHECK(std::chrono::steady_clock::now() - start >= 400ms);
    CHECK(a.status == 200);
    CHECK(routed_count() == 1);
}

TEST_CASE("a fault hook that throws is reported and the request is routed") {
    fault_server s{true};
    auto a = test::http_request("POST", "127.0.0.1", s.port(), "/fault", {}, "b1");
    CHECK(a.status == 200);
    CHECK(s.routed_count() == 1);
    std::lock_guard lock(s.mutex);
    REQUIRE(s.errors.size() == 1);
    CHECK(s.errors[0].find("hook broke") != std::string::npos);
}

}  // TEST_SUITE

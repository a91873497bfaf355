// Deferred answers (routes.hpp request::async, deferred_answer): a handler answers after it has
// returned, the connection waits, the loop serves others meanwhile (issue 3: the chunked
// POST /admin/clock/advance).
#include "sim/http/server.hpp"

#include "tests/support/http_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/loopback.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;
namespace http = metersim::sim::http;

namespace {

http::response text(std::string body, unsigned status = 200) {
    http::response res;
    res.status = status;
    res.content_type = "text/plain";
    res.body = std::move(body);
    return res;
}

/// A server whose GET /later defers its answer into `later` (touched on the loop only).
struct deferred_fixture {
    test::loopback loop;
    std::unique_ptr<http::server> srv;
    std::shared_ptr<http::deferred_answer> later;
    std::vector<std::string> journaled;  // on the loop
    std::mutex mutex;
    std::vector<std::string> errors;

    explicit deferred_fixture(http::router r = routes()) {
        http::server_options o;
        o.on_journal = [this](http::request const& q, http::response const& res, std::chrono::microseconds) {
            journaled.push_back(std::string(q.path) + " -> " + std::to_string(res.status) + " " + res.body);
        };
        o.on_error = [this](std::string_view what) {
            std::lock_guard lock(mutex);
            errors.emplace_back(what);
        };
        r.get("/later", [this](http::request const& q) {
            REQUIRE(q.async != nullptr);
            later = q.async->defer();
            return text("ignored: the deferred answer counts");
        });
        loop.call([&] { srv = std::make_unique<http::server>(loop.io(), std::move(r), std::move(o)); });
    }
    ~deferred_fixture() {
        loop.call([&] {
            srv.reset();
            later.reset();
        });
        loop.stop();
    }

    static http::router routes() {
        http::router r;
        r.get("/now", [](http::request const&) { return text("now"); });
        return r;
    }
    std::uint16_t port() { return loop.call([&] { return srv->port(); }); }
    bool deferred() {
        return loop.call([&] { return later != nullptr; });
    }
    /// Waits until the handler of GET /later has run (the request was read and routed).
    void wait_deferred() {
        test::eventually([this] { return deferred(); });
        REQUIRE(deferred());
    }
};

}  // namespace

TEST_SUITE("sim/http/server deferred") {

TEST_CASE_FIXTURE(deferred_fixture, "a deferred answer is written when given, and other requests are served meanwhile") {
    test::http_connection slow("127.0.0.1", port());
    slow.write_raw("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
    wait_deferred();
    // The loop is free: another connection is answered while /later waits.
    CHECK(test::http_request("GET", "127.0.0.1", port(), "/now").body == "now");
    CHECK(loop.call([&] { return later->wanted(); }));
    loop.call([&] {
        later->answer(text("done", 202));
        later->answer(text("a second answer is ignored", 500));
    });
    auto a = slow.read_answer();
    CHECK(a.status == 202);
    CHECK(a.body == "done");
    // The connection is kept alive and serves its next request as usual.
    CHECK(slow.request("GET", "/now").body == "now");
    auto seen = loop.call([&] { return journaled; });
    CHECK(seen == std::vector<std::string>{"/now -> 200 now", "/later -> 202 done", "/now -> 200 now"});
}

TEST_CASE_FIXTURE(deferred_fixture, "work posted through a deferred answer runs on later turns of the loop, then answers") {
    http::router r;
    auto steps = std::make_shared<int>(0);
    // Counts to 5, one step per turn of the loop, answering with the count.
    std::function<void(std::shared_ptr<http::deferred_answer>)> step = [steps, &step](auto reply) {
        if (++*steps == 5) {
            reply->answer(text("steps=" + std::to_string(*steps)));
            return;
        }
        reply->post([reply, &step] { step(reply); });
    };
    loop.call([&] {
        srv.reset();
        r.get("/count", [&step](http::request const& q) {
            auto reply = q.async->defer();
            step(reply);
            return http::response{};
        });
        srv = std::make_unique<http::server>(loop.io(), std::move(r));
    });
    CHECK(test::http_request("GET", "127.0.0.1", port(), "/count").body == "steps=5");
}

TEST_CASE_FIXTURE(deferred_fixture, "an answer given during the handler is written at once") {
    http::router r;
    loop.call([&] {
        srv.reset();
        r.get("/soon", [](http::request const& q) {
            q.async->defer()->answer(text("given in the handler"));
            return text("ignored");
        });
        srv = std::make_unique<http::server>(loop.io(), std::move(r));
    });
    CHECK(test::http_request("GET", "127.0.0.1", port(), "/soon").body == "given in the handler");
}

TEST_CASE_FIXTURE(deferred_fixture, "a handler that throws after deferring answers 500 at once and its deferral is dropped") {
    http::router r;
    std::shared_ptr<http::deferred_answer> kept;
    loop.call([&] {
        srv.reset();
        r.get("/throws", [&kept](http::request const& q) -> http::response {
            kept = q.async->defer();
            throw std::runtime_error("boom");
        });
        srv = std::make_unique<http::server>(loop.io(), std::move(r));
    });
    auto a = test::http_request("GET", "127.0.0.1", port(), "/throws");
    CHECK(a.status == 500);
    CHECK_FALSE(loop.call([&] { return kept->wanted(); }));
    loop.call([&] {
        kept->answer(text("too late"));  // dropped, harmless
        kept.reset();
    });
}

TEST_CASE_FIXTURE(deferred_fixture, "stopping the server abandons a deferred answer: nobody wants it any more") {
    test::http_connection slow("127.0.0.1", port());
    slow.write_raw("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
    wait_deferred();
    loop.call([&] { srv->stop(); });
    CHECK(slow.closed_by_peer(2s));
    CHECK_FALSE(loop.call([&] { return later->wanted(); }));
    loop.call([&] { later->answer(text("nobody reads this")); });
}

TEST_CASE("the router called in process gives handlers no deferrer: they answer at once") {
    http::router r;
    bool had_async = true;
    r.get("/x", [&had_async](http::request const& q) {
        had_async = q.async != nullptr;
        return text("sync");
    });
    http::request q;
    q.method = "GET";
    q.target = "/x";
    q.path = "/x";
    CHECK(r.dispatch(q).body == "sync");
    CHECK_FALSE(had_async);
}

}  // TEST_SUITE

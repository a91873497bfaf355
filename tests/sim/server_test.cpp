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

/// Echoes what the router and the request parsing made of a request, as "key=value;" pairs.
http::response echo(http::request const& req) {
    http::response res;
    res.content_type = "text/plain";
    res.body = "method=" + std::string(req.method) + ";path=" + std::string(req.path) + ";";
    for (auto const& p : req.path_params) res.body += "param:" + p.name + "=" + p.value + ";";
    for (auto const& p : req.query_params) res.body += "query:" + p.name + "=" + p.value + ";";
    res.body += "body=" + std::string(req.body) + ";";
    return res;
}

struct server_fixture {
    test::loopback loop;
    std::unique_ptr<http::server> srv;
    std::mutex mutex;
    std::vector<std::string> errors;
    std::vector<std::string> journaled;

    ~server_fixture() { loop.stop(); }

    void start(http::router routes, http::server_options options = {}) {
        options.on_error = [this](std::string_view what) {
            std::lock_guard lock(mutex);
            errors.emplace_back(what);
        };
        if (!options.on_journal) {
            options.on_journal = [this](http::request const& req, http::response const& res, std::chrono::microseconds) {
                std::lock_guard lock(mutex);
                journaled.push_back(std::string(req.method) + " " + std::string(req.target) + " -> " +
                                    std::to_string(res.status));
            };
        }
        loop.call([&] { srv = std::make_unique<http::server>(loop.io(), std::move(routes), std::move(options)); });
    }

    std::uint16_t port() { return loop.call([&] { return srv->port(); }); }
    http::server_stats stats() { return loop.call([&] { return srv->stats(); }); }

    test::http_answer get(std::string_view target) { return test::http_request("GET", "127.0.0.1", port(), target); }
};

http::router echo_routes() {
    http::router r;
    r.get("/meters", echo);
    r.get("/meters/{meterNo}", echo);
    r.post("/meters/{meterNo}/events/{kind}", echo);
    r.get("/", echo);
    return r;
}

}  // namespace

TEST_SUITE("sim/http/routes") {

TEST_CASE("percent-decoding handles escapes, plus signs and malformed input") {
    std::string out;
    CHECK(http::percent_decode("a%20b%2Fc", out, false));
    CHECK(out == "a b/c");
    CHECK(http::percent_decode("a+b", out, true));
    CHECK(out == "a b");
    CHECK(http::percent_decode("a+b", out, false));
    CHECK(out == "a+b");
    CHECK_FALSE(http::percent_decode("%zz", out, false));
    CHECK_FALSE(http::percent_decode("abc%4", out, false));
    CHECK_FALSE(http::percent_decode("%", out, false));
}

TEST_CASE("a query string parses into decoded pairs in order") {
    std::vector<http::param> params;
    REQUIRE(http::parse_query("a=1&b=x%20y&flag&&c=&d=p+q", params));
    REQUIRE(params.size() == 5);
    CHECK(params[0].name == "a");
    CHECK(params[0].value == "1");
    CHECK(params[1].value == "x y");
    CHECK(params[2].name == "flag");
    CHECK(params[2].value.empty());
    CHECK(params[3].name == "c");
    CHECK(params[4].value == "p q");
    CHECK_FALSE(http::parse_query("a=%G1", params));
}

TEST_CASE("a query parsed into a vector already used keeps none of the earlier pairs") {
    std::vector<http::param> params;
    REQUIRE(http::parse_query("deviceId=0123456789abcdef0123456789abcdef&msgType=0&x=1", params));
    REQUIRE(params.size() == 3);
    REQUIRE(http::parse_query("commandId=c&flag", params));  // fewer and shorter: reused in place
    REQUIRE(params.size() == 2);
    CHECK(params[0].name == "commandId");
    CHECK(params[0].value == "c");
    CHECK(params[1].name == "flag");
    CHECK(params[1].value.empty());
    REQUIRE(http::parse_query("", params));
    CHECK(params.empty());
}

TEST_CASE("path parameters of one dispatch do not leak into the next") {
    http::router r;
    r.get("/a/{id}/{sub}", [](http::request const& q) {
        return http::response{200, "", std::string(*q.path_param("id")) + "," + std::string(*q.path_param("sub")),
                              {}, {}, false};
    });
    r.get("/b/{only}", [](http::request const& q) {
        return http::response{200, "", std::to_string(q.path_params.size()) + ":" + std::string(*q.path_param("only")),
                              {}, {}, false};
    });
    http::request q;  // one request value reused, as a connection does
    q.method = "GET";
    q.path = "/a/long-first-value/2";
    CHECK(r.dispatch(q).body == "long-first-value,2");
    q.path = "/b/x";
    CHECK(r.dispatch(q).body == "1:x");
    q.path = "/nowhere";
    CHECK(r.dispatch(q).status == 404);
    CHECK(q.path_params.empty());
}

TEST_CASE("the router matches literal and parameter segments exactly") {
    http::router r;
    r.get("/", [](auto const&) { return http::response{200, "", "root", {}, {}, false}; });
    r.get("/a/{id}", [](http::request const& q) {
        return http::response{200, "", "a:" + std::string(*q.path_param("id")), {}, {}, false};
    });
    r.get("/a/{id}/b", [](auto const&) { return http::response{200, "", "ab", {}, {}, false}; });
    auto run = [&](std::string_view method, std::string_view path) {
        http::request q;
        q.method = method;
        q.path = path;
        return r.dispatch(q);
    };
    CHECK(run("GET", "/").body == "root");
    CHECK(run("GET", "/a/7").body == "a:7");
    CHECK(run("GET", "/a/x%2Fy").body == "a:x/y");
    CHECK(run("GET", "/a/7/b").body == "ab");
    CHECK(run("GET", "/a/").status == 404);
    CHECK(run("GET", "/a/7/").status == 404);
    CHECK(run("GET", "/a/7/b/c").status == 404);
    CHECK(run("POST", "/a/7").status == 405);
    CHECK_THROWS_AS(r.get("no-slash", [](auto const&) { return http::response{}; }), std::invalid_argument);
    CHECK_THROWS_AS(r.get("/a/{b", [](auto const&) { return http::response{}; }), std::invalid_argument);
}

TEST_CASE("json_error escapes its message") {
    auto res = http::json_error(400, "bad \"x\"\n");
    CHECK(res.status == 400);
    CHECK(res.body == R"({"message":"bad \"x\"\n"})");
}

}  // TEST_SUITE

TEST_SUITE("sim/http/server") {

TEST_CASE_FIXTURE(server_fixture, "path parameters reach the handler decoded") {
    start(echo_routes());
    auto a = test::http_request("POST", "127.0.0.1", port(), "/meters/0760%2021/events/alarm", {}, "{}");
    CHECK(a.status == 200);
    CHECK(a.body == "method=POST;path=/meters/0760%2021/events/alarm;param:meterNo=0760 21;param:kind=alarm;body={};");
}

TEST_CASE_FIXTURE(server_fixture, "query parameters are percent-decoded with '+' as a space") {
    start(echo_routes());
    auto a = get("/meters?platform=xian+feng&limit=10&name=%E6%B0%94");
    CHECK(a.status == 200);
    CHECK(a.body == "method=GET;path=/meters;query:platform=xian feng;query:limit=10;query:name=\xE6\xB0\x94;body=;");
    CHECK(a.header("Content-Type") == "text/plain");
}

TEST_CASE_FIXTURE(server_fixture, "headers are looked up case-insensitively and the client endpoint is known") {
    http::router r;
    r.get("/h", [](http::request const& q) {
        http::response res;
        res.body = std::string(q.header("x-api-token").value_or("none")) + "|" + std::string(q.remote_address);
        res.headers.emplace_back("X-Reply", "yes");
        res.headers.emplace_back("X-Bad", "a\r\nInjected: 1");
        return res;
    });
    start(std::move(r));
    auto a = test::http_request("GET", "127.0.0.1", port(), "/h", {{"X-API-Token", "t0k"}});
    CHECK(a.body == "t0k|127.0.0.1");
    CHECK(a.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(a.header("X-Reply") == "yes");
    CHECK(a.header("Injected").empty());
}

TEST_CASE_FIXTURE(server_fixture, "several requests share one kept-alive connection") {
    start(echo_routes());
    test::http_connection c("127.0.0.1", port());
    for (int i = 0; i < 3; ++i) {
        auto a = c.request("GET", "/meters/" + std::to_string(i));
        CHECK(a.status == 200);
        CHECK(a.keep_alive);
        CHECK(a.body.find("param:meterNo=" + std::to_string(i)) != std::string::npos);
    }
    auto s = stats();
    CHECK(s.accepted == 1);
    CHECK(s.requests == 3);
    CHECK(s.open_connections == 1);
}

TEST_CASE_FIXTURE(server_fixture, "a kept-alive connection's next request sees only its own headers and body") {
    start(echo_routes());
    test::http_connection c("127.0.0.1", port());
    c.write_raw("POST /meters/1/events/x HTTP/1.1\r\nHost: x\r\nX-First: one\r\nContent-Length: 11\r\n\r\n"
                "first-body!");
    auto first = c.read_answer();
    CHECK(first.status == 200);
    CHECK(first.body.find("body=first-body!;") != std::string::npos);
    c.write_raw("POST /meters/2/events/y HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "3\r\nabc\r\n0\r\n\r\n");
    auto second = c.read_answer();
    CHECK(second.status == 200);
    CHECK(second.body.find("abc") != std::string::npos);
    CHECK(second.body.find("first-body") == std::string::npos);
    CHECK(second.body.find("one") == std::string::npos);
}

TEST_CASE_FIXTURE(server_fixture, "pipelined requests are answered in order") {
    start(echo_routes());
    test::http_connection c("127.0.0.1", port());
    c.write_raw("GET /meters/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /meters/2 HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read_answer().body.find("meterNo=1") != std::string::npos);
    CHECK(c.read_answer().body.find("meterNo=2") != std::string::npos);
}

TEST_CASE_FIXTURE(server_fixture, "an HTTP/1.0 client asking for keep-alive is told it is kept") {
    start(echo_routes());
    test::http_connection c("127.0.0.1", port());
    c.write_raw("GET /meters HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto a = c.read_answer();
    CHECK(a.status == 200);
    CHECK(a.header("Connection") == "keep-alive");
    CHECK(c.request("GET", "/meters").status == 200);
}

TEST_CASE_FIXTURE(server_fixture, "a HEAD request gets the headers without the body") {
    http::router r;
    r.add("HEAD", "/h", [](http::request const&) { return http::response{200, "", "12345", {}, {}, false}; });
    start(std::move(r));
    test::http_connection c("127.0.0.1", port());
    auto head = c.request("HEAD", "/h");
    CHECK(head.status == 200);
    CHECK(head.header("Content-Length") == "5");
    CHECK(head.body.empty());
    // The next answer on the connection parses cleanly: no body bytes followed the head.
    CHECK(c.request("GET", "/h").status == 405);
}

TEST_CASE_FIXTURE(server_fixture, "an unknown path answers 404 with a JSON message") {
    start(echo_routes());
    auto a = get("/nowhere");
    CHECK(a.status == 404);
    CHECK(a.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(a.body == R"({"message":"no route for /nowhere"})");
}

TEST_CASE_FIXTURE(server_fixture, "a known path with another method answers 405 with Allow") {
    start(echo_routes());
    auto a = test::http_request("DELETE", "127.0.0.1", port(), "/meters/1");
    CHECK(a.status == 405);
    CHECK(a.header("Allow") == "GET");
    CHECK(a.body.find("\"message\"") != std::string::npos);
}

TEST_CASE_FIXTURE(server_fixture, "a fallback answers unmatched paths in the vendor's own format") {
    auto r = echo_routes();
    r.set_fallback([](http::request const& q, http::route_miss why) {
        http::response res;
        res.body = std::string(R"({"code":"500001","why":")") +
                   (why == http::route_miss::not_found ? "not_found" : "method") + "\",\"path\":\"" +
                   std::string(q.path) + "\"}";
        return res;
    });
    start(std::move(r));
    CHECK(get("/x").body == R"({"code":"500001","why":"not_found","path":"/x"})");
    CHECK(test::http_request("PUT", "127.0.0.1", port(), "/meters").body ==
          R"({"code":"500001","why":"method","path":"/meters"})");
}

TEST_CASE_FIXTURE(server_fixture, "a body over the limit answers 413 and closes the connection") {
    http::server_options o;
    o.body_limit = 1024;
    start(echo_routes(), o);
    test::http_connection c("127.0.0.1", port());
    auto a = c.request("POST", "/meters/1/events/x", {}, std::string(4096, 'x'));
    CHECK(a.status == 413);
    CHECK(a.body.find("\"message\"") != std::string::npos);
    CHECK_FALSE(a.keep_alive);
    CHECK(c.closed_by_peer(2s));
    // A body at the limit is fine.
    CHECK(test::http_request("POST", "127.0.0.1", port(), "/meters/1/events/x", {}, std::string(1024, 'y')).status ==
          200);
}

TEST_CASE_FIXTURE(server_fixture, "a chunked body over the limit answers 413 too") {
    http::server_options o;
    o.body_limit = 16;
    start(echo_routes(), o);
    test::http_connection c("127.0.0.1", port());
    c.write_raw("POST /meters/1/events/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "20\r\n0123456789abcdef0123456789abcdef\r\n0\r\n\r\n");
    CHECK(c.read_answer().status == 413);
}

TEST_CASE_FIXTURE(server_fixture, "malformed requests answer 400 with a JSON message") {
    start(echo_routes());
    SUBCASE("a garbage request line") {
        test::http_connection c("127.0.0.1", port());
        c.write_raw("NOT HTTP AT ALL\r\n\r\n");
        auto a = c.read_answer();
        CHECK(a.status == 400);
        CHECK(a.body.find("\"message\"") != std::string::npos);
    }
    SUBCASE("a malformed percent-escape in the query") {
        auto a = get("/meters?x=%zz");
        CHECK(a.status == 400);
        CHECK(a.body == R"({"message":"malformed query string: bad percent-escape"})");
    }
}

TEST_CASE_FIXTURE(server_fixture, "a client trickling its headers is cut off at the header timeout") {
    http::server_options o;
    o.header_timeout = 200ms;
    o.idle_timeout = 10s;
    start(echo_routes(), o);
    test::http_connection c("127.0.0.1", port());
    std::string slow = "GET /meters HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    slow += std::string(500, 'a');
    auto closed_after = c.trickle(slow, 20ms, 5s);
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after >= 150ms);
    CHECK(*closed_after < 3s);
}

TEST_CASE_FIXTURE(server_fixture, "an idle kept-alive connection is closed after the idle timeout") {
    http::server_options o;
    o.idle_timeout = 200ms;
    start(echo_routes(), o);
    test::http_connection c("127.0.0.1", port());
    CHECK(c.request("GET", "/meters").status == 200);
    CHECK(c.closed_by_peer(5s));
    CHECK(stats().open_connections == 0);
}

TEST_CASE_FIXTURE(server_fixture, "connections past the cap are closed at once, and a freed slot is reused") {
    http::server_options o;
    o.max_connections = 2;
    start(echo_routes(), o);
    auto c1 = std::make_unique<test::http_connection>("127.0.0.1", port());
    test::http_connection c2("127.0.0.1", port());
    CHECK(c1->request("GET", "/meters").status == 200);
    CHECK(c2.request("GET", "/meters").status == 200);

    test::http_connection c3("127.0.0.1", port());
    CHECK(c3.closed_by_peer(2s));
    CHECK(stats().refused == 1);

    // Ask the server to close c1: it leaves the books before the client sees the close.
    CHECK_FALSE(c1->request("GET", "/meters", {{"Connection", "close"}}).keep_alive);
    CHECK(c1->closed_by_peer(2s));
    c1.reset();
    test::http_connection c4("127.0.0.1", port());
    CHECK(c4.request("GET", "/meters").status == 200);
}

TEST_CASE_FIXTURE(server_fixture, "a handler that throws answers 500 and is reported, the server carries on") {
    http::router r;
    r.get("/boom", [](http::request const&) -> http::response { throw std::runtime_error("kaput"); });
    r.get("/ok", [](http::request const&) { return http::response{}; });
    start(std::move(r));
    test::http_connection c("127.0.0.1", port());
    auto a = c.request("GET", "/boom");
    CHECK(a.status == 500);
    CHECK(a.body == R"({"message":"internal error"})");
    CHECK(c.request("GET", "/ok").status == 200);
    std::lock_guard lock(mutex);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("kaput") != std::string::npos);
    CHECK(errors[0].find("/boom") != std::string::npos);
}

TEST_CASE_FIXTURE(server_fixture, "the journal hook sees every answered request") {
    start(echo_routes());
    get("/meters/5");
    get("/nowhere");
    std::lock_guard lock(mutex);
    CHECK(journaled == std::vector<std::string>{"GET /meters/5 -> 200", "GET /nowhere -> 404"});
}

TEST_CASE_FIXTURE(server_fixture, "an artificial delay postpones the answer without blocking others") {
    http::router r;
    r.get("/slow", [](http::request const&) {
        http::response res;
        res.delay = 500ms;
        res.body = "slow";
        return res;
    });
    r.get("/fast", [](http::request const&) {
        http::response res;
        res.body = "fast";
        return res;
    });
    std::mutex m;
    std::vector<std::pair<std::string, std::chrono::microseconds>> seen;
    http::server_options o;
    o.on_journal = [&](http::request const& q, http::response const&, std::chrono::microseconds latency) {
        std::lock_guard lock(m);
        seen.emplace_back(std::string(q.path), latency);
    };
    start(std::move(r), o);
    test::http_connection slow("127.0.0.1", port());
    slow.write_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(get("/fast").body == "fast");
    CHECK(slow.read_answer().body == "slow");
    std::lock_guard lock(m);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].first == "/fast");
    CHECK(seen[1].first == "/slow");
    CHECK(seen[1].second >= 500ms);
}

TEST_CASE_FIXTURE(server_fixture, "stop closes open connections and refuses new ones") {
    start(echo_routes());
    test::http_connection c("127.0.0.1", port());
    CHECK(c.request("GET", "/meters").status == 200);
    auto p = port();
    loop.call([&] { srv->stop(); });
    CHECK(c.closed_by_peer(2s));
    CHECK_THROWS(test::http_connection("127.0.0.1", p, 1s));
}

}  // TEST_SUITE

// The push client's pipelining (client_io.cpp): requests back to back on one connection,
// answers in order, and what happens to the requests behind an answer when the connection ends.
#include "sim/http/client.hpp"

#include "tests/support/client_fixture.hpp"
#include "tests/support/held_thread.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <array>
#include <cstdio>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;
namespace http = metersim::sim::http;

namespace {

using test::client_fixture;

http::client_options one_connection(std::size_t depth) {
    http::client_options o;
    o.max_connections_per_host = 1;
    o.pipeline_depth = depth;
    return o;
}

std::string fmt_hex(std::size_t v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%zx", v);
    return buf;
}

std::vector<std::string> numbered(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(std::to_string(i));
    return out;
}

std::vector<std::string> bodies_seen(test::cis_receiver const& rx) {
    std::vector<std::string> out;
    for (auto const& r : rx.requests()) out.push_back(r.body);
    return out;
}

/// A server that does not pipeline: it answers one request per read of its socket and drops
/// whatever else that read brought. Requests written back to back arrive in one read, so all
/// but the first go unanswered; requests sent one at a time are all answered. One connection
/// at a time, on its own thread.
struct one_per_read_server {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    std::atomic<int> answered{0};
    std::atomic<int> connections{0};
    std::atomic<bool> stopping{false};
    std::atomic<int> current{-1};  ///< the descriptor of the connection being served
    std::thread thread;

    one_per_read_server() {
        thread = std::thread([this] {
            while (!stopping) {
                boost::asio::ip::tcp::socket s(io);
                boost::system::error_code ec;
                acceptor.accept(s, ec);
                if (ec || stopping) return;
                ++connections;
                current = s.native_handle();
                std::array<char, 65536> buf{};
                for (;;) {
                    auto n = s.read_some(boost::asio::buffer(buf), ec);
                    if (ec || n == 0) break;
                    static constexpr std::string_view ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                    // Counted before the write: once the client holds an answer, it is counted
                    // (counting after let the test read the count before this thread got to it).
                    ++answered;
                    boost::asio::write(s, boost::asio::buffer(ok), ec);
                    if (ec) break;
                }
                current = -1;
            }
        });
    }
    ~one_per_read_server() {
        stopping = true;
        // End the connection being served (the client keeps it pooled), then wake the accept
        // with a connection of our own, then wait for the thread.
        if (int fd = current.exchange(-1); fd >= 0) ::shutdown(fd, SHUT_RDWR);
        boost::system::error_code ignored;
        boost::asio::ip::tcp::socket poke(io);
        poke.connect(acceptor.local_endpoint(), ignored);
        poke.close(ignored);
        thread.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/p"; }
};

/// A server for one connection that waits for `requests` POSTs, then writes `answers` (their
/// answers back to back) in small random pieces with a pause between them, so that the client
/// reads them split at every kind of place. Keeps the connection until destroyed.
struct piecemeal_server {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    std::string answers;
    int requests = 0;
    std::uint64_t seed = 1;
    test::held_thread thread;  ///< last: ends (the test over) before the socket it uses

    void start() {
        thread.start([this] {
            // Errors end the thread quietly (the client gave up: the test's checks say why).
            boost::system::error_code ec;
            boost::asio::ip::tcp::socket s(io);
            acceptor.accept(s, ec);
            s.set_option(boost::asio::ip::tcp::no_delay(true), ec);
            std::string seen;
            std::array<char, 4096> buf{};
            auto count = [&seen] {
                int n = 0;
                for (auto at = seen.find("POST "); at != std::string::npos; at = seen.find("POST ", at + 1)) ++n;
                return n;
            };
            while (!ec && count() < requests) seen.append(buf.data(), s.read_some(boost::asio::buffer(buf), ec));
            std::uint64_t x = seed;
            for (std::size_t at = 0; !ec && at < answers.size();) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                std::size_t const n = std::min<std::size_t>(1 + (x >> 33) % 40, answers.size() - at);
                boost::asio::write(s, boost::asio::buffer(answers.data() + at, n), ec);
                at += n;
                // Pacing, not waiting: a pause between pieces makes the client likely to read
                // them apart; the checks hold however the bytes end up split.
                std::this_thread::sleep_for(std::chrono::microseconds{300});
            }
            thread.hold();
        });
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/p"; }
};

/// The answer to request `i` in one of four framings: by length, chunked, by length after an
/// interim 100 Continue, or chunked in one-byte chunks.
std::string framed_answer(int i) {
    std::string const body = "answer " + std::to_string(i);
    switch (i % 4) {
    case 0: return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    case 1: {
        auto const half = body.size() / 2;
        return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + fmt_hex(half) + "\r\n" + body.substr(0, half) +
               "\r\n" + fmt_hex(body.size() - half) + "\r\n" + body.substr(half) + "\r\n0\r\n\r\n";
    }
    case 2:
        return "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body;
    default: {
        std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (char ch : body) out += std::string("1\r\n") + ch + "\r\n";
        return out + "0\r\n\r\n";
    }
    }
}

}  // namespace

TEST_SUITE("sim/http/client pipelining") {

TEST_CASE_FIXTURE(client_fixture, "requests made in one turn go back to back on one connection and are answered in order") {
    reconfigure(one_connection(4));
    rx.answer_always({200, "ok"});
    auto replies = post_all("/p", numbered(10));
    for (auto const& r : replies) {
        REQUIRE(r.ok());
        CHECK(r.status == 200);
    }
    CHECK(rx.connection_count() == 1);
    CHECK(bodies_seen(rx) == numbered(10));  // each once, in order
    auto s = stats();
    CHECK(s.pipelined >= 3);  // at least the first write carried four
    CHECK(s.retries == 0);
    CHECK(s.unpipelined_hosts == 0);
    CHECK(s.active == 0);
    CHECK(s.queued == 0);
    CHECK(s.idle_connections == 1);
}

TEST_CASE_FIXTURE(client_fixture, "pipelined answers split anywhere, in every framing, each reach their own request") {
    constexpr int n = 12;
    reconfigure(one_connection(n));
    for (std::uint64_t const seed : {1u, 2u, 3u}) {
        CAPTURE(seed);
        piecemeal_server server;
        server.requests = n;
        server.seed = seed;
        for (int i = 0; i < n; ++i) server.answers += framed_answer(i);
        server.start();
        std::vector<http::client_reply> replies(n);
        auto left = std::make_shared<int>(n);
        auto all = std::make_shared<std::promise<void>>();
        auto done = all->get_future();
        loop.call([&] {
            for (std::size_t i = 0; i < n; ++i) {
                http::client_request req;
                req.url = server.url();
                req.body = "{}";
                client->send(std::move(req), [&replies, left, all, i](http::client_reply r) {
                    replies[i] = std::move(r);
                    if (--*left == 0) all->set_value();
                });
            }
        });
        REQUIRE(done.wait_for(10s) == std::future_status::ready);
        auto const got = loop.call([&] { return replies; });
        for (int i = 0; i < n; ++i) {
            CAPTURE(i);
            auto const& r = got[static_cast<std::size_t>(i)];
            REQUIRE(r.ok());
            CHECK(r.status == (i % 4 == 2 ? 201u : 200u));
            CHECK(r.body == "answer " + std::to_string(i));
        }
        loop.call([&] { client->close_idle(); });
    }
}

TEST_CASE_FIXTURE(client_fixture, "with a depth of 1 nothing is pipelined") {
    reconfigure(one_connection(1));
    auto replies = post_all("/p", numbered(6));
    for (auto const& r : replies) CHECK(r.ok());
    CHECK(bodies_seen(rx) == numbered(6));
    CHECK(stats().pipelined == 0);
}

TEST_CASE_FIXTURE(client_fixture, "answers are matched to their requests in order") {
    reconfigure(one_connection(8));
    for (int i = 0; i < 8; ++i) rx.enqueue({200, "answer " + std::to_string(i), "text/plain"});
    auto replies = post_all("/p", numbered(8));
    for (int i = 0; i < 8; ++i) CHECK(replies[static_cast<std::size_t>(i)].body == "answer " + std::to_string(i));
}

TEST_CASE_FIXTURE(client_fixture, "an answer saying Connection: close sends the requests behind it again on a new connection") {
    reconfigure(one_connection(4));
    rx.enqueue({200, "last on this one", "text/plain", 0ms, false, true});
    auto replies = post_all("/p", numbered(4));
    CHECK(replies[0].body == "last on this one");
    for (auto const& r : replies) CHECK(r.ok());
    CHECK(bodies_seen(rx) == numbered(4));  // each reached the CIS exactly once
    CHECK(rx.connection_count() == 2);
    CHECK(stats().retries == 0);  // placed again, not retried: the server said it would not read them
}

TEST_CASE_FIXTURE(client_fixture, "a CIS that closes after every answer gets one request per connection, each once") {
    reconfigure(one_connection(4));
    rx.answer_always({200, "bye", "text/plain", 0ms, false, true});
    auto replies = post_all("/p", numbered(8));
    for (auto const& r : replies) CHECK(r.ok());
    CHECK(bodies_seen(rx) == numbered(8));  // each reached the CIS exactly once, in order
    auto const s = stats();
    CHECK(s.unpipelined_hosts == 1);  // after the first connection's close
    CHECK(rx.connection_count() == 8);
    // From then on nothing is written behind another request.
    auto const pipelined = s.pipelined;
    auto again = post_all("/p", numbered(3));
    for (auto const& r : again) CHECK(r.ok());
    CHECK(stats().pipelined == pipelined);
}

TEST_CASE_FIXTURE(client_fixture, "a connection closed silently after an answer: the pipelined requests behind it are sent again") {
    reconfigure(one_connection(4));
    rx.enqueue({200, "then gone", "text/plain", 0ms, true});
    auto replies = post_all("/p", numbered(4));
    for (auto const& r : replies) CHECK(r.ok());
    CHECK(bodies_seen(rx) == numbered(4));  // the first connection's server read only the first
    CHECK(rx.connection_count() == 2);
    CHECK(stats().retries == 3);
}

TEST_CASE_FIXTURE(client_fixture, "pipelined requests to a CIS that is down all fail, each once") {
    reconfigure(one_connection(4));
    rx.down();
    auto replies = post_all("/p", numbered(6));
    for (auto const& r : replies) {
        CHECK_FALSE(r.ok());
        CHECK(r.error.find("connect 127.0.0.1:") == 0);
    }
    CHECK(stats().errors == 6);
    rx.up();
    auto again = post_all("/p", numbered(3));
    for (auto const& r : again) CHECK(r.ok());
}

TEST_CASE_FIXTURE(client_fixture, "a server that drops pipelined requests costs one timeout, then gets one request at a time") {
    http::client_options o = one_connection(4);
    o.request_timeout = 300ms;
    reconfigure(o);
    one_per_read_server server;
    auto send_four = [&] {
        std::vector<http::client_reply> replies(4);
        auto left = std::make_shared<int>(4);
        auto all = std::make_shared<std::promise<void>>();
        auto done = all->get_future();
        loop.call([&] {
            for (std::size_t i = 0; i < 4; ++i) {
                http::client_request req;
                req.url = server.url();
                req.body = std::to_string(i);
                client->send(std::move(req), [&replies, left, all, i](http::client_reply r) {
                    replies[i] = std::move(r);
                    if (--*left == 0) all->set_value();
                });
            }
        });
        REQUIRE(done.wait_for(10s) == std::future_status::ready);
        return loop.call([&] { return replies; });
    };
    // Written back to back, the four arrive in one read: the first is answered, the next one
    // in line times out, the two behind it are sent again (now one at a time) and answered.
    auto first = send_four();
    int failed = 0;
    for (auto const& r : first) {
        if (r.ok()) continue;
        ++failed;
        CHECK(r.error.find("timed out after 300 ms") != std::string::npos);
    }
    CHECK(failed == 1);
    CHECK(first[0].ok());
    CHECK(stats().unpipelined_hosts == 1);
    auto const pipelined = stats().pipelined;
    // From then on the host gets one request at a time: nothing is lost.
    auto second = send_four();
    for (auto const& r : second) CHECK(r.ok());
    CHECK(stats().pipelined == pipelined);
    CHECK(server.answered == 1 + 2 + 4);
}

}  // TEST_SUITE

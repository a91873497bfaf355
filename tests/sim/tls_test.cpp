// TLS on the listeners (issue #18): sim::http::server with options.tls serves HTTPS, verified
// by a real TLS client against the self-signed certificate make_self_signed wrote.
#include "sim/http/client.hpp"
#include "sim/http/server.hpp"
#include "sim/http/tls.hpp"

#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"
#include "tests/support/tls_client.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <future>
#include <vector>
#include <memory>
#include <stdexcept>
#include <string>

using namespace metersim;
using namespace std::chrono_literals;
namespace http = metersim::sim::http;

namespace {

struct tls_fixture {
    test::temp_cert pair;
    test::loopback loop;
    std::unique_ptr<http::server> srv;

    ~tls_fixture() {
        loop.call([&] {
            client.reset();
            others.clear();
            srv.reset();
        });
        loop.stop();
    }

    void start(http::server_options o = {}) { start_with(pair, std::move(o)); }

    /// The listener, serving `certificate`.
    void start_with(test::temp_cert const& certificate, http::server_options o = {}) {
        o.tls = {certificate.cert, certificate.key};
        http::router r;
        r.post("/echo", [](http::request const& req) {
            http::response res;
            res.body = std::string(req.body);
            return res;
        });
        loop.call([&] { srv = std::make_unique<http::server>(loop.io(), std::move(r), std::move(o)); });
    }
    std::uint16_t port() { return loop.call([&] { return srv->port(); }); }

    // The push client, on the fixture's loop.
    std::unique_ptr<http::client> client;
    std::vector<std::unique_ptr<http::client>> others;

    http::client& make_client(http::client_options o) {
        return *loop.call([&] { return others.emplace_back(std::make_unique<http::client>(loop.io(), o)).get(); });
    }
    /// A client trusting the fixture's certificate (kept in `client`).
    http::client& ca_client() {
        http::client_options o;
        o.ca_file = pair.cert;
        loop.call([&] { client = std::make_unique<http::client>(loop.io(), o); });
        return *client;
    }
    http::client_reply push(http::client& c, std::string url, std::string body) {
        auto done = std::make_shared<std::promise<http::client_reply>>();
        auto reply = done->get_future();
        loop.call([&] {
            http::client_request req;
            req.url = std::move(url);
            req.body = std::move(body);
            c.send(std::move(req), [done](http::client_reply r) { done->set_value(std::move(r)); });
        });
        REQUIRE(reply.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
        return reply.get();
    }
};

void write(std::string const& path, std::string const& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_SUITE("sim/http/tls") {

TEST_CASE("a self-signed pair loads as a listener's certificate and key, and bad files are named") {
    test::temp_cert pair({"metersim.test", "127.0.0.1", "::1"});
    CHECK_FALSE(http::check_tls_files({pair.cert, pair.key}).has_value());
    CHECK(http::check_tls_files({pair.cert, ""}).value().find("tls.key is missing") != std::string::npos);

    auto bad_cert = http::check_tls_files({pair.key, pair.key});  // a key where the certificate goes
    REQUIRE(bad_cert.has_value());
    CHECK(bad_cert->find(pair.key + ": not a PEM certificate chain") != std::string::npos);

    test::temp_cert other;
    auto mismatch = http::check_tls_files({pair.cert, other.key});
    REQUIRE(mismatch.has_value());
    CHECK(mismatch->find("does not match the certificate") != std::string::npos);

    CHECK(http::check_tls_files({pair.dir + "/missing.pem", pair.key}).value().find("missing.pem") != std::string::npos);
    CHECK_FALSE(http::make_self_signed({}).has_value());
    CHECK_FALSE(http::make_self_signed({"bad name"}).has_value());
}

TEST_CASE("a listener with a bad certificate file does not start, and says which file") {
    test::temp_cert pair;
    write(pair.cert, "not a certificate\n");
    test::loopback loop;
    http::server_options o;
    o.tls = {pair.cert, pair.key};
    std::string what;
    loop.call([&] {
        try {
            http::server s(loop.io(), http::router{}, o);
        } catch (std::exception const& e) {
            what = e.what();
        }
    });
    loop.stop();
    CHECK(what.find(pair.cert) != std::string::npos);
}

TEST_CASE_FIXTURE(tls_fixture, "a TLS listener answers HTTPS verified against its certificate, by name and by address") {
    start();
    auto a = test::https_request("POST", port(), "/echo", pair.cert, "localhost", R"({"x":1})");
    CHECK(a.error == "");
    CHECK(a.status == 200);
    CHECK(a.body == R"({"x":1})");
    CHECK(test::https_request("POST", port(), "/echo", pair.cert, "127.0.0.1", "{}").status == 200);
}

TEST_CASE_FIXTURE(tls_fixture, "a client that trusts another certificate, or asks for another name, is refused") {
    start();
    test::temp_cert stranger;
    auto untrusted = test::https_request("POST", port(), "/echo", stranger.cert);
    CHECK(untrusted.status == 0);
    CHECK(untrusted.error.find("certificate verify failed") != std::string::npos);
    auto wrong_name = test::https_request("POST", port(), "/echo", pair.cert, "cis.example.com");
    CHECK(wrong_name.status == 0);
    CHECK(wrong_name.error.find("verify") != std::string::npos);
}

TEST_CASE_FIXTURE(tls_fixture, "plain HTTP to a TLS listener gets no answer, and the listener goes on") {
    start();
    test::http_connection c("127.0.0.1", port());
    c.write_raw("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.closed_by_peer(5s));
    CHECK(test::https_request("POST", port(), "/echo", pair.cert, "localhost", "{}").status == 200);
}

TEST_CASE_FIXTURE(tls_fixture, "a client that never finishes its handshake is cut off at the header timeout while others are served") {
    http::server_options o;
    o.header_timeout = 1500ms;
    start(o);
    test::http_connection stalled("127.0.0.1", port());
    stalled.write_raw(std::string("\x16\x03\x01\x00\x50", 5));  // a TLS record header, then nothing
    for (int i = 0; i < 3; ++i) CHECK(test::https_request("POST", port(), "/echo", pair.cert, "localhost", "{}").status == 200);
    auto const began = std::chrono::steady_clock::now();
    CHECK(stalled.closed_by_peer(10s));
    CHECK(std::chrono::steady_clock::now() - began < 9s);
    CHECK(loop.call([&] { return srv->stats().open_connections; }) == 0);
}

TEST_CASE_FIXTURE(tls_fixture, "pushes to an https CIS verify it against ca_file and keep the connection alive") {
    start();
    auto a = push(ca_client(), "https://localhost:" + std::to_string(port()) + "/echo", R"({"n":1})");
    CHECK(a.error == "");
    CHECK(a.status == 200);
    CHECK(a.body == R"({"n":1})");
    auto b = push(*client, "https://127.0.0.1:" + std::to_string(port()) + "/echo", R"({"n":2})");  // by address too
    CHECK(b.status == 200);
    auto again = push(*client, "https://localhost:" + std::to_string(port()) + "/echo", R"({"n":3})");
    CHECK(again.status == 200);
    CHECK(again.reused_connection);
}

TEST_CASE_FIXTURE(tls_fixture, "a CIS certificate the client does not trust, or for another name, fails the push, and insecure skips the check") {
    start();
    test::temp_cert stranger;
    auto const url = "https://localhost:" + std::to_string(port()) + "/echo";
    http::client_options system_store;  // the system's CAs: a self-signed certificate is not among them
    auto untrusted = push(make_client(system_store), url, "{}");
    CHECK(untrusted.status == 0);
    CHECK(untrusted.error.find("certificate verify failed") != std::string::npos);

    http::client_options other_ca;
    other_ca.ca_file = stranger.cert;
    CHECK(push(make_client(other_ca), url, "{}").error.find("certificate verify failed") != std::string::npos);

    test::temp_cert named({"cis.example.com"});  // a certificate for another name, trusted
    loop.call([&] { srv.reset(); });
    start_with(named);
    http::client_options trusts_named;
    trusts_named.ca_file = named.cert;
    auto wrong_name = push(make_client(trusts_named), "https://localhost:" + std::to_string(port()) + "/echo", "{}");
    CHECK(wrong_name.status == 0);
    CHECK(wrong_name.error.find("verify failed") != std::string::npos);

    http::client_options insecure;
    insecure.insecure = true;
    CHECK(push(make_client(insecure), "https://localhost:" + std::to_string(port()) + "/echo", "{}").status == 200);
}

}  // TEST_SUITE

#pragma once
/// client_fixture: a sim::http::client on a loopback loop, in front of a cis_receiver, with
/// helpers that send on the loop thread and wait for the answers. Shared by the client's test
/// files (header only).

#include "sim/http/client.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/loopback.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace metersim::test {

struct client_fixture {
    cis_receiver rx;
    loopback loop;
    std::unique_ptr<sim::http::client> client;

    explicit client_fixture(sim::http::client_options options = {}) {
        loop.call([&] { client = std::make_unique<sim::http::client>(loop.io(), options); });
    }
    ~client_fixture() {
        loop.call([&] { client.reset(); });
        loop.stop();
    }
    client_fixture(client_fixture const&) = delete;
    client_fixture& operator=(client_fixture const&) = delete;

    void reconfigure(sim::http::client_options options) {
        loop.call([&] { client = std::make_unique<sim::http::client>(loop.io(), options); });
    }

    /// Sends on the loop thread and waits for the completion.
    sim::http::client_reply send(sim::http::client_request req) {
        auto done = std::make_shared<std::promise<sim::http::client_reply>>();
        auto reply = done->get_future();
        loop.call([&] {
            client->send(std::move(req), [done](sim::http::client_reply r) { done->set_value(std::move(r)); });
        });
        REQUIRE(reply.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
        return reply.get();
    }

    sim::http::client_reply post(std::string path, std::string body) {
        sim::http::client_request req;
        req.url = rx.url(path);
        req.body = std::move(body);
        return send(std::move(req));
    }

    /// POSTs each body to `path`, all in the same turn of the loop, and waits for every answer.
    /// The replies come back in the order the requests were made.
    std::vector<sim::http::client_reply> post_all(std::string const& path, std::vector<std::string> const& bodies) {
        auto replies = std::make_shared<std::vector<sim::http::client_reply>>(bodies.size());
        auto left = std::make_shared<std::size_t>(bodies.size());
        auto all = std::make_shared<std::promise<void>>();
        auto done = all->get_future();
        loop.call([&] {
            for (std::size_t i = 0; i < bodies.size(); ++i) {
                sim::http::client_request req;
                req.url = rx.url(path);
                req.body = bodies[i];
                client->send(std::move(req), [replies, left, all, i](sim::http::client_reply r) {
                    (*replies)[i] = std::move(r);
                    if (--*left == 0) all->set_value();
                });
            }
        });
        REQUIRE(done.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
        return loop.call([&] { return *replies; });
    }

    sim::http::client_stats stats() { return loop.call([&] { return client->stats(); }); }
};

}  // namespace metersim::test

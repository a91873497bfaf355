// The outbox over a pipelined client, against a CIS that answers at random: 200, 503, 200 then
// a silent close, or 200 saying "Connection: close". At least once, and never accepted twice.
#include "sim/outbox.hpp"

#include "tests/support/outbox_fixture.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;

namespace {

/// Four connections of eight: room for 32 attempts at once.
struct pipelined_outbox_fixture : test::outbox_fixture {
    static sim::http::client_options pipelined() {
        sim::http::client_options o;
        o.max_connections_per_host = 4;
        o.pipeline_depth = 8;
        return o;
    }
    pipelined_outbox_fixture() : outbox_fixture(32, pipelined()) {}
};

}  // namespace

TEST_SUITE("sim/outbox pipelined") {

TEST_CASE_FIXTURE(pipelined_outbox_fixture, "a CIS answering at random: every push accepted exactly once, none lost") {
    // Each subcase runs on a fresh fixture (a fresh CIS script).
    std::uint32_t seed = 0;
    SUBCASE("seed 11") { seed = 11; }
    SUBCASE("seed 12") { seed = 12; }
    SUBCASE("seed 13") { seed = 13; }
    {
        CAPTURE(seed);
        std::mt19937 rng{seed};
        // The script: the k-th request the CIS reads gets answers[k], then 200.
        std::vector<test::scripted_answer> answers;
        for (int k = 0; k < 600; ++k) {
            auto const r = rng() % 100;
            test::scripted_answer a{200, "{}"};
            if (r < 15) a.status = 503;
            else if (r < 22) a.close_after = true;
            else if (r < 30) a.say_close = true;
            answers.push_back(a);
        }
        for (auto const& a : answers) rx.enqueue(a);
        constexpr int n = 300;
        loop.call([&] {
            for (int i = 0; i < n; ++i) {
                auto p = a_push("S" + std::to_string(seed) + "-" + std::to_string(i));
                REQUIRE(box->enqueue(std::move(p)).has_value());
            }
        });
        settle();
        for (int round = 0; round < 60 && counters().pending != 0; ++round) advance(4s);
        auto const c = counters();
        CHECK(c.pending == 0);
        CHECK(c.delivered == n);
        CHECK(store.size() == 0);
        // What the CIS saw: each request's answer is the script's entry of its place in the log.
        auto const seen = rx.requests();
        std::map<std::string, int> accepted;
        std::map<std::string, int> reached;
        for (std::size_t k = 0; k < seen.size(); ++k) {
            auto const serial = seen[k].header("API_TRANS_ID");
            ++reached[serial];
            unsigned const status = k < answers.size() ? answers[k].status : 200u;
            if (status == 200) ++accepted[serial];
        }
        CHECK(reached.size() == n);  // every push reached the CIS
        for (auto const& [serial, times] : accepted) {
            CAPTURE(serial);
            CHECK(times == 1);  // an accepted push is never sent again
        }
        CHECK(accepted.size() == n);
        // The script made every kind of trouble happen.
        auto const stats = loop.call([&] { return client->stats(); });
        CHECK(c.failures > 0);
        CHECK(stats.pipelined > 0);
        CHECK(stats.connections_opened > 4);
    }
}

}  // TEST_SUITE

#pragma once
/// outbox_fixture: a sim::outbox on a loopback loop, pushing to a cis_receiver, with helpers
/// that enqueue, settle and move virtual time on. Shared by the outbox's test files (header only).

#include "sim/clock.hpp"
#include "sim/http/client.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/loopback.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

namespace metersim::test {

/// An outbox on a loopback loop, its retries on a stepped clock (backoff 1 s to 4 s), pushing
/// through a client (`client_options`) to a cis_receiver.
struct outbox_fixture {
    cis_receiver rx;
    loopback loop;
    sim::clock clk{sim::clock_mode::stepped, 1.0, meters::instant_from_ms(1'767'225'600'000)};
    sim::scheduler sched{clk};
    sim::journal journal{1000};
    sim::memory_outbox_store store;
    std::unique_ptr<sim::http::client> client;
    std::unique_ptr<sim::outbox> box;

    explicit outbox_fixture(std::size_t max_in_flight = sim::outbox_options{}.max_in_flight,
                            sim::http::client_options client_options = {}, bool meter_order = false) {
        sim::outbox_options o;
        o.backoff = {std::chrono::seconds{1}, std::chrono::seconds{4}};
        o.max_in_flight = max_in_flight;
        o.meter_order = meter_order;
        loop.call([&] {
            client = std::make_unique<sim::http::client>(loop.io(), client_options);
            box = std::make_unique<sim::outbox>(*client, sched, store, &journal, o);
        });
    }
    ~outbox_fixture() {
        loop.call([&] {
            box.reset();
            client.reset();
        });
        loop.stop();
    }

    sim::push a_push(std::string serial, std::string kind = "report") {
        sim::push p;
        p.platform = "xianfeng";
        p.kind = std::move(kind);
        p.meter_no = "07602190000001";
        p.url = rx.url("/cis/report");
        p.headers = {{"API_TRANS_ID", serial}};
        p.body = R"({"serialNo":")" + serial + R"(","reading":"12.3400"})";
        p.serial_no = std::move(serial);
        return p;
    }

    std::uint64_t enqueue(sim::push p) {
        auto id = loop.call([&] { return box->enqueue(std::move(p)); });
        REQUIRE(id.has_value());
        return id.value();
    }

    /// Waits (with a deadline) until nothing is in flight and no retry is due.
    void settle() {
        bool idle = loop.run_and_wait([this](auto done) { box->when_idle([done] { done->set_value(); }); });
        REQUIRE(idle);
    }

    /// Moves virtual time on (running due retries) and waits for their answers.
    void advance(meters::duration d) {
        loop.call([&] { sched.advance(d); });
        settle();
    }

    sim::outbox_counters counters() { return loop.call([&] { return box->counters(); }); }
};

}  // namespace metersim::test

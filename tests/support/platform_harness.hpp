#pragma once
/// platform_harness: what every vendor's end-to-end fixture shares. A vendor platform on
/// 127.0.0.1:0 (the real sim::http server with the platform's routes), a real fleet on a stepped
/// clock, the outbox delivering to a cis_receiver standing in for the CIS, and the journal.
/// Everything that lives on the loop is created, used and destroyed through loop.call().
///
/// CRTP: `Derived` is the vendor's fixture. It sets its options up, calls start_platform() from
/// its constructor and names its default meter model (`static constexpr char const*
/// default_model`). A fixture whose settle() does more hides settle(); advance() and inject()
/// call the fixture's. A fixture that starts more listeners on the loop destroys them there in
/// its own destructor; the harness then destroys server, platform, outbox and client, in that
/// order, and stops the loop.
///
/// `Platform` is constructed as Platform(Options, platforms::platform_context) and has
/// add_routes(sim::http::router&). `Derived::auth_headers()` gives fresh authentication headers
/// for request().

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "meters/meter.hpp"
#include "platforms/common/api_error.hpp"
#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "sim/http/server.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/cis_receiver.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"

namespace metersim::test {

using json = nlohmann::json;

/// 2026-01-01 00:00:00 +08:00: where the vendor fixtures' stepped clocks start.
inline meters::instant harness_start() { return meters::instant_from_ms(1'767'196'800'000); }

template <class Derived, class Platform, class Options>
struct platform_harness {
    cis_receiver cis;
    loopback loop;
    sim::clock clk;
    sim::scheduler sched{clk};
    sim::catalogue cat = sim::catalogue::builtin();
    sim::fleet fleet{sched, cat, sim::fleet_options{}};
    sim::journal journal{10000};
    sim::memory_outbox_store store;
    std::unique_ptr<sim::http::client> client;
    std::unique_ptr<sim::outbox> outbox;
    std::unique_ptr<Platform> platform;
    std::unique_ptr<sim::http::server> server;
    std::uint16_t port = 0;

    /// The stepped clock starts at `start`; nothing is on the loop yet (see start_platform()).
    explicit platform_harness(meters::instant start) : clk{sim::clock_mode::stepped, 1.0, start} {}
    ~platform_harness() {
        loop.call([&] {
            server.reset();
            platform.reset();
            outbox.reset();
            client.reset();
        });
        loop.stop();
    }
    platform_harness(platform_harness const&) = delete;
    platform_harness& operator=(platform_harness const&) = delete;

    /// On the loop: the client (pipelined as serve's defaults are: 32 connections x 8), the
    /// outbox (backoff 1 s to 8 s), the platform and the server on 127.0.0.1:0 with the
    /// platform's routes (`port`); then `more()`, still on the loop.
    template <class More>
    void start_platform(Options o, More&& more) {
        loop.call([&] {
            sim::http::client_options co;
            co.max_connections_per_host = 32;
            co.pipeline_depth = 8;
            client = std::make_unique<sim::http::client>(loop.io(), co);
            sim::outbox_options oo;
            oo.backoff = {std::chrono::seconds{1}, std::chrono::seconds{8}};
            oo.max_in_flight = co.max_connections_per_host * co.pipeline_depth;
            outbox = std::make_unique<sim::outbox>(*client, sched, store, &journal, oo);
            platform = std::make_unique<Platform>(std::move(o), platforms::platform_context{fleet, *outbox, journal, sched});
            sim::http::router r;
            platform->add_routes(r);
            server = std::make_unique<sim::http::server>(loop.io(), std::move(r));
            port = server->port();
            more();
        });
    }
    void start_platform(Options o) {
        start_platform(std::move(o), [] {});
    }

    /// A request to the platform, with the fixture's fresh authentication headers
    /// (`Derived::auth_headers()`) when `headers` is empty.
    http_answer request(std::string const& method, std::string const& target, std::string const& body,
                        header_list headers) {
        if (headers.empty()) headers = self().auth_headers();
        return http_request(method, "127.0.0.1", port, target, headers, body);
    }

    /// A meter fresh from the factory (the fleet fills in what `id` leaves empty).
    void manufacture(std::string const& no, std::string const& model = Derived::default_model,
                     meters::meter_identity id = {}) {
        loop.call([&] {
            id.meter_no = no;
            auto r = fleet.manufacture(sim::manufacture_request{model, id});
            REQUIRE(r.has_value());
        });
    }

    /// Waits (with a deadline) until the outbox has nothing in flight and no retry due.
    void settle() {
        bool idle = loop.run_and_wait(
            [this](auto done) { outbox->when_idle([done] { done->set_value(); }); });
        REQUIRE(idle);
    }
    void advance(meters::duration d) {
        loop.call([&] { sched.advance(d); });
        self().settle();
    }

    /// The meter holds a radio session now (admin "wake").
    void wake(std::string const& no) { inject(no, meters::events::wake{}); }
    void inject(std::string const& no, meters::event e) {
        on_meter(no, [&](sim::fleet_meter& m) { fleet.inject(m, e); });
        self().settle();
    }

    /// `fn(fleet_meter&)` on the loop, for a meter that must exist; returns what `fn` returns.
    template <class F>
    auto on_meter(std::string const& no, F&& fn) {
        return loop.call([&] {
            auto* m = fleet.find(no);
            REQUIRE(m != nullptr);
            return fn(*m);
        });
    }
    /// Reads the meter's state on the loop.
    template <class F>
    auto with_meter(std::string const& no, F&& fn) {
        return on_meter(no, [&](sim::fleet_meter& m) { return fn(m.meter); });
    }

    /// The fixture's default options in strict conformance mode (lenient is the default).
    static Options strict_options() {
        Options o = Derived::default_options();
        o.conformance = platforms::conformance::strict;
        return o;
    }

    /// The journal's entries for `q`, oldest first: there is at least one.
    std::vector<sim::journal_entry> journaled(sim::journal_query const& q) const {
        auto entries = journal.query(q);
        REQUIRE_FALSE(entries.empty());
        return entries;
    }

    /// The pushes received on a path, bodies parsed.
    std::vector<nlohmann::json> pushes(std::string const& path) {
        std::vector<nlohmann::json> out;
        for (auto const& r : cis.requests())
            if (r.target == path) out.push_back(nlohmann::json::parse(r.body));
        return out;
    }

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

/// `e` was accepted in lenient mode with at least `at_least` deviations from the spec noted.
inline void check_deviations(sim::journal_entry const& e, std::size_t at_least) {
    CHECK(e.verdict == "deviations");
    CHECK(e.deviations.size() >= at_least);
}

}  // namespace metersim::test

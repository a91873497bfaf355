#pragma once
/// One vendor platform in process for the handler fuzz targets: a stepped clock, a fleet with a
/// few meters, the outbox (its client on an io_context that never runs: pushes stay queued),
/// the journal and the platform's routes. A request is dispatched through the router as the
/// server would, with authentication headers computed by scenarios::cis_signer (as a CIS makes
/// them), so the fuzzer's bytes reach validation and the handlers.
///
/// Input format: the first line is "METHOD PATH[?QUERY]", the rest is the body. A world is built
/// for each input: every run starts from the same state (a crash reproduces from its input).

#include "meters/instant.hpp"
#include "scenarios/cis_auth.hpp"
#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "sim/http/routes.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "sim/scheduler.hpp"

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metersim::fuzz {

/// The meters every world starts with (seed inputs name them).
struct seed_meter {
    char const* model;
    char const* meter_no;
    char const* device_id;  ///< Xianfeng only ("" otherwise)
};

/// What the vendor's fuzz target says about its platform.
struct vendor {
    char const* name;  ///< "cnmcsp", "xianfeng", "xintian"
    std::vector<seed_meter> meters;
    /// The credential `key` of the vendor ("app_token", "key", ...), as cis_signer asks.
    std::string (*setting)(std::string_view key);
};

template <class Platform, class Options>
struct platform_world {
    boost::asio::io_context io;
    sim::clock clk{sim::clock_mode::stepped, 1.0, meters::instant_from_ms(1'767'196'800'000)};
    sim::scheduler sched{clk};
    sim::catalogue cat = sim::catalogue::builtin();
    sim::fleet fleet{sched, cat, sim::fleet_options{}};
    sim::journal journal{64};
    sim::memory_outbox_store store;
    sim::http::client client{io};
    sim::outbox outbox{client, sched, store, &journal, sim::outbox_options{}};
    Platform platform;
    sim::http::router routes;

    platform_world(vendor const& v, Options o)
        : platform(std::move(o), platforms::platform_context{fleet, outbox, journal, sched}) {
        platform.add_routes(routes);
        for (auto const& m : v.meters) {
            meters::meter_identity id;
            id.meter_no = m.meter_no;
            id.device_id = m.device_id;
            if (!fleet.manufacture(sim::manufacture_request{m.model, id})) std::abort();
        }
    }
};

/// Splits the input, signs it and dispatches it; then lets virtual time run an hour so that
/// what the request queued (commands, pushes) is carried out too.
template <class World>
void run_request(World& w, vendor const& v, std::string_view input) {
    auto const nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    std::string_view body = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    auto const sp = line.find(' ');
    if (sp == std::string_view::npos) return;

    sim::http::request req;
    req.method = line.substr(0, sp);
    req.target = line.substr(sp + 1);
    auto const q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query_string = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
    req.body = body;
    req.remote_address = "127.0.0.1";
    if (!sim::http::parse_query(req.query_string, req.query_params)) return;

    scenarios::cis_signer signer([&v](std::string_view, std::string_view key) { return v.setting(key); },
                                 std::chrono::minutes{480}, 1);
    auto const signed_headers = signer.headers_for(v.name);
    for (auto const& [name, value] : signed_headers) req.headers.push_back({name, value});
    req.headers.push_back({"Content-Type", "application/json;charset=utf-8"});

    auto res = w.routes.dispatch(req);
    if (res.status < 100 || res.status > 999) std::abort();
    w.sched.advance(std::chrono::hours{1});
}

/// The body of each vendor's LLVMFuzzerTestOneInput: a fresh world, one request.
template <class Platform, class Options>
int fuzz_one(vendor const& v, Options (*make_options)(), std::uint8_t const* data, std::size_t size) {
    platform_world<Platform, Options> w(v, make_options());
    run_request(w, v, std::string_view(reinterpret_cast<char const*>(data), size));
    return 0;
}

}  // namespace metersim::fuzz

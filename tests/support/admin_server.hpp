#pragma once
/// The sim's admin API on a listener of its own (127.0.0.1:0), as `metersim serve` has it, for
/// the end-to-end tests that drive it over HTTP.

#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "sim/admin/admin_api.hpp"
#include "sim/http/server.hpp"

namespace metersim::test {

/// A server with every admin route of `ctx`. Call it on the loop that runs `io`, and destroy
/// the server there too; `ctx` outlives it.
inline std::unique_ptr<sim::http::server> admin_server(boost::asio::io_context& io, sim::admin_context& ctx) {
    sim::http::router r;
    sim::add_admin_routes(r, ctx);
    return std::make_unique<sim::http::server>(io, std::move(r));
}

}  // namespace metersim::test

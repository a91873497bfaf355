#pragma once
/// The vendor platforms a `metersim serve` runs, built from the config: each configured platform
/// (a platform left out of `platforms:` is not started) becomes a listener with its routes, and
/// registers itself as its meters' fleet listener and as the admin API's source of pending
/// commands. Kept apart from cmd_serve.cpp so that adding a platform touches one file.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/http/routes.hpp"
#include "sim/http/server.hpp"
#include "tools/config.hpp"

namespace metersim::sim {
class fleet;
class scheduler;
class outbox;
class journal;
struct admin_context;
}  // namespace metersim::sim

namespace metersim::tools {

/// One credential a platform is configured with ("app_token", "app_secret", "company_code",
/// "key", "merchant_id", "app_id", "auth_window_s"), as a CIS signing its requests needs it
/// (scenarios::cis_signer); "" for a platform not configured or an unknown key.
std::string platform_setting(config const& cfg, std::string_view platform, std::string_view key);

/// What the platforms are built on; all of it outlives the platform_set.
struct platform_parts {
    sim::fleet& fleet;
    sim::scheduler& sched;
    sim::outbox& outbox;
    sim::journal& journal;
    sim::admin_context& admin;
};

/// One HTTP listener a platform asks for.
struct platform_listener {
    std::string name;  ///< "cnmcsp", "xianfeng", "xintian"
    listen_address at;
    std::size_t body_limit = 0;  ///< 0: the http section's
    sim::http::tls_files tls;    ///< HTTPS when set
    sim::http::router routes;
    sim::http::journal_hook journal_hook;  ///< may be empty
};

class platform_set {
public:
    platform_set(config const& cfg, platform_parts parts);
    ~platform_set();
    platform_set(platform_set const&) = delete;
    platform_set& operator=(platform_set const&) = delete;

    /// Adds the platforms' own admin routes (Xianfeng concentrators) to the admin router.
    void add_admin_routes(sim::http::router& admin);

    /// The listeners to start, moved out by the caller once.
    std::vector<platform_listener>& listeners() noexcept { return listeners_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::vector<platform_listener> listeners_;
};

}  // namespace metersim::tools

#pragma once
/// The admin API (DESIGN.md "Interfaces users touch" -> Admin API), first part: JSON over HTTP on
/// the admin port, routed by sim::http::router.
///
///   GET  /admin/health                     status, version, uptime, meters, clock
///   GET  /admin/clock                      mode, speed, now (zone text and ms)
///   POST /admin/clock                      {"mode": "realtime|accelerated|stepped", "speed": N}
///   POST /admin/clock/advance              {"seconds": N}; stepped mode only (409 otherwise). Over
///                                          HTTP it runs in chunks (pushes leave meanwhile) and
///                                          answers when done; while it runs a second advance
///                                          and POST /admin/clock answer 409
///   GET  /admin/meters?platform=&limit=&offset=    a page (limit default 100, max 1000) + total
///   POST /admin/meters                     manufacture a list or a template (all or nothing)
///   GET  /admin/meters/{meterNo}           the full state, after touching the meter to now
///   POST /admin/meters/{meterNo}/events    inject an event; answers the new state summary
///   GET  /admin/journal?platform=&meter=&since=&limit=
///   GET  /admin/models                     the catalogue
///   GET  /admin/conformance?platform=      the CIS's deviations per platform, endpoint and rule
///   POST /admin/faults                     add a fault rule (sim/faults.hpp); 201 with its id
///   GET  /admin/faults                     the rules in force, with their remaining count and expiry
///   DELETE /admin/faults                   remove every rule; answers how many
///   DELETE /admin/faults/{id}              remove one (404 when unknown)
///
/// Money and volume are 4-decimal strings; decimals in requests are read exactly from JSON
/// strings or JSON numbers (raw token, never a double; see sim/json/value.hpp). Bad input answers
/// 400 (404 for an unknown meter or fault id, 409 for an advance outside stepped mode) with
/// `{"message": ..., "field": ...}` naming the field, and changes nothing. Nothing throws out of
/// a handler: an unexpected exception answers 500 with its message.
///
/// Threading: the handlers touch the fleet, the scheduler and the clock, so the admin server must
/// run on the io_context thread that runs the scheduler (the single-threaded serve loop).
/// Beast, Asio and nlohmann stay in the .cpp files.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meters/instant.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/http/routes.hpp"
#include "sim/journal.hpp"
#include "sim/scheduler.hpp"
#include "sim/version.hpp"

namespace metersim::sim {

/// A command a platform holds for a meter until the meter's next session (shown, never changed,
/// by the admin API).
struct pending_command {
    std::string id;       ///< the platform's command id
    std::string method;   ///< the platform's command name ("VALVE_CONTROL", "recharge", ...)
    std::string status;   ///< the platform's lifecycle word ("pending", "sending", ...)
    meters::instant queued_at{};
    std::optional<meters::instant> expires_at;
};

/// Platforms register one per platform name ("xianfeng"); the admin API calls it for
/// `pending_commands` of that platform's meters. A platform without a provider shows [].
using pending_commands_provider = std::function<std::vector<pending_command>(fleet_meter const&)>;

/// Everything the admin handlers use. It must outlive the router (and the server) it is given to.
class fault_registry;
struct admin_advance;
class outbox;
namespace http {
class client;
}

struct admin_context {
    admin_context(sim::fleet& f, sim::scheduler& s, sim::clock& c, sim::journal& j)
        : fleet(f), sched(s), clk(c), journal(j) {}

    sim::fleet& fleet;
    sim::scheduler& sched;
    sim::clock& clk;
    sim::journal& journal;
    std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
    std::string version{sim::version()};
    /// By platform name; see pending_commands_provider.
    std::map<std::string, pending_commands_provider, std::less<>> pending_commands;
    /// The fault rules /admin/faults edits; null: those routes answer 503.
    sim::fault_registry* faults = nullptr;
    /// The POST /admin/clock/advance running in chunks over HTTP, if any (admin_clock.cpp).
    std::shared_ptr<admin_advance> advance;
    /// The pushes to the CIS, shown by GET /admin/health under "pushes"; null: not shown.
    sim::outbox const* outbox = nullptr;
    sim::http::client const* push_client = nullptr;
};

/// Adds every admin route to `r`. The handlers keep a reference to `ctx`.
void add_admin_routes(http::router& r, admin_context& ctx);

}  // namespace metersim::sim

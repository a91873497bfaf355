#pragma once
/// scenarios::world: the running metersim a scenario talks to, as the runner sees it.
///
/// A world is what `metersim serve` runs (the fleet, the platforms on their listeners, the
/// outbox, the journal, the admin API), built from a scenario's header instead of a config file.
/// The runner drives the world's io_context itself, on its own thread: everything runs in one
/// loop, so a run on the stepped clock is deterministic for a seed.
///
/// The interface lives here and the implementation in tools/ (scenario_world.cpp), which builds
/// it on tools::serve_app: scenarios/ sits below tools/ in the dependency order and must not
/// know the serve config. The runner reaches the platforms over HTTP on loopback like a CIS would,
/// and everything else through the admin API (called in process, same router as the admin port).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/calendar.hpp"
#include "meters/instant.hpp"
#include "scenarios/scenario.hpp"
#include "sim/clock.hpp"

namespace boost::asio {
class io_context;
}
namespace metersim::sim {
class journal;
}

namespace metersim::scenarios {

/// What a world is built from: the scenario's header, with the push URLs decided by the runner.
struct world_spec : world_decl {
    /// push kind ("xianfeng.report") -> URL; a kind left out is not pushed. xianfeng.alarm goes
    /// to xianfeng.report's URL (the platform has one report URL).
    named_texts push_urls;
    std::size_t journal_capacity = 100'000;
    /// Called on the world's loop once it exists, before the platforms listen; the push URLs it
    /// returns (kind -> URL) are added over push_urls. The runner starts its recorder here (it
    /// must listen on the world's loop, and the platforms must know its port). May be empty.
    std::function<named_texts(boost::asio::io_context&)> on_loop;
};

/// An admin API answer.
struct admin_reply {
    unsigned status = 0;
    std::string body;
};

class world {
public:
    virtual ~world() = default;

    /// The loop everything runs on; the runner runs it (run_one/poll) on its thread.
    virtual boost::asio::io_context& io() = 0;
    virtual sim::clock& clock() = 0;
    virtual sim::journal& journal() = 0;
    /// A platform listener's bound port (0 when that platform was not started).
    virtual std::uint16_t port_of(std::string_view platform) const = 0;
    virtual std::uint16_t admin_port() const = 0;

    /// The admin API in process: the same router and handlers as the admin port, no socket.
    /// `target` is a path with an optional query ("/admin/meters/0001?x=1").
    virtual admin_reply admin(std::string_view method, std::string_view target, std::string_view body) = 0;

    /// Calls `done` (on the loop) once the outbox has nothing in flight and nothing due now.
    virtual void when_idle(std::function<void()> done) = 0;

    /// The IMEI and ICCID a meter was manufactured with ("" for an unknown meter).
    virtual std::string imei_of(std::string_view meter_no) = 0;
    virtual std::string iccid_of(std::string_view meter_no) = 0;

    /// Every meter number of the fleet with its platform and model (for for_each_meter).
    struct meter_info {
        std::string meter_no, platform, model;
    };
    virtual std::vector<meter_info> meters() = 0;

    /// A platform setting in effect, as text (README "platforms" keys: "app_token", "key",
    /// "merchant_id", ...): the scenario's value or the default; "" when unknown. The runner signs
    /// its calls with the credentials it reads here.
    virtual std::string setting(std::string_view platform, std::string_view key) const {
        (void)platform, (void)key;
        return {};
    }
};

/// Builds a world. Throws std::runtime_error with a one-line message when it cannot (a port in
/// use, an unknown model).
using world_factory = std::function<std::unique_ptr<world>(world_spec const&)>;

}  // namespace metersim::scenarios

#pragma once
/// `metersim serve`: the fake vendor platforms and the admin API in one event loop.
///
/// serve_app owns everything a running server is made of: the io_context, the virtual clock, the
/// scheduler attached to the loop, and (as they are written) the fleet, the store, the outbox,
/// the platform listeners and the admin listener. It runs on the calling thread until stop() or
/// SIGINT/SIGTERM, then shuts down gracefully: listeners close, in-flight work finishes, run()
/// returns. Asio and CLI11 stay out of this header (forward declarations only).

#include <chrono>
#include <functional>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/result.hpp"
#include "sim/clock.hpp"
#include "sim/scheduler.hpp"
#include "tools/config.hpp"

namespace CLI {
class App;
}
namespace boost::asio {
class io_context;
}
namespace metersim::sim {
class fleet;
class journal;
class outbox;
namespace http {
class router;
struct request;
struct response;
}
namespace state {
class store;
}
}  // namespace metersim::sim

namespace metersim::tools {

/// The flags of `metersim serve`.
struct serve_options {
    std::string config_file;  ///< empty: the embedded default config
    bool print_config = false;
    bool print_default_config = false;
};

/// Adds the `serve` subcommand to `app` with its flags bound to `opts`; returns the subcommand.
CLI::App* add_serve_command(CLI::App& app, serve_options& opts);

/// Runs `metersim serve` once the command line is parsed; returns an exit code (tools/exit_codes.hpp).
/// Config errors go to stderr as "FILE:LINE:COLUMN: error: ..." and give exit_code::bad_input.
int run_serve(serve_options const& opts);

/// What a scenario world (tools/scenario_world.cpp) sets beyond the config; serve uses the defaults.
struct serve_extras {
    std::uint64_t seed = 1;                  ///< the fleet's seed (each meter's seed derives from it)
    std::size_t journal_capacity = 0;        ///< journal entries kept; 0: the config's journal.capacity
    /// Called once the loop exists, before any listener starts: may change the config (the
    /// scenario runner starts its recorder on the loop here and sets the push URLs to it).
    std::function<void(config&, boost::asio::io_context&)> before_listen;
    /// Told of every request the CIS makes to a platform once its answer is ready: the
    /// platform's name, the request and answer (valid during the call), metersim's time to
    /// answer. Loop thread; `metersim load` measures the CIS's calls with it.
    std::function<void(std::string_view platform, sim::http::request const&, sim::http::response const&,
                       std::chrono::microseconds)>
        on_platform_request;
    /// The state file named by cfg.state, opened by open_state() (which also put its saved clock
    /// into the config). Required when cfg.state is not ":memory:".
    std::shared_ptr<sim::state::store> state;
};

/// Opens the state file `cfg.state` names (nothing for ":memory:") and, when it holds a saved
/// clock, puts that clock (mode, speed, virtual now as the start) into `cfg`. The error is the one
/// line to print before exiting 2 (the file named, the problem; the file is left as it was).
meters::result<std::shared_ptr<sim::state::store>, std::string> open_state(config& cfg);

class serve_app {
public:
    /// Builds the clock (from cfg.clock) and the scheduler, attached to the loop. Throws on
    /// startup failures (e.g. a port that cannot be bound): startup is an edge, not the loop.
    explicit serve_app(config cfg, serve_extras extras = {});
    ~serve_app();
    serve_app(serve_app const&) = delete;
    serve_app& operator=(serve_app const&) = delete;

    /// One line: what the server listens on, its clock and fleet.
    std::string summary() const;

    /// Runs the loop on the calling thread until stop() or SIGINT/SIGTERM has shut it down.
    void run();
    /// Asks for a graceful shutdown; callable from any thread (it posts to the loop).
    void stop();

    boost::asio::io_context& io() noexcept { return *io_; }
    sim::clock& clock() noexcept { return clock_; }
    sim::scheduler& scheduler() noexcept { return scheduler_; }
    config const& settings() const noexcept { return cfg_; }
    /// The admin listener's bound port (the real one when the config asked for port 0).
    std::uint16_t admin_port() const noexcept { return admin_port_; }
    /// A platform listener's bound port ("cnmcsp", "xianfeng", "xintian"); 0 when not started.
    std::uint16_t port_of(std::string_view platform) const noexcept;

    /// The running parts, for the scenario runner's world (loop thread only).
    sim::fleet& fleet() noexcept;
    sim::journal& journal() noexcept;
    sim::outbox& outbox() noexcept;
    /// The admin API's routes (the admin listener's), for in-process calls through dispatch().
    sim::http::router const& admin_router() const noexcept;

private:
    struct parts;

    void start_listeners(serve_extras const& extras);
    void shutdown() noexcept;
    void arm_checkpoint();
    std::function<void(sim::http::request const&, sim::http::response const&, std::chrono::microseconds)>
    durable_before_answer(
        std::function<void(sim::http::request const&, sim::http::response const&, std::chrono::microseconds)> then);
    void save_state() noexcept;

    config cfg_;
    std::unique_ptr<boost::asio::io_context> io_;  ///< declared first among the runtime parts: destroyed last
    sim::clock clock_;
    sim::scheduler scheduler_;
    std::unique_ptr<parts> parts_;
    std::uint16_t admin_port_ = 0;                              ///< bound ports, for summary()
    std::vector<std::pair<std::string, std::string>> ports_;  ///< platform name, bound host:port
    std::vector<std::pair<std::string, std::uint16_t>> bound_;  ///< platform name, bound port
    std::string resumed_;  ///< what the state file gave back, for summary(); empty when nothing
};

}  // namespace metersim::tools

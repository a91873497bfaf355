#include "tools/cmd_serve.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <unordered_set>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "sim/admin/admin_api.hpp"
#include "sim/catalogue.hpp"
#include "sim/faults.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "sim/http/server.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "tools/exit_codes.hpp"
#include "tools/serve_platforms.hpp"

namespace metersim::tools {

namespace net = boost::asio;

// ---------------------------------------------------------------------------------------------
// The command line.

CLI::App* add_serve_command(CLI::App& app, serve_options& opts) {
    auto* cmd = app.add_subcommand(
        "serve", "Run the fake vendor platforms and the admin API until SIGINT/SIGTERM");
    cmd->add_option("--config,-c", opts.config_file,
                    "YAML config file (default: the embedded default config, see --print-default-config)")
        ->type_name("FILE");
    cmd->add_flag("--print-config", opts.print_config,
                  "Print the config in effect (the file's values over the defaults) as YAML and exit; "
                  "secrets (app_secret, key, envelope keys) are masked as \"********\"");
    cmd->add_flag("--print-default-config", opts.print_default_config,
                  "Print the embedded default config and exit (a starting point for --config)");
    return cmd;
}

/// What serve says at start-up when https pushes are not verified.
constexpr std::string_view insecure_warning =
    "metersim: warning: outbox.insecure is true: https pushes do not verify the CIS's certificate";

int run_serve(serve_options const& opts) {
    if (opts.print_default_config) {
        fmt::print("{}", default_config_yaml());
        return exit_code::ok;
    }

    // Load the config: every error, each on its own line, then exit 2.
    auto loaded = opts.config_file.empty() ? parse_config(default_config_yaml(), "<embedded default>")
                                           : load_config_file(opts.config_file);
    if (!loaded) {
        for (auto const& e : loaded.error()) fmt::print(stderr, "{}\n", to_string(e));
        return exit_code::bad_input;
    }
    if (opts.print_config) {
        fmt::print("{}", to_yaml(loaded.value(), secrets::masked));
        return exit_code::ok;
    }

    if (loaded.value().outbox.insecure) fmt::print(stderr, "{}\n", insecure_warning);
    serve_app app{std::move(loaded).value()};
    fmt::print("{}\n", app.summary());
    std::fflush(stdout);
    app.run();
    return exit_code::ok;
}

// ---------------------------------------------------------------------------------------------
// serve_app

/// The wall-clock waits of the outbox's CIS faults (sim::wall_timer); shutdown() cancels those
/// still waiting so that the loop can end.
class fault_timers {
public:
    sim::wall_timer make(net::io_context& io) {
        return [this, &io](std::chrono::milliseconds wait, std::function<void()> fn) {
            if (wait.count() <= 0) {
                net::post(io, [fn = std::move(fn)] { run(fn); });
                return;
            }
            auto t = std::make_shared<net::steady_timer>(io, wait);
            waiting_.insert(t.get());
            t->async_wait([this, t, fn = std::move(fn)](boost::system::error_code ec) {
                waiting_.erase(t.get());
                if (!ec) run(fn);
            });
        };
    }
    void cancel() noexcept {
        for (auto* t : waiting_) {
            try {
                t->cancel();
            } catch (...) {  // NOLINT(bugprone-empty-catch): shutting down regardless
            }
        }
    }

private:
    static void run(std::function<void()> const& fn) noexcept {
        try {
            fn();
        } catch (std::exception const& e) {
            fmt::print(stderr, "metersim: fault timer: {}\n", e.what());
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing escapes into the loop
        }
    }
    std::unordered_set<net::steady_timer*> waiting_;
};

namespace {

/// The push client: `connections` per CIS host, each carrying `pipeline` requests at once.
sim::http::client_options push_client_options(outbox_config const& o) {
    sim::http::client_options c;
    c.max_connections_per_host = o.connections;
    c.max_idle_per_host = o.connections;
    c.pipeline_depth = o.pipeline;
    c.connect_timeout = std::chrono::milliseconds{o.connect_timeout_ms};
    c.request_timeout = std::chrono::milliseconds{o.request_timeout_ms};
    c.body_limit = o.answer_limit;
    c.ca_file = o.ca_file;
    c.insecure = o.insecure;
    return c;
}

/// As many attempts in flight as the client's connections can carry: the rest wait in the
/// outbox (one copy of each push), not in the client.
sim::outbox_options push_outbox_options(outbox_config const& o) {
    sim::outbox_options out;
    out.backoff = {std::chrono::milliseconds{o.backoff_base_ms}, std::chrono::milliseconds{o.backoff_cap_ms}};
    out.max_in_flight = o.connections * o.pipeline;
    return out;
}

}  // namespace

/// The parts that need Asio types, kept out of the header.
struct serve_app::parts {
    parts(net::io_context& io, sim::scheduler& sched, sim::clock& clk, config const& cfg,
          serve_extras const& extras)
        : signals(io, SIGINT, SIGTERM),
          catalogue(sim::catalogue::builtin()),
          journal(extras.journal_capacity != 0 ? extras.journal_capacity : cfg.journal.capacity),
          fleet(sched, catalogue, sim::fleet_options{extras.seed, cfg.zone, cfg.admin.report_history}),
          client(io, push_client_options(cfg.outbox)),
          outbox(client, sched, outbox_store, &journal, push_outbox_options(cfg.outbox)),
          admin(fleet, sched, clk, journal) {
        // Fault injection: the outbox takes "cis" faults, the admin API edits the rules.
        outbox.set_faults(&faults, timers.make(io));
        admin.faults = &faults;
        admin.outbox = &outbox;
        admin.push_client = &client;
    }

    net::signal_set signals;
    bool shutting_down = false;
    sim::catalogue catalogue;
    sim::journal journal;
    sim::fault_registry faults;  ///< before the outbox and the listeners that consult it
    fault_timers timers;
    sim::fleet fleet;
    sim::http::client client;
    sim::memory_outbox_store outbox_store;  // SQLite-backed once persistence lands
    sim::outbox outbox;
    sim::admin_context admin;
    std::unique_ptr<platform_set> platforms;
    std::vector<std::unique_ptr<sim::http::server>> servers;
    sim::http::router admin_routes;  ///< a copy of the admin listener's, for in-process calls
};

namespace {

/// The HTTP settings every listener shares, with its address and body limit.
sim::http::server_options listener_options(config const& cfg, listen_address const& at,
                                           std::size_t body_limit, sim::http::tls_files const& tls) {
    sim::http::server_options o;
    o.tls = tls;
    o.address = at.host;
    o.port = at.port;
    o.body_limit = body_limit != 0 ? body_limit : cfg.http.body_limit;
    o.max_connections = cfg.http.max_connections;
    o.header_limit = cfg.http.header_limit;
    o.header_timeout = std::chrono::milliseconds{cfg.http.header_timeout_ms};
    o.body_timeout = std::chrono::milliseconds{cfg.http.body_timeout_ms};
    o.write_timeout = std::chrono::milliseconds{cfg.http.write_timeout_ms};
    o.idle_timeout = std::chrono::milliseconds{cfg.http.idle_timeout_ms};
    o.on_error = [](std::string_view what) { fmt::print(stderr, "metersim: {}\n", what); };
    return o;
}

/// Manufactures the config's fleet: `count` meters numbered id_prefix + a 6-digit sequence
/// (the admin API's template numbering). Throws on a model the catalogue does not know.
void build_fleet(config const& cfg, sim::fleet& fleet) {
    for (auto const& e : cfg.fleet) {
        auto const* model = fleet.models().find(e.model);
        if (model == nullptr || model->platform != e.platform)
            throw std::runtime_error(fmt::format("fleet: model '{}' is not a {} model of the catalogue",
                                                 e.model, e.platform));
        for (std::uint32_t i = 1; i <= e.count; ++i) {
            sim::manufacture_request req;
            req.model = e.model;
            req.identity.meter_no = fmt::format("{}{:06}", e.id_prefix, i);
            auto made = fleet.manufacture(req);
            if (!made) throw std::runtime_error("fleet: " + made.error());
        }
    }
}

}  // namespace

serve_app::serve_app(config cfg, serve_extras extras)
    : cfg_(std::move(cfg)),
      io_(std::make_unique<net::io_context>(1)),
      clock_(cfg_.clock.mode, cfg_.clock.speed, cfg_.clock.start),
      scheduler_(clock_),
      parts_(std::make_unique<parts>(*io_, scheduler_, clock_, cfg_, extras)) {
    scheduler_.attach(*io_);
    if (extras.before_listen) extras.before_listen(cfg_, *io_);
    start_listeners();
}

serve_app::~serve_app() = default;

void serve_app::start_listeners() {
    // The one place where listeners start: the admin API on cfg_.admin.listen, then each platform
    // configured under cfg_.platforms (a platform left out is not started). Each listener is
    // owned by parts_ and closed by shutdown().
    auto& p = *parts_;
    build_fleet(cfg_, p.fleet);
    p.platforms = std::make_unique<platform_set>(
        cfg_, platform_parts{p.fleet, scheduler_, p.outbox, p.journal, p.admin});

    sim::http::router admin_routes;
    sim::add_admin_routes(admin_routes, p.admin);
    p.platforms->add_admin_routes(admin_routes);
    p.admin_routes = admin_routes;
    p.servers.push_back(std::make_unique<sim::http::server>(
        *io_, std::move(admin_routes), listener_options(cfg_, cfg_.admin.listen, 0, cfg_.admin.tls)));
    admin_port_ = p.servers.back()->port();

    for (auto& l : p.platforms->listeners()) {
        auto opts = listener_options(cfg_, l.at, l.body_limit, l.tls);
        opts.on_journal = l.journal_hook;
        opts.on_fault = [&p, &sched = scheduler_, name = l.name](sim::http::request const& req) {
            return sim::platform_fault(p.faults, name, req, sched.now(), &p.journal);
        };
        p.servers.push_back(std::make_unique<sim::http::server>(*io_, std::move(l.routes), opts));
        ports_.emplace_back(l.name, fmt::format("{}:{}{}", l.at.host, p.servers.back()->port(),
                                                l.tls.enabled() ? " (https)" : ""));
        bound_.emplace_back(l.name, p.servers.back()->port());
    }
}

std::uint16_t serve_app::port_of(std::string_view platform) const noexcept {
    for (auto const& [name, port] : bound_)
        if (name == platform) return port;
    return 0;
}

sim::fleet& serve_app::fleet() noexcept { return parts_->fleet; }
sim::journal& serve_app::journal() noexcept { return parts_->journal; }
sim::outbox& serve_app::outbox() noexcept { return parts_->outbox; }
sim::http::router const& serve_app::admin_router() const noexcept { return parts_->admin_routes; }

std::string serve_app::summary() const {
    auto const host = cfg_.admin.listen.host;
    std::string listeners = fmt::format("admin {}:{}{}", host, admin_port_, cfg_.admin.tls.enabled() ? " (https)" : "");
    for (auto const& [name, at] : ports_) listeners += fmt::format(", {} {}", name, at);

    std::string clock = cfg_.clock.mode == sim::clock_mode::accelerated
                            ? fmt::format("accelerated x{}", cfg_.clock.speed)
                            : std::string{sim::to_string(cfg_.clock.mode)};
    if (cfg_.clock.mode != sim::clock_mode::realtime)
        clock += fmt::format(" from {} ({})", cfg_.clock.start_text, cfg_.timezone);

    return fmt::format("metersim serve: listening on {}; clock {}; {} meters", listeners, clock,
                       parts_->fleet.size());
}

void serve_app::run() {
    // SIGINT/SIGTERM: graceful shutdown. The wait is cancelled by shutdown() if stop() comes first.
    parts_->signals.async_wait([this](boost::system::error_code ec, int) noexcept {
        if (!ec) shutdown();
    });
    io_->run();
}

void serve_app::stop() {
    net::post(*io_, [this] { shutdown(); });
}

void serve_app::shutdown() noexcept {
    auto& p = *parts_;
    if (p.shutting_down) return;
    p.shutting_down = true;
    // Stop taking work: listeners close here once they exist; then the scheduler lets go of the
    // loop. In-flight handlers finish and run() returns when nothing is left.
    for (auto& s : p.servers) s->stop();
    p.timers.cancel();
    scheduler_.detach();
    boost::system::error_code ignored;
    p.signals.cancel(ignored);
}

}  // namespace metersim::tools

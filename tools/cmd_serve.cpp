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

#include "meters/calendar.hpp"
#include "sim/admin/admin_api.hpp"
#include "sim/catalogue.hpp"
#include "sim/faults.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "sim/http/server.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "sim/state/persistence.hpp"
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
    cmd->footer("State: with `state: FILE` in the config, serve saves its meters, clock, pending pushes,\n"
                "fault rules and journal in that SQLite file and resumes from it (the platforms' records are\n"
                "not saved yet); delete FILE, FILE-wal and FILE-shm to start afresh. A state file that cannot\n"
                "be used exits 2.");
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

    auto cfg = std::move(loaded).value();
    auto state = open_state(cfg);
    if (!state) {
        fmt::print(stderr, "metersim: {}\n", state.error());
        return exit_code::bad_input;
    }
    if (cfg.outbox.insecure) fmt::print(stderr, "{}\n", insecure_warning);
    serve_extras extras;
    extras.state = std::move(state).value();
    std::unique_ptr<serve_app> app;
    try {
        app = std::make_unique<serve_app>(std::move(cfg), std::move(extras));
    } catch (std::exception const& e) {
        fmt::print(stderr, "metersim: {}\n", e.what());
        return exit_code::bad_input;
    }
    fmt::print("{}\n", app->summary());
    std::fflush(stdout);
    app->run();
    return exit_code::ok;
}

meters::result<std::shared_ptr<sim::state::store>, std::string> open_state(config& cfg) {
    if (cfg.state == ":memory:") return std::shared_ptr<sim::state::store>{};
    auto opened = sim::state::store::open(cfg.state);
    if (!opened) return opened.error();
    std::shared_ptr<sim::state::store> s = std::move(opened).value();
    try {
        if (auto c = s->load_clock()) {
            auto const mode = sim::parse_clock_mode(c->mode);
            if (!mode || !sim::clock::is_valid_speed(c->speed))
                return fmt::format("state file {}: the saved clock is not valid (mode '{}', speed {})", cfg.state,
                                   c->mode, c->speed);
            cfg.clock.mode = *mode;
            cfg.clock.speed = c->speed;
            cfg.clock.start = c->now;
        }
    } catch (std::exception const& e) {
        return std::string(e.what());
    }
    return s;
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
    out.meter_order = o.meter_order;
    return out;
}

}  // namespace

namespace {
std::unique_ptr<sim::state::persistence> make_persistence(serve_extras const& extras) {
    if (!extras.state) return nullptr;
    return std::make_unique<sim::state::persistence>(extras.state);
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
          persistence(make_persistence(extras)),
          outbox(client, sched, persistence ? static_cast<sim::outbox_store&>(persistence->pushes()) : outbox_store,
                 &journal, push_outbox_options(cfg.outbox)),
          checkpoint_timer(io),
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
    sim::memory_outbox_store outbox_store;  ///< without a state file
    std::unique_ptr<sim::state::persistence> persistence;  ///< with one (cfg.state)
    sim::outbox outbox;
    net::steady_timer checkpoint_timer;
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
/// (the admin API's template numbering); a meter that exists (resumed from the state file) is
/// not made again. Throws on a model the catalogue does not know.
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
            if (fleet.find(req.identity.meter_no) != nullptr) continue;
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
    if (cfg_.state != ":memory:" && !parts_->persistence)
        throw std::runtime_error("state file " + cfg_.state + ": not opened (tools::open_state)");
    scheduler_.attach(*io_);
    if (extras.before_listen) extras.before_listen(cfg_, *io_);
    start_listeners(extras);
}

serve_app::~serve_app() = default;

void serve_app::start_listeners(serve_extras const& extras) {
    // The one place where listeners start: the admin API on cfg_.admin.listen, then each platform
    // configured under cfg_.platforms (a platform left out is not started). Each listener is
    // owned by parts_ and closed by shutdown().
    auto& p = *parts_;
    if (p.persistence) {
        auto restored = p.persistence->restore_meters(p.fleet);
        if (!restored) throw std::runtime_error(restored.error());
        p.persistence->track_faults(p.faults);
        p.persistence->track_journal(p.journal);
        if (!p.persistence->file().created())
            resumed_ = fmt::format("{} meters", restored.value());
        // Group commit: what a turn of the loop wrote is committed at its end.
        p.persistence->set_poster([&io = *io_](std::function<void()> fn) { net::post(io, std::move(fn)); });
    }
    build_fleet(cfg_, p.fleet);
    p.platforms = std::make_unique<platform_set>(
        cfg_, platform_parts{p.fleet, scheduler_, p.outbox, p.journal, p.admin});

    sim::http::router admin_routes;
    sim::add_admin_routes(admin_routes, p.admin);
    p.platforms->add_admin_routes(admin_routes);
    p.admin_routes = admin_routes;
    auto admin_options = listener_options(cfg_, cfg_.admin.listen, 0, cfg_.admin.tls);
    admin_options.on_journal = durable_before_answer({});
    p.servers.push_back(std::make_unique<sim::http::server>(*io_, std::move(admin_routes), admin_options));
    admin_port_ = p.servers.back()->port();

    for (auto& l : p.platforms->listeners()) {
        auto opts = listener_options(cfg_, l.at, l.body_limit, l.tls);
        sim::http::journal_hook hook = l.journal_hook;
        if (extras.on_platform_request)
            hook = [hook = l.journal_hook, observe = extras.on_platform_request, name = l.name](
                       sim::http::request const& req, sim::http::response const& res,
                       std::chrono::microseconds took) {
                if (hook) hook(req, res, took);
                observe(name, req, res, took);
            };
        opts.on_journal = durable_before_answer(std::move(hook));
        opts.on_fault = [&p, &sched = scheduler_, name = l.name](sim::http::request const& req) {
            return sim::platform_fault(p.faults, name, req, sched.now(), &p.journal);
        };
        p.servers.push_back(std::make_unique<sim::http::server>(*io_, std::move(l.routes), opts));
        ports_.emplace_back(l.name, fmt::format("{}:{}{}", l.at.host, p.servers.back()->port(),
                                                l.tls.enabled() ? " (https)" : ""));
        bound_.emplace_back(l.name, p.servers.back()->port());
    }
    if (p.persistence) {
        // The pushes pending when the state was saved go out again, each under its own serial,
        // once the platforms have set their hooks.
        auto const resent = p.outbox.resume();
        if (!resumed_.empty()) {
            auto const c = meters::to_civil(clock_.now(), cfg_.zone);
            resumed_ = fmt::format("resumed {}: {}, virtual now {:04}-{:02}-{:02} {:02}:{:02}:{:02}, {} pushes pending",
                                   cfg_.state, resumed_, c.year, c.month, c.day, c.hour, c.minute, c.second, resent);
        }
        save_state();  // the config's new meters, at once
        arm_checkpoint();
    }
}

sim::http::journal_hook serve_app::durable_before_answer(sim::http::journal_hook then) {
    if (!parts_->persistence) return then;
    // The server calls its journal hook once the answer is final, just before writing it: a
    // request that may have changed something (any method but GET and HEAD) commits the meters
    // it changed, the clock and the pushes it made there, so what it answered survives a crash.
    return [this, then = std::move(then)](sim::http::request const& req, sim::http::response const& res,
                                          std::chrono::microseconds latency) {
        if (then) then(req, res, latency);
        if (req.method != "GET" && req.method != "HEAD") save_state();
    };
}

void serve_app::arm_checkpoint() {
    auto& p = *parts_;
    p.checkpoint_timer.expires_after(std::chrono::milliseconds{cfg_.state_checkpoint_ms});
    p.checkpoint_timer.async_wait([this](boost::system::error_code ec) {
        if (ec || parts_->shutting_down) return;
        save_state();
        arm_checkpoint();
    });
}

void serve_app::save_state() noexcept {
    auto& p = *parts_;
    if (!p.persistence) return;
    try {
        p.persistence->checkpoint(p.fleet, clock_);
    } catch (std::exception const& e) {
        fmt::print(stderr, "metersim: {}\n", e.what());
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
    if (cfg_.clock.mode != sim::clock_mode::realtime && resumed_.empty())
        clock += fmt::format(" from {} ({})", cfg_.clock.start_text, cfg_.timezone);

    auto line = fmt::format("metersim serve: listening on {}; clock {}; {} meters", listeners, clock,
                            parts_->fleet.size());
    if (!resumed_.empty()) line = fmt::format("metersim serve: {}; listening on {}; clock {}; {} meters", resumed_,
                                              listeners, clock, parts_->fleet.size());
    else if (parts_->persistence) line += fmt::format("; state {} (new)", cfg_.state);
    return line;
}

void serve_app::run() {
    // SIGINT/SIGTERM: graceful shutdown. The wait is cancelled by shutdown() if stop() comes first.
    parts_->signals.async_wait([this](boost::system::error_code ec, int) noexcept {
        if (!ec) shutdown();
    });
    io_->run();
    save_state();  // everything, once the in-flight work has finished
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
    try {
        p.checkpoint_timer.cancel();
    } catch (...) {  // NOLINT(bugprone-empty-catch): shutting down regardless
    }
    save_state();
    scheduler_.detach();
    boost::system::error_code ignored;
    p.signals.cancel(ignored);
}

}  // namespace metersim::tools

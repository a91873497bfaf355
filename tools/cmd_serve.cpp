#include "tools/cmd_serve.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "tools/exit_codes.hpp"

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
                  "Print the config in effect (the file's values over the defaults) as YAML and exit");
    cmd->add_flag("--print-default-config", opts.print_default_config,
                  "Print the embedded default config and exit (a starting point for --config)");
    return cmd;
}

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
        fmt::print("{}", to_yaml(loaded.value()));
        return exit_code::ok;
    }

    serve_app app{std::move(loaded).value()};
    fmt::print("{}\n", app.summary());
    std::fflush(stdout);
    app.run();
    return exit_code::ok;
}

// ---------------------------------------------------------------------------------------------
// serve_app

/// The parts that need Asio types, kept out of the header.
struct serve_app::parts {
    explicit parts(net::io_context& io) : signals(io, SIGINT, SIGTERM) {}
    net::signal_set signals;
    bool shutting_down = false;
    // Later: fleet, store, outbox, platform servers, admin server.
};

serve_app::serve_app(config cfg)
    : cfg_(std::move(cfg)),
      io_(std::make_unique<net::io_context>(1)),
      clock_(cfg_.clock.mode, cfg_.clock.speed, cfg_.clock.start),
      scheduler_(clock_),
      parts_(std::make_unique<parts>(*io_)) {
    scheduler_.attach(*io_);
    start_listeners();
}

serve_app::~serve_app() = default;

void serve_app::start_listeners() {
    // The one place where listeners start: the admin API on cfg_.admin.listen, then each platform
    // configured under cfg_.platforms (a platform left out is not started). Each listener is
    // owned by parts_ and closed by shutdown().
}

std::string serve_app::summary() const {
    std::string listeners = fmt::format("admin {}", cfg_.admin.listen.to_string());
    auto const& p = cfg_.platforms;
    if (p.cnmcsp) listeners += fmt::format(", cnmcsp {}", p.cnmcsp->listen.to_string());
    if (p.xianfeng) listeners += fmt::format(", xianfeng {}", p.xianfeng->listen.to_string());
    if (p.xintian) listeners += fmt::format(", xintian {}", p.xintian->listen.to_string());

    std::uint64_t meters = 0;
    for (auto const& e : cfg_.fleet) meters += e.count;

    std::string clock = cfg_.clock.mode == sim::clock_mode::accelerated
                            ? fmt::format("accelerated x{}", cfg_.clock.speed)
                            : std::string{sim::to_string(cfg_.clock.mode)};
    if (cfg_.clock.mode != sim::clock_mode::realtime)
        clock += fmt::format(" from {} ({})", cfg_.clock.start_text, cfg_.timezone);

    return fmt::format("metersim serve: would listen on {}; clock {}; {} meters; state {}", listeners, clock,
                       meters, cfg_.state);
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
    scheduler_.detach();
    boost::system::error_code ignored;
    p.signals.cancel(ignored);
}

}  // namespace metersim::tools

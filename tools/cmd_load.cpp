#include "tools/cmd_load.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "sim/http/routes.hpp"
#include "sim/outbox.hpp"
#include "sim/process_usage.hpp"
#include "tools/cmd_serve.hpp"
#include "tools/exit_codes.hpp"
#include "tools/load/load_driver.hpp"
#include "tools/load/load_open.hpp"
#include "tools/load/load_stats.hpp"
#include "tools/load/load_summary.hpp"

namespace metersim::tools {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// The command line.

CLI::App* add_load_command(CLI::App& app, load_options& o) {
    auto* cmd = app.add_subcommand("load", "Load-test a CIS with a fleet of simulated meters pushing to it");
    cmd->add_option("--config,-c", o.config_file,
                    "The YAML config `serve` reads (listeners, credentials, push URLs); default: the embedded one")
        ->type_name("FILE");
    cmd->add_option("--platform", o.platform, "The platform whose meters push: cnmcsp, xianfeng or xintian")
        ->required();
    cmd->add_option("--meters", o.meters, "How many meters to manufacture (1 to 999999)")->required();
    cmd->add_option("--model", o.model,
                    "Their catalogue model (default cn-nb-money, xf-nb-money, xt-nb-thirdparty)")
        ->type_name("M");
    cmd->add_option("--duration", o.duration, "How long to load: 90s, 10m, 1h")->required();
    cmd->add_option("--ramp", o.ramp, "Rise linearly to the target over this time (default 0)");
    auto* rate = cmd->add_option("--rate", o.rate, "Target pushes per second over the whole fleet")
                     ->type_name("PUSHES_PER_S");
    auto* per_day = cmd->add_option("--reports-per-day", o.reports_per_day,
                                    "Or: reports per meter per virtual day, at the config's clock speed")
                        ->type_name("K");
    rate->excludes(per_day);
    cmd->add_option("--cis", o.cis,
                    "Point every push at this CIS: keeps each push URL's path, replaces scheme, host and port")
        ->type_name("URL");
    cmd->add_option("--alarms", o.alarms_percent,
                    "Percent of the sessions that raise 0006H (cleared at the meter's next session), so alarm pushes mix in")
        ->type_name("PCT");
    cmd->add_flag("--open", o.open,
                  "Open every meter on the platform first (register / meteradd / CreateMeter), as a CIS would");
    cmd->add_option("--seed", o.seed, "Seed of the fleet and of the load's order (default 1)");
    cmd->add_option("--max-p99", o.max_p99_ms, "Fail (exit 1) when the CIS's p99 answer time exceeds MS")
        ->type_name("MS");
    cmd->add_option("--max-error-rate", o.max_error_rate_pct,
                    "Fail (exit 1) when more than PCT percent of push attempts fail")
        ->type_name("PCT");
    cmd->add_option("--json", o.json_file, "Write the JSON summary here")->type_name("FILE");
    cmd->add_option("--report", o.report_file, "Write a self-contained HTML report with charts here")
        ->type_name("FILE.html");
    cmd->add_option("--meters-csv", o.meters_csv,
                    "Write the fleet's identities (meterNo,userNo,deviceId,IMEI,model) here")
        ->type_name("FILE");
    cmd->footer(
        "Exit codes: 0 every threshold held; 1 a threshold was missed (--max-p99, --max-error-rate, the "
        "achieved rate under 90% of the target, or no push delivered at all); 2 bad input (flags, config).\n"
        "Progress goes to stderr once a second; the summary to stdout. Ctrl-C ends the run early and still "
        "writes the summary and the files.");
    return cmd;
}

namespace {

/// One line on stderr naming the flag or key, then exit 2.
int bad(std::string const& what) {
    fmt::print(stderr, "metersim load: error: {}\n", what);
    return exit_code::bad_input;
}

/// The push URLs of each platform: (config key, member).
std::vector<std::pair<std::string, std::string*>> push_urls(config& c, std::string const& platform) {
    std::vector<std::pair<std::string, std::string*>> out;
    auto& ps = c.platforms;
    if (ps.cnmcsp && (platform.empty() || platform == "cnmcsp")) {
        out.emplace_back("platforms.cnmcsp.realtime_url", &ps.cnmcsp->realtime_url);
        out.emplace_back("platforms.cnmcsp.alarm_url", &ps.cnmcsp->alarm_url);
    }
    if (ps.xianfeng && (platform.empty() || platform == "xianfeng")) {
        out.emplace_back("platforms.xianfeng.report_url", &ps.xianfeng->report_url);
        out.emplace_back("platforms.xianfeng.response_url", &ps.xianfeng->response_url);
    }
    if (ps.xintian && (platform.empty() || platform == "xintian"))
        out.emplace_back("platforms.xintian.report_url", &ps.xintian->report_url);
    return out;
}

std::string default_model(std::string const& platform) {
    if (platform == "cnmcsp") return "cn-nb-money";
    if (platform == "xianfeng") return "xf-nb-money";
    return "xt-nb-thirdparty";  // Xintian pushes the reports of third-party-billed meters only
}

/// The meter numbers' prefix (the default config's, so numbers look like the vendor's).
std::string id_prefix(std::string const& platform) {
    if (platform == "cnmcsp") return "2026010";
    if (platform == "xianfeng") return "07602190";
    return "3301";
}

/// The flags' own checks (before the config is read); "" or the one error line.
std::string check_flags(load_options const& o) {
    if (o.platform != "cnmcsp" && o.platform != "xianfeng" && o.platform != "xintian")
        return fmt::format("--platform {}: expected cnmcsp, xianfeng or xintian", o.platform);
    if (o.meters < 1 || o.meters > 999'999) return fmt::format("--meters {}: expected 1 to 999999", o.meters);
    auto const duration_ms = scenarios::detail::parse_duration_ms(o.duration);
    if (!duration_ms || *duration_ms <= 0)
        return fmt::format("--duration {}: expected a duration such as 90s, 10m or 1h", o.duration);
    auto const ramp_ms = scenarios::detail::parse_duration_ms(o.ramp);
    if (!ramp_ms || *ramp_ms > *duration_ms)
        return fmt::format("--ramp {}: expected a duration no longer than --duration", o.ramp);
    if (!o.rate && !o.reports_per_day) return "--rate or --reports-per-day: one of them is required";
    if (o.rate && !(*o.rate > 0 && *o.rate <= 1e6)) return fmt::format("--rate {}: expected 0 < rate <= 1000000", *o.rate);
    if (o.reports_per_day && !(*o.reports_per_day > 0 && *o.reports_per_day <= 1e6))
        return fmt::format("--reports-per-day {}: expected a number above 0", *o.reports_per_day);
    if (!(o.alarms_percent >= 0 && o.alarms_percent <= 100))
        return fmt::format("--alarms {}: expected a percentage from 0 to 100", o.alarms_percent);
    if (o.max_p99_ms && !(*o.max_p99_ms > 0)) return fmt::format("--max-p99 {}: expected milliseconds above 0", *o.max_p99_ms);
    if (o.max_error_rate_pct && !(*o.max_error_rate_pct >= 0 && *o.max_error_rate_pct <= 100))
        return fmt::format("--max-error-rate {}: expected a percentage from 0 to 100", *o.max_error_rate_pct);
    return {};
}

/// Points the pushes at --cis and checks that the platform has a push URL; "" or the error line.
std::string point_pushes(load_options const& o, config& cfg) {
    std::optional<sim::http::url> cis;
    if (!o.cis.empty()) {
        auto u = sim::http::parse_url(o.cis);
        if (!u) return fmt::format("--cis {}: {}", o.cis, u.error());
        cis = u.value();
    }

    // The platform must be configured, with a push URL to load.
    bool const configured = (o.platform == "cnmcsp" && cfg.platforms.cnmcsp) ||
                            (o.platform == "xianfeng" && cfg.platforms.xianfeng) ||
                            (o.platform == "xintian" && cfg.platforms.xintian);
    if (!configured)
        return fmt::format("--platform {}: the config has no platforms.{} section", o.platform, o.platform);
    if (cis) {
        for (auto& [key, url] : push_urls(cfg, {})) {
            if (url->empty()) continue;
            auto u = sim::http::parse_url(*url);
            if (!u) return fmt::format("{}: {}", key, u.error());
            *url = fmt::format("http://{}:{}{}", cis->host.find(':') != std::string::npos ? "[" + cis->host + "]" : cis->host,
                               cis->port, u.value().target);
        }
    }
    auto const mine = push_urls(cfg, o.platform);
    if (!std::any_of(mine.begin(), mine.end(), [](auto const& kv) { return !kv.second->empty(); }))
        return fmt::format("no push URL: set {} in --config (--cis replaces only the scheme, host and port of it)",
                           mine.front().first);
    return {};
}

/// Checks the flags and builds the config the run uses; "" or the one error line.
std::string prepare(load_options const& o, config& cfg, load::load_shape& shape, double& duration_s) {
    if (auto err = check_flags(o); !err.empty()) return err;
    if (o.reports_per_day && cfg.clock.mode == sim::clock_mode::stepped)
        return "--reports-per-day: needs clock.mode accelerated or realtime in the config (it is stepped)";
    if (auto err = point_pushes(o, cfg); !err.empty()) return err;
    auto const duration_ms = scenarios::detail::parse_duration_ms(o.duration);
    auto const ramp_ms = scenarios::detail::parse_duration_ms(o.ramp);

    // The fleet: only the load's meters.
    fleet_entry e;
    e.platform = o.platform;
    e.model = o.model.empty() ? default_model(o.platform) : o.model;
    e.count = o.meters;
    e.id_prefix = id_prefix(o.platform);
    cfg.fleet = {e};

    // The shape: a target rate, or reports per meter per virtual day at the clock's speed.
    duration_s = static_cast<double>(*duration_ms) / 1000.0;
    shape.ramp_s = static_cast<double>(*ramp_ms) / 1000.0;
    if (o.rate) {
        // Virtual time = wall time: the meters' own daily schedule stays as in production, so
        // the driver's sessions are (nearly) all the load.
        cfg.clock.mode = sim::clock_mode::realtime;
        shape.rate = *o.rate;
    } else {
        double const speed = cfg.clock.mode == sim::clock_mode::accelerated ? cfg.clock.speed : 1.0;
        shape.rate = static_cast<double>(o.meters) * *o.reports_per_day / 86400.0 * speed;
    }
    return {};
}

/// Checks that a file can be written before the run (a typo is bad input, not a lost report).
std::string check_writable(std::string const& flag, std::string const& path) {
    if (path.empty()) return {};
    std::ofstream f{path, std::ios::app};
    if (!f) return fmt::format("{} {}: cannot write the file", flag, path);
    return {};
}

bool write_file(std::string const& path, std::string const& text) {
    std::ofstream f{path, std::ios::binary | std::ios::trunc};
    f << text;
    return static_cast<bool>(f);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The run.

namespace {

/// The run on the loop: the open phase, then the driver's ticks, the progress line, the end.
class load_run {
public:
    load_run(serve_app& app, load_options const& o, load::load_shape shape, double duration_s,
             load::load_stats& stats)
        : app_(app),
          opts_(o),
          duration_s_(duration_s),
          stats_(stats),
          tick_(app.io()),
          second_(app.io()),
          drain_(app.io()),
          signals_(app.io(), SIGINT, SIGTERM),
          tty_(::isatty(STDERR_FILENO) != 0) {
        meters_ = app.fleet().list(o.platform, 0, o.meters);
        driver_ = std::make_unique<load::load_driver>(app.fleet(), app.outbox(), meters_, shape, o.alarms_percent,
                                                      o.seed, std::max<std::size_t>(10'000, static_cast<std::size_t>(shape.rate * 2)));
    }

    /// Starts on the loop (call before app.run()).
    void start() {
        signals_.async_wait([this](boost::system::error_code ec, int) {
            if (!ec) finish(true);
        });
        if (!opts_.open) {
            begin();
            return;
        }
        fmt::print(stderr, "metersim load: opening {} meters on {}...\n", meters_.size(), opts_.platform);
        opener_ = load::open_meters(app_.io(), app_.settings(), opts_.platform, app_.port_of(opts_.platform), meters_,
                                    [this](load::open_outcome r) {
                                        opened_ = r.opened;
                                        if (r.failed != 0) {
                                            open_error_ = fmt::format("--open: {} of {} meters were refused; the first: {}",
                                                                      r.failed, meters_.size(), r.first_error);
                                            finish(false);
                                            return;
                                        }
                                        begin();
                                    });
    }

    bool interrupted() const noexcept { return interrupted_; }
    double elapsed_s() const noexcept { return elapsed_s_; }
    std::size_t opened() const noexcept { return opened_; }
    std::string const& open_error() const noexcept { return open_error_; }
    std::vector<sim::fleet_meter*> const& meters() const noexcept { return meters_; }
    load::load_shape const& shape() const noexcept { return driver_->shape(); }
    load::load_driver const& driver() const noexcept { return *driver_; }

private:
    double since_start() const {
        return std::chrono::duration<double>(steady::now() - started_).count();
    }

    void begin() {
        if (finished_) return;
        if (!opts_.meters_csv.empty()) write_csv();
        started_ = steady::now();
        last_cpu_ = sim::read_process_usage().cpu_seconds;
        start_cpu_ = last_cpu_;
        last_second_ = started_;
        driver_->start();
        stats_.measuring = true;
        running_ = true;
        if (opts_.on_begin) opts_.on_begin(app_.port_of(opts_.platform));
        arm_tick();
        arm_second(started_ + std::chrono::seconds{1});
    }

    void arm_tick() {
        tick_.expires_after(std::chrono::milliseconds{10});
        tick_.async_wait([this](boost::system::error_code ec) {
            if (ec || !running_) return;
            auto const t = since_start();
            if (t >= duration_s_) {
                // The last tick makes what the shape asks for by the end of the run.
                drive(duration_s_);
                finish(false);
                return;
            }
            drive(t);
            arm_tick();
        });
    }

    /// One tick of the driver; nothing escapes into the loop.
    void drive(double t) noexcept {
        try {
            driver_->tick(t);
        } catch (std::exception const& e) {
            fmt::print(stderr, "metersim load: {}\n", e.what());
        } catch (...) {  // NOLINT(bugprone-empty-catch): the run goes on
        }
    }

    void arm_second(steady::time_point due) {
        second_.expires_at(due);
        second_.async_wait([this, due](boost::system::error_code ec) {
            if (ec || !running_) return;
            close_interval(due);
            progress();
            arm_second(due + std::chrono::seconds{1});
        });
    }

    void close_interval(steady::time_point due) {
        auto const now = steady::now();
        auto const usage = sim::read_process_usage();
        load::process_sample p;
        auto const wall = std::chrono::duration<double>(now - last_second_).count();
        p.cpu_percent = wall > 0 ? (usage.cpu_seconds - last_cpu_) / wall * 100.0 : 0.0;
        p.rss_mb = static_cast<double>(usage.resident_bytes) / (1024.0 * 1024.0);
        p.outbox_depth = app_.outbox().counters().pending;
        p.loop_lag_ms = std::max(0.0, std::chrono::duration<double, std::milli>(now - due).count());
        last_cpu_ = usage.cpu_seconds;
        last_second_ = now;
        auto const t = std::chrono::duration<double>(now - started_).count();
        stats_.close_interval(t, driver_->shape().rate_at(t), p);
    }

    void progress() {
        if (stats_.timeline.empty()) return;
        auto const& row = stats_.timeline.back();
        std::string codes;
        for (auto const& [cause, n] : row.failed_by_cause) codes += fmt::format(" {}:{}", cause, n);
        auto line = fmt::format(
            "[{:>5.0f}s] meters {} | pushes/s {} target {:.0f} | delivered {} failed {}{} | p50 {:.1f} ms p99 {:.1f} ms | "
            "outbox {} | cpu {:.0f}% rss {:.0f} MB lag {:.0f} ms | CIS calls {}",
            row.t_s, meters_.size(), row.attempted, row.target_rate, row.delivered, row.failed, codes, row.latency.p50,
            row.latency.p99, row.process.outbox_depth, row.process.cpu_percent, row.process.rss_mb,
            row.process.loop_lag_ms, row.cis_requests);
        if (tty_)
            fmt::print(stderr, "\r{}\x1b[K", line);
        else
            fmt::print(stderr, "{}\n", line);
        std::fflush(stderr);
    }

    /// Ends the load: no more sessions, no more retries; waits (at most 10 s) for the attempts
    /// in flight to settle so that every push the CIS saw is counted; then stops the server.
    void finish(bool interrupted) {
        if (finished_) return;
        finished_ = true;
        interrupted_ = interrupted;
        if (running_) {
            // A run that ran its course lasted its duration (the last tick is at most 10 ms late).
            elapsed_s_ = interrupted ? since_start() : duration_s_;
            running_ = false;
            close_interval(steady::now());
            stats_.cpu_seconds = sim::read_process_usage().cpu_seconds - start_cpu_;
            if (tty_) fmt::print(stderr, "\n");
        }
        tick_.cancel();
        second_.cancel();
        app_.scheduler().detach();
        drain_deadline_ = steady::now() + std::chrono::seconds{10};
        drain();
    }

    void drain() {
        if (app_.outbox().counters().in_flight == 0 || steady::now() >= drain_deadline_) {
            boost::system::error_code ignored;
            signals_.cancel(ignored);
            app_.stop();
            return;
        }
        drain_.expires_after(std::chrono::milliseconds{20});
        drain_.async_wait([this](boost::system::error_code ec) {
            if (!ec) drain();
        });
    }

    void write_csv() {
        std::string text = "meterNo,userNo,deviceId,IMEI,model\n";
        for (auto const* m : meters_) {
            auto const& id = m->meter.identity();
            text += fmt::format("{},{},{},{},{}\n", id.meter_no, load::user_id_for(opts_.platform, id.meter_no),
                                id.device_id, id.imei, m->entry->key);
        }
        if (!write_file(opts_.meters_csv, text))
            fmt::print(stderr, "metersim load: --meters-csv {}: cannot write the file\n", opts_.meters_csv);
    }

    serve_app& app_;
    load_options const& opts_;
    double duration_s_;
    load::load_stats& stats_;
    std::vector<sim::fleet_meter*> meters_;
    std::unique_ptr<load::load_driver> driver_;
    std::shared_ptr<void> opener_;
    net::steady_timer tick_;
    net::steady_timer second_;
    net::steady_timer drain_;
    net::signal_set signals_;
    bool tty_;
    bool running_ = false;
    bool finished_ = false;
    bool interrupted_ = false;
    double elapsed_s_ = 0;
    std::size_t opened_ = 0;
    std::string open_error_;
    steady::time_point started_{};
    steady::time_point last_second_{};
    steady::time_point drain_deadline_{};
    double last_cpu_ = 0;
    double start_cpu_ = 0;
};

}  // namespace

int run_load(load_options const& o) {
    auto loaded = o.config_file.empty() ? parse_config(default_config_yaml(), "<embedded default>")
                                        : load_config_file(o.config_file);
    if (!loaded) {
        for (auto const& e : loaded.error()) fmt::print(stderr, "{}\n", to_string(e));
        return exit_code::bad_input;
    }
    config cfg = std::move(loaded).value();
    load::load_shape shape;
    double duration_s = 0;
    if (auto err = prepare(o, cfg, shape, duration_s); !err.empty()) return bad(err);
    for (auto const& [flag, path] : {std::pair{"--json", &o.json_file}, std::pair{"--report", &o.report_file},
                                     std::pair{"--meters-csv", &o.meters_csv}})
        if (auto err = check_writable(flag, *path); !err.empty()) return bad(err);

    load::load_stats stats;
    serve_extras extras;
    extras.seed = o.seed;
    // Both clocks, for the round trips; the scheduler is set once the app exists.
    sim::scheduler const* sched = nullptr;
    auto const origin = steady::now();
    auto moment_now = [&sched, origin] {
        return load::moment{std::chrono::duration<double>(steady::now() - origin).count(),
                            sched != nullptr ? meters::to_ms(sched->now()) : 0};
    };
    extras.on_platform_request = [&stats, &moment_now](std::string_view platform, sim::http::request const& req,
                                                       sim::http::response const& res, std::chrono::microseconds took) {
        stats.on_cis_request(platform, req.path, res.status, res.body, took, moment_now());
    };
    std::unique_ptr<serve_app> app;
    try {
        app = std::make_unique<serve_app>(cfg, std::move(extras));
    } catch (std::exception const& e) {
        return bad(e.what());  // a model the catalogue lacks, a port taken, ...
    }
    sched = &app->scheduler();
    app->outbox().on_attempt([&stats, &moment_now](sim::attempt_report const& r) { stats.on_attempt(r, moment_now()); });
    fmt::print(stderr, "{}\n", app->summary());

    load_run run{*app, o, shape, duration_s, stats};
    run.start();
    app->run();
    if (!run.open_error().empty()) return bad(run.open_error());

    load::run_info info;
    info.platform = o.platform;
    info.meters = run.meters().size();
    info.duration_s = run.elapsed_s();
    info.planned_duration_s = duration_s;
    info.target_rate = shape.rate;
    info.expected_rate = info.duration_s > 0 ? shape.due_by(info.duration_s) / info.duration_s : 0;
    info.interrupted = run.interrupted();
    info.pending_at_end = app->outbox().counters().pending;
    info.opened = run.opened();
    info.sessions = run.driver().sessions();
    info.alarm_sessions = run.driver().alarms();
    load::limits limits;
    limits.max_p99_ms = o.max_p99_ms;
    limits.max_error_rate_pct = o.max_error_rate_pct;
    auto const judged = load::judge(stats, info, limits);

    fmt::print("{}", load::summary_table(stats, info, judged));
    std::fflush(stdout);
    if (!o.json_file.empty() && !write_file(o.json_file, load::summary_json(stats, info, judged)))
        return bad(fmt::format("--json {}: cannot write the file", o.json_file));
    if (!o.report_file.empty() && !write_file(o.report_file, load::report_html(stats, info, judged)))
        return bad(fmt::format("--report {}: cannot write the file", o.report_file));
    for (auto const& t : judged)
        if (!t.ok) fmt::print(stderr, "metersim load: threshold missed: {} limit {:.3f} value {:.3f}\n", t.name, t.limit, t.value);
    return load::all_ok(judged) ? exit_code::ok : exit_code::expectation_failed;
}

}  // namespace metersim::tools

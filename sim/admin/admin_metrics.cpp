// GET /metrics (DESIGN.md "Admin API"): the simulator's state in the Prometheus text exposition
// format (version 0.0.4), for a scraper watching a load test or a shard (DESIGN.md "Scale").
// Everything here is read from counters the parts already keep: a scrape walks no meter.
#include "sim/admin/admin_internal.hpp"
#include "sim/http/client.hpp"
#include "sim/outbox.hpp"
#include "sim/process_usage.hpp"


#include <fmt/format.h>

#include <cstdio>
#include <set>
#include <string>
#include <string_view>

namespace metersim::sim::admin {

namespace {

/// Writes metric families: a HELP and a TYPE line, then the samples.
class exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    template <class V>
    void sample(std::string_view name, V value, std::string_view labels = {}) {
        if (labels.empty()) {
            fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
        } else {
            fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, value);
        }
    }
    /// A family of one unlabelled sample.
    template <class V>
    void single(std::string_view name, std::string_view type, std::string_view help, V value) {
        family(name, type, help);
        sample(name, value);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

/// A label value with \, " and newlines escaped (exposition format 0.0.4).
std::string label_value(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

void meter_metrics(exposition& x, admin_context& ctx) {
    x.family("metersim_meters", "gauge", "Meters in the fleet, by platform.");
    std::set<std::string> platforms;
    for (auto const* e : ctx.fleet.models().entries()) platforms.insert(e->platform);
    for (auto const& p : platforms)
        x.sample("metersim_meters", ctx.fleet.count(p), fmt::format("platform=\"{}\"", label_value(p)));
    x.single("metersim_meter_wakes_total", "counter", "Meter wakes simulated.", ctx.fleet.wakes());
    x.single("metersim_meter_reports_total", "counter", "Reports the meters made.", ctx.fleet.reports());
    x.single("metersim_virtual_time_seconds", "gauge", "The simulated clock, in seconds since the Unix epoch.",
             fmt::format("{:.3f}", static_cast<double>(meters::to_ms(ctx.sched.now())) / 1000.0));
    x.single("metersim_clock_speed", "gauge", "Virtual seconds per wall second (accelerated clock).",
             ctx.clk.speed());
    auto const lag = clock_lag(ctx);
    x.single("metersim_clock_lag_seconds", "gauge",
             "Wall seconds the simulation is behind its clock (0 in stepped mode).", fmt::format("{:.3f}", lag.now_s));
    x.single("metersim_clock_lag_max_seconds", "gauge", "The largest clock lag seen, in wall seconds.",
             fmt::format("{:.3f}", lag.max_s));
    x.single("metersim_scheduler_pending_events", "gauge", "Events waiting in the scheduler.", ctx.sched.pending());
    x.single("metersim_journal_entries_total", "counter", "Requests and pushes journaled.", ctx.journal.last_id());
}

void push_metrics(exposition& x, sim::outbox const& box, sim::http::client const* client) {
    auto const o = box.counters();
    x.single("metersim_pushes_pending", "gauge", "Pushes not yet accepted by the CIS (in flight or waiting to retry).",
             o.pending);
    x.single("metersim_pushes_in_flight", "gauge", "Push attempts awaiting the CIS's answer.", o.in_flight);
    x.single("metersim_pushes_delivered_total", "counter", "Pushes the CIS accepted.", o.delivered);
    x.single("metersim_push_attempts_total", "counter", "Push attempts, retries included.", o.attempts);
    x.single("metersim_push_failures_total", "counter", "Push attempts not accepted (to be retried).", o.failures);
    if (client == nullptr) return;
    auto const c = client->stats();
    x.single("metersim_push_connections_opened_total", "counter", "Connections opened to the CIS.",
             c.connections_opened);
    x.single("metersim_push_connections_idle", "gauge", "Kept-alive connections to the CIS with nothing in flight.",
             c.idle_connections);
    x.single("metersim_push_requests_total", "counter", "HTTP requests made to the CIS.", c.requests);
    x.single("metersim_push_requests_pipelined_total", "counter",
             "Requests written while another awaited its answer on the same connection.", c.pipelined);
    x.single("metersim_push_requests_resent_total", "counter",
             "Requests sent again after their connection broke under them.", c.retries);
    x.single("metersim_push_transport_errors_total", "counter", "Requests that got no answer (refused, reset, timeout).",
             c.errors);
    x.single("metersim_push_requests_queued", "gauge", "Requests waiting for room on a connection.", c.queued);
    x.single("metersim_push_unpipelined_hosts", "gauge", "CIS hosts that failed at pipelining, sent one request at a time.",
             c.unpipelined_hosts);
}

void process_metrics(exposition& x, admin_context& ctx) {
    auto const usage = read_process_usage();
    x.single("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", usage.resident_bytes);
    x.single("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.",
             fmt::format("{:.3f}", usage.cpu_seconds));
    x.single("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.",
             std::chrono::duration_cast<std::chrono::seconds>(ctx.started_at.time_since_epoch()).count());
}

http::response metrics(admin_context& ctx, http::request const&) {
    exposition x;
    x.family("metersim_info", "gauge", "The metersim build.");
    x.sample("metersim_info", 1, fmt::format("version=\"{}\"", label_value(ctx.version)));
    meter_metrics(x, ctx);
    if (ctx.outbox != nullptr) push_metrics(x, *ctx.outbox, ctx.push_client);
    process_metrics(x, ctx);
    http::response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = x.take();
    return r;
}

}  // namespace

void add_metrics_routes(http::router& r, admin_context& ctx) { r.get("/metrics", guarded(ctx, metrics)); }

}  // namespace metersim::sim::admin

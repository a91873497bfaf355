// The admin API: route table, shared helpers, health, models and journal. Clock routes are in
// admin_clock.cpp, meters in admin_meters.cpp, events in admin_events.cpp, faults in
// admin_faults.cpp.
#include "sim/admin/admin_api.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>
#include <cstdlib>

#include <fmt/format.h>

#include "sim/admin/admin_internal.hpp"
#include "sim/admin/dashboard_assets.hpp"
#include "sim/http/client.hpp"
#include "sim/outbox.hpp"

namespace metersim::sim {

namespace admin {

// ---- answers ----------------------------------------------------------------------------------

http::response answer(ojson const& body, unsigned status) {
    http::response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, ojson::error_handler_t::replace);  // never throws
    return r;
}

// ---- query parameters, time text, names -------------------------------------------------------

meters::result<std::uint64_t, refusal> query_number(http::request const& req, std::string_view name,
                                                    std::uint64_t fallback, std::uint64_t max) {
    auto text = req.query(name);
    if (!text || text->empty()) return fallback;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size())
        return refusal{400, std::string(name), "expected a non-negative integer, found \"" + std::string(*text) + "\""};
    if (v > max) return refusal{400, std::string(name), fmt::format("must be at most {}", max)};
    return v;
}

std::string local_text(meters::instant t, meters::utc_offset zone) {
    auto const c = meters::to_civil(t, zone);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::string zone_text(meters::utc_offset zone) {
    int const m = zone.minutes;
    int const a = std::abs(m);
    return fmt::format("{}{:02}:{:02}", m < 0 ? '-' : '+', a / 60, a % 60);
}

std::string_view billing_name(meters::billing_mode m) noexcept {
    switch (m) {
        case meters::billing_mode::money_prepaid: return "money_prepaid";
        case meters::billing_mode::gas_prepaid: return "gas_prepaid";
        case meters::billing_mode::backend: return "backend";
    }
    return "unknown";
}

clock_lag_figures clock_lag(admin_context& ctx) {
    double const rate = ctx.clk.rate();
    if (rate <= 0) return {};
    auto const wall_s = [rate](meters::duration d) { return static_cast<double>(d.count()) / rate / 1000.0; };
    return {wall_s(ctx.sched.lag()), wall_s(ctx.sched.max_lag())};
}

namespace {

// ---- health, models, journal ------------------------------------------------------------------

/// The outbox's counters and its client's: whether pushes are still on their way, and how the
/// connections to the CIS fare.
ojson pushes_view(sim::outbox const& box, sim::http::client const* client) {
    auto const o = box.counters();
    ojson view{{"pending", o.pending},     {"in_flight", o.in_flight}, {"delivered", o.delivered},
               {"attempts", o.attempts},   {"failures", o.failures}};
    if (client != nullptr) {
        auto const c = client->stats();
        view["connections"] = ojson{{"opened", c.connections_opened},
                                    {"idle", c.idle_connections},
                                    {"requests", c.requests},
                                    {"reused", c.reuses},
                                    {"pipelined", c.pipelined},
                                    {"resent", c.retries},
                                    {"errors", c.errors},
                                    {"queued", c.queued},
                                    {"unpipelined_hosts", c.unpipelined_hosts}};
    }
    return view;
}

http::response health(admin_context& ctx, http::request const&) {
    auto const up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - ctx.started_at);
    ojson body{{"status", "ok"},
               {"version", ctx.version},
               {"uptime_s", up.count()},
               {"meters", ctx.fleet.size()},
               {"clock", to_string(ctx.clk.mode())},
               {"now", local_text(ctx.sched.now(), ctx.fleet.options().zone)},
               {"pending_events", ctx.sched.pending()}};
    auto const lag = clock_lag(ctx);
    body["clock_lag"] = ojson{{"virtual_ms", ctx.sched.lag().count()},
                              {"wall_s", std::round(lag.now_s * 1000) / 1000},
                              {"max_wall_s", std::round(lag.max_s * 1000) / 1000}};
    if (ctx.outbox != nullptr) body["pushes"] = pushes_view(*ctx.outbox, ctx.push_client);
    return answer(body);
}

http::response fleet_checksum(admin_context& ctx, http::request const&) {
    return answer(ojson{{"checksum", fmt::format("{:016x}", ctx.fleet.state_checksum())},
                        {"meters", ctx.fleet.size()},
                        {"now", local_text(ctx.sched.now(), ctx.fleet.options().zone)}});
}

http::response models(admin_context& ctx, http::request const&) {
    ojson list = ojson::array();
    for (auto const* e : ctx.fleet.models().entries()) {
        auto const& m = e->model;
        ojson item{{"model", e->key},
                   {"platform", e->platform},
                   {"vendor_model", e->vendor_model},
                   {"description", e->description},
                   {"protocol", m.protocol},
                   {"billing", billing_name(m.billing)},
                   {"comm", meters::to_string(m.comm)},
                   {"has_valve", m.valve.has_valve},
                   {"flow_meter", m.flow_meter},
                   {"report_interval_s", std::chrono::duration_cast<std::chrono::seconds>(m.report_interval).count()}};
        if (!e->xianfeng_meter_type.empty()) item["xianfeng_meter_type"] = e->xianfeng_meter_type;
        if (e->xintian_pay_type != 0) item["xintian_pay_type"] = e->xintian_pay_type;
        list.push_back(std::move(item));
    }
    return answer(ojson{{"models", std::move(list)}});
}

std::string wall_text(std::chrono::system_clock::time_point t) {
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    auto const c = meters::to_civil(meters::instant_from_ms(ms), meters::utc_offset{0});
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour, c.minute,
                       c.second, c.millisecond);
}

ojson entry_view(admin_context& ctx, journal_entry const& e) {
    ojson deviations = ojson::array();
    for (auto const& d : e.deviations)
        deviations.push_back(ojson{{"field", d.field},
                                   {"rule", d.rule},
                                   {"section", d.section},
                                   {"detail", d.detail},
                                   {"strict_refuses", d.strict_refuses},
                                   {"refused", d.refused}});
    return ojson{{"id", e.id},
                 {"wall_time", wall_text(e.wall_time)},
                 {"virtual_time", local_text(e.virtual_time, ctx.fleet.options().zone)},
                 {"virtual_ms", meters::to_ms(e.virtual_time)},
                 {"direction", to_string(e.dir)},
                 {"platform", e.platform},
                 {"kind", e.kind},
                 {"method", e.method},
                 {"target", e.target},
                 {"meter_no", e.meter_no},
                 {"request_body", e.request_body},
                 {"status", e.status},
                 {"response_body", e.response_body},
                 {"latency_us", e.latency_us},
                 {"verdict", e.verdict},
                 {"deviations", std::move(deviations)},
                 {"error", e.error}};
}

http::response journal_page(admin_context& ctx, http::request const& req) {
    auto since = query_number(req, "since", 0, std::numeric_limits<std::uint64_t>::max());
    if (!since) return refuse(since.error());
    auto limit = query_number(req, "limit", 100, 1000);
    if (!limit) return refuse(limit.error());
    journal_query q;
    q.platform = req.query("platform").value_or("");
    q.meter_no = req.query("meter").value_or("");
    q.since_id = since.value();
    q.limit = static_cast<std::size_t>(limit.value());
    ojson entries = ojson::array();
    for (auto const& e : ctx.journal.query(q)) entries.push_back(entry_view(ctx, e));
    return answer(ojson{{"entries", std::move(entries)}, {"last_id", ctx.journal.last_id()}});
}

}  // namespace

}  // namespace admin

void add_admin_routes(http::router& r, admin_context& ctx) {
    r.get("/admin/health", admin::guarded(ctx, admin::health));
    r.get("/admin/models", admin::guarded(ctx, admin::models));
    r.get("/admin/fleet/checksum", admin::guarded(ctx, admin::fleet_checksum));
    r.get("/admin/journal", admin::guarded(ctx, admin::journal_page));
    admin::add_clock_routes(r, ctx);
    admin::add_meter_routes(r, ctx);
    admin::add_event_routes(r, ctx);
    admin::add_fault_routes(r, ctx);
    admin::add_metrics_routes(r, ctx);
    admin::add_conformance_routes(r, ctx);
    admin::add_dashboard_routes(r);
}

}  // namespace metersim::sim

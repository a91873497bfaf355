#pragma once
/// INTERNAL to sim/admin (.cpp files only: includes nlohmann/json). The pieces the admin route
/// files share: answers, query parameters, time text and meter views.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "meters/calendar.hpp"
#include "sim/admin/admin_api.hpp"
#include "sim/admin/admin_body.hpp"

namespace metersim::sim::admin {

using json::json_value;
using ojson = nlohmann::ordered_json;

/// `body` as JSON with the given status.
http::response answer(ojson const& body, unsigned status = 200);

/// guarded() for a handler taking the admin context.
template <class F>
http::handler guarded(admin_context& ctx, F f) {
    return guarded([&ctx, f](http::request const& req) { return f(ctx, req); });
}

/// A query parameter as an unsigned integer in [0, max]; `fallback` when absent or empty.
meters::result<std::uint64_t, refusal> query_number(http::request const& req, std::string_view name,
                                                    std::uint64_t fallback, std::uint64_t max);

/// "yyyy-MM-dd HH:mm:ss" of `t` in `zone` (the vendors' zone-less format).
std::string local_text(meters::instant t, meters::utc_offset zone);
/// "+08:00".
std::string zone_text(meters::utc_offset zone);
/// "money_prepaid", "gas_prepaid", "backend".
std::string_view billing_name(meters::billing_mode m) noexcept;

/// The state summary of a meter (what events answer and the list shows).
ojson meter_summary(admin_context& ctx, fleet_meter& m);
/// The summary plus tariff, counters, pending commands and the whole state.
ojson meter_detail(admin_context& ctx, fleet_meter& m);
/// The clock as GET /admin/clock shows it.
ojson clock_view(admin_context& ctx);
/// The wall seconds the simulation is behind its clock, now and at worst (scheduler::lag over
/// the clock's rate; 0 in stepped mode): /admin/health's clock_lag and /metrics (issue 13).
struct clock_lag_figures {
    double now_s = 0;
    double max_s = 0;
};
clock_lag_figures clock_lag(admin_context& ctx);

/// GET /admin/meters with a search or state filter or counts (admin_meter_search.cpp).
bool is_meter_search(http::request const& req);
http::response search_meters(admin_context& ctx, http::request const& req, std::string_view platform,
                             std::uint64_t offset, std::uint64_t limit);

void add_clock_routes(http::router& r, admin_context& ctx);
void add_meter_routes(http::router& r, admin_context& ctx);
void add_event_routes(http::router& r, admin_context& ctx);
void add_fault_routes(http::router& r, admin_context& ctx);
void add_metrics_routes(http::router& r, admin_context& ctx);
void add_conformance_routes(http::router& r, admin_context& ctx);

}  // namespace metersim::sim::admin

#pragma once
/// INTERNAL to sim/admin (.cpp files only: includes nlohmann/json). The pieces the admin route
/// files share: answers, the request-body reader, query parameters, time text and meter views.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "meters/calendar.hpp"
#include "sim/admin/admin_api.hpp"
#include "sim/json_parse.hpp"

namespace metersim::sim::admin {

using jsonx::json;
using ojson = nlohmann::ordered_json;

/// A refused request: HTTP status, the field at fault ("" for the body as a whole) and why.
struct refusal {
    unsigned status = 400;
    std::string field;
    std::string message;
};

/// `body` as JSON with the given status.
http::response answer(ojson const& body, unsigned status = 200);
/// {"message": "<field>: <message>", "field": "<field>"} with the refusal's status.
http::response refuse(refusal const& r);

/// Wraps a handler so that nothing escapes it: an exception answers 500 with its what().
template <class F>
http::handler guarded(admin_context& ctx, F f) {
    return [&ctx, f](http::request const& req) -> http::response {
        try {
            return f(ctx, req);
        } catch (std::exception const& e) {
            return http::json_error(500, std::string("internal error: ") + e.what());
        } catch (...) {
            return http::json_error(500, "internal error");
        }
    };
}

/// The request body as a JSON object (decimals kept exact), or a 400 naming "body".
meters::result<json, refusal> body_object(http::request const& req);

/// Reads fields of one JSON object. The first problem sticks (later reads return nullopt and
/// record nothing); check ok() once after reading. A null member counts as absent.
class body_reader {
public:
    body_reader(json const& obj, std::string prefix = {}) : obj_(obj), prefix_(std::move(prefix)) {}

    /// A string; with `digits_as_text`, an integer is accepted as its decimal digits (IMEI).
    std::optional<std::string> text(std::string_view key, bool required, bool digits_as_text = false);
    /// An integer in [min, max].
    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                        std::int64_t max);
    /// An exact decimal (string or number) in 1e-4 units.
    std::optional<std::int64_t> decimal_e4(std::string_view key, bool required);
    /// The raw member (null when absent; records "missing" when required).
    json const* member(std::string_view key, bool required);

    std::string path(std::string_view key) const;
    void fail(std::string_view key, std::string message, unsigned status = 400);
    bool ok() const noexcept { return !problem_.has_value(); }
    refusal const& problem() const { return *problem_; }

private:
    json const& obj_;
    std::string prefix_;
    std::optional<refusal> problem_;
};

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

/// GET /admin/meters with a search or state filter or counts (admin_meter_search.cpp).
bool is_meter_search(http::request const& req);
http::response search_meters(admin_context& ctx, http::request const& req, std::string_view platform,
                             std::uint64_t offset, std::uint64_t limit);

void add_clock_routes(http::router& r, admin_context& ctx);
void add_meter_routes(http::router& r, admin_context& ctx);
void add_event_routes(http::router& r, admin_context& ctx);
void add_fault_routes(http::router& r, admin_context& ctx);
void add_metrics_routes(http::router& r, admin_context& ctx);

}  // namespace metersim::sim::admin

// The request pipeline shared by the 13 endpoints: authentication (§4.1), the optional envelope
// (§4.2), the body (80002001 when it is not a JSON object), the endpoint, the answer and the
// journal entry.

#include <exception>

#include "platforms/cnmcsp/platform_impl.hpp"
#include "platforms/common/exchange_journal.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

/// spec: cnmcsp §4.1.1 Content-Type application/json;charset=utf-8 (required).
std::optional<api_error> check_content_type(exchange& ex) {
    auto const type = ex.req.header("Content-Type");
    if (type && type->find("application/json") != std::string_view::npos) return std::nullopt;
    if (ex.ctx.mode == conformance::strict)
        return make_api_error(codes::bad_field, "Content-Type",
                              "Content-Type must be application/json;charset=utf-8");
    ex.ctx.deviations.push_back(deviation{"Content-Type", "application/json", ex.ctx.section,
                                          std::string(type.value_or("absent"))});
    return std::nullopt;
}

}  // namespace

sim::http::handler platform::impl::endpoint(
    std::string_view section, std::function<endpoint_result(exchange&, object_reader const&)> fn) {
    return [this, section = std::string(section), fn = std::move(fn)](sim::http::request const& req) {
        exchange ex{req, reader_context{opts.conformance, std::string(codes::bad_field), section, {}}, {}};
        std::string verdict;
        std::string plain_body;
        vendor_response out;
        try {
            endpoint_result r = [&]() -> endpoint_result {
                request_auth h{req.header(header_access_token), req.header(header_authorization)};
                if (auto e = verify(auth, h, std::chrono::system_clock::now())) return *e;
                std::string_view body = req.body;
                if (keys) {
                    auto opened = open(*keys, req.body);
                    if (!opened) return opened.error();
                    plain_body = std::move(opened.value());
                    body = plain_body;
                }
                if (auto e = check_content_type(ex)) return *e;
                auto parsed = parse_json(body);
                if (!parsed) return to_api_error(parsed.error(), codes::unparseable);
                auto obj = object_reader::from(parsed.value(), ex.ctx);
                if (!obj) return make_api_error(codes::unparseable, "", obj.error().message);
                return fn(ex, obj.value());
            }();
            if (r) {
                out = vendor_response{200, success_body(r.value())};
                verdict = ex.ctx.deviations.empty() ? "ok" : "deviations";
            } else {
                out = to_response(r.error());
                verdict = "rejected";
            }
        } catch (std::exception const& e) {
            // Nothing escapes a handler (STYLE.md §6.1): an internal fault is 80001010.
            out = to_response(make_api_error(codes::db_insert_failed, "",
                                             std::string("internal error: ") + e.what()));
            verdict = "error";
        }
        if (keys) {
            if (auto sealed = seal(*keys, out.body)) out.body = std::move(sealed.value());
        }
        // The journal keeps the plain request of an envelope.
        std::string_view const recorded = plain_body.empty() ? req.body : std::string_view(plain_body);
        inbound_exchange in{.platform = platform_name, .req = req, .request_body = recorded,
                            .meter_no = ex.meter_no, .verdict = std::move(verdict), .deviations = ex.ctx.deviations};
        return journal_and_answer(journal, sched.now(), std::move(in), std::move(out));
    };
}

api_result<account*> platform::impl::account_of(exchange& ex, meter_key const& k,
                                               std::string const& field) {
    auto* a = reg.find(k.meter_id);
    if (a == nullptr)
        return make_api_error(codes::mismatch, field,
                              "MeterID " + k.meter_id + " is not registered (该用户下无此表信息)");
    ex.meter_no = a->meter_no;
    if (a->user_id != k.user_id)
        return make_api_error(codes::mismatch, field,
                              "MeterID " + k.meter_id + " does not belong to UserID " + k.user_id);
    return a;
}

api_result<account*> platform::impl::active_account(exchange& ex, meter_key const& k,
                                                   std::string const& field) {
    auto a = account_of(ex, k, field);
    if (!a) return a;
    auto const status = a.value()->status;
    if (status == meter_status::cancelled)
        return make_api_error(codes::account_inactive, field, "the account of MeterID " + k.meter_id + " is cancelled");
    if (status == meter_status::suspended)
        return make_api_error(codes::account_inactive, field, "the account of MeterID " + k.meter_id + " is suspended");
    return a;
}

void platform::add_routes(sim::http::router& r) {
    auto& p = *impl_;
    using I = platform::impl;
    auto ep = [&p](std::string_view section, endpoint_result (I::*fn)(exchange&, object_reader const&)) {
        return p.endpoint(section, [&p, fn](exchange& ex, object_reader const& b) { return (p.*fn)(ex, b); });
    };
    r.post("/rest/Standard/meter/meteradd", ep("cnmcsp §5.3.1", &I::do_meter_add));
    r.post("/rest/Standard/meter/metermodify", ep("cnmcsp §5.3.2", &I::do_meter_modify));
    r.post("/rest/Standard/meter/meterDelete", ep("cnmcsp §5.3.3", &I::do_meter_delete));
    r.post("/rest/Standard/meter/meterSuspend", ep("cnmcsp §5.3.4", &I::do_meter_suspend));
    r.post("/rest/Standard/meter/meterResume", ep("cnmcsp §5.3.5", &I::do_meter_resume));
    r.post("/rest/Standard/meter/meterChange", ep("cnmcsp §5.3.6", &I::do_meter_change));
    r.post("/rest/Standard/reading/ReadCurrentData", ep("cnmcsp §5.3.7", &I::do_read_current));
    r.post("/rest/Standard/fee/recharge", ep("cnmcsp §5.3.8", &I::do_recharge));
    r.post("/rest/Standard/fee/cancelRecharge", ep("cnmcsp §5.3.9", &I::do_cancel_recharge));
    r.post("/rest/Standard/price/changePrice", ep("cnmcsp §5.3.10", &I::do_change_price));
    r.post("/rest/Standard/price/batchChangePrice", ep("cnmcsp §5.3.11", &I::do_batch_change_price));
    r.post("/rest/Standard/valve/controlValve", ep("cnmcsp §5.3.12", &I::do_control_valve));
    r.post("/rest/Standard/fee/remainOption", ep("cnmcsp §5.3.13", &I::do_remain_option));
    // Unknown paths and methods answer in the vendor's shape, with HTTP 404 / 405.
    r.set_fallback([](sim::http::request const& req, sim::http::route_miss why) {
        bool const wrong_method = why == sim::http::route_miss::method_not_allowed;
        std::string what = wrong_method ? "method " + std::string(req.method) + " is not allowed on "
                                        : std::string("no such endpoint: ");
        what += std::string(req.path);
        what += " (spec §5.3: POST /rest/Standard/...)";
        auto out = to_response(make_api_error(codes::bad_field, "", std::move(what)));
        sim::http::response res;
        res.status = wrong_method ? 405u : 404u;
        res.body = std::move(out.body);
        if (wrong_method) res.headers.emplace_back("Allow", "POST");
        return res;
    });
}

}  // namespace metersim::platforms::cnmcsp

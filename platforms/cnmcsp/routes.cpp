// CNMCSP's parts of the common request pipeline (platforms/common/endpoint.hpp): authentication
// (§4.1), the optional envelope (§4.2), the body (80002001 when it is not a JSON object), the
// answer; then the account lookups the endpoints share and the routes.

#include <chrono>

#include "platforms/cnmcsp/platform_impl.hpp"

namespace metersim::platforms::cnmcsp {

vendor_pipeline platform::impl::make_pipeline() {
    vendor_pipeline v{.platform = platform_name, .journal = journal, .sched = sched, .mode = opts.conformance};
    v.field_code = codes::bad_field;
    v.internal_code = codes::db_insert_failed;  // 80001010: an internal fault
    // spec: cnmcsp §4.1.1 统一 HTTP头信息: Content-Type application/json;charset=utf-8 and Accept
    // application/json, both required (issue 16: Accept was not checked); 80002001 for a body
    // that is not a JSON object.
    v.body = body_rules{{"Content-Type", "Accept"}, "application/json", codes::bad_field, codes::unparseable};
    v.admit = [this](exchange& ex) {
        request_auth h{ex.req.header(header_access_token), ex.req.header(header_authorization)};
        return verify(auth, h, std::chrono::system_clock::now());
    };
    if (keys) {  // spec: cnmcsp §4.2, the optional envelope
        v.open = [this](std::string_view body) { return open(*keys, body); };
        v.seal = [this](std::string& body) {
            if (auto sealed = seal(*keys, body)) body = std::move(sealed.value());
        };
    }
    v.success_body = [](std::string_view members) { return success_body(members); };
    v.render_error = [](exchange const&, api_error const& e) { return to_response(e); };
    return v;
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
    using handler = endpoint_result (I::*)(exchange&, object_reader const&);
    struct route {
        char const* path;
        char const* section;
        handler fn;
    };
    static constexpr route routes[] = {
        {"/rest/Standard/meter/meteradd", "cnmcsp §5.3.1", &I::do_meter_add},
        {"/rest/Standard/meter/metermodify", "cnmcsp §5.3.2", &I::do_meter_modify},
        {"/rest/Standard/meter/meterDelete", "cnmcsp §5.3.3", &I::do_meter_delete},
        {"/rest/Standard/meter/meterSuspend", "cnmcsp §5.3.4", &I::do_meter_suspend},
        {"/rest/Standard/meter/meterResume", "cnmcsp §5.3.5", &I::do_meter_resume},
        {"/rest/Standard/meter/meterChange", "cnmcsp §5.3.6", &I::do_meter_change},
        {"/rest/Standard/reading/ReadCurrentData", "cnmcsp §5.3.7", &I::do_read_current},
        {"/rest/Standard/fee/recharge", "cnmcsp §5.3.8", &I::do_recharge},
        {"/rest/Standard/fee/cancelRecharge", "cnmcsp §5.3.9", &I::do_cancel_recharge},
        {"/rest/Standard/price/changePrice", "cnmcsp §5.3.10", &I::do_change_price},
        {"/rest/Standard/price/batchChangePrice", "cnmcsp §5.3.11", &I::do_batch_change_price},
        {"/rest/Standard/valve/controlValve", "cnmcsp §5.3.12", &I::do_control_valve},
        {"/rest/Standard/fee/remainOption", "cnmcsp §5.3.13", &I::do_remain_option},
    };
    for (auto const& [path, section, fn] : routes)
        r.post(path, make_endpoint(p.pipeline, std::string(section), 0,
                                   with_object([&p, fn = fn](exchange& ex, object_reader const& b) {
                                       return (p.*fn)(ex, b);
                                   })));
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

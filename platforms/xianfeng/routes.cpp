// Xianfeng's parts of the common request pipeline (platforms/common/endpoint.hpp): interface
// version, authentication, the body checks, the answer; then the deviceId checks and the routes.

#include "platforms/common/field_check.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

constexpr std::string_view interface_version = "v1.0.0";

}  // namespace

vendor_pipeline platform::impl::make_pipeline() {
    vendor_pipeline v{.platform = platform_name, .journal = journal, .sched = sched, .mode = opts.conformance};
    v.field_code = codes::bad_parameter;
    v.internal_code = codes::bad_parameter;  // an internal fault is a parameter error
    // spec: xianfeng §1.1 Content-Type application/json (required header).
    v.body = body_rules{{"Content-Type", ""}, "application/json", codes::bad_parameter, codes::bad_parameter};
    // Version, then authentication (spec: xianfeng §1-§3.3 headers, appendix 8); the route tag
    // says whether the request names its company (companyCode in the query).
    v.admit = [this](exchange& ex) -> std::optional<api_error> {
        auto const version = ex.req.path_param("version");
        if (!version || *version != interface_version)
            return make_api_error(codes::interface_version, "version",
                                  "interface version " + std::string(version.value_or("")) + " is not v1.0.0");
        request_auth h{ex.req.header(header_random_code), ex.req.header(header_authorization)};
        auto r = ex.route_tag != 0 ? auth.authenticate(ex.req.query("companyCode").value_or(""), h)
                                   : auth.authenticate_any(h);
        if (!r) return r.error();
        return std::nullopt;
    };
    v.success_body = [](std::string_view result) { return success_body(result); };
    v.render_error = [](exchange const&, api_error const& e) { return to_response(e); };
    return v;
}

api_result<device_ref> platform::impl::device_from_query(exchange& ex, bool allow_unopened) {
    auto const id = ex.req.query("deviceId");
    if (!id || id->empty()) return missing_field(codes::bad_parameter, "deviceId");
    if (auto e = check_hex32("deviceId", codes::bad_parameter, *id)) return *e;
    std::string lower(*id);
    for (auto& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
    auto* d = devices.find_id(lower);
    if (d == nullptr) {  // a meter whose id was preset in the fleet
        auto* m = fleet.find_device(*id);
        if (m == nullptr) m = fleet.find_device(lower);
        if (m != nullptr && is_ours(*m)) d = &device_of(*m);
    }
    if (d == nullptr)
        return make_api_error(codes::device_not_found, "deviceId",
                              "deviceId " + lower + " is not a device of the platform");
    ex.meter_no = d->device_no;
    if (d->state == device_state::cancelled)
        return make_api_error(codes::device_cancelled, "deviceId",
                              "device " + d->device_no + " is cancelled");
    if (d->state == device_state::unopened && !allow_unopened)
        return make_api_error(codes::device_not_found, "deviceId",
                              "device " + d->device_no + " is not registered");
    device_ref ref{d, meter_of(*d)};
    if (d->kind == device_kind::meter && ref.meter == nullptr)
        return make_api_error(codes::device_not_found, "deviceId",
                              "meter " + d->device_no + " no longer exists");
    return ref;
}

void platform::add_routes(sim::http::router& r) {
    auto& p = *impl_;
    auto ep = [&p](std::string_view section, bool company,
                   endpoint_result (platform::impl::*fn)(exchange&)) {
        return make_endpoint(p.pipeline, std::string(section), company ? 1 : 0,
                             [&p, fn](exchange& ex) { return (p.*fn)(ex); });
    };
    using I = platform::impl;
    r.post("/iotcloud/app/devices/{version}/register", ep("xianfeng §1.1", true, &I::do_register));
    r.put("/iotcloud/app/devices/{version}/update", ep("xianfeng §1.2", false, &I::do_update));
    // spec: xianfeng §1.3 says GET, its example POSTs: both are served (do_query records it).
    r.get("/iotcloud/app/devices/{version}/query", ep("xianfeng §1.3", true, &I::do_query));
    r.post("/iotcloud/app/devices/{version}/query", ep("xianfeng §1.3", true, &I::do_query));
    r.put("/iotcloud/app/devices/{version}/cancel", ep("xianfeng §1.4", false, &I::do_cancel));
    r.post("/iotcloud/app/devices/{version}/authDevices",
           ep("xianfeng §1.5", true, &I::do_auth_devices));
    r.post("/iotcloud/app/cmd/{version}/creatCmd", ep("xianfeng §2.1", false, &I::do_creat_cmd));
    r.get("/iotcloud/app/cmd/{version}/queryCmd", ep("xianfeng §2.2", false, &I::do_query_cmd));
    r.post("/iotcloud/app/cmd/{version}/batchQueryCmd",
           ep("xianfeng §2.3", true, &I::do_batch_query_cmd));
    r.put("/iotcloud/app/cmd/{version}/cancelCmd", ep("xianfeng §2.4", false, &I::do_cancel_cmd));
    r.get("/iotcloud/app/msg/{version}/queryReportData",
          ep("xianfeng §3.3", false, &I::do_query_report_data));
}

}  // namespace metersim::platforms::xianfeng

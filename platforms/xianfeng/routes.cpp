// The request pipeline shared by every endpoint: interface version, authentication, the body
// reader, the deviceId checks, the answer and the journal entry.

#include <exception>

#include "platforms/common/exchange_journal.hpp"
#include "platforms/common/field_check.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

constexpr std::string_view interface_version = "v1.0.0";

template <class T>
api_result<T> fail(api_error e) {
    return meters::unexpected{std::move(e)};
}

/// Version, then authentication (spec: xianfeng §1-§3.3 headers, appendix 8).
std::optional<api_error> admit(exchange& ex, authenticator& auth, bool needs_company) {
    auto const version = ex.req.path_param("version");
    if (!version || *version != interface_version)
        return make_api_error(codes::interface_version, "version",
                              "interface version " + std::string(version.value_or("")) +
                                  " is not v1.0.0");
    request_auth h{ex.req.header(header_random_code), ex.req.header(header_authorization)};
    if (needs_company) {
        auto r = auth.authenticate(ex.req.query("companyCode").value_or(""), h);
        if (!r) return r.error();
    } else {
        auto r = auth.authenticate_any(h);
        if (!r) return r.error();
    }
    return std::nullopt;
}

}  // namespace

sim::http::handler platform::impl::endpoint(std::string_view section, bool needs_company,
                                            std::function<endpoint_result(exchange&)> fn) {
    return [this, section = std::string(section), needs_company,
            fn = std::move(fn)](sim::http::request const& req) {
        exchange ex{req, reader_context{opts.mode, std::string(codes::bad_parameter), section, {}},
                    {}, std::nullopt};
        vendor_response out;
        std::string verdict;
        try {
            endpoint_result r = [&]() -> endpoint_result {
                if (auto e = admit(ex, auth, needs_company)) return fail<std::string>(*e);
                return fn(ex);
            }();
            if (r) {
                out = success_response(r.value());
                verdict = ex.ctx.deviations.empty() ? "ok" : "deviations";
            } else {
                out = to_response(r.error());
                verdict = "rejected";
            }
        } catch (std::exception const& e) {
            // Nothing escapes a handler (STYLE.md §6.1): an internal fault is a parameter error.
            out = to_response(make_api_error(codes::bad_parameter, "", std::string("internal error: ") + e.what()));
            verdict = "error";
        }
        inbound_exchange in{.platform = "xianfeng", .req = req, .request_body = req.body,
                            .meter_no = ex.meter_no, .verdict = std::move(verdict), .deviations = ex.ctx.deviations};
        return journal_and_answer(journal, sched.now(), std::move(in), std::move(out));
    };
}

api_result<object_reader> platform::impl::read_body(exchange& ex) {
    auto v = parse_body(ex);
    if (!v) return fail<object_reader>(v.error());
    return object_reader::from(*v.value(), ex.ctx);
}

api_result<json_value const*> platform::impl::parse_body(exchange& ex) {
    // spec: xianfeng §1.1 Content-Type application/json (required header).
    auto const type = ex.req.header("Content-Type");
    if (!type || type->find("application/json") == std::string_view::npos) {
        if (opts.mode == conformance::strict)
            return fail<json_value const*>(make_api_error(codes::bad_parameter, "Content-Type",
                                                      "Content-Type must be application/json"));
        ex.ctx.deviations.push_back(deviation{"Content-Type", "application/json", ex.ctx.section,
                                              std::string(type.value_or("absent"))});
    }
    auto parsed = parse_json(ex.req.body);
    if (!parsed) return fail<json_value const*>(to_api_error(parsed.error(), codes::bad_parameter));
    ex.body = std::move(parsed.value());
    return &*ex.body;
}

api_result<device_ref> platform::impl::device_from_query(exchange& ex, bool allow_unopened) {
    auto const id = ex.req.query("deviceId");
    if (!id || id->empty()) return fail<device_ref>(missing_field(codes::bad_parameter, "deviceId"));
    if (auto e = check_hex32("deviceId", codes::bad_parameter, *id)) return fail<device_ref>(*e);
    std::string lower(*id);
    for (auto& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
    auto* d = devices.find_id(lower);
    if (d == nullptr) {  // a meter whose id was preset in the fleet
        auto* m = fleet.find_device(*id);
        if (m == nullptr) m = fleet.find_device(lower);
        if (m != nullptr && is_ours(*m)) d = &device_of(*m);
    }
    if (d == nullptr)
        return fail<device_ref>(make_api_error(codes::device_not_found, "deviceId",
                                               "deviceId " + lower + " is not a device of the platform"));
    ex.meter_no = d->device_no;
    if (d->state == device_state::cancelled)
        return fail<device_ref>(make_api_error(codes::device_cancelled, "deviceId",
                                               "device " + d->device_no + " is cancelled"));
    if (d->state == device_state::unopened && !allow_unopened)
        return fail<device_ref>(make_api_error(codes::device_not_found, "deviceId",
                                               "device " + d->device_no + " is not registered"));
    device_ref ref{d, meter_of(*d)};
    if (d->kind == device_kind::meter && ref.meter == nullptr)
        return fail<device_ref>(make_api_error(codes::device_not_found, "deviceId",
                                               "meter " + d->device_no + " no longer exists"));
    return ref;
}

void platform::add_routes(sim::http::router& r) {
    auto& p = *impl_;
    auto ep = [&p](std::string_view section, bool company,
                   endpoint_result (platform::impl::*fn)(exchange&)) {
        return p.endpoint(section, company, [&p, fn](exchange& ex) { return (p.*fn)(ex); });
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

// Devices (spec: xianfeng §1.1-§1.5) and the latest report (§3.3).

#include "platforms/common/field_check.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

/// The optional user fields of §1.1 / §1.2, applied only once all of them are valid.
struct user_fields {
    std::optional<std::string> user_no, user_name, user_address;
    std::optional<std::int64_t> sync_flag;
};

api_result<user_fields> read_user_fields(object_reader const& body) {
    user_fields u;
    auto no = body.optional_string_field("userNo", length_limits{1, 24});
    if (!no) return no.error();
    auto name = body.optional_string_field("userName", length_limits{1, 64});
    if (!name) return name.error();
    auto address = body.optional_string_field("userAddress", length_limits{1, 128});
    if (!address) return address.error();
    auto sync = body.optional_int_enum_field("syncFlag", {0, 1});
    if (!sync) return sync.error();
    u.user_no = std::move(no.value());
    u.user_name = std::move(name.value());
    u.user_address = std::move(address.value());
    u.sync_flag = sync.value();
    return u;
}

void apply(device_record& d, user_fields const& u) {
    if (u.user_no) d.user_no = *u.user_no;
    if (u.user_name) d.user_name = *u.user_name;
    if (u.user_address) d.user_address = *u.user_address;
    if (u.sync_flag) d.sync_flag = *u.sync_flag;
}

api_error other_platform(std::string const& no) {
    return make_api_error(codes::protocol_unsupported, "deviceNo",
                          "device " + no + " belongs to another vendor platform");
}

}  // namespace

endpoint_result platform::impl::do_register(exchange& ex) {
    auto body = read_object(ex);
    if (!body) return body.error();
    auto const& b = body.value();
    auto manu = b.int_enum_field("manuId", {1});  // spec: xianfeng §1.1 1-杭州先锋
    if (!manu) return manu.error();
    auto no = b.string_field("deviceNo", length_limits{1, 32});
    if (!no) return no.error();
    auto user = read_user_fields(b);
    if (!user) return user.error();
    std::string const& device_no = no.value();
    ex.meter_no = device_no;

    device_record* d = nullptr;
    if (concentrators.contains(device_no)) {
        d = &devices.ensure(device_no, device_kind::concentrator, sched.now());
    } else {
        auto* m = fleet.find(device_no);
        if (m != nullptr && !is_ours(*m)) return other_platform(device_no);
        if (m == nullptr) {
            if (!opts.auto_provision)
                return make_api_error(
  codes::device_not_found, "deviceNo",
  "deviceNo " + device_no + " is not a manufactured Xianfeng meter");
            auto const* entry = fleet.models().find(opts.auto_provision_model);
            if (entry == nullptr || entry->platform != "xianfeng")
                return make_api_error(
  codes::model_not_found, "deviceNo",
  "no Xianfeng model '" + opts.auto_provision_model + "' to provision");
            auto made = fleet.manufacture(sim::manufacture_request{entry->key, {device_no, {}, {}, {}, {}, {}}});
            if (!made)
                return make_api_error(codes::register_failed, "deviceNo", made.error());
            m = made.value();
        }
        // spec: xianfeng appendix 7 500011: the device's model names no protocol code.
        if (m->meter.model().protocol.empty())
            return make_api_error(
                codes::protocol_not_found, "deviceNo",
                "deviceNo " + device_no + " is of model " + m->entry->key + ", which has no protocol code");
        if (auto e = check_concentrator(device_no)) return *e;
        d = &device_of(*m);
    }
    if (d->state == device_state::cancelled)
        return make_api_error(codes::device_cancelled, "deviceNo",
                              "device " + device_no + " is cancelled");
    if (d->state == device_state::opened)
        return make_api_error(codes::device_opened, "deviceNo",
                              "device " + device_no + " is already registered");
    d->manu_id = manu.value();
    apply(*d, user.value());
    d->state = device_state::opened;  // spec: xianfeng §1.1 "由待开户转为已开户"
    return json_string(d->device_id);
}

endpoint_result platform::impl::do_update(exchange& ex) {
    auto ref = device_from_query(ex, false);
    if (!ref) return ref.error();
    auto body = read_object(ex);
    if (!body) return body.error();
    auto user = read_user_fields(body.value());
    if (!user) return user.error();
    apply(*ref.value().device, user.value());
    return std::string("null");
}

endpoint_result platform::impl::do_query(exchange& ex) {
    bool const strict = opts.conformance == conformance::strict;
    // spec: xianfeng §1.3: the header says GET, the example POSTs (specs/README.md quirks).
    if (ex.req.method == "POST") {
        deviation d{"method", "GET", ex.ctx.section, "sent as POST"};
        if (strict)
            return refusing(std::move(d), make_api_error(codes::bad_parameter, "method",
                                                         "query must be called with GET"));
        ex.ctx.deviations.push_back(std::move(d));
    }
    std::optional<std::string> device_no;
    if (!ex.req.body.empty()) {
        auto body = read_object(ex);
        if (!body) return body.error();
        auto no = body.value().optional_string_field("deviceNo", length_limits{1, 32});
        if (!no) return no.error();
        device_no = no.value();
    }
    if (!device_no) {
        auto const q = ex.req.query("deviceNo");
        if (!q || q->empty())
            return missing_field(codes::bad_parameter, "deviceNo");
        if (strict)
            return refusing(deviation{"deviceNo", "in the body", ex.ctx.section, "sent in the query string"},
                            make_api_error(codes::bad_parameter, "deviceNo",
                                           "deviceNo belongs in the body, not the query string"));
        if (auto e = check_length("deviceNo", codes::bad_parameter, *q, 1, 32))
            return *e;
        ex.ctx.deviations.push_back(
            deviation{"deviceNo", "in the body", ex.ctx.section, "sent in the query string"});
        device_no = std::string(*q);
    }
    ex.meter_no = *device_no;
    if (concentrators.contains(*device_no)) {
        auto& d = devices.ensure(*device_no, device_kind::concentrator, sched.now());
        return device_dto(d, {}, {});
    }
    auto* m = fleet.find(*device_no);
    if (m == nullptr)
        return make_api_error(codes::device_not_found, "deviceNo",
                              "deviceNo " + *device_no + " is not known");
    if (!is_ours(*m)) return other_platform(*device_no);
    // The fleet gives every meter an IMEI at manufacture and derives a stable ICCID when none
    // was given (sim/fleet.hpp).
    return device_dto(device_of(*m), m->meter.identity().imei, sim::fleet::iccid_of(*m));
}

endpoint_result platform::impl::do_cancel(exchange& ex) {
    auto ref = device_from_query(ex, true);
    if (!ref) return ref.error();
    auto& d = *ref.value().device;
    if (d.state == device_state::unopened)  // spec: xianfeng appendix 7 500008
        return make_api_error(codes::cancel_unopened, "deviceId",
                              "device " + d.device_no + " is not registered");
    d.state = device_state::cancelled;
    cancel_device_commands(d.device_id);
    return std::string("null");
}

endpoint_result platform::impl::do_auth_devices(exchange& ex) {
    auto body = read_object(ex);
    if (!body) return body.error();
    auto list = body.value().array_field("deviceNos");
    if (!list) return list.error();
    if (list.value().empty())
        return invalid_field(codes::bad_parameter, "deviceNos", "must not be empty");
    std::vector<device_record const*> found;
    for (std::size_t i = 0; i < list.value().size(); ++i) {
        auto no = list.value().string_at(i, length_limits{1, 32});
        if (!no) return no.error();
        if (concentrators.contains(no.value())) {
            found.push_back(&devices.ensure(no.value(), device_kind::concentrator, sched.now()));
            continue;
        }
        auto* m = fleet.find(no.value());
        if (m != nullptr && is_ours(*m)) found.push_back(&device_of(*m));
    }
    return auth_devices_result(found, opts.utc_offset);
}

endpoint_result platform::impl::do_query_report_data(exchange& ex) {
    auto ref = device_from_query(ex, false);
    if (!ref) return ref.error();
    auto const type = ex.req.query("msgType");
    if (!type || (*type != "0" && *type != "1"))  // spec: xianfeng §3.3 0 business, 1 alarm
        return make_api_error(codes::msg_type_invalid, "msgType",
                              "msgType must be 0 (business) or 1 (alarm)");
    auto const& dev = *ref.value().device;
    bool const alarm = *type == "1";
    std::string out;
    if (dev.kind == device_kind::meter) {
        if (last_message(dev, alarm, out)) return out;
    } else if (auto const& body = alarm ? dev.last_alarm : dev.last_report) {
        return std::string(message_in(body));  // a concentrator's own reports
    }
    return make_api_error(codes::report_not_found, "deviceId",
                          "no report from device " + dev.device_no + " yet");
}

}  // namespace metersim::platforms::xianfeng

// Account endpoints (spec: cnmcsp §5.3.1-§5.3.7): meteradd, metermodify, meterDelete,
// meterSuspend, meterResume, meterChange and ReadCurrentData.

#include "platforms/cnmcsp/platform_impl.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

/// The account a meterDelete / meterSuspend / meterResume body names (§5.3.3-§5.3.5): known
/// (80002013) and not cancelled (80002023, "the account of MeterID ... `cancelled`").
api_result<account*> uncancelled_account(platform::impl& p, exchange& ex, object_reader const& b,
                                         std::string_view cancelled) {
    auto in = p.parsed_account(ex, b, parse_meter_ref, false);
    if (!in) return in.error();
    account* acc = in.value().second;
    if (acc->status == meter_status::cancelled)
        return make_api_error(codes::account_inactive, "MeterID",
                              "the account of MeterID " + acc->meter_id + " " + std::string(cancelled));
    return acc;
}

/// The account a meterSuspend (`suspended` false: 80002025 when it already is) or meterResume
/// (`suspended` true: 80002026 unless it is) body names, as uncancelled_account checks it.
api_result<account*> account_to_switch(platform::impl& p, exchange& ex, object_reader const& b, bool suspended) {
    auto acc = uncancelled_account(p, ex, b, "is cancelled");
    if (!acc || (acc.value()->status == meter_status::suspended) == suspended) return acc;
    std::string const what = "the account of MeterID " + acc.value()->meter_id;
    if (suspended) return make_api_error(codes::resume_failed, "MeterID", what + " is not suspended");
    return make_api_error(codes::suspend_failed, "MeterID", what + " is already suspended");
}

}  // namespace

api_result<sim::catalogue_entry const*> platform::impl::model_of(std::string_view model,
                                                                 std::string_view protocol,
                                                                 std::string_view model_field,
                                                                 std::string_view protocol_field) {
    auto const* entry = fleet.models().find_vendor_model(platform_name, model);
    if (entry == nullptr)
        return make_api_error(codes::unknown_model, model_field,
                              std::string(model_field) + " " + std::string(model) + " is not a CNMCSP model");
    if (entry->model.protocol != protocol)
        return make_api_error(codes::unknown_protocol, protocol_field,
                              std::string(protocol_field) + " " + std::string(protocol) + " is not the protocol of " +
                                  std::string(model) + " (" + entry->model.protocol + ")");
    return entry;
}

api_result<sim::fleet_meter*> platform::impl::bind_meter(std::string const& meter_no,
                                                         std::string const& user_id,
                                                         sim::catalogue_entry const& entry,
                                                         std::string_view no_field) {
    auto* m = fleet.find(meter_no);
    if (m == nullptr) {
        if (!opts.auto_provision)
            return make_api_error(codes::bad_meter, no_field, "meter " + meter_no + " is not a meter of the platform");
        meters::meter_identity id;
        id.meter_no = meter_no;
        auto made = fleet.manufacture(sim::manufacture_request{entry.key, id});
        if (!made) return make_api_error(codes::account_add_failed, no_field, made.error());
        m = made.value();
    }
    if (!is_ours(*m))
        return make_api_error(codes::bad_meter, no_field, "meter " + meter_no + " belongs to another platform");
    if (m->entry != &entry)
        return make_api_error(codes::unknown_model, no_field,
                              "meter " + meter_no + " is a " + m->entry->vendor_model + ", not a " + entry.vendor_model);
    fleet.touch(*m);
    if (m->meter.account() != meters::account_state::manufactured)
        return make_api_error(codes::remote_open_failed, no_field,
                              "meter " + meter_no + " is already " + std::string(meters::to_string(m->meter.account())));
    auto id = m->meter.identity();
    id.user_no = user_id;
    m->meter.set_identity(std::move(id));
    return m;
}

// spec: cnmcsp §5.3.1: registers user and meter and opens the account; the opening (PreSaving,
// prices, initial reading) reaches the meter at its next session.
endpoint_result platform::impl::do_meter_add(exchange& ex, object_reader const& b) {
    auto req = parse_meter_add(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    ex.meter_no = r.meter_no;
    auto entry = model_of(r.model, r.protocol, "MeterParamModel", "MeterProtocol");
    if (!entry) return entry.error();
    if (reg.find(r.key.meter_id) != nullptr)
        return make_api_error(codes::duplicate_account, "MeterID", "MeterID " + r.key.meter_id + " is already registered");
    if (reg.find_no(r.meter_no) != nullptr)
        return make_api_error(codes::duplicate_account, "MeterNo", "MeterNo " + r.meter_no + " is already registered");
    if (reg.meter_of_user.contains(r.key.user_id))
        return make_api_error(codes::duplicate_account, "UserID", "UserID " + r.key.user_id + " already has a meter");
    bool const meter_billed = entry.value()->model.billing != meters::billing_mode::backend;
    auto tariff = tariff_of(r.price, sched.now());
    if (!tariff) return tariff.error();
    auto m = bind_meter(r.meter_no, r.key.user_id, *entry.value(), "MeterNo");
    if (!m) return m.error();
    account a;
    a.user_id = r.key.user_id;
    a.meter_id = r.key.meter_id;
    a.meter_no = r.meter_no;
    a.data_from = r.data_from;
    a.user = r.user;
    a.model_key = entry.value()->key;
    a.billing = entry.value()->model.billing;
    a.registered_at = sched.now();
    meters::commands::open_account open;
    open.initial_reading = r.reading;
    if (meter_billed) {
        // spec: cnmcsp §2 表端计费: the meter bills itself with the prices it is given.
        open.opening_credit = r.pre_saving;
        open.price = tariff.value();
        a.tariff = std::move(tariff.value());
    }
    // System-billed (§2 系统端计费): the CIS bills, PreSaving and prices stay with it.
    auto& acc = reg.add(std::move(a));
    enqueue(acc, std::move(open), "open_account");
    return std::string();
}

// spec: cnmcsp §5.3.2: user data only; UserID and MeterID cannot change.
endpoint_result platform::impl::do_meter_modify(exchange& ex, object_reader const& b) {
    auto req = parse_meter_modify(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    auto* a = reg.find(r.key.meter_id);
    if (a == nullptr && !reg.meter_of_user.contains(r.key.user_id))
        return make_api_error(codes::unknown_account, "MeterID",
                              "neither UserID " + r.key.user_id + " nor MeterID " + r.key.meter_id + " is registered");
    auto acc = account_of(ex, r.key, "MeterID");
    if (!acc) return acc.error();
    if (acc.value()->status == meter_status::cancelled)
        return make_api_error(codes::account_inactive, "MeterID", "the account of MeterID " + r.key.meter_id + " is cancelled");
    auto& u = acc.value()->user;
    if (r.user_name) u.user_name = *r.user_name;
    if (r.user_type) u.user_type = *r.user_type;
    if (r.phone) u.phone = *r.phone;
    if (r.full_addr_detail) u.full_addr_detail = *r.full_addr_detail;
    if (r.addr_detail) u.addr_detail = *r.addr_detail;
    if (r.building_name) u.building_name = *r.building_name;
    acc.value()->data_from = r.data_from;
    return std::string();
}

// spec: cnmcsp §5.3.3: the account ends (注销 -2); the meter is cancelled at its next session.
endpoint_result platform::impl::do_meter_delete(exchange& ex, object_reader const& b) {
    auto acc = uncancelled_account(*this, ex, b, "is already cancelled");
    if (!acc) return acc.error();
    auto& a = *acc.value();
    drop_queue(a);
    a.status = meter_status::cancelled;
    reg.release_user(a);
    enqueue(a, meters::commands::cancel_account{}, "cancel_account");
    return std::string();
}

// spec: cnmcsp §5.3.4: 停用 -1; the meter closes its valve at its next session.
endpoint_result platform::impl::do_meter_suspend(exchange& ex, object_reader const& b) {
    auto acc = account_to_switch(*this, ex, b, false);
    if (!acc) return acc.error();
    acc.value()->status = meter_status::suspended;
    auto& a = *acc.value();
    enqueue(a, meters::commands::suspend{}, "suspend");
    return std::string();
}

// spec: cnmcsp §5.3.5: back to 开户/用气; the meter reopens its valve at its next session.
endpoint_result platform::impl::do_meter_resume(exchange& ex, object_reader const& b) {
    auto acc = account_to_switch(*this, ex, b, true);
    if (!acc) return acc.error();
    auto& a = *acc.value();
    auto const* last = meter_of(a) != nullptr ? &meter_of(a)->meter : nullptr;
    bool const used = last != nullptr && last->billing().total_used_gas.is_positive();
    a.status = used ? meter_status::in_use : meter_status::opened;
    enqueue(a, meters::commands::resume{}, "resume");
    return std::string();
}

// spec: cnmcsp §5.3.7: each meter's last report, as the meter sent it. ReadingData is "返回的集合
// 列表" with no per-entry error: a meter that cannot be read (unknown, another user's, never
// reported) is left out and the others are answered; only when none can be read does the batch
// fail, with the first meter's error (README "Ambiguities resolved").
endpoint_result platform::impl::do_read_current(exchange& ex, object_reader const& b) {
    auto req = parse_read(b, codec);
    if (!req) return req.error();
    std::string items;
    std::optional<api_error> first_problem;
    auto const& wanted = req.value().meters;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        std::string const field = "Meters[" + std::to_string(i) + "].MeterID";
        auto acc = account_of(ex, wanted[i], field);
        if (!acc) {
            if (!first_problem) first_problem = acc.error();
            continue;
        }
        auto const last = reading_of(*acc.value());
        if (!last) {
            if (!first_problem)
                first_problem = make_api_error(codes::reading_failed, field,
                                               "meter " + acc.value()->meter_no + " has not reported yet");
            continue;
        }
        if (!items.empty()) items += ',';
        items += reading_item(wanted[i], *last, acc.value()->meter_billed(), opts.utc_offset);
    }
    if (items.empty() && first_problem) return *first_problem;
    if (wanted.size() > 1) ex.meter_no.clear();
    return ",\"ReadingData\":[" + items + "]";
}

}  // namespace metersim::platforms::cnmcsp

// The meter and price endpoints: ControlValve (§3.4), CreateMeter (§3.7), SetPrice (§3.8),
// ChangeMeter (§3.9), CreatePrice (§3.10). Each changes the platform's archive at once and
// queues what the meter must do for its next radio session.

#include "platforms/common/timestamp.hpp"
#include "platforms/xintian/platform_impl.hpp"
#include "sim/scheduler.hpp"

namespace metersim::platforms::xintian {

namespace {

api_error db_error(std::string_view field, std::string message) {
    return make_api_error(codes::database_error, field, std::move(message));
}

/// The tariff of a price archive, with its version.
meters::tariff tariff_of(price_archive const& p) {
    auto t = from_xintian(p.price);
    meters::tariff out = t ? *t : meters::tariff{};
    out.version = std::to_string(p.version);
    return out;
}

}  // namespace

// ---- §3.4 ControlValve -----------------------------------------------------------------------

endpoint_result platform::impl::do_control_valve(exchange& ex, object_reader const& r) {
    auto q = parse_control_valve(r);
    if (!q) return q.error();
    auto t = resolve_one(ex, q->who);
    if (!t) return t.error();
    if (t->meter == nullptr)
        return make_api_error(codes::meter_not_found, "MeterAddr",
                              "meter " + t->archive.meter_addr + " is no longer in service");
    // spec: xintian §3.4.1 ValveMode: 1 开阀, 2 关阀, 3 预警关阀 (the user may reopen with the button).
    meters::commands::valve_control c;
    c.action = q->valve_mode == 1   ? meters::commands::valve_action::open
               : q->valve_mode == 2 ? meters::commands::valve_action::close
                                    : meters::commands::valve_action::warning_close;
    enqueue(t->archive.meter_addr, c, "ControlValve " + std::to_string(q->valve_mode));
    return std::string{};
}

// ---- §3.7 CreateMeter ------------------------------------------------------------------------

endpoint_result platform::impl::do_create_meter(exchange& ex, object_reader const& r) {
    auto today = format_instant(sched.now(), timestamp_format::date_only, opts.utc_offset);
    auto q = parse_create_meter(r, today);
    if (!q) return q.error();
    auto& a = *q;
    ex.meter_no = a.meter_addr;
    bool const third = a.pay_type == "6";
    if (records.find_meter(a.meter_addr) != nullptr)
        return db_error("MeterAddr", "MeterAddr " + a.meter_addr + " already has an archive");
    price_archive const* price = nullptr;
    if (!a.price_type_code.empty()) {
        price = records.find_price(a.price_type_code);
        if (price == nullptr)
            return db_error("PriceTypeCode", "PriceTypeCode " + a.price_type_code +
                                                 " was never created (CreatePrice)");
    }
    auto* m = fleet.find(a.meter_addr);
    if (m != nullptr && !is_ours(*m))
        return db_error("MeterAddr", "MeterAddr " + a.meter_addr + " is a meter of platform " +
                                         m->platform());
    if (m != nullptr && is_thirdparty(*m) != third)
        return db_error("PayType", "PayType " + a.pay_type + " does not fit meter " + a.meter_addr +
                                       " (model " + m->entry->key + ")");
    if (m == nullptr) {
        meters::meter_identity id;
        id.meter_no = a.meter_addr;
        id.user_no = a.user_code;
        id.imei = a.imei;
        auto const& model = third ? opts.thirdparty_model
                            : a.pay_type == "1" ? opts.postpaid_model
                                                : opts.meter_model;
        auto made = fleet.manufacture(sim::manufacture_request{model, id});
        if (!made) return db_error("MeterAddr", made.error());
        m = *made;
    } else {
        auto id = m->meter.identity();
        id.user_no = a.user_code;
        if (!a.imei.empty()) id.imei = a.imei;
        m->meter.set_identity(std::move(id));
    }
    // The opening: the price archive's tariff (meter-side billing) and the base reading.
    meters::commands::open_account open;
    if (price != nullptr && !third) open.price = tariff_of(*price);
    if (r.has("MeterBase")) open.initial_reading = a.meter_base;
    cancelled.erase(a.meter_addr);
    records.put_meter(a);
    enqueue(a.meter_addr, open, "CreateMeter");
    return std::string{};
}

// ---- §3.8 SetPrice ---------------------------------------------------------------------------

endpoint_result platform::impl::do_set_price(exchange& ex, object_reader const& r) {
    auto in = parsed_target(ex, r, parse_set_price, false);
    if (!in) return in.error();
    auto& [q, t] = in.value();
    auto const* price = records.find_price(q.price_type_code);
    if (price == nullptr)
        return db_error("PriceTypeCode", "PriceTypeCode " + q.price_type_code + " does not exist");
    if (is_thirdparty(*t.meter))
        return db_error("MeterAddr", "meter " + q.meter_addr +
                                         " is billed by the third party (PayType 6): its price comes "
                                         "from the billing answer");
    if (auto* a = records.find_meter(q.meter_addr)) a->price_type_code = q.price_type_code;
    // An ExeDate in the future becomes the meter's pending tariff, active at that instant.
    enqueue(q.meter_addr, meters::commands::set_tariff{tariff_of(*price)}, "SetPrice " + q.price_type_code);
    return std::string{};
}

// ---- §3.9 ChangeMeter ------------------------------------------------------------------------

endpoint_result platform::impl::do_change_meter(exchange& ex, object_reader const& r) {
    auto in = parsed_target(ex, r, parse_change_meter, true);
    if (!in) return in.error();
    auto& [q, old] = in.value();
    if (records.find_meter(q.new_meter_addr) != nullptr)
        return db_error("NewMeterAddr", "NewMeterAddr " + q.new_meter_addr + " already has an archive");
    auto* fresh = fleet.find(q.new_meter_addr);
    bool const third = is_thirdparty(*old.meter);
    if (fresh != nullptr && (!is_ours(*fresh) || is_thirdparty(*fresh) != third))
        return db_error("NewMeterAddr", "NewMeterAddr " + q.new_meter_addr +
                                            " is a meter of another kind (" + fresh->entry->key + ")");
    meter_archive a = old.archive;
    a.meter_addr = q.new_meter_addr;
    if (!q.new_imei.empty()) a.imei = q.new_imei;
    if (!q.new_comm_provider_id.empty()) a.comm_provider_id = q.new_comm_provider_id;
    if (fresh == nullptr) {
        meters::meter_identity id;
        id.meter_no = a.meter_addr;
        id.user_no = a.user_code;
        id.imei = a.imei;
        auto made = fleet.manufacture(sim::manufacture_request{old.meter->entry->key, id});
        if (!made) return db_error("NewMeterAddr", made.error());
        fresh = *made;
    }
    // The new meter opens with the old one's tariff, its last reported remaining money and the
    // cycle usage the CIS gives (PeriodDosage); the old meter is cancelled at its next session.
    meters::commands::open_account open;
    if (!third) {
        open.price = old.meter->meter.active_tariff();
        if (auto const* last = last_of(old.meter); last != nullptr && last->remnant.is_positive())
            open.opening_credit = last->remnant;
    }
    records.put_meter(a);
    if (records.find_meter(q.meter_addr) != nullptr) {
        meter_archive gone = old.archive;
        gone.user_code.clear();
        records.put_meter(gone);
    }
    cancelled.insert(q.meter_addr);
    enqueue(q.meter_addr, meters::commands::cancel_account{}, "ChangeMeter (old meter)");
    enqueue(a.meter_addr, open, "ChangeMeter (new meter)");
    if (!third)
        enqueue(a.meter_addr, meters::commands::set_ladder_usage{q.period_dosage}, "ChangeMeter PeriodDosage");
    return std::string{};
}

// ---- §3.10 CreatePrice -----------------------------------------------------------------------

endpoint_result platform::impl::do_create_price(exchange&, object_reader const& r) {
    auto q = parse_create_price(r, opts.utc_offset);
    if (!q) return q.error();
    auto const* existing = records.find_price(q->price_type_code);
    // spec: xintian §3.10.1 OperationType: 1 新建, 2 修改.
    if (q->operation_type == 1 && existing != nullptr)
        return db_error("PriceTypeCode", "PriceTypeCode " + q->price_type_code +
                                             " already exists (use OperationType 2 to modify it)");
    if (q->operation_type == 2 && existing == nullptr)
        return db_error("PriceTypeCode", "PriceTypeCode " + q->price_type_code +
                                             " does not exist (use OperationType 1 to create it)");
    price_archive p;
    p.name = q->price_type_name;
    p.remark = q->remark;
    p.price = q->price;
    p.version = existing != nullptr ? existing->version + 1 : 1;
    records.put_price(q->price_type_code, p);
    if (q->operation_type == 2) {
        // A modified price reaches every meter that uses it, as a pending tariff when ExeDate
        // lies ahead (active at that virtual instant).
        for (auto const& no : records.meters_with_price(q->price_type_code))
            if (meter(no) != nullptr && !cancelled.contains(no))
                enqueue(no, meters::commands::set_tariff{tariff_of(p)}, "CreatePrice " + q->price_type_code + " v" + std::to_string(p.version));
    }
    return std::string{};
}

}  // namespace metersim::platforms::xintian

// Price and valve endpoints (spec: cnmcsp §5.3.10 changePrice, §5.3.11 batchChangePrice,
// §5.3.12 controlValve). Each reaches the meter at its next session.

#include "platforms/cnmcsp/platform_impl.hpp"

namespace metersim::platforms::cnmcsp {

// A cnmcsp_price into the meter's tariff; a rule of several fields broken: 80002004.
api_result<meters::tariff> tariff_of(cnmcsp_price const& p, meters::instant now) {
    auto t = from_cnmcsp(p, now);
    if (!t) return invalid_field(codes::bad_price, t.error().field, t.error().reason);
    if (auto problem = meters::validate(t.value()))
        return invalid_field(codes::bad_price, problem->field, problem->reason);
    return std::move(t.value());
}

namespace {

/// Drops the account's plain commands of one label still waiting (a newer order replaces them).
void drop_queued(registry& reg, account const& a, std::string_view label) {
    if (auto* o = reg.sessions.find_owner(a.meter_id))
        reg.sessions.erase_if(*o, [label](delivery const& d) {
            return d.phase() == sim::pending_phase::queued && d.label == label;
        });
}

/// Checks every meter of a price change first (all or nothing), then queues the tariff on each.
endpoint_result change_prices(platform::impl& p, exchange& ex, change_price_request const& r,
                              bool batch) {
    auto tariff = tariff_of(r.price, p.sched.now());
    if (!tariff) return tariff.error();
    std::vector<account*> targets;
    targets.reserve(r.meters.size());
    for (std::size_t i = 0; i < r.meters.size(); ++i) {
        std::string const field = batch ? "Meters[" + std::to_string(i) + "].MeterID" : "MeterID";
        auto acc = p.active_account(ex, r.meters[i], field);
        if (!acc) return acc.error();
        if (!acc.value()->meter_billed())
            return make_api_error(codes::price_change_failed, field,
                                  "meter " + acc.value()->meter_no +
                                      " is billed by the system (CIS): it keeps no prices");
        targets.push_back(acc.value());
    }
    for (auto* a : targets) {
        a->tariff = tariff.value();
        // A newer price replaces one still waiting for the meter.
        drop_queued(p.reg, *a, "set_tariff");
        p.enqueue(*a, meters::commands::set_tariff{tariff.value()}, "set_tariff");
    }
    if (batch && r.meters.size() > 1) ex.meter_no.clear();
    return std::string();
}

}  // namespace

// spec: cnmcsp §5.3.10
endpoint_result platform::impl::do_change_price(exchange& ex, object_reader const& b) {
    auto req = parse_change_price(b, codec);
    if (!req) return req.error();
    return change_prices(*this, ex, req.value(), false);
}

// spec: cnmcsp §5.3.11
endpoint_result platform::impl::do_batch_change_price(exchange& ex, object_reader const& b) {
    auto req = parse_batch_change_price(b, codec);
    if (!req) return req.error();
    return change_prices(*this, ex, req.value(), true);
}

// spec: cnmcsp §5.3.12: 2010 closes, 1010 opens. Both billing modes; a system-billed meter is
// how the CIS cuts a customer off.
endpoint_result platform::impl::do_control_valve(exchange& ex, object_reader const& b) {
    auto in = parsed_account(ex, b, parse_control_valve, true);
    if (!in) return in.error();
    auto& [r, acc] = in.value();
    auto& a = *acc;
    auto* m = meter_of(a);
    if (m != nullptr && !m->meter.model().valve.has_valve)
        return make_api_error(codes::valve_failed, "MeterID", "meter " + a.meter_no + " has no valve");
    meters::commands::valve_control c;
    c.action = r.control == 2010 ? meters::commands::valve_action::close : meters::commands::valve_action::open;
    // The last valve order wins: an earlier one still waiting is dropped.
    drop_queued(reg, a, "valve");
    enqueue(a, c, "valve");
    return std::string();
}

}  // namespace metersim::platforms::cnmcsp

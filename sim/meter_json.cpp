// The writer half of meter_json (the reader is meter_json_read.cpp).
#include "sim/meter_json.hpp"

#include "sim/meter_json_dom.hpp"

namespace metersim::sim {

namespace {

namespace m = metersim::meters;
using ojson = nlohmann::ordered_json;
using namespace meter_json_detail;

template <class Tag>
std::string dec(m::fixed4<Tag> x) {
    return m::to_string(x);
}

std::int64_t ms(m::instant t) { return m::to_ms(t); }

/// Any range of fixed4 values (std::array, meters::hourly_rates).
template <class Range>
ojson dec_array(Range const& a) {
    ojson out = ojson::array();
    for (auto const& x : a) out.push_back(dec(x));
    return out;
}

ojson identity_dom(m::meter_identity const& id) {
    return ojson{{"meter_no", id.meter_no}, {"user_no", id.user_no},
                 {"device_id", id.device_id}, {"imei", id.imei},
                 {"iccid", id.iccid}, {"card_no", id.card_no}};
}

ojson tariff_dom(m::tariff const& t) {
    ojson cycle{{"kind", m::to_string(t.cycle.kind)},
                {"months", t.cycle.months},
                {"start", ms(t.cycle.start)},
                {"settle_month", t.cycle.settle_month},
                {"settle_day", t.cycle.settle_day}};
    return ojson{{"version", t.version},
                 {"code", t.code},
                 {"price_count", t.price_count},
                 {"prices", dec_array(t.prices)},
                 {"thresholds", dec_array(t.thresholds)},
                 {"cycle", std::move(cycle)},
                 {"effective_at", ms(t.effective_at)},
                 {"clear_ladder", t.clear_ladder},
                 {"gas_type", t.gas_type}};
}

ojson billing_dom(m::billing_state const& b) {
    ojson backend{{"prepaid", b.backend.prepaid},
                  {"surplus", dec(b.backend.surplus)},
                  {"unit_price", dec(b.backend.unit_price)},
                  {"ladder_no", b.backend.ladder_no},
                  {"account_date", ms(b.backend.account_date)}};
    return ojson{{"reading", dec(b.reading)},
                 {"cycle_usage", dec(b.cycle_usage)},
                 {"cycle_start", ms(b.cycle_start)},
                 {"segment_start", dec(b.segment_start)},
                 {"segment_charged", dec(b.segment_charged)},
                 {"balance", dec(b.balance)},
                 {"gas_balance", dec(b.gas_balance)},
                 {"total_bought_money", dec(b.total_bought_money)},
                 {"total_used_money", dec(b.total_used_money)},
                 {"total_bought_gas", dec(b.total_bought_gas)},
                 {"total_used_gas", dec(b.total_used_gas)},
                 {"buy_count", b.buy_count},
                 {"last_bill_no", b.last_bill_no},
                 {"backend", std::move(backend)}};
}

ojson price_change_dom(std::optional<m::price_change_info> const& p) {
    if (!p) return nullptr;
    return ojson{{"last_version", p->last_version},
                 {"last_price_count", p->last_price_count},
                 {"last_prices", dec_array(p->last_prices)},
                 {"last_ladder_usage", dec_array(p->last_ladder_usage)},
                 {"last_cycle_usage", dec(p->last_cycle_usage)},
                 {"total_use", dec(p->total_use)},
                 {"total_use_money", dec(p->total_use_money)},
                 {"surplus_money", dec(p->surplus_money)},
                 {"at", ms(p->at)}};
}

ojson valve_dom(m::valve_state const& v) {
    ojson causes = ojson::array();
    for (auto name : m::cause_names(v.causes)) causes.push_back(name);
    return ojson{{"position", m::to_string(v.position)},
                 {"causes", std::move(causes)},
                 {"awaiting_button", v.awaiting_button},
                 {"transit_done", ms(v.transit_done)},
                 {"actions", v.actions},
                 {"fail_next_open", v.fail_next_open},
                 {"fail_next_close", v.fail_next_close}};
}

ojson battery_dom(m::battery_state const& b) {
    return ojson{{"voltage_uv", b.voltage_uv},   {"drain_carry", b.drain_carry},
                 {"updated_at", ms(b.updated_at)}, {"low", b.low},
                 {"failed", b.failed},           {"sessions", b.sessions},
                 {"valve_actions", b.valve_actions}, {"replacements", b.replacements}};
}

ojson radio_dom(m::radio_state const& r) {
    ojson signal{{"csq", r.signal.csq},       {"rsrp", dec(r.signal.rsrp)},
                 {"snr", dec(r.signal.snr)},  {"ecl", r.signal.ecl},
                 {"cell_id", r.signal.cell_id}, {"fcn", r.signal.fcn}};
    return ojson{{"seed", r.seed},
                 {"signal", std::move(signal)},
                 {"online", r.online},
                 {"wake_requested", r.wake_requested},
                 {"wake_requested_at", ms(r.wake_requested_at)},
                 {"last_session", ms(r.last_session)},
                 {"sessions", r.sessions}};
}

ojson alarms_dom(m::alarm_set_state const& a) {
    ojson active = ojson::array();
    for (auto const& x : a.active)
        active.push_back(ojson{{"code", m::to_string(x.code)}, {"raised_at", ms(x.raised_at)}});
    return ojson{{"active", std::move(active)}};
}

ojson records_dom(decltype(m::freeze_state::daily) const& records) {
    ojson out = ojson::array();
    for (auto const& r : records) {
        ojson values{{"reading", dec(r.values.reading)},
                     {"total_buy", dec(r.values.total_buy)},
                     {"total_use", dec(r.values.total_use)},
                     {"surplus", dec(r.values.surplus)}};
        out.push_back(ojson{{"kind", m::to_string(r.kind)},
                            {"at", ms(r.at)},
                            {"values", std::move(values)},
                            {"period_use", dec(r.period_use)}});
    }
    return out;
}

ojson flow_dom(m::flow_profile_state const& f) {
    return ojson{{"kind", m::to_string(f.kind)},
                 {"constant_rate", dec(f.constant_rate)},
                 {"hourly", dec_array(f.hourly)},
                 {"random_min", dec(f.random_min)},
                 {"random_max", dec(f.random_max)},
                 {"idle_percent", f.idle_percent},
                 {"seed", f.seed},
                 {"utc_offset_min", f.utc_offset_min},
                 {"has_override", f.has_override},
                 {"override_rate", dec(f.override_rate)}};
}

}  // namespace

namespace meter_json_detail {

nlohmann::ordered_json to_dom(m::meter_state const& s) {
    ojson out;
    out["format"] = meter_json_format;
    out["identity"] = identity_dom(s.identity);
    out["zone_minutes"] = s.zone.minutes;
    out["now"] = ms(s.now);
    out["account"] = m::to_string(s.account);
    out["active"] = tariff_dom(s.active);
    out["pending"] = s.pending ? tariff_dom(*s.pending) : ojson(nullptr);
    out["cycle_end"] = ms(s.cycle_end);
    out["billing"] = billing_dom(s.billing);
    out["price_change"] = price_change_dom(s.price_change);
    out["valve"] = valve_dom(s.valve);
    out["battery"] = battery_dom(s.battery);
    out["radio"] = radio_dom(s.radio);
    out["alarms"] = alarms_dom(s.alarms);
    out["idle"] = ojson{{"last_flow", ms(s.idle.last_flow)}, {"raised", s.idle.raised}};
    out["freezes"] = ojson{{"daily", records_dom(s.freezes.daily)},
                           {"monthly", records_dom(s.freezes.monthly)},
                           {"reported_until", ms(s.freezes.reported_until)}};
    out["flow"] = flow_dom(s.flow);
    out["flow_carry"] = ojson{{"e4_ms", s.flow_carry.e4_ms}};
    out["temperature_c"] = dec(s.temperature_c);
    out["pressure_kpa"] = dec(s.pressure_kpa);
    out["lost_contact"] = s.lost_contact;
    return out;
}

}  // namespace meter_json_detail

std::string to_json_text(m::meter_state const& state) {
    return meter_json_detail::to_dom(state).dump(-1, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace metersim::sim

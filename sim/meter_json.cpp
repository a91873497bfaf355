// The writer half of meter_json (the reader is meter_json_read.cpp).
#include "sim/meter_json.hpp"

#include <string>
#include <type_traits>

#include "sim/json/text.hpp"
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

// The text straight from the state (the state file writes one per changed meter): the same
// members in the same order as to_dom(), written by json::json_text, whose output is byte for
// byte that of the DOM's dump (meter_json_test checks the two agree).
namespace {

using w_t = json::json_text;

template <std::size_t N, class V>
void put(w_t& w, char const (&k)[N], V const& v) {
    w.key(k);
    if constexpr (std::is_same_v<V, bool>) w.raw(v ? "true" : "false");
    else if constexpr (std::is_integral_v<V>) w.raw(std::to_string(v));
    else if constexpr (std::is_same_v<V, m::instant>) w.raw(std::to_string(ms(v)));
    else if constexpr (requires { v.e4(); }) w.string(dec(v));
    else w.string(v);
}

template <std::size_t N, class Range>
void put_decs(w_t& w, char const (&k)[N], Range const& a) {
    w.array(k);
    for (auto const& x : a) w.string(dec(x));
    w.end_array();
}

void put_tariff(w_t& w, m::tariff const& t) {
    w.begin_object();
    put(w, "version", t.version);
    put(w, "code", t.code);
    put(w, "price_count", t.price_count);
    put_decs(w, "prices", t.prices);
    put_decs(w, "thresholds", t.thresholds);
    w.object("cycle");
    put(w, "kind", m::to_string(t.cycle.kind));
    put(w, "months", t.cycle.months);
    put(w, "start", t.cycle.start);
    put(w, "settle_month", t.cycle.settle_month);
    put(w, "settle_day", t.cycle.settle_day);
    w.end_object();
    put(w, "effective_at", t.effective_at);
    put(w, "clear_ladder", t.clear_ladder);
    put(w, "gas_type", t.gas_type);
    w.end_object();
}

void put_billing(w_t& w, m::billing_state const& b) {
    w.object("billing");
    put(w, "reading", b.reading);
    put(w, "cycle_usage", b.cycle_usage);
    put(w, "cycle_start", b.cycle_start);
    put(w, "segment_start", b.segment_start);
    put(w, "segment_charged", b.segment_charged);
    put(w, "balance", b.balance);
    put(w, "gas_balance", b.gas_balance);
    put(w, "total_bought_money", b.total_bought_money);
    put(w, "total_used_money", b.total_used_money);
    put(w, "total_bought_gas", b.total_bought_gas);
    put(w, "total_used_gas", b.total_used_gas);
    put(w, "buy_count", b.buy_count);
    put(w, "last_bill_no", b.last_bill_no);
    w.object("backend");
    put(w, "prepaid", b.backend.prepaid);
    put(w, "surplus", b.backend.surplus);
    put(w, "unit_price", b.backend.unit_price);
    put(w, "ladder_no", b.backend.ladder_no);
    put(w, "account_date", b.backend.account_date);
    w.end_object();
    w.end_object();
}

void put_price_change(w_t& w, std::optional<m::price_change_info> const& p) {
    w.key("price_change");
    if (!p) return w.raw("null");
    w.begin_object();
    put(w, "last_version", p->last_version);
    put(w, "last_price_count", p->last_price_count);
    put_decs(w, "last_prices", p->last_prices);
    put_decs(w, "last_ladder_usage", p->last_ladder_usage);
    put(w, "last_cycle_usage", p->last_cycle_usage);
    put(w, "total_use", p->total_use);
    put(w, "total_use_money", p->total_use_money);
    put(w, "surplus_money", p->surplus_money);
    put(w, "at", p->at);
    w.end_object();
}

void put_devices(w_t& w, m::meter_state const& s) {
    w.object("valve");
    put(w, "position", m::to_string(s.valve.position));
    w.array("causes");
    for (auto name : m::cause_names(s.valve.causes)) w.string(name);
    w.end_array();
    put(w, "awaiting_button", s.valve.awaiting_button);
    put(w, "transit_done", s.valve.transit_done);
    put(w, "actions", s.valve.actions);
    put(w, "fail_next_open", s.valve.fail_next_open);
    put(w, "fail_next_close", s.valve.fail_next_close);
    w.end_object();
    auto const& b = s.battery;
    w.object("battery");
    put(w, "voltage_uv", b.voltage_uv);
    put(w, "drain_carry", b.drain_carry);
    put(w, "updated_at", b.updated_at);
    put(w, "low", b.low);
    put(w, "failed", b.failed);
    put(w, "sessions", b.sessions);
    put(w, "valve_actions", b.valve_actions);
    put(w, "replacements", b.replacements);
    w.end_object();
    auto const& r = s.radio;
    w.object("radio");
    put(w, "seed", r.seed);
    w.object("signal");
    put(w, "csq", r.signal.csq);
    put(w, "rsrp", r.signal.rsrp);
    put(w, "snr", r.signal.snr);
    put(w, "ecl", r.signal.ecl);
    put(w, "cell_id", r.signal.cell_id);
    put(w, "fcn", r.signal.fcn);
    w.end_object();
    put(w, "online", r.online);
    put(w, "wake_requested", r.wake_requested);
    put(w, "wake_requested_at", r.wake_requested_at);
    put(w, "last_session", r.last_session);
    put(w, "sessions", r.sessions);
    w.end_object();
}

template <std::size_t N>
void put_records(w_t& w, char const (&k)[N], decltype(m::freeze_state::daily) const& records) {
    w.array(k);
    for (auto const& r : records) {
        w.begin_object();
        put(w, "kind", m::to_string(r.kind));
        put(w, "at", r.at);
        w.object("values");
        put(w, "reading", r.values.reading);
        put(w, "total_buy", r.values.total_buy);
        put(w, "total_use", r.values.total_use);
        put(w, "surplus", r.values.surplus);
        w.end_object();
        put(w, "period_use", r.period_use);
        w.end_object();
    }
    w.end_array();
}

void put_flow(w_t& w, m::flow_profile_state const& f) {
    w.object("flow");
    put(w, "kind", m::to_string(f.kind));
    put(w, "constant_rate", f.constant_rate);
    put_decs(w, "hourly", f.hourly);
    put(w, "random_min", f.random_min);
    put(w, "random_max", f.random_max);
    put(w, "idle_percent", f.idle_percent);
    put(w, "seed", f.seed);
    put(w, "utc_offset_min", f.utc_offset_min);
    put(w, "has_override", f.has_override);
    put(w, "override_rate", f.override_rate);
    w.end_object();
}

}  // namespace

std::string to_json_text(m::meter_state const& s) {
    std::string out;
    out.reserve(4096);
    w_t w(out, json::bad_utf8::as_nlohmann);
    w.begin_object();
    put(w, "format", meter_json_format);
    w.object("identity");
    put(w, "meter_no", s.identity.meter_no);
    put(w, "user_no", s.identity.user_no);
    put(w, "device_id", s.identity.device_id);
    put(w, "imei", s.identity.imei);
    put(w, "iccid", s.identity.iccid);
    put(w, "card_no", s.identity.card_no);
    w.end_object();
    put(w, "zone_minutes", s.zone.minutes);
    put(w, "now", s.now);
    put(w, "account", m::to_string(s.account));
    w.key("active");
    put_tariff(w, s.active);
    w.key("pending");
    if (s.pending) put_tariff(w, *s.pending);
    else w.raw("null");
    put(w, "cycle_end", s.cycle_end);
    put_billing(w, s.billing);
    put_price_change(w, s.price_change);
    put_devices(w, s);
    w.object("alarms");
    w.array("active");
    for (auto const& x : s.alarms.active) {
        w.begin_object();
        put(w, "code", m::to_string(x.code));
        put(w, "raised_at", x.raised_at);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.object("idle");
    put(w, "last_flow", s.idle.last_flow);
    put(w, "raised", s.idle.raised);
    w.end_object();
    w.object("freezes");
    put_records(w, "daily", s.freezes.daily);
    put_records(w, "monthly", s.freezes.monthly);
    put(w, "reported_until", s.freezes.reported_until);
    w.end_object();
    put_flow(w, s.flow);
    w.object("flow_carry");
    put(w, "e4_ms", s.flow_carry.e4_ms);
    w.end_object();
    put(w, "temperature_c", s.temperature_c);
    put(w, "pressure_kpa", s.pressure_kpa);
    put(w, "lost_contact", s.lost_contact);
    w.end_object();
    w.finish();
    return out;
}

}  // namespace metersim::sim

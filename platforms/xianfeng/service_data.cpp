#include "platforms/xianfeng/service_data.hpp"

#include <algorithm>

#include "meters/valve.hpp"
#include "platforms/common/valve_codes.hpp"
#include "sim/json/text.hpp"

// Written as text, member by member, in the order the spec's examples give them (§3.1-§3.3);
// tests/platforms/xianfeng/service_data_text_test.cpp checks the bytes against an
// nlohmann::ordered_json tree of the same members for many varied reports.

namespace metersim::platforms::xianfeng {

namespace {

using meters::alarm_code;
using meters::billing_mode;

bool has(meters::meter_report const& r, alarm_code c) {
    return std::find(r.active_alarms.begin(), r.active_alarms.end(), c) != r.active_alarms.end();
}

bool held(meters::meter_report const& r, meters::close_cause c) {
    return (r.valve_causes & static_cast<std::uint16_t>(c)) != 0;
}

// spec: xianfeng §5.1 valveState: 0 无阀, 1 阀开, 2 阀关, 3 异常, 4 损坏. A valve in transit
// reports where it still is (opening: closed, closing: open).
std::string_view valve_state(meters::valve_position p) {
    static constexpr valve_codes<std::string_view> codes{.none = "0", .open = "1", .closed = "2", .opening = "2",
                                                         .closing = "1", .abnormal = "3", .damaged = "4",
                                                         .unknown = "3"};
    return code_of(codes, p);
}

/// Battery millivolts as volts with 2 decimals.
void volts(json_text& w, std::string_view k, int mv) { w.e4_places(k, std::int64_t{mv} * 10, 2); }

// spec: xianfeng appendix 3 (表具状态说明).
void meter_status(json_text& w, meters::meter_report const& r) {
    using meters::close_cause;
    bool const opened = r.account != meters::account_state::manufactured &&
                        r.account != meters::account_state::cancelled;
    w.object("meterStatus");
    w.flag("deviceLock", has(r, alarm_code::dead_meter) || held(r, close_cause::dead_meter));
    w.flag("superFlow", has(r, alarm_code::over_flow));
    w.flag("magneticInterference", has(r, alarm_code::magnetic_interference));
    w.flag("pressureLack", has(r, alarm_code::battery_low) || has(r, alarm_code::battery_failure));
    w.flag("leakAlarm", has(r, alarm_code::external_abnormal));
    w.flag("singleCount", has(r, alarm_code::single_pipe));
    w.flag("breakLine", has(r, alarm_code::break_line));
    w.flag("valveDamage", has(r, alarm_code::valve_abnormal) ||
                              r.valve == meters::valve_position::damaged);
    w.flag("remoteCloseValve", held(r, close_cause::remote));
    w.flag("valueLack", has(r, alarm_code::low_balance) || has(r, alarm_code::zero_balance) ||
                            has(r, alarm_code::overdraft) || held(r, close_cause::zero_balance) ||
                            held(r, close_cause::overdraft));
    w.flag("loseTrack", r.lost_contact);
    w.flag("accountFlag", opened);
    w.end_object();
}

/// Opens {"serviceId":id,"serviceData":{ ; close_block() closes both.
void open_block(json_text& w, std::string_view id) {
    w.begin_object();
    w.field("serviceId", id);
    w.object("serviceData");
}

void close_block(json_text& w) {
    w.end_object();
    w.end_object();
}

void general(json_text& w, message_source const& s, meters::meter_report const& r) {
    open_block(w, "GeneralDataInfo");
    w.e4("totalUseValue", r.reading.e4());
    w.compact_time("deviceTime", r.at, s.utc_offset);
    w.field("valveState", valve_state(r.valve));
    volts(w, "batteryVoltage", r.battery_mv);
    meter_status(w, r);
    close_block(w);
}

void money_info(json_text& w, meters::meter_report const& r) {
    open_block(w, "MoneyMeterInfo");
    w.e4("totalBuyMoney", r.total_bought_money.e4());
    w.e4("totalUseMoney", r.total_used_money.e4());
    w.e4("surplusMoney", r.balance.e4());
    w.e4("currentPrice", r.current_price.e4());
    w.e4("totalLadderValue", r.cycle_usage.e4());
    w.int_string("buyCount", r.buy_count);
    close_block(w);
}

void gas_info(json_text& w, meters::meter_report const& r) {
    open_block(w, "GasMeterInfo");
    w.e4("totalBuyGas", r.total_bought_gas.e4());
    w.e4("surplusGas", r.gas_balance.e4());
    w.int_string("buyCount", r.buy_count);
    close_block(w);
}

// spec: xianfeng §5.4 and appendix 4. The simulator has no PTZ correction: standard and working
// figures are the same.
void flow_info(json_text& w, meters::meter_report const& r) {
    std::int64_t const total = r.reading.e4();
    std::int64_t const instant = r.flow_per_hour ? r.flow_per_hour->e4() : 0;
    bool const temp_bad = has(r, alarm_code::temperature_abnormal);
    bool const press_bad = has(r, alarm_code::pressure_abnormal);
    open_block(w, "FlowMeterInfo");
    w.e4("standardTotalValue", total);
    w.e4("workTotalValue", total);
    w.e4("standardInstantValue", instant);
    w.e4("workInstantValue", instant);
    w.e4("temperatureValue", r.temperature_c ? r.temperature_c->e4() : 0);
    w.e4("pressureValue", r.pressure_kpa ? r.pressure_kpa->e4() : 0);
    w.object("flowMeterStatus");
    w.field("totalizerConnectState", "0");
    w.flag("temperatureSensorState", temp_bad);
    w.flag("pressureSensorState", press_bad);
    w.flag("magneticInterference", has(r, alarm_code::magnetic_interference));
    w.flag("pressureLack", has(r, alarm_code::battery_low) || has(r, alarm_code::battery_failure));
    w.flag("pressureWarn", press_bad);
    w.flag("temperatureWarn", temp_bad);
    w.end_object();
    close_block(w);
}

void signal(json_text& w, message_source const& s, meters::signal_info const& g) {
    open_block(w, "SignalInfo");
    w.int_string("signalCSQ", g.csq);
    if (s.comm == meters::comm_type::nb_iot) {  // spec: xianfeng §5.5 "NB-IoT设备有该项"
        w.e4_places("signalRSRP", g.rsrp.e4(), 1);
        w.e4_places("signalSNR", g.snr.e4(), 1);
        w.int_string("signalECL", g.ecl);
        w.field("signalCellId", g.cell_id);
        w.field("signalFCN", g.fcn);
    }
    close_block(w);
}

// spec: xianfeng §5.6, records wrapped in frozenRecords as the §3.1 example does.
void frozen(json_text& w, message_source const& s, meters::meter_report const& r) {
    bool const prepaid_gprs = s.comm == meters::comm_type::gprs && s.mode != billing_mode::backend;
    open_block(w, "FrozenValueInfo");
    w.array("frozenRecords");
    for (auto const& f : r.frozen) {
        w.begin_object();
        w.int_string("frozenType", static_cast<int>(f.kind));
        w.compact_time("frozenDate", f.at, s.utc_offset);
        w.e4("frozenValue", f.values.reading.e4());
        if (s.flow_meter) {
            w.e4("standardTotalValue", f.values.reading.e4());
            w.e4("workTotalValue", f.values.reading.e4());
        }
        if (prepaid_gprs) {  // "内置GPRS表端预付费表具独有"
            w.e4("dayUseValue", f.period_use.e4());
            w.e4("totalBuyValue", f.values.total_buy.e4());
            w.e4("totalUseValue", f.values.total_use.e4());
            w.e4("surplusValue", f.values.surplus.e4());
        }
        w.end_object();
    }
    w.end_array();
    close_block(w);
}

// spec: xianfeng §5.8: five prices and the usage under each.
void price_change(json_text& w, meters::price_change_info const& p) {
    static constexpr std::string_view price_keys[] = {
        "lastPriceOne", "lastPriceTwo", "lastPriceThree", "lastPriceFour", "lastPriceFive"};
    static constexpr std::string_view usage_keys[] = {
        "lastLadderOneUseValue", "lastLadderTwoUseValue", "lastLadderThreeUseValue",
        "lastLadderFourUseValue", "lastLadderFiveUseValue"};
    open_block(w, "PriceChangeInfo");
    w.field("lastPriceVer", p.last_version);
    for (std::size_t i = 0; i < 5; ++i) {
        std::size_t const src = std::min<std::size_t>(i, p.last_price_count - 1u);
        w.e4(price_keys[i], p.last_prices[src].e4());
        w.e4(usage_keys[i], p.last_ladder_usage[i].e4());
    }
    w.e4("lastCycleValue", p.last_cycle_usage.e4());
    w.e4("totalUseValue", p.total_use.e4());
    w.e4("totalUseMoney", p.total_use_money.e4());
    w.e4("surplusMoney", p.surplus_money.e4());
    close_block(w);
}

std::string_view charge_type(billing_mode m) {
    switch (m) {
        case billing_mode::backend: return "0";
        case billing_mode::gas_prepaid: return "1";
        case billing_mode::money_prepaid: return "2";
    }
    return "0";
}

/// Writes the msgDTO up to the opening of callbackData.data's array; close_envelope() closes it.
void open_envelope(json_text& w, message_source const& s, std::string_view report_type,
                   meters::instant received) {
    w.begin_object();
    w.field("callbackType", "0");
    w.field("msgDeviceType", s.concentrator ? "1" : "0");
    w.field("deviceId", s.device_id);
    w.compact_time("receiveTime", received, s.utc_offset);
    w.object("callbackData");
    w.field("meterNo", s.device_no);
    w.field("commType", s.comm == meters::comm_type::gprs ? "0" : "1");
    w.field("chargeType", charge_type(s.mode));
    w.field("meterType", s.concentrator ? std::string_view("2") : s.meter_type);
    w.field("reportType", report_type);
    w.array("data");
}

void close_envelope(json_text& w) {
    w.end_array();
    w.end_object();
    w.end_object();
}

/// The fields as an object. A name given twice keeps its first place and its last value, as
/// assigning them in turn to an ordered JSON object does.
void result_fields_object(json_text& w, result_fields const& result) {
    w.begin_object();
    for (std::size_t i = 0; i < result.size(); ++i) {
        auto const& name = result[i].first;
        auto const same = [&](auto const& f) { return f.first == name; };
        if (std::any_of(result.begin(), result.begin() + static_cast<std::ptrdiff_t>(i), same))
            continue;  // written at its first place already
        w.field(name, std::find_if(result.rbegin(), result.rend(), same)->second);
    }
    w.end_object();
}

}  // namespace

void append_report_message(std::string& out, message_source const& src,
                           meters::meter_report const& r, report_type type,
                           meters::instant received) {
    json_text w(out);
    open_envelope(w, src, type == report_type::button ? "1" : "0", received);
    general(w, src, r);
    if (src.mode == billing_mode::money_prepaid) money_info(w, r);
    if (src.mode == billing_mode::gas_prepaid) gas_info(w, r);
    if (src.flow_meter) flow_info(w, r);
    signal(w, src, r.signal);
    if (!r.frozen.empty()) frozen(w, src, r);
    if (r.price_change && src.mode == billing_mode::money_prepaid) price_change(w, *r.price_change);
    close_envelope(w);
}

std::string report_message(message_source const& src, meters::meter_report const& r,
                           report_type type, meters::instant received) {
    std::string out;
    out.reserve(1024);
    append_report_message(out, src, r, type, received);
    return out;
}

void append_alarm_message(std::string& out, message_source const& src,
                          std::vector<meters::alarm_change> const& alarms, meters::instant received) {
    json_text w(out);
    open_envelope(w, src, "99", received);
    open_block(w, src.concentrator ? "ConcentratorWarnDataInfo" : "WarnDataInfo");
    w.array("warnEvents");
    for (auto const& a : alarms) {
        w.begin_object();
        w.compact_time("warnDate", a.at, src.utc_offset);
        w.field("warnType", meters::to_string(a.code));
        w.flag("warnState", a.raised);
        w.end_object();
    }
    w.end_array();
    close_block(w);
    close_envelope(w);
}

std::string alarm_message(message_source const& src, std::vector<meters::alarm_change> const& alarms,
                          meters::instant received) {
    std::string out;
    append_alarm_message(out, src, alarms, received);
    return out;
}

void append_concentrator_message(std::string& out, message_source const& src,
                                 concentrator_status const& s, meters::instant device_time,
                                 meters::instant received) {
    // spec: xianfeng §5.9 and appendix 5 (集中器状态说明).
    json_text w(out);
    open_envelope(w, src, "0", received);
    open_block(w, "ConcentratorDataInfo");
    w.compact_time("deviceTime", device_time, src.utc_offset);
    volts(w, "batteryVoltage", s.battery_mv);
    w.object("concentratorStatus");
    w.flag("powerType", s.mains_powered);
    w.flag("electricState", s.mains_powered && s.mains_present);
    w.flag("storeState", s.store_fault);
    w.int_string("updateState", s.update_state);
    w.flag("pressureLack", s.low_voltage);
    w.flag("meterState", s.meter_fault);
    w.end_object();
    close_block(w);
    close_envelope(w);
}

std::string concentrator_message(message_source const& src, concentrator_status const& s,
                                 meters::instant device_time, meters::instant received) {
    std::string out;
    append_concentrator_message(out, src, s, device_time, received);
    return out;
}

void append_result_object(std::string& out, result_fields const& result) {
    json_text w(out);
    result_fields_object(w, result);
}

std::string result_object(result_fields const& result) {
    std::string out;
    append_result_object(out, result);
    return out;
}

void append_response_message(std::string& out, message_source const& src,
                             std::string_view command_id, result_fields const& result,
                             meters::instant received) {
    json_text w(out);
    w.begin_object();
    w.field("callbackType", "1");
    w.field("msgDeviceType", src.concentrator ? "1" : "0");
    w.field("deviceId", src.device_id);
    w.field("commandId", command_id);
    w.compact_time("receiveTime", received, src.utc_offset);
    w.key("callbackData");
    result_fields_object(w, result);
    w.end_object();
}

std::string response_message(message_source const& src, std::string const& command_id,
                             result_fields const& result, meters::instant received) {
    std::string out;
    append_response_message(out, src, command_id, result, received);
    return out;
}

}  // namespace metersim::platforms::xianfeng

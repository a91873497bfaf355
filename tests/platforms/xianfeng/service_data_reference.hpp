#pragma once
// The Xianfeng messages as they were built before the text writer (session 3): an
// nlohmann::ordered_json tree per message, dumped. Kept for tests only, as the reference the
// text writer of platforms/xianfeng/service_data.cpp must match byte for byte.

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meters/fixed4_text.hpp"
#include "meters/valve.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/xianfeng/service_data.hpp"

namespace metersim::platforms::xianfeng::reference {

using json = nlohmann::ordered_json;
using meters::alarm_code;
using meters::billing_mode;

inline std::string flag(bool b) { return b ? "1" : "0"; }
inline std::string compact(meters::instant t, std::chrono::minutes offset) {
    return format_instant(t, timestamp_format::compact, offset);
}
inline std::string e4(std::int64_t v) { return meters::format_e4(v); }
inline std::string volts(int mv) { return meters::format_e4_places(std::int64_t{mv} * 10, 2); }
inline bool has(meters::meter_report const& r, alarm_code c) {
    return std::find(r.active_alarms.begin(), r.active_alarms.end(), c) != r.active_alarms.end();
}
inline bool held(meters::meter_report const& r, meters::close_cause c) {
    return (r.valve_causes & static_cast<std::uint16_t>(c)) != 0;
}
inline std::string dump(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

inline std::string valve_state(meters::valve_position p) {
    switch (p) {
        case meters::valve_position::none: return "0";
        case meters::valve_position::open:
        case meters::valve_position::closing: return "1";
        case meters::valve_position::closed:
        case meters::valve_position::opening: return "2";
        case meters::valve_position::abnormal: return "3";
        case meters::valve_position::damaged: return "4";
    }
    return "3";
}

inline json meter_status(meters::meter_report const& r) {
    using meters::close_cause;
    bool const opened = r.account != meters::account_state::manufactured &&
                        r.account != meters::account_state::cancelled;
    return json{
        {"deviceLock", flag(has(r, alarm_code::dead_meter) || held(r, close_cause::dead_meter))},
        {"superFlow", flag(has(r, alarm_code::over_flow))},
        {"magneticInterference", flag(has(r, alarm_code::magnetic_interference))},
        {"pressureLack", flag(has(r, alarm_code::battery_low) || has(r, alarm_code::battery_failure))},
        {"leakAlarm", flag(has(r, alarm_code::external_abnormal))},
        {"singleCount", flag(has(r, alarm_code::single_pipe))},
        {"breakLine", flag(has(r, alarm_code::break_line))},
        {"valveDamage", flag(has(r, alarm_code::valve_abnormal) ||
                             r.valve == meters::valve_position::damaged)},
        {"remoteCloseValve", flag(held(r, close_cause::remote))},
        {"valueLack", flag(has(r, alarm_code::low_balance) || has(r, alarm_code::zero_balance) ||
                           has(r, alarm_code::overdraft) || held(r, close_cause::zero_balance) ||
                           held(r, close_cause::overdraft))},
        {"loseTrack", flag(r.lost_contact)},
        {"accountFlag", flag(opened)},
    };
}

inline json block(std::string_view id, json data) {
    return json{{"serviceId", id}, {"serviceData", std::move(data)}};
}

inline json general(message_source const& s, meters::meter_report const& r) {
    return block("GeneralDataInfo", json{{"totalUseValue", e4(r.reading.e4())},
                                         {"deviceTime", compact(r.at, s.utc_offset)},
                                         {"valveState", valve_state(r.valve)},
                                         {"batteryVoltage", volts(r.battery_mv)},
                                         {"meterStatus", meter_status(r)}});
}

inline json money_info(meters::meter_report const& r) {
    return block("MoneyMeterInfo", json{{"totalBuyMoney", e4(r.total_bought_money.e4())},
                                        {"totalUseMoney", e4(r.total_used_money.e4())},
                                        {"surplusMoney", e4(r.balance.e4())},
                                        {"currentPrice", e4(r.current_price.e4())},
                                        {"totalLadderValue", e4(r.cycle_usage.e4())},
                                        {"buyCount", std::to_string(r.buy_count)}});
}

inline json gas_info(meters::meter_report const& r) {
    return block("GasMeterInfo", json{{"totalBuyGas", e4(r.total_bought_gas.e4())},
                                      {"surplusGas", e4(r.gas_balance.e4())},
                                      {"buyCount", std::to_string(r.buy_count)}});
}

inline json flow_info(meters::meter_report const& r) {
    std::string const total = e4(r.reading.e4());
    std::string const instant = e4(r.flow_per_hour ? r.flow_per_hour->e4() : 0);
    bool const temp_bad = has(r, alarm_code::temperature_abnormal);
    bool const press_bad = has(r, alarm_code::pressure_abnormal);
    json status{{"totalizerConnectState", "0"},
                {"temperatureSensorState", flag(temp_bad)},
                {"pressureSensorState", flag(press_bad)},
                {"magneticInterference", flag(has(r, alarm_code::magnetic_interference))},
                {"pressureLack", flag(has(r, alarm_code::battery_low) ||
                                      has(r, alarm_code::battery_failure))},
                {"pressureWarn", flag(press_bad)},
                {"temperatureWarn", flag(temp_bad)}};
    return block("FlowMeterInfo",
                 json{{"standardTotalValue", total},
                      {"workTotalValue", total},
                      {"standardInstantValue", instant},
                      {"workInstantValue", instant},
                      {"temperatureValue", e4(r.temperature_c ? r.temperature_c->e4() : 0)},
                      {"pressureValue", e4(r.pressure_kpa ? r.pressure_kpa->e4() : 0)},
                      {"flowMeterStatus", std::move(status)}});
}

inline json signal(message_source const& s, meters::signal_info const& g) {
    json d{{"signalCSQ", std::to_string(g.csq)}};
    if (s.comm == meters::comm_type::nb_iot) {
        d["signalRSRP"] = meters::format_e4_places(g.rsrp.e4(), 1);
        d["signalSNR"] = meters::format_e4_places(g.snr.e4(), 1);
        d["signalECL"] = std::to_string(g.ecl);
        d["signalCellId"] = g.cell_id;
        d["signalFCN"] = g.fcn;
    }
    return block("SignalInfo", std::move(d));
}

inline json frozen(message_source const& s, meters::meter_report const& r) {
    bool const prepaid_gprs = s.comm == meters::comm_type::gprs && s.mode != billing_mode::backend;
    json records = json::array();
    for (auto const& f : r.frozen) {
        json rec{{"frozenType", std::to_string(static_cast<int>(f.kind))},
                 {"frozenDate", compact(f.at, s.utc_offset)},
                 {"frozenValue", e4(f.values.reading.e4())}};
        if (s.flow_meter) {
            rec["standardTotalValue"] = e4(f.values.reading.e4());
            rec["workTotalValue"] = e4(f.values.reading.e4());
        }
        if (prepaid_gprs) {
            rec["dayUseValue"] = e4(f.period_use.e4());
            rec["totalBuyValue"] = e4(f.values.total_buy.e4());
            rec["totalUseValue"] = e4(f.values.total_use.e4());
            rec["surplusValue"] = e4(f.values.surplus.e4());
        }
        records.push_back(std::move(rec));
    }
    return block("FrozenValueInfo", json{{"frozenRecords", std::move(records)}});
}

inline json price_change(meters::price_change_info const& p) {
    static constexpr std::string_view names[] = {"One", "Two", "Three", "Four", "Five"};
    json d{{"lastPriceVer", p.last_version}};
    for (std::size_t i = 0; i < 5; ++i) {
        std::size_t const src = std::min<std::size_t>(i, p.last_price_count - 1u);
        d["lastPrice" + std::string(names[i])] = e4(p.last_prices[src].e4());
        d["lastLadder" + std::string(names[i]) + "UseValue"] = e4(p.last_ladder_usage[i].e4());
    }
    d["lastCycleValue"] = e4(p.last_cycle_usage.e4());
    d["totalUseValue"] = e4(p.total_use.e4());
    d["totalUseMoney"] = e4(p.total_use_money.e4());
    d["surplusMoney"] = e4(p.surplus_money.e4());
    return block("PriceChangeInfo", std::move(d));
}

inline std::string charge_type(billing_mode m) {
    switch (m) {
        case billing_mode::backend: return "0";
        case billing_mode::gas_prepaid: return "1";
        case billing_mode::money_prepaid: return "2";
    }
    return "0";
}

inline json envelope(message_source const& s, std::string_view report_type, json data,
                     meters::instant received) {
    return json{{"callbackType", "0"},
                {"msgDeviceType", s.concentrator ? "1" : "0"},
                {"deviceId", s.device_id},
                {"receiveTime", compact(received, s.utc_offset)},
                {"callbackData",
                 json{{"meterNo", s.device_no},
                      {"commType", s.comm == meters::comm_type::gprs ? "0" : "1"},
                      {"chargeType", charge_type(s.mode)},
                      {"meterType", s.concentrator ? std::string_view("2") : s.meter_type},
                      {"reportType", report_type},
                      {"data", std::move(data)}}}};
}

inline std::string report_message(message_source const& src, meters::meter_report const& r,
                                  report_type type, meters::instant received) {
    json data = json::array();
    data.push_back(general(src, r));
    if (src.mode == billing_mode::money_prepaid) data.push_back(money_info(r));
    if (src.mode == billing_mode::gas_prepaid) data.push_back(gas_info(r));
    if (src.flow_meter) data.push_back(flow_info(r));
    data.push_back(signal(src, r.signal));
    if (!r.frozen.empty()) data.push_back(frozen(src, r));
    if (r.price_change && src.mode == billing_mode::money_prepaid)
        data.push_back(price_change(*r.price_change));
    std::string_view const rt = type == report_type::button ? "1" : "0";
    return dump(envelope(src, rt, std::move(data), received));
}

inline std::string alarm_message(message_source const& src,
                                 std::vector<meters::alarm_change> const& alarms,
                                 meters::instant received) {
    json events = json::array();
    for (auto const& a : alarms)
        events.push_back(json{{"warnDate", compact(a.at, src.utc_offset)},
                              {"warnType", std::string(meters::to_string(a.code))},
                              {"warnState", a.raised ? "1" : "0"}});
    json data = json::array();
    data.push_back(block(src.concentrator ? "ConcentratorWarnDataInfo" : "WarnDataInfo",
                         json{{"warnEvents", std::move(events)}}));
    return dump(envelope(src, "99", std::move(data), received));
}

inline std::string concentrator_message(message_source const& src, concentrator_status const& s,
                                        meters::instant device_time, meters::instant received) {
    json status{{"powerType", flag(s.mains_powered)},
                {"electricState", flag(s.mains_powered && s.mains_present)},
                {"storeState", flag(s.store_fault)},
                {"updateState", std::to_string(s.update_state)},
                {"pressureLack", flag(s.low_voltage)},
                {"meterState", flag(s.meter_fault)}};
    json data = json::array();
    data.push_back(block("ConcentratorDataInfo",
                         json{{"deviceTime", compact(device_time, src.utc_offset)},
                              {"batteryVoltage", volts(s.battery_mv)},
                              {"concentratorStatus", std::move(status)}}));
    return dump(envelope(src, "0", std::move(data), received));
}

inline std::string response_message(message_source const& src, std::string const& command_id,
                                    result_fields const& result, meters::instant received) {
    json detail = json::object();
    for (auto const& [k, v] : result) detail[k] = v;
    return dump(json{{"callbackType", "1"},
                     {"msgDeviceType", src.concentrator ? "1" : "0"},
                     {"deviceId", src.device_id},
                     {"commandId", command_id},
                     {"receiveTime", compact(received, src.utc_offset)},
                     {"callbackData", std::move(detail)}});
}

inline std::string result_object(result_fields const& result) {
    json detail = json::object();
    for (auto const& [k, v] : result) detail[k] = v;
    return dump(detail);
}

}  // namespace metersim::platforms::xianfeng::reference

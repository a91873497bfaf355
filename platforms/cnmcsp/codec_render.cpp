// Answer and push rendering (spec: cnmcsp §5.3.7 ReadingData, §6.1, §6.2, §8).

#include "meters/fixed4_text.hpp"
#include "platforms/cnmcsp/codec.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

void member(std::string& out, std::string_view name, std::string_view quoted_or_raw, bool quote) {
    out += ',';
    append_json_quoted(out, name);
    out += ':';
    if (quote) append_json_quoted(out, quoted_or_raw);
    else out += quoted_or_raw;
}

void text_member(std::string& out, std::string_view name, std::string_view value) {
    member(out, name, value, true);
}

void number_member(std::string& out, std::string_view name, std::int64_t e4) {
    member(out, name, json_number(e4), false);
}

std::string when(meters::instant t, std::chrono::minutes utc_offset) {
    return format_instant(t, timestamp_format::spaced, utc_offset);
}

/// The optional money and gas figures of a meter-billed meter (§5.3.7 table, §6.1 预留).
void billing_members(std::string& out, meters::meter_report const& r) {
    number_member(out, "TotalBuyMoney", r.total_bought_money.e4());
    number_member(out, "RemainMoney", r.balance.e4());
    number_member(out, "TotalUsedGas", r.total_used_gas.e4());
    number_member(out, "TotalUsedMoney", r.total_used_money.e4());
    number_member(out, "Price", r.current_price.e4());
}

void conditions_members(std::string& out, meters::meter_report const& r) {
    if (r.temperature_c) number_member(out, "Temperature", r.temperature_c->e4());
    if (r.pressure_kpa) number_member(out, "Pressure", r.pressure_kpa->e4());
}

void head_members(std::string& out, upload_head const& h) {
    out += '{';
    append_json_quoted(out, "cmdCode");
    out += ':';
    append_json_quoted(out, h.cmd_code);
    text_member(out, "DataFrom", h.data_from);
    text_member(out, "requestSerialNo", h.serial_no);
    text_member(out, "userNo", h.user_no);
    text_member(out, "meterNo", h.meter_no);
}

}  // namespace

std::string_view valve_state_code(meters::valve_position p) noexcept {
    switch (p) {
        case meters::valve_position::closed: return "00";
        case meters::valve_position::opening:
        case meters::valve_position::closing: return "10";
        case meters::valve_position::abnormal:
        case meters::valve_position::damaged: return "11";
        case meters::valve_position::open:
        case meters::valve_position::none: break;
    }
    return "01";
}

std::string json_number(std::int64_t e4) { return meters::format_e4(e4); }

// spec: cnmcsp §5.3.7 ReadingData (the example's stray "Temperature” quote is not copied).
std::string reading_item(meter_key const& key, last_reading const& r, bool meter_billed,
                         std::chrono::minutes utc_offset) {
    auto const& rep = r.report;
    std::string out = "{";
    append_json_quoted(out, "UserID");
    out += ':';
    append_json_quoted(out, key.user_id);
    text_member(out, "MeterID", key.meter_id);
    text_member(out, "ReadTime", when(rep.at, utc_offset));
    number_member(out, "Reading", rep.reading.e4());
    text_member(out, "ValveState", valve_state_code(rep.valve));
    conditions_members(out, rep);
    if (meter_billed) billing_members(out, rep);
    out += '}';
    return out;
}

// spec: cnmcsp §6.1
std::string realtime_body(upload_head const& h, meters::meter_report const& r, bool meter_billed,
                          std::chrono::minutes utc_offset) {
    std::string out;
    out.reserve(384);
    head_members(out, h);
    text_member(out, "CreateDate", when(r.at, utc_offset));
    text_member(out, "Reading", meters::format_e4(r.reading.e4()));  // VARCHAR(50)
    text_member(out, "ValveState", valve_state_code(r.valve));
    conditions_members(out, r);
    if (meter_billed) {
        billing_members(out, r);
        member(out, "BuyCount", std::to_string(r.buy_count), false);
    }
    out += '}';
    return out;
}

// spec: cnmcsp §6.2
std::string alarm_body(upload_head const& h, meters::instant at, std::string_view type,
                       std::string_view message, std::chrono::minutes utc_offset) {
    std::string out;
    out.reserve(256);
    head_members(out, h);
    text_member(out, "AlarmTime", when(at, utc_offset));
    text_member(out, "AlarmType", type);
    text_member(out, "AlarmMessage", message);
    out += '}';
    return out;
}

}  // namespace metersim::platforms::cnmcsp

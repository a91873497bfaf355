// Answer and push rendering (spec: cnmcsp §5.3.7 ReadingData, §6.1, §6.2, §8).

#include <utility>

#include "platforms/cnmcsp/codec.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/common/valve_codes.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

std::string when(meters::instant t, std::chrono::minutes utc_offset) {
    return format_instant(t, timestamp_format::spaced, utc_offset);
}

/// The optional money and gas figures of a meter-billed meter (§5.3.7 table, §6.1 预留).
void billing_members(json_text& w, meters::meter_report const& r) {
    w.decimal("TotalBuyMoney", r.total_bought_money.e4());
    w.decimal("RemainMoney", r.balance.e4());
    w.decimal("TotalUsedGas", r.total_used_gas.e4());
    w.decimal("TotalUsedMoney", r.total_used_money.e4());
    w.decimal("Price", r.current_price.e4());
}

void conditions_members(json_text& w, meters::meter_report const& r) {
    if (r.temperature_c) w.decimal("Temperature", r.temperature_c->e4());
    if (r.pressure_kpa) w.decimal("Pressure", r.pressure_kpa->e4());
}

/// Opens an upload and writes the members every upload starts with, all strings.
void head_members(json_text& w, upload_head const& h) {
    std::pair<std::string_view, std::string_view> const members[] = {
        {"cmdCode", h.cmd_code}, {"DataFrom", h.data_from}, {"requestSerialNo", h.serial_no},
        {"userNo", h.user_no},   {"meterNo", h.meter_no}};
    w.begin_object();
    for (auto const& [name, value] : members) w.field(name, value);
}

}  // namespace

std::string_view valve_state_code(meters::valve_position p) noexcept {
    static constexpr valve_codes<std::string_view> codes{.none = "01", .open = "01", .closed = "00", .opening = "10",
                                                         .closing = "10", .abnormal = "11", .damaged = "11",
                                                         .unknown = "01"};
    return code_of(codes, p);
}

// spec: cnmcsp §5.3.7 ReadingData (the example's stray "Temperature” quote is not copied).
std::string reading_item(meter_key const& key, last_reading const& r, bool meter_billed,
                         std::chrono::minutes utc_offset) {
    std::string out;
    json_text w(out, bad_utf8::per_byte);
    w.begin_object();
    auto const& rep = r.report;
    w.field("UserID", key.user_id);
    w.field("MeterID", key.meter_id);
    w.field("ReadTime", when(rep.at, utc_offset));
    w.decimal("Reading", rep.reading.e4());
    w.field("ValveState", valve_state_code(rep.valve));
    conditions_members(w, rep);
    if (meter_billed) billing_members(w, rep);
    w.end_object();
    w.finish();
    return out;
}

// spec: cnmcsp §6.1
std::string realtime_body(upload_head const& h, meters::meter_report const& r, bool meter_billed,
                          std::chrono::minutes utc_offset) {
    std::string out;
    json_text w(out, bad_utf8::per_byte);
    head_members(w, h);
    w.field("CreateDate", when(r.at, utc_offset));
    w.e4("Reading", r.reading.e4());  // VARCHAR(50): a string
    w.field("ValveState", valve_state_code(r.valve));
    conditions_members(w, r);
    if (meter_billed) {
        billing_members(w, r);
        w.number("BuyCount", r.buy_count);
    }
    w.end_object();
    w.finish();
    return out;
}

// spec: cnmcsp §6.2
std::string alarm_body(upload_head const& h, meters::instant at, std::string_view type,
                       std::string_view message, std::chrono::minutes utc_offset) {
    std::string out;
    json_text w(out, bad_utf8::per_byte);
    head_members(w, h);
    w.field("AlarmTime", when(at, utc_offset));
    w.field("AlarmType", type);
    w.field("AlarmMessage", message);
    w.end_object();
    w.finish();
    return out;
}

}  // namespace metersim::platforms::cnmcsp

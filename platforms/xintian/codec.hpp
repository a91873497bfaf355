#pragma once
/// Xintian JSON <-> plain structs (spec: xintian §3.1-§3.10): request parsing with the spec's
/// codes and field names, and the DataList entries of the answers. Vendor spellings
/// ("MeterAddr", "PayWay") live in codec.cpp and billing_report.cpp only.
///
/// Code choices where a section's table is silent (see README.md "Ambiguities"):
///   - a field missing, of the wrong JSON type or malformed, with no code of its own in the
///     section's table: -200 (数据格式错误) naming the field;
///   - RemotePay: Money absent or <= 0 -> -4, PayDate absent or empty -> -5 (malformed -> -200),
///     TransId absent or empty -> -3, PayWay absent, mistyped or not 1-5 -> -6;
///   - ControlValve: ValveMode absent -> -3, anything but 1/2/3 (or not an integer) -> -4;
///   - GetPayList: -3 when TransId is sent empty and neither UserCode nor MeterAddr is given (the
///     CIS meant to look up by TransId); -2 when none of the three is sent at all.
/// Decimals are read exactly (json_reader); Decimal fields sent as strings and String fields
/// sent as numbers are the documented quirks (lenient: recorded, strict: -200).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/effects.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/tariff.hpp"
#include "platforms/common/json_reader.hpp"
#include "platforms/xintian/archive.hpp"

namespace metersim::platforms::xintian {

/// UserCode / MeterAddr: either may be empty, not both (the parser checks).
struct lookup {
    std::string user_code;
    std::string meter_addr;
};

struct remote_pay_request {
    lookup who;
    meters::money money;
    meters::instant pay_date{};
    std::string trans_id;
    std::int32_t pay_way = 1;  ///< 1 cash, 2 bank, 3 mobile, 4 WeChat, 5 Alipay
};

struct pay_list_request {
    lookup who;                ///< both may be empty when trans_id is given
    std::string trans_id;      ///< empty: list by dates
    std::optional<meters::instant> begin;  ///< BeginDate 00:00:00
    std::optional<meters::instant> end;    ///< EndDate 23:59:59
};

/// ValveMode 1 open, 2 close, 3 warning close.
struct control_valve_request {
    lookup who;
    std::int32_t valve_mode = 1;
};

struct set_price_request {
    std::string meter_addr;
    std::string price_type_code;
};

struct change_meter_request {
    std::string meter_addr;
    std::string new_meter_addr;
    std::string new_imei;
    std::string new_comm_provider_id;
    meters::volume period_dosage;
};

struct create_price_request {
    std::int32_t operation_type = 1;  ///< 1 new, 2 modify
    std::string price_type_code;
    std::string price_type_name;
    std::string remark;
    xintian_price price;
    meters::tariff tariff;            ///< price mapped by from_xintian
};

api_result<lookup> parse_lookup(object_reader const& r);
api_result<remote_pay_request> parse_remote_pay(object_reader const& r, std::chrono::minutes zone);
api_result<pay_list_request> parse_pay_list(object_reader const& r, std::chrono::minutes zone);
api_result<control_valve_request> parse_control_valve(object_reader const& r);
/// The archive with every field of §3.7.1; `today` fills an absent InstallDate.
api_result<meter_archive> parse_create_meter(object_reader const& r, std::string_view today);
api_result<set_price_request> parse_set_price(object_reader const& r);
api_result<change_meter_request> parse_change_meter(object_reader const& r);
api_result<create_price_request> parse_create_price(object_reader const& r, std::chrono::minutes zone);

/// What the platform keeps of a meter's last report (GetData §3.5, billing report §3.6).
struct meter_reading {
    meters::instant at{};
    meters::volume reading;
    meters::volume period_dosage;  ///< cycle usage
    meters::money remnant;         ///< remaining money (Remnant, Reserve)
    meters::price cur_price;
    std::int32_t valve_state = 1;  ///< 1 open, 2 closed, 3 abnormal (§3.6)
    int battery_mv = 0;
    bool battery_low = false;      ///< BatteryState 1 (欠压)
    int csq = 0;
    meters::decimal rsrp;
    meters::decimal snr;
    int cc = 0;                    ///< coverage class (ECL)
    std::string meter_status;      ///< "0" normal, else the active alarm codes "000FH,0012H"
};
meter_reading to_reading(meters::meter_report const& r);
/// spec: xintian §3.6 ValveState: open (and closing, gas still flows) 1; closed and opening 2;
/// abnormal or damaged 3; a meter without a valve 1.
std::int32_t valve_state_of(meters::valve_position p) noexcept;

/// §3.1.2 DataList entry. `pay_type` is GetUserInfo's: 1 meter-side, 2 third party.
std::string user_info_entry(meter_archive const& a, int pay_type);
/// §3.3.2 DataList entry.
std::string pay_entry(pay_record const& p, std::chrono::minutes zone);
/// §3.5.2 DataList entry.
std::string data_entry(meter_archive const& a, meter_reading const& r, std::chrono::minutes zone);
/// The GetData entry of a meter that has not reported yet: its archive's UserCode, UserName and
/// MeterAddr, every reading field of §3.5.2 present and null (README "Ambiguities resolved").
std::string no_data_entry(meter_archive const& a);
/// Opens a reading object and writes the fields §3.5.2 (GetData) and §3.6.1 (the billing report)
/// share, UserCode to BatteryState; each caller adds its own tail and closes the object.
void reading_fields(json_text& w, meter_archive const& a, meter_reading const& r);

}  // namespace metersim::platforms::xintian

#pragma once
/// CNMCSP request bodies into values, and values into answer and push JSON.
///
/// One parse function per endpoint of spec: cnmcsp §5.3, reading every field of its table with
/// its declared type and length (VARCHAR(n): at most n characters; NUMBER(16,4): an exact
/// decimal with at most 12 integer digits and 4 decimals; int; DATE: yyyy-MM-dd HH:mm:ss). The
/// quirks of the document's own examples are accepted in lenient mode and recorded by the
/// reader_context (numbers sent as strings, "price3" for "Price3", UserType "1" for §8's "001",
/// a DATE without its time), refused in strict mode. Codes (spec: cnmcsp §7):
///   - a required field missing or empty            -> 80002003;
///   - a price field bad (PriceID .. Level2)         -> 80002004;
///   - a user field bad (UserID, UserName, ...)      -> 80002005;
///   - a meter field bad (MeterID, MeterNo, ...)     -> 80002006 (80002018 for a MeterID
///     holding spaces or control characters);
///   - another field of the wrong JSON type          -> 80002002;
///   - another field out of its length or set        -> 80002003.
/// Nothing throws; every error names the field.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/effects.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/tariff.hpp"
#include "platforms/cnmcsp/codec_price.hpp"
#include "platforms/cnmcsp/accounts.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::platforms::cnmcsp {

/// A (UserID, MeterID) pair: how every request names its meter.
struct meter_key {
    std::string user_id;
    std::string meter_id;
};

struct meter_add_request {  // spec: cnmcsp §5.3.1
    meter_key key;
    user_info user;
    meters::money pre_saving;
    std::string meter_no;
    std::string model;     ///< MeterParamModel
    std::string protocol;  ///< MeterProtocol
    std::optional<meters::volume> reading;
    cnmcsp_price price;
    std::string data_from;
};

struct meter_modify_request {  // spec: cnmcsp §5.3.2
    meter_key key;
    std::optional<std::string> user_name, user_type, phone, full_addr_detail, addr_detail,
        building_name;
    std::string data_from;
};

struct meter_ref_request {  // spec: cnmcsp §5.3.3-§5.3.5
    meter_key key;
    std::string data_from;
};

struct meter_change_request {  // spec: cnmcsp §5.3.6
    std::string user_id;
    std::string old_meter_id;
    meters::volume old_end_reading;
    std::string new_meter_id;
    std::string new_meter_no;
    std::string model;
    std::string protocol;
    meters::volume new_reading;
    meters::instant change_time{};
    std::optional<meters::money> pre_saving;
    std::string data_from;
};

struct read_request {  // spec: cnmcsp §5.3.7
    std::vector<meter_key> meters;
};

struct recharge_request {  // spec: cnmcsp §5.3.8 (and §5.3.9 with cancel = true)
    meter_key key;
    std::string trade_no;
    std::string time_text;  ///< RechargeTime / CancelTime as sent
    meters::instant time{};
    meters::money amount;
    std::string data_from;
};

struct change_price_request {  // spec: cnmcsp §5.3.10, §5.3.11
    std::vector<meter_key> meters;  ///< one for changePrice
    cnmcsp_price price;     ///< change_time set
    std::string data_from;
};

struct control_valve_request {  // spec: cnmcsp §5.3.12
    meter_key key;
    std::int64_t control = 0;  ///< 2010 close, 1010 open
    std::string data_from;
};

struct remain_option_request {  // spec: cnmcsp §5.3.13
    meter_key key;
    std::string trade_no;
    std::int64_t option = 0;  ///< 1000 返充, 2000 补扣
    std::string time_text;
    meters::instant time{};
    meters::money amount;
    std::string data_from;
};

/// What the parsers need besides the body.
struct codec_context {
    std::chrono::minutes utc_offset{480};
    std::size_t max_batch = 500;  ///< Meters[] elements accepted at most
};

api_result<meter_add_request> parse_meter_add(object_reader const& b, codec_context const& c);
api_result<meter_modify_request> parse_meter_modify(object_reader const& b, codec_context const& c);
api_result<meter_ref_request> parse_meter_ref(object_reader const& b, codec_context const& c);
api_result<meter_change_request> parse_meter_change(object_reader const& b, codec_context const& c);
api_result<read_request> parse_read(object_reader const& b, codec_context const& c);
api_result<recharge_request> parse_recharge(object_reader const& b, codec_context const& c);
api_result<recharge_request> parse_cancel_recharge(object_reader const& b, codec_context const& c);
api_result<change_price_request> parse_change_price(object_reader const& b, codec_context const& c);
api_result<change_price_request> parse_batch_change_price(object_reader const& b,
                                                          codec_context const& c);
api_result<control_valve_request> parse_control_valve(object_reader const& b, codec_context const& c);
api_result<remain_option_request> parse_remain_option(object_reader const& b, codec_context const& c);

// ---- answers and pushes ----------------------------------------------------------------------

/// spec: cnmcsp §8 阀门状态: "01" open, "00" closed, "10" opening/closing, "11" abnormal or
/// damaged; a meter without a valve reads "01" (gas flows).
std::string_view valve_state_code(meters::valve_position p) noexcept;

/// One element of ReadingData (spec: cnmcsp §5.3.7) from a meter's last report; the money and
/// gas fields only for meter-billed meters, Temperature/Pressure only when the meter measures.
std::string reading_item(meter_key const& key, last_reading const& r, bool meter_billed,
                         std::chrono::minutes utc_offset);

/// The members every upload carries (spec: cnmcsp §6.1, §6.2).
struct upload_head {
    std::string cmd_code;
    std::string data_from;
    std::string serial_no;
    std::string user_no;
    std::string meter_no;
};
/// §6.1 realtime data: CreateDate, Reading (text), ValveState, Temperature, Pressure, and as
/// reserved (预留) fields of meter-billed meters RemainMoney, TotalBuyMoney, TotalUsedGas,
/// TotalUsedMoney, Price, BuyCount.
std::string realtime_body(upload_head const& h, meters::meter_report const& r, bool meter_billed,
                          std::chrono::minutes utc_offset);
/// §6.2 alarm: AlarmTime, AlarmType, AlarmMessage.
std::string alarm_body(upload_head const& h, meters::instant at, std::string_view type,
                       std::string_view message, std::chrono::minutes utc_offset);

}  // namespace metersim::platforms::cnmcsp

#pragma once
/// The messages the platform pushes to the CIS and keeps for queryReportData (spec: xianfeng
/// §3.1-§3.3 msgDTO, appendix 2 service data, appendices 3-5 status flags).
///
/// Every function returns one msgDTO as compact JSON text; a push body is a JSON array of them
/// (§3.1 "List<msgDTO>"), queryReportData's result is one of them. The append_* forms write the
/// same text at the end of a caller's string (a push body being built, a reused buffer): they
/// are written directly as text (sim/json/text.hpp), byte for byte what an
/// nlohmann::ordered_json tree of the same members dumps. Values are JSON strings as
/// the §3.1 example sends them; money and volume carry 4 decimals (exact, from fixed4), battery
/// voltage 2, signal figures 1. Which blocks a meter reports follows its type (§3.1 注意):
/// GeneralDataInfo always; MoneyMeterInfo (money prepaid) or GasMeterInfo (gas prepaid);
/// FlowMeterInfo (flow meters); SignalInfo; FrozenValueInfo when records were frozen since the
/// last report; PriceChangeInfo once after a price switch.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "meters/alarms.hpp"
#include "meters/billing.hpp"
#include "meters/effects.hpp"
#include "meters/instant.hpp"
#include "meters/radio.hpp"
#include "platforms/xianfeng/methods.hpp"

namespace metersim::platforms::xianfeng {

/// The reportDataDTO header fields of a meter. The views must outlive the calls below (they
/// point into the device record and the catalogue).
struct message_source {
    std::string_view device_id;
    std::string_view device_no;     ///< meterNo
    bool concentrator = false;      ///< msgDeviceType 1, meterType 2
    meters::comm_type comm = meters::comm_type::nb_iot;
    meters::billing_mode mode = meters::billing_mode::money_prepaid;
    std::string_view meter_type = "0";  ///< "0" diaphragm, "1" flow meter (catalogue)
    bool flow_meter = false;
    std::chrono::minutes utc_offset{480};
};

/// reportType of §3.1.
enum class report_type { automatic, button, alarm };

/// A business report (callbackType 0) carrying the meter's service data blocks.
std::string report_message(message_source const& src, meters::meter_report const& r,
                           report_type type, meters::instant received);
void append_report_message(std::string& out, message_source const& src,
                           meters::meter_report const& r, report_type type,
                           meters::instant received);

/// An alarm report (reportType 99) carrying WarnDataInfo only (§3.1 "表具报警上报只包含
/// WarnDataInfo"); concentrators use the ConcentratorWarnDataInfo service id (§3.3).
std::string alarm_message(message_source const& src, std::vector<meters::alarm_change> const& alarms,
                          meters::instant received);
void append_alarm_message(std::string& out, message_source const& src,
                          std::vector<meters::alarm_change> const& alarms, meters::instant received);

/// Concentrator status (appendix 5) and its ConcentratorDataInfo report (§5.9).
struct concentrator_status {
    bool mains_powered = false;   ///< powerType 1 市电 / 0 锂电
    bool mains_present = true;    ///< electricState
    bool store_fault = false;     ///< storeState
    int update_state = 0;         ///< updateState 0-3
    bool low_voltage = false;     ///< pressureLack
    bool meter_fault = false;     ///< meterState
    int battery_mv = 3600;
};
std::string concentrator_message(message_source const& src, concentrator_status const& s,
                                 meters::instant device_time, meters::instant received);
void append_concentrator_message(std::string& out, message_source const& src,
                                 concentrator_status const& s, meters::instant device_time,
                                 meters::instant received);

/// A command response (callbackType 1, §3.2) with the method's result fields.
std::string response_message(message_source const& src, std::string const& command_id,
                             result_fields const& result, meters::instant received);
void append_response_message(std::string& out, message_source const& src,
                             std::string_view command_id, result_fields const& result,
                             meters::instant received);

/// The result fields as a JSON object text ({"commandResult":"0",...}). A name given twice keeps
/// its first place and its last value (as an ordered JSON object assigned in turn does).
std::string result_object(result_fields const& result);
void append_result_object(std::string& out, result_fields const& result);

}  // namespace metersim::platforms::xianfeng

#pragma once
/// The nine command methods of appendix 1 (spec: xianfeng §4.1-§4.9): validation of each
/// method's `paras` with its own error code (500015-500042), translation into a
/// meters::command, and the result fields each method answers with.
///
/// This file is the appendix-1 codec: vendor field names ("controlFlag", "priceOne") appear here
/// and in codec.cpp / service_data.cpp only. ACCOUNT_OPEN is two methods under one name: §4.2 for
/// meters billed on the meter (money or gas prepaid) and §4.8 for backend-billed ones; the
/// meter's billing mode picks the table.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/billing.hpp"
#include "meters/commands.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::platforms::xianfeng {

enum class method : std::uint8_t {
    valve_control,        ///< §4.1 VALVE_CONTROL
    account_open,         ///< §4.2 ACCOUNT_OPEN (meter-side prepaid)
    account_cancel,       ///< §4.3 ACCOUNT_CANCEL
    recharge_remote,      ///< §4.4 RECHARGE_REMOTE
    ladder_value_change,  ///< §4.5 LADDER_VALUE_CHANGE
    price_change,         ///< §4.6 PRICE_CHANGE
    price_read,           ///< §4.7 PRICE_READ
    backend_open,         ///< §4.8 ACCOUNT_OPEN (backend-billed)
    balance_sync,         ///< §4.9 BALANCE_SYNC
};

/// The spec's method name ("VALVE_CONTROL"; both account openings give "ACCOUNT_OPEN").
std::string_view to_string(method m) noexcept;

/// What the validation needs to know about the target meter.
struct meter_traits {
    meters::billing_mode mode = meters::billing_mode::money_prepaid;
    bool has_valve = true;
    std::chrono::minutes utc_offset{480};
};

/// A validated command, ready for the meter.
struct method_call {
    method which = method::valve_control;
    meters::command command;
    bool gas_units = false;  ///< amounts in m³ (gas-prepaid) rather than yuan
};

/// Reads `command` (the CommandDTO: method + paras) and validates the paras of its method for a
/// meter with `traits`. Unknown methods and methods the meter does not support answer 500013.
api_result<method_call> parse_command(object_reader const& command, meter_traits const& traits);

/// The result fields of a method (§4.x "返回结果说明"), all as JSON strings as the examples
/// send them: commandResult "0"/"1", plus billNo and surplusValue (§4.4) or the price data
/// (§4.7) on success.
using result_fields = std::vector<std::pair<std::string, std::string>>;
result_fields make_result_fields(method_call const& call, meters::command_result const& r,
                                 std::chrono::minutes utc_offset);

/// A refusal the meter may get over by itself (a faulty valve, a failed battery): the attempt
/// counts against expireCount and the command stays pending. Anything else fails the command.
bool is_transient(meters::meter_errc e) noexcept;

}  // namespace metersim::platforms::xianfeng

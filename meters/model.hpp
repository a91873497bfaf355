#pragma once
/// meter_model: what a kind of meter is and how its firmware behaves, as plain data.
///
/// A model is shared by many meters and never changes while they run; per-meter data lives in
/// meter_state. The catalogue of concrete models (CNMCPUJE, Xianfeng money/gas/backend, flow
/// meter, Xintian NB meters) lives in sim/, which fills these fields; meters/ only reads them.
/// Units are in the type or the suffix: money/volume are fixed4, voltages in millivolts,
/// drains in microvolts (the device units' own parameter structs), durations as std::chrono.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "meters/battery.hpp"
#include "meters/billing.hpp"
#include "meters/fixed4.hpp"
#include "meters/radio.hpp"
#include "meters/valve.hpp"

namespace metersim::meters {

/// When the valve closes for lack of credit.
enum class credit_close : std::uint8_t {
    at_zero,       ///< remaining <= 0 (Xianfeng 0012H)
    at_overdraft,  ///< remaining below the overdraft limit (Xianfeng 0011H)
    stays_open,    ///< alarms only; the valve stays open
};

struct meter_model {
    std::string name;      ///< catalogue key, e.g. "xf-nb-money"
    std::string protocol;  ///< vendor protocol name, e.g. "CNModbusV61" (reported, not interpreted)
    billing_mode billing = billing_mode::money_prepaid;

    /// Valve: has_valve, transit time, whether a recharge (or a remote open) needs the button.
    valve_params valve;
    credit_close close_on = credit_close::at_zero;

    // Credit thresholds: money for money-prepaid and backend-prepaid meters, gas for gas-prepaid.
    money low_money_warning = money::from_units(10);   ///< remaining below: 000FH (欠量)
    volume low_gas_warning = volume::from_units(5);
    money overdraft_limit = money::from_units(-10);    ///< remaining below (<= 0): 0011H (透支)
    volume gas_overdraft_limit = volume::from_units(-2);

    /// Battery chemistry, thresholds and drain figures.
    battery_params battery;

    /// Radio type and report schedule (its zone comes from the meter's state).
    comm_type comm = comm_type::nb_iot;
    std::chrono::milliseconds report_interval{std::chrono::hours{24}};
    std::chrono::milliseconds report_time{std::chrono::hours{2}};  ///< local time of day
    std::chrono::milliseconds report_jitter{std::chrono::minutes{30}};

    /// Days without consumption after which the meter closes its valve as a 'dead meter'
    /// (0001H; the button reopens it). 0 disables.
    int idle_days = 0;

    /// A flow meter (Xianfeng FlowMeterInfo): reports temperature and pressure.
    bool flow_meter = false;

    /// How many frozen records the meter keeps (reports carry those not yet reported).
    std::size_t daily_keep = 8;
    std::size_t monthly_keep = 13;
};

}  // namespace metersim::meters

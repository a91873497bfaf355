#pragma once
/// What the meter did: returned by meter::advance_to, apply and inject.
///
/// `effects` lists, in the order they happened, the reports the meter sends in radio sessions,
/// the alarms raised and cleared, the valve's transitions and the result of the command applied.
/// The caller (sim/fleet) hands reports to the platform adapters, which render them in their
/// vendor's push format (Xianfeng appendix 2 service data, CNMCSP §6.1/§6.2, Xintian §3.6). A
/// session is also when the platform delivers queued commands: each report marks one.
///
/// Empty vectors cost nothing: a quiet advance returns an effects value with no allocation.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "meters/alarms.hpp"
#include "meters/billing.hpp"
#include "meters/commands.hpp"
#include "meters/fixed4.hpp"
#include "meters/freeze.hpp"
#include "meters/instant.hpp"
#include "meters/radio.hpp"
#include "meters/valve.hpp"

namespace metersim::meters {

enum class report_reason : std::uint8_t {
    periodic,  ///< the scheduled report
    alarm,     ///< an alarm raised or cleared woke the meter
    wake,      ///< an explicit wake (admin "wake": the meter's own schedule, forced; coming back
               ///< online with a wake pending)
    after_command,  ///< a report the caller asks for after a command (meter::snapshot); the
                    ///< meter itself reports alarms, wakes and its schedule
    button,    ///< the customer pressed the button (spec: xianfeng §3.1 reportType 1 按键数据上报)
};
constexpr std::string_view to_string(report_reason r) noexcept {
    switch (r) {
        case report_reason::periodic: return "periodic";
        case report_reason::alarm: return "alarm";
        case report_reason::wake: return "wake";
        case report_reason::after_command: return "after_command";
        case report_reason::button: return "button";
    }
    return "unknown";
}

/// A snapshot of the meter as it reports it in one radio session.
struct meter_report {
    report_reason reason = report_reason::periodic;
    instant at{};                       ///< deviceTime
    account_state account = account_state::manufactured;
    billing_mode mode = billing_mode::money_prepaid;

    volume reading;                     ///< totalUseValue / Reading / ReadNumber
    volume cycle_usage;                 ///< totalLadderValue / PeriodDosage
    money balance;                      ///< surplusMoney / Reserve (money and backend meters)
    volume gas_balance;                 ///< surplusGas (gas-prepaid meters)
    money total_bought_money;
    money total_used_money;
    volume total_bought_gas;
    volume total_used_gas;
    std::uint32_t buy_count = 0;
    price current_price;                ///< the price of the next unit of gas
    std::uint8_t ladder_no = 1;         ///< 1-based ladder of the next unit of gas

    valve_position valve = valve_position::open;
    std::uint16_t valve_causes = 0;     ///< close_cause bits (remoteCloseValve, valueLack, ...)
    int battery_mv = 0;
    signal_info signal;
    bool lost_contact = false;          ///< loseTrack: a session was missed while offline

    std::vector<alarm_code> active_alarms;        ///< held alarms, in code order
    std::vector<frozen_record> frozen;            ///< records frozen since the last report
    std::optional<price_change_info> price_change;  ///< after a price switch, once

    // Flow meters only (Xianfeng FlowMeterInfo, CNMCSP Temperature/Pressure).
    std::optional<decimal> temperature_c;
    std::optional<decimal> pressure_kpa;
    std::optional<volume> flow_per_hour;          ///< instantaneous flow (m³/h)
    bool operator==(meter_report const&) const = default;
};

struct effects {
    std::vector<meter_report> reports;
    std::vector<alarm_change> alarms;       ///< raised / cleared, with their exact instants
    std::vector<valve_event> valve;         ///< transitions, with their exact instants
    std::optional<command_result> result;   ///< apply() only: the command's outcome
    volume consumed;                        ///< gas drawn during this call

    bool empty() const noexcept {
        return reports.empty() && alarms.empty() && valve.empty() && !result && consumed.is_zero();
    }
};

}  // namespace metersim::meters

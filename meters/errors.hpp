#pragma once
/// meter_errc: why the meter refused a command. Stable, greppable identities (STYLE.md §6.7):
/// platforms map each to their spec's business error; tests assert on the enumerator.

#include <cstdint>
#include <string_view>

namespace metersim::meters {

enum class meter_errc : std::uint8_t {
    account_not_opened,      ///< the meter is manufactured (待开户) and the command needs an account
    account_already_opened,  ///< open_account on an opened / in-use / suspended meter
    account_suspended,       ///< the account is suspended (停用): only resume or cancel pass
    account_cancelled,       ///< the account is cancelled (注销): nothing passes
    not_suspended,           ///< resume on an account that is not suspended
    wrong_billing_mode,      ///< the command does not apply to this meter's billing mode
    wrong_prepaid_type,      ///< money given to a gas meter or gas to a money meter
    invalid_amount,          ///< a zero or negative amount where a positive one is needed
    duplicate_bill_no,       ///< the bill number equals the meter's last one (§4.4)
    insufficient_balance,    ///< a refund or deduction larger than the remaining credit
    invalid_tariff,          ///< the tariff fails its own checks (see tariff_error)
    no_pending_tariff,       ///< read_price of the delayed price when none is pending
    no_valve,                ///< valve_control on a meter without a valve
    valve_fault,             ///< the valve is damaged or abnormal and cannot move
    valve_locked,            ///< a cause other than remote holds the valve closed
    battery_failure,         ///< the battery has failed: the meter cannot act
};

constexpr std::string_view to_string(meter_errc e) noexcept {
    switch (e) {
        case meter_errc::account_not_opened: return "account_not_opened";
        case meter_errc::account_already_opened: return "account_already_opened";
        case meter_errc::account_suspended: return "account_suspended";
        case meter_errc::account_cancelled: return "account_cancelled";
        case meter_errc::not_suspended: return "not_suspended";
        case meter_errc::wrong_billing_mode: return "wrong_billing_mode";
        case meter_errc::wrong_prepaid_type: return "wrong_prepaid_type";
        case meter_errc::invalid_amount: return "invalid_amount";
        case meter_errc::duplicate_bill_no: return "duplicate_bill_no";
        case meter_errc::insufficient_balance: return "insufficient_balance";
        case meter_errc::invalid_tariff: return "invalid_tariff";
        case meter_errc::no_pending_tariff: return "no_pending_tariff";
        case meter_errc::no_valve: return "no_valve";
        case meter_errc::valve_fault: return "valve_fault";
        case meter_errc::valve_locked: return "valve_locked";
        case meter_errc::battery_failure: return "battery_failure";
    }
    return "unknown";
}

}  // namespace metersim::meters

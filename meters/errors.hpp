#pragma once
/// meter_errc: why the meter refused a command. Stable, greppable identities (STYLE.md §6.7):
/// platforms map each to their spec's business error; tests assert on the enumerator.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "meters/enum_names.hpp"

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

inline constexpr enum_name<meter_errc> meter_errc_names[] = {
    {meter_errc::account_not_opened, "account_not_opened"},
    {meter_errc::account_already_opened, "account_already_opened"},
    {meter_errc::account_suspended, "account_suspended"},
    {meter_errc::account_cancelled, "account_cancelled"},
    {meter_errc::not_suspended, "not_suspended"},
    {meter_errc::wrong_billing_mode, "wrong_billing_mode"},
    {meter_errc::wrong_prepaid_type, "wrong_prepaid_type"},
    {meter_errc::invalid_amount, "invalid_amount"},
    {meter_errc::duplicate_bill_no, "duplicate_bill_no"},
    {meter_errc::insufficient_balance, "insufficient_balance"},
    {meter_errc::invalid_tariff, "invalid_tariff"},
    {meter_errc::no_pending_tariff, "no_pending_tariff"},
    {meter_errc::no_valve, "no_valve"},
    {meter_errc::valve_fault, "valve_fault"},
    {meter_errc::valve_locked, "valve_locked"},
    {meter_errc::battery_failure, "battery_failure"},
};

static_assert(std::size(meter_errc_names) == static_cast<std::size_t>(meter_errc::battery_failure) + 1,
              "every meter_errc has its name");

constexpr std::string_view to_string(meter_errc e) noexcept { return name_of(meter_errc_names, e, "unknown"); }

}  // namespace metersim::meters

#pragma once
/// Commands a platform delivers to a meter, and what the meter answers.
///
/// Vendor-neutral, in the specs' vocabulary: each platform codec builds these from its own
/// request (CNMCSP meteradd/recharge/changePrice/controlValve/remainOption, Xianfeng command
/// methods of appendix 1, Xintian RemotePay/ControlValve/SetPrice/GetData answers) after
/// validating and parsing it exactly. The structs live in namespace `commands` because their
/// natural names (recharge, suspend) would otherwise crowd the meters namespace.
///
/// `meter::apply(command, now)` never throws for anything a request can cause: a refusal is a
/// `command_result` with a meter_errc (STYLE.md §6.3).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "meters/billing.hpp"
#include "meters/enum_names.hpp"
#include "meters/errors.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/tariff.hpp"

namespace metersim::meters {

/// Account life cycle (CNMCSP §8 气表状态: 开户 0, 用气 1, 停用 -1, 注销 -2; Xianfeng
/// accountFlag 待开户/已开户).
enum class account_state : std::uint8_t {
    manufactured,  ///< not opened (待开户)
    opened,        ///< opened, no gas used yet (开户)
    in_use,        ///< gas has flowed since opening (用气)
    suspended,     ///< 停用: valve held closed, only resume or cancel pass
    cancelled,     ///< 注销: terminal, nothing passes
};
inline constexpr enum_name<account_state> account_state_names[] = {
    {account_state::manufactured, "manufactured"}, {account_state::opened, "opened"},
    {account_state::in_use, "in_use"},             {account_state::suspended, "suspended"},
    {account_state::cancelled, "cancelled"},
};
constexpr std::string_view to_string(account_state a) noexcept { return name_of(account_state_names, a, "unknown"); }

/// An amount of credit: money for money-prepaid (and backend) meters, gas for gas-prepaid ones
/// (Xianfeng prepaidType 0/1). Sending the wrong kind is refused with wrong_prepaid_type.
using credit = std::variant<money, volume>;

namespace commands {

/// Opens the account. Meter-side prepaid (spec: xianfeng §4.2, cnmcsp §5.3.1 PreSaving): an
/// opening credit with bill and card numbers and the tariff. Backend-billed (xianfeng §4.8):
/// the backend's terms instead.
struct open_account {
    credit opening_credit = money{};          ///< rechargeValue / PreSaving (may be zero)
    std::uint32_t bill_no = 0;                ///< billNo 0-65535 (0: none)
    std::string card_no;                      ///< cardNo, 10 digits (kept, echoed)
    std::optional<tariff> price;              ///< the tariff installed with the opening
    std::optional<volume> initial_reading;    ///< CNMCSP MeterReading
    std::optional<backend_terms> backend;     ///< §4.8: billingMethod, surplusValue, price, ...
};

/// Cancels the account. Xianfeng ACCOUNT_CANCEL (§4.3) returns the meter to manufactured with
/// its running data cleared; CNMCSP 销户 (§5.3.3) ends the account for good.
struct cancel_account {
    bool back_to_manufactured = false;
};

/// Recharge (充值) or refund (退购) of credit (xianfeng §4.4, cnmcsp §5.3.8, xintian §3.2).
/// The amount is positive; `refund` takes it back out.
struct recharge {
    credit amount = money{};
    bool refund = false;
    std::string trade_no;       ///< TradeNo / TransId (de-duplicated by the platform)
    std::uint32_t bill_no = 0;  ///< Xianfeng billNo 1-65535; the meter refuses its last one again
};

/// Sets the cycle's accumulated ladder usage (xianfeng §4.5 LADDER_VALUE_CHANGE ladderValue).
struct set_ladder_usage {
    volume cycle_usage;
};

/// Installs a tariff: at once when tariff.effective_at <= now, else as the pending tariff that
/// activates at effective_at (replacing any earlier pending one).
struct set_tariff {
    tariff price;
};

/// Reads the meter's prices (xianfeng §4.7 PRICE_READ priceType 0 current, 1 delayed).
struct read_price {
    bool pending = false;
};

enum class valve_action : std::uint8_t {
    open,           ///< CNMCSP 1010, Xianfeng controlFlag 0, Xintian ValveMode 1
    close,          ///< CNMCSP 2010, Xianfeng controlFlag 1, Xintian ValveMode 2
    warning_close,  ///< Xintian ValveMode 3 预警关阀: the user may reopen with the button
};
struct valve_control {
    valve_action action = valve_action::close;
};

/// Backend-billed meters: the CIS's balance, unit price, ladder and settlement time
/// (xianfeng §4.9 BALANCE_SYNC; xintian §3.6 answer).
struct sync_balance {
    backend_terms terms;
};

/// 停用 / 恢复 (cnmcsp §5.3.4, §5.3.5): suspension holds the valve closed.
struct suspend {};
struct resume {};

/// CNMCSP remainOption (§5.3.13): CMDOption 1000 返充 credits money back, 2000 补扣 deducts it.
enum class remain_kind : std::uint16_t { refund_credit = 1000, deduction = 2000 };
struct remain_option {
    remain_kind kind = remain_kind::refund_credit;
    money amount;
    std::string trade_no;
};

}  // namespace commands

using command = std::variant<commands::open_account, commands::cancel_account, commands::recharge,
                             commands::set_ladder_usage, commands::set_tariff, commands::read_price,
                             commands::valve_control, commands::sync_balance, commands::suspend,
                             commands::resume, commands::remain_option>;

/// The meter's answer to one command.
struct command_result {
    std::optional<meter_errc> error;        ///< nullopt: accepted
    std::optional<tariff_error> tariff_problem;  ///< with invalid_tariff: which field and why
    std::uint32_t bill_no = 0;              ///< recharge: the meter's bill number (§4.4 billNo)
    std::optional<money> surplus_money;     ///< recharge etc.: remaining money (surplusValue)
    std::optional<volume> surplus_gas;      ///< gas-prepaid: remaining gas (surplusValue)
    std::optional<tariff> price;            ///< read_price: the prices read

    bool accepted() const noexcept { return !error.has_value(); }
};

}  // namespace metersim::meters

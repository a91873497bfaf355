#pragma once
/// Ladder-exact charging and the meter's counters (STYLE.md §7).
///
/// A *segment* is a stretch of one ladder cycle under one price version; it opens at cycle
/// usage u_s. C_s(u) is the charge, at the segment's prices, for cycle usage from u_s to u,
/// split across the ladder thresholds and rounded once. An increment from u0 to u1 is charged
/// C_s(u1) - C_s(u0), so any sequence of increments telescopes to C_s(u_end): no drift, ever.
/// A cycle boundary, a price activation, a clear-ladder mark, a ladder-usage setting or a
/// backend price sync closes the segment at its exact instant (the caller picks the instant;
/// billing knows no time beyond recording it) and opens the next.
///
/// Everything here is a plain struct plus free functions on it; nothing throws, nothing reads
/// a clock. Amounts are validated by the caller (the aggregate refuses bad commands).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/tariff.hpp"

namespace metersim::meters {

enum class billing_mode : std::uint8_t {
    money_prepaid,  ///< the meter charges money at its ladder prices (表端金额预付费)
    gas_prepaid,    ///< the meter holds bought gas and deducts volume (表端气量预付费)
    backend,        ///< the CIS bills; balance and unit price come from outside (后台计费)
};

using ladder_volumes = std::array<volume, max_prices>;

/// What a price switch leaves behind (spec: xianfeng §5.8 PriceChangeInfo): the old price
/// version and the usage under each of its ladders in the closed segment.
struct price_change_info {
    std::string last_version;                ///< lastPriceVer
    std::uint8_t last_price_count = 1;
    std::array<price, max_prices> last_prices{};
    ladder_volumes last_ladder_usage{};      ///< lastLadderOneUseValue..Five(+Six)
    volume last_cycle_usage;                 ///< lastCycleValue: cycle usage at the switch
    volume total_use;                        ///< totalUseValue: the reading at the switch
    money total_use_money;                   ///< totalUseMoney at the switch
    money surplus_money;                     ///< surplusMoney at the switch
    instant at{};
    bool operator==(price_change_info const&) const = default;
};

/// The backend's figures (spec: xianfeng §4.8 / §4.9; xintian §3.6 answer).
struct backend_terms {
    bool prepaid = true;          ///< billingMethod 1 (backend prepaid) or 0 (postpaid: no balance)
    money surplus;                ///< surplusValue / Remnant
    price unit_price;             ///< price / UnitPrice
    std::uint8_t ladder_no = 1;   ///< ladderNo 1-7 (displayed only)
    instant account_date{};       ///< accountDate / RemnantTime
    bool operator==(backend_terms const&) const = default;
};

struct billing_state {
    volume reading;               ///< total reading (meter index)
    volume cycle_usage;           ///< usage in the current ladder cycle (阶梯累计用气量)
    instant cycle_start{};        ///< when the current cycle began
    volume segment_start;         ///< u_s: cycle usage when the current segment opened
    money segment_charged;        ///< C_s(cycle_usage): charged so far in this segment
    money balance;                ///< money-prepaid and backend: remaining money (may be < 0)
    volume gas_balance;           ///< gas-prepaid: remaining gas (may be < 0)
    money total_bought_money;
    money total_used_money;
    volume total_bought_gas;
    volume total_used_gas;        ///< gas-prepaid: gas deducted; others: same as usage billed
    std::uint32_t buy_count = 0;  ///< recharges (card or remote), refunds excluded
    std::uint32_t last_bill_no = 0;
    backend_terms backend;        ///< backend mode only
    bool operator==(billing_state const&) const = default;
};

/// C(from -> to) at `t`'s prices: cycle usage `from`..`to` split across the ladders, each part
/// priced in e8 and the sum rounded once (round_e8_to_e4). Requires from <= to.
money ladder_charge(tariff const& t, volume from, volume to);
/// The usage of [from, to) falling in each ladder.
ladder_volumes ladder_split(tariff const& t, volume from, volume to);

/// The tariff that charges `s` under `mode`: `active` for money-prepaid, a flat tariff at the
/// backend unit price for backend-prepaid, nullopt when the meter charges nothing (gas-prepaid,
/// backend postpaid).
std::optional<tariff> charging_tariff(billing_state const& s, billing_mode mode, tariff const& active);

/// Adds `v` (>= 0) of gas: reading, cycle usage, and the charge C_s(u1) - C_s(u0) against the
/// balance (money) or `v` against the gas balance (gas-prepaid). Returns the money charged.
money add_usage(billing_state& s, billing_mode mode, tariff const& active, volume v);

/// Remaining credit in e4 units of the meter's unit: money (money-prepaid, backend) or gas.
std::int64_t remaining_e4(billing_state const& s, billing_mode mode);

/// The smallest further volume after which remaining_e4 < level_e4, or nullopt if consumption
/// can never take it there (zero price, or a mode that charges nothing); 0 when already below.
std::optional<volume> volume_until_below(billing_state const& s, billing_mode mode,
                                         tariff const& active, std::int64_t level_e4);

/// Closes the current segment at the current cycle usage (u_s := cycle usage, charged := 0).
void close_segment(billing_state& s);
/// Starts a new ladder cycle at `at`: closes the segment and sets cycle usage to 0.
void reset_cycle(billing_state& s, instant at);
/// Sets cycle usage (spec: xianfeng §4.5 LADDER_VALUE_CHANGE), closing the segment first.
void set_cycle_usage(billing_state& s, volume u);

/// Switches from `old_t` to `new_t` at `at`: records PriceChangeInfo for the closed segment,
/// closes it, and resets the cycle if new_t.clear_ladder is set.
price_change_info switch_tariff(billing_state& s, tariff const& old_t, tariff const& new_t, instant at);

/// Per-ladder usage of the current segment under `t`.
ladder_volumes segment_ladder_usage(billing_state const& s, tariff const& t);

/// Money-prepaid and backend: a recharge (buy_count + 1) or a refund/deduction of credit.
void add_money(billing_state& s, money m);
void refund_money(billing_state& s, money m);
/// Gas-prepaid: bought gas (buy_count + 1) or a refund of gas.
void add_gas(billing_state& s, volume v);
void refund_gas(billing_state& s, volume v);

/// Backend: installs the CIS's balance and unit price (closing the segment at the old price).
void sync_backend(billing_state& s, backend_terms const& terms);

}  // namespace metersim::meters

#pragma once
/// The internal tariff: what every vendor's price shape maps onto (each vendor's codec holds its
/// own shape and mapping: platforms/<vendor>/codec_price.hpp).
///
/// A tariff is a price version with up to 6 prices and up to 5 ladder thresholds on *cycle
/// usage* (the gas used since the ladder cycle started), a cycle definition, the instant its
/// prices take effect and a clear-ladder mark. Ladder i (0-based) covers cycle usage from
/// thresholds[i-1] (0 for i = 0) to thresholds[i]; the last ladder is open-ended. Thresholds
/// never decrease; equal thresholds give an empty ladder (Xianfeng pads "3 prices 2 ladders" that
/// way, spec: xianfeng §4.6 note).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meters/calendar.hpp"
#include "meters/enum_names.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"

namespace metersim::meters {

inline constexpr std::size_t max_prices = 6;
inline constexpr std::size_t max_thresholds = max_prices - 1;

/// How ladder cycles are cut.
enum class cycle_kind : std::uint8_t {
    none,       ///< one endless cycle: cycle usage never resets (single price)
    months,     ///< every `months` months from `start` (CNMCSP MonthCount + IniDate;
                ///< Xianfeng pricePeriod + ladderTime)
    monthly,    ///< every month on settle_day (Xintian StairType 1)
    quarterly,  ///< every 3 months on settle_day, in settle_month's quarter phase (StairType 2)
    yearly,     ///< every year on settle_month/settle_day (StairType 3)
};
/// The stable names (meter_json, the admin API).
inline constexpr enum_name<cycle_kind> cycle_kind_names[] = {
    {cycle_kind::none, "none"},           {cycle_kind::months, "months"}, {cycle_kind::monthly, "monthly"},
    {cycle_kind::quarterly, "quarterly"}, {cycle_kind::yearly, "yearly"},
};
constexpr std::string_view to_string(cycle_kind k) noexcept { return name_of(cycle_kind_names, k, "unknown"); }

struct billing_cycle {
    cycle_kind kind = cycle_kind::none;
    std::uint16_t months = 0;       ///< kind::months: 1..255
    instant start{};                ///< kind::months: one cycle start; others repeat from it
    std::uint8_t settle_month = 1;  ///< quarterly/yearly: 1..12 (Xintian FreezeMonth)
    std::uint8_t settle_day = 1;    ///< monthly/quarterly/yearly: 1..28 (Xintian FreezeDay)
    bool operator==(billing_cycle const&) const = default;
};

/// The first cycle boundary strictly after `t`, or instant::max() for cycle_kind::none.
/// Settlement-day cycles turn at local midnight of the settlement day.
instant next_cycle_boundary(billing_cycle const& c, instant t, utc_offset zone);
/// The start of the cycle that contains `t` (the last boundary at or before t), or instant{}
/// (the epoch) for cycle_kind::none.
instant cycle_start_at(billing_cycle const& c, instant t, utc_offset zone);

struct tariff {
    std::string version;             ///< price version (Xianfeng priceVer, CNMCSP Version)
    std::string code;                ///< vendor price id (CNMCSP PriceID, Xintian PriceTypeCode)
    std::uint8_t price_count = 1;    ///< 1..6; thresholds in use = price_count - 1
    std::array<price, max_prices> prices{};
    std::array<volume, max_thresholds> thresholds{};
    billing_cycle cycle;
    instant effective_at{};          ///< when these prices take effect (priceTime, ChangeTime, ExeDate)
    bool clear_ladder = false;       ///< at activation, cycle usage restarts at 0 (Xianfeng clearMark)
    std::uint8_t gas_type = 0;       ///< Xianfeng gasType, kept to echo back (0: not given)
    bool operator==(tariff const&) const = default;
};

/// A tariff that cannot be installed, naming the offending field: the internal name here, the
/// vendor's own spelling when a vendor's mapping refuses its price shape.
struct tariff_error {
    std::string field;
    std::string reason;
};

/// The error naming `field` (a vendor's mapping names its own field).
tariff_error tariff_refusal(std::string_view field, std::string_view reason);

/// A single price, no ladder, no cycle: what backend-billed meters and simple models use.
tariff flat_tariff(price p);

/// Checks the invariants: 1..6 prices, no negative price or threshold, thresholds that never
/// decrease, a well-formed cycle. Returns the first violation.
std::optional<tariff_error> validate(tariff const& t);

/// The ladder (0-based) that cycle usage `u` falls in: the first i with u < thresholds[i].
std::size_t ladder_of(tariff const& t, volume u);
/// The price charged for the next unit of gas at cycle usage `u`.
price price_at(tariff const& t, volume u);

}  // namespace metersim::meters

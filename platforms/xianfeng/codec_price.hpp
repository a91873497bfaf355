#pragma once
/// The Xianfeng price (spec: xianfeng §4.2 ACCOUNT_OPEN, §4.6 PRICE_CHANGE, §4.7 PRICE_READ) and
/// its mapping onto tariff, both ways.
///
/// The struct holds values already parsed at the protocol edge (exact decimals, instants read
/// in the configured zone); the mapping checks the rules that need more than one field and
/// names the vendor's field in the error (meters::tariff_error).

#include <array>
#include <cstdint>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "meters/tariff.hpp"

namespace metersim::platforms::xianfeng {

// ---- Xianfeng: ACCOUNT_OPEN (§4.2), PRICE_CHANGE (§4.6), PRICE_READ (§4.7) ----------------

struct xianfeng_price {
    std::array<meters::price, 5> prices{};  ///< priceOne..priceFive, 0-30, two decimals
    std::array<meters::volume, 4> ladders{};  ///< ladderGasOne..ladderGasFour, whole m³
    std::int32_t price_ver = 1;  ///< priceVer 1-255
    std::int32_t price_period = 12;  ///< pricePeriod: ladder cycle in months, 1-255
    meters::instant price_time{};  ///< priceTime: prices take effect
    meters::instant ladder_time{};  ///< ladderTime: the ladder cycle starts
    bool clear_mark = true;  ///< clearMark: clear ladder usage (default 1)
    std::int32_t gas_type = 1;  ///< gasType 1-255
};
meters::result<meters::tariff, meters::tariff_error> from_xianfeng(xianfeng_price const& p);
/// The tariff in PRICE_READ's shape (§4.7). Fewer prices are padded as the §4.6 note asks:
/// missing prices repeat the last one, missing ladders repeat the last threshold.
xianfeng_price to_xianfeng(meters::tariff const& t);

}  // namespace metersim::platforms::xianfeng

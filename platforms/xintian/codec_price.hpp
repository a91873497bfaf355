#pragma once
/// The Xintian price archive's prices (spec: xintian §3.10 CreatePrice) and their mapping onto
/// tariff.
///
/// The struct holds values already parsed at the protocol edge (exact decimals, instants read
/// in the configured zone); the mapping checks the rules that need more than one field and
/// names the vendor's field in the error (meters::tariff_error).

#include <array>
#include <cstdint>
#include <string>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "meters/tariff.hpp"

namespace metersim::platforms::xintian {

// ---- Xintian: CreatePrice (§3.10) -----------------------------------------------------------

struct xintian_price {
    std::string price_type_code;  ///< PriceTypeCode
    std::array<meters::volume, 5> dividers{};  ///< Divid1..Divid5, one decimal
    std::array<meters::price, 6> prices{};  ///< Price1..Price6, two decimals
    std::int32_t stair_type = 1;  ///< StairType: 1 monthly, 2 quarterly, 3 yearly
    std::int32_t freeze_month = 1;  ///< FreezeMonth 1-12
    std::int32_t freeze_day = 1;  ///< FreezeDay 1-28
    meters::instant exe_date{};  ///< ExeDate: prices take effect
};
meters::result<meters::tariff, meters::tariff_error> from_xintian(xintian_price const& p);

}  // namespace metersim::platforms::xintian

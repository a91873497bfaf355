#pragma once
/// The CNMCSP price block (spec: cnmcsp §5.3.1 meteradd, §5.3.10 changePrice, §5.3.11
/// batchChangePrice) and its mapping onto tariff.
///
/// The struct holds values already parsed at the protocol edge (exact decimals, instants read
/// in the configured zone); the mapping checks the rules that need more than one field and
/// names the vendor's field in the error (meters::tariff_error).

#include <cstdint>
#include <optional>
#include <string>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "meters/tariff.hpp"

namespace metersim::platforms::cnmcsp {

// ---- CNMCSP: meteradd (§5.3.1), changePrice (§5.3.10), batchChangePrice (§5.3.11) ----------

struct cnmcsp_price {
    std::string price_id;  ///< PriceID
    std::string version;  ///< Version
    std::optional<meters::instant> ini_date;  ///< IniDate: the ladder cycle's start
    std::optional<meters::instant> change_time;  ///< ChangeTime (§5.3.10); absent at account opening
    std::int32_t price_mode = 100;  ///< PriceMode: 100 standard, 101 ladder (spec §8)
    std::optional<std::int32_t> month_count;  ///< MonthCount: ladder cycle in months
    meters::price price1;  ///< Price1 (the standard price when mode 100)
    std::optional<meters::price> price2;
    std::optional<meters::price> price3;
    std::optional<meters::volume> level1;  ///< Level1: end of ladder 1 (m³)
    std::optional<meters::volume> level2;
};
/// `received_at` stands in for absent times (activation now, cycle starting now).
meters::result<meters::tariff, meters::tariff_error> from_cnmcsp(cnmcsp_price const& p, meters::instant received_at);

}  // namespace metersim::platforms::cnmcsp

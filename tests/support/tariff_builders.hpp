#pragma once
/// Builders for the tariff tests (meters/tariff and each vendor's price mapping): instants read
/// at +08:00 (the vendors' zone), prices in 1e-4 yuan, volumes in whole m³.

#include <cstdint>

#include "meters/calendar.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"

namespace metersim::test {

inline constexpr meters::utc_offset cst{480};

/// y-mo-d h:00:00 at +08:00.
inline meters::instant at(int y, unsigned mo, unsigned d, unsigned h = 0) {
    return meters::from_civil(meters::civil_time{y, mo, d, h, 0, 0, 0}, cst);
}
inline meters::price yuan(std::int64_t e4) { return meters::price::from_e4(e4); }
inline meters::volume m3(std::int64_t units) { return meters::volume::from_units(units); }

}  // namespace metersim::test

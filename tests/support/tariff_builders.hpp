#pragma once
/// Builders for the tariff tests (meters/tariff and each vendor's price mapping): instants read
/// at +08:00 (the vendors' zone), with the amounts of builders.hpp.

#include <cstdint>

#include "meters/calendar.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "tests/support/builders.hpp"

namespace metersim::test {

inline constexpr meters::utc_offset cst{480};

/// y-mo-d h:00:00 at +08:00.
inline meters::instant at(int y, unsigned mo, unsigned d, unsigned h = 0) {
    return meters::from_civil(meters::civil_time{y, mo, d, h, 0, 0, 0}, cst);
}

}  // namespace metersim::test

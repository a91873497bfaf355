#pragma once
/// Builders for the fixed-point amounts of tests: each name says its unit, so that `m3_whole(5)`
/// (5 m³) and `m3_e4(5)` (0.0005 m³) cannot be mistaken for each other. Header only, meters/
/// only: meters_tests uses it without Asio.

#include <cstdint>

#include "meters/fixed4.hpp"

namespace metersim::test {

/// Volume in 1e-4 m³: m3_e4(15000) is 1.5 m³.
constexpr meters::volume m3_e4(std::int64_t e4) noexcept { return meters::volume::from_e4(e4); }
/// Volume in whole m³.
constexpr meters::volume m3_whole(std::int64_t m3) noexcept { return meters::volume::from_units(m3); }
/// Price in 1e-4 yuan per m³: price_e4(25555) is 2.5555 yuan/m³.
constexpr meters::price price_e4(std::int64_t e4) noexcept { return meters::price::from_e4(e4); }
/// Price in whole yuan per m³.
constexpr meters::price price_whole(std::int64_t yuan) noexcept { return meters::price::from_units(yuan); }
/// Money in 1e-4 yuan.
constexpr meters::money yuan_e4(std::int64_t e4) noexcept { return meters::money::from_e4(e4); }
/// Money in whole yuan.
constexpr meters::money yuan_whole(std::int64_t yuan) noexcept { return meters::money::from_units(yuan); }

}  // namespace metersim::test

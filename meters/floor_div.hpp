#pragma once
/// Floor division and its non-negative remainder: time before the epoch (and a negative zone
/// offset) rounds towards minus infinity, as the calendar wants. The one copy for the tree.

#include <cstdint>

namespace metersim::meters {

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept { return a - floor_div(a, b) * b; }

}  // namespace metersim::meters

#pragma once
// How a vendor spells the valve position: one code per meters::valve_position, written as a table
// (designated initializers) by each vendor, looked up by one switch here.

#include "meters/valve.hpp"

namespace metersim::platforms {

template <class Code>
struct valve_codes {
    Code none;
    Code open;
    Code closed;
    Code opening;
    Code closing;
    Code abnormal;
    Code damaged;
    Code unknown;  ///< a value outside the enum
};

template <class Code>
constexpr Code code_of(valve_codes<Code> const& codes, meters::valve_position p) noexcept {
    using vp = meters::valve_position;
    switch (p) {
        case vp::none: return codes.none;
        case vp::open: return codes.open;
        case vp::closed: return codes.closed;
        case vp::opening: return codes.opening;
        case vp::closing: return codes.closing;
        case vp::abnormal: return codes.abnormal;
        case vp::damaged: return codes.damaged;
    }
    return codes.unknown;
}

}  // namespace metersim::platforms

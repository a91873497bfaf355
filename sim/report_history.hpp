#pragma once
/// A fleet-wide bounded ring of report summaries: what the meters reported, newest last, the
/// oldest falling off. The fleet appends one entry per report (the city-scale hot path: an
/// array write, no allocation); the admin API reads one meter's entries back for its charts
/// (GET /admin/meters/{meterNo}/history). Single-threaded, like the fleet.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "meters/effects.hpp"

namespace metersim::sim {

/// One report, compact plain data (40 bytes: 65,536 entries cost 2.5 MiB, whatever the fleet's
/// size).
struct report_entry {
    std::int64_t at_ms = 0;           ///< the report's virtual instant
    std::int64_t reading_e4 = 0;      ///< m³, 1e-4
    std::int64_t balance_e4 = 0;      ///< yuan, 1e-4
    std::int64_t gas_balance_e4 = 0;  ///< m³, 1e-4 (gas-prepaid meters)
    std::uint32_t meter = 0;          ///< the meter's fleet index (fleet_meter::index)
    std::uint16_t battery_mv = 0;
    meters::valve_position valve = meters::valve_position::none;
    meters::report_reason reason = meters::report_reason::periodic;
};

class report_history {
public:
    /// Keeps the newest `capacity` reports (0: keeps none).
    explicit report_history(std::size_t capacity);

    /// Records one report of the meter at fleet index `meter`.
    void append(std::uint32_t meter, meters::meter_report const& r) noexcept;

    /// The newest `limit` entries of one meter, oldest first.
    std::vector<report_entry> of(std::uint32_t meter, std::size_t limit) const;

    std::size_t capacity() const noexcept { return ring_.size(); }
    /// Entries held (at most capacity()).
    std::size_t size() const noexcept { return appended_ < ring_.size() ? appended_ : ring_.size(); }
    /// Reports appended since start, including those fallen off.
    std::uint64_t appended() const noexcept { return appended_; }

private:
    std::vector<report_entry> ring_;
    std::size_t next_ = 0;  ///< the slot the next report goes to (no division per report)
    std::uint64_t appended_ = 0;
};

}  // namespace metersim::sim

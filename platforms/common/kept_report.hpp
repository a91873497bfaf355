#pragma once
/// A meter's last report as the platforms keep it between reports (issue 13): compact data,
/// rendered only when the CIS asks (Xianfeng queryReportData, CNMCSP ReadCurrentData), never
/// at report time for a device nobody receives pushes from.
///
/// A meters::meter_report is ~500 bytes plus its vectors; the platforms held one per meter (or
/// its rendered JSON, ~1.5 KB) for 100,000 meters. kept_report holds the figures inline (about
/// 160 bytes) and the frozen records packed (meters::packed_records, ~12 bytes a record). A
/// report carrying what the compact form does not (active alarms, a price change, a flow
/// meter's figures, signal texts longer than the inline room) is kept whole on the heap: rare,
/// and exact either way. load() gives back a report equal to the one stored (tests/platforms/
/// common/kept_report_test.cpp checks random reports round trip).

#include <cstdint>
#include <memory>

#include "meters/effects.hpp"
#include "meters/packed_records.hpp"

namespace metersim::platforms {

class kept_report {
public:
    kept_report() = default;
    kept_report(kept_report const& o);
    kept_report& operator=(kept_report const& o);
    kept_report(kept_report&&) noexcept = default;
    kept_report& operator=(kept_report&&) noexcept = default;
    ~kept_report() = default;

    /// Keeps `r` (replacing what was kept).
    void store(meters::meter_report const& r);
    /// The report kept, equal to the one stored. Requires !empty().
    meters::meter_report load() const;
    bool empty() const noexcept { return !present_; }
    void clear() noexcept;

private:
    static constexpr std::size_t text_room = 23;  ///< cell id + NUL + fcn, inline

    meters::instant at_{};
    std::int64_t reading_ = 0, cycle_usage_ = 0, balance_ = 0, gas_balance_ = 0;
    std::int64_t bought_money_ = 0, used_money_ = 0, bought_gas_ = 0, used_gas_ = 0;
    std::int64_t price_ = 0, rsrp_ = 0, snr_ = 0;
    std::uint32_t buy_count_ = 0;
    std::int32_t battery_mv_ = 0;
    std::int32_t csq_ = 0;
    std::int32_t ecl_ = 0;
    std::uint16_t valve_causes_ = 0;
    meters::report_reason reason_{};
    meters::account_state account_{};
    meters::billing_mode mode_{};
    meters::valve_position valve_{};
    std::uint8_t ladder_no_ = 1;
    bool lost_contact_ = false;
    bool present_ = false;
    char text_[text_room + 1] = {};  ///< signal cell_id, NUL, fcn, NUL
    meters::packed_records frozen_;
    std::unique_ptr<meters::meter_report> whole_;  ///< what the compact form cannot hold
};

}  // namespace metersim::platforms

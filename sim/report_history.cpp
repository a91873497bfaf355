#include "sim/report_history.hpp"

#include <algorithm>
#include <limits>

namespace metersim::sim {

static_assert(sizeof(report_entry) == 40, "README and config.hpp give the ring's cost as 40 bytes an entry");

report_history::report_history(std::size_t capacity) : ring_(capacity) {}

void report_history::append(std::uint32_t meter, meters::meter_report const& r) noexcept {
    if (ring_.empty()) return;
    auto const mv = std::clamp(r.battery_mv, 0, static_cast<int>(std::numeric_limits<std::uint16_t>::max()));
    ring_[next_] = report_entry{.at_ms = meters::to_ms(r.at),
                                .reading_e4 = r.reading.e4(),
                                .balance_e4 = r.balance.e4(),
                                .gas_balance_e4 = r.gas_balance.e4(),
                                .meter = meter,
                                .battery_mv = static_cast<std::uint16_t>(mv),
                                .valve = r.valve,
                                .reason = r.reason};
    if (++next_ == ring_.size()) next_ = 0;
    ++appended_;
}

std::vector<report_entry> report_history::of(std::uint32_t meter, std::size_t limit) const {
    std::vector<report_entry> out;
    // From the newest back: the newest `limit` of the meter, then put oldest first.
    for (std::uint64_t k = appended_; k > appended_ - size() && out.size() < limit; --k) {
        auto const& e = ring_[(k - 1) % ring_.size()];
        if (e.meter == meter) out.push_back(e);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace metersim::sim

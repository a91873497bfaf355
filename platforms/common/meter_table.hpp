#pragma once
/// Per-meter platform data found by the meter's dense fleet index (sim::fleet_meter::index),
/// not by hashing its number: the wake path of a city-sized fleet (issue 13). Chunks of
/// `chunk` slots are allocated when a slot in them is first written; a slot never written reads
/// as a default T. Addresses are stable. Single-threaded.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace metersim::platforms {

template <class T>
class meter_table {
public:
    /// The slot of `index`, or null when its chunk was never written.
    T* find(std::uint32_t index) noexcept {
        auto const c = index / chunk;
        return c < chunks_.size() && chunks_[c] ? &chunks_[c][index % chunk] : nullptr;
    }
    T const* find(std::uint32_t index) const noexcept {
        return const_cast<meter_table*>(this)->find(index);
    }
    /// The slot of `index`, its chunk allocated when needed.
    T& at(std::uint32_t index) {
        auto const c = index / chunk;
        if (c >= chunks_.size()) chunks_.resize(c + 1);
        if (!chunks_[c]) chunks_[c] = std::make_unique<T[]>(chunk);
        return chunks_[c][index % chunk];
    }

private:
    static constexpr std::size_t chunk = 1024;
    std::vector<std::unique_ptr<T[]>> chunks_;
};

}  // namespace metersim::platforms

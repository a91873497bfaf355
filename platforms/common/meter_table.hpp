#pragma once
/// Per-meter platform data found by the meter's dense fleet index (sim::fleet_meter::index),
/// not by hashing its number: the wake path of a city-sized fleet (issue 13). Chunks of
/// `chunk` slots are allocated when a slot in them is first written; a slot never written reads
/// as a default T. Addresses are stable. Single-threaded.
///
/// A chunk is one 2 MiB block advised for huge pages (sim::block_store's): the wakes visit the
/// slots in no order of address, and on 4 KiB pages nearly every one missed the TLB as well as
/// the cache (a page walk under virtualisation costs several memory reads).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/block_store.hpp"

namespace metersim::platforms {

template <class T>
class meter_table {
public:
    /// The slot of `index`, or null when its chunk was never written.
    T* find(std::uint32_t index) noexcept {
        auto const c = index / chunk;
        return c < chunks_.size() && chunks_[c] ? &chunks_[c].get()[index % chunk] : nullptr;
    }
    T const* find(std::uint32_t index) const noexcept {
        return const_cast<meter_table*>(this)->find(index);
    }
    /// The slot of `index`, its chunk allocated when needed.
    T& at(std::uint32_t index) {
        auto const c = index / chunk;
        if (c >= chunks_.size()) chunks_.resize(c + 1);
        if (!chunks_[c]) chunks_[c] = new_chunk();
        return chunks_[c].get()[index % chunk];
    }

private:
    static constexpr std::size_t chunk = sim::block_store_detail::block_bytes / sizeof(T);
    static_assert(chunk > 0, "a slot larger than a block");
    struct free_chunk {
        void operator()(T* p) const noexcept {
            for (std::size_t i = 0; i < chunk; ++i) p[i].~T();
            sim::block_store_detail::free_block(p);
        }
    };
    using chunk_ptr = std::unique_ptr<T, free_chunk>;
    static chunk_ptr new_chunk() {
        auto* p = static_cast<T*>(sim::block_store_detail::allocate_block());
        for (std::size_t i = 0; i < chunk; ++i) ::new (static_cast<void*>(p + i)) T();
        return chunk_ptr(p);
    }
    std::vector<chunk_ptr> chunks_;
};

}  // namespace metersim::platforms

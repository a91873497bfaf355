#pragma once
/// sim::block_store<T>: an append-only sequence with stable addresses, in 2 MiB blocks that
/// the kernel may back with huge pages.
///
/// The fleet's wakes visit its meters in no order of address: with 100,000 meters (~120 MB)
/// nearly every wake missed the TLB as well as the cache, and under virtualisation a page walk
/// costs several memory reads. Blocks of 2 MiB, aligned to 2 MiB and marked MADV_HUGEPAGE
/// (Linux; elsewhere plain aligned blocks), need one TLB entry each. std::deque gave the same
/// stable addresses with one heap node per meter.
/// Elements are constructed in place and destroyed with the store; never moved.

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace metersim::sim {

namespace block_store_detail {
inline constexpr std::size_t block_bytes = std::size_t{2} << 20;
/// A block_bytes block aligned to block_bytes, advised for huge pages. Throws std::bad_alloc.
void* allocate_block();
void free_block(void* p) noexcept;
}  // namespace block_store_detail

template <class T>
class block_store {
public:
    static constexpr std::size_t per_block = block_store_detail::block_bytes / sizeof(T);
    static_assert(per_block > 0, "an element larger than a block");

    block_store() = default;
    block_store(block_store const&) = delete;
    block_store& operator=(block_store const&) = delete;
    ~block_store() {
        for (std::size_t i = size_; i-- > 0;) (*this)[i].~T();
    }

    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return block(i / per_block)[i % per_block]; }
    T const& operator[](std::size_t i) const noexcept { return block(i / per_block)[i % per_block]; }
    T& back() noexcept { return (*this)[size_ - 1]; }

    /// Appends T(args...); earlier elements stay where they are.
    template <class... Args>
    T& emplace_back(Args&&... args) {
        if (size_ == blocks_.size() * per_block) blocks_.emplace_back(block_store_detail::allocate_block());
        T* slot = &block(size_ / per_block)[size_ % per_block];
        ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);
        ++size_;
        return *slot;
    }

private:
    struct free_block {
        void operator()(void* p) const noexcept { block_store_detail::free_block(p); }
    };
    T* block(std::size_t b) const noexcept { return static_cast<T*>(blocks_[b].get()); }

    std::vector<std::unique_ptr<void, free_block>> blocks_;
    std::size_t size_ = 0;
};

}  // namespace metersim::sim

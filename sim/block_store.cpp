#include "sim/block_store.hpp"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace metersim::sim::block_store_detail {

void* allocate_block() {
    void* p = std::aligned_alloc(block_bytes, block_bytes);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)madvise(p, block_bytes, MADV_HUGEPAGE);  // a hint: without THP it changes nothing
#endif
    return p;
}

void free_block(void* p) noexcept { std::free(p); }

}  // namespace metersim::sim::block_store_detail

#pragma once
/// sim::hdr_histogram: an HDR-style (log-linear) histogram of non-negative integer values, such as
/// latencies in microseconds. Pure (std only), single-threaded, no allocation per record once the
/// buckets it needs exist.
///
/// Values below 128 have a bucket each; above, every power of two is split into 64 equal buckets,
/// so a bucket is at most 1/64 (1.6 %) of its values wide. Percentiles are read from the counts
/// (the highest value of the bucket that reaches the rank, never above the largest recorded
/// value), and histograms merge exactly by adding counts: the percentile of a merged histogram is
/// the percentile of all the values, never an average of percentiles.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace metersim::sim {

class hdr_histogram {
public:
    /// Adds `n` occurrences of `value`.
    void record(std::uint64_t value, std::uint64_t n = 1);
    /// Adds every count of `other`.
    void merge(hdr_histogram const& other);
    /// Back to empty (keeps its buckets' memory).
    void reset() noexcept;

    std::uint64_t count() const noexcept { return count_; }
    /// The smallest and largest values recorded; 0 when empty.
    std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
    std::uint64_t max() const noexcept { return max_; }

    /// The value at percentile `p` (0..100): the highest value of the bucket holding the value of
    /// rank ceil(p/100 * count), at most max(); 0 when empty. p 100 gives max().
    std::uint64_t value_at_percentile(double p) const noexcept;

    /// Calls `fn(lowest, highest, count)` for every non-empty bucket, in increasing order.
    void for_each_bucket(std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)> const& fn) const;

    /// The bucket of a value and the value range of a bucket (exposed for tests).
    static std::size_t bucket_of(std::uint64_t value) noexcept;
    static std::uint64_t lowest_of(std::size_t bucket) noexcept;
    static std::uint64_t highest_of(std::size_t bucket) noexcept;

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace metersim::sim

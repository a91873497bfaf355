#include "sim/hdr_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace metersim::sim {

namespace {
constexpr std::uint64_t linear = 128;  // values below have a bucket each
constexpr std::uint64_t half = 64;     // buckets per power of two above
}  // namespace

std::size_t hdr_histogram::bucket_of(std::uint64_t value) noexcept {
    if (value < linear) return static_cast<std::size_t>(value);
    // value has bit_width w >= 8: shift it down to 7 significant bits (64..127).
    auto const shift = static_cast<unsigned>(std::bit_width(value)) - 7u;
    return static_cast<std::size_t>(linear + (shift - 1u) * half + ((value >> shift) - half));
}

std::uint64_t hdr_histogram::lowest_of(std::size_t bucket) noexcept {
    if (bucket < linear) return bucket;
    auto const k = bucket - linear;
    auto const shift = static_cast<unsigned>(k / half) + 1u;
    return (half + k % half) << shift;
}

std::uint64_t hdr_histogram::highest_of(std::size_t bucket) noexcept {
    if (bucket < linear) return bucket;
    auto const shift = static_cast<unsigned>((bucket - linear) / half) + 1u;
    return lowest_of(bucket) + ((std::uint64_t{1} << shift) - 1u);
}

void hdr_histogram::record(std::uint64_t value, std::uint64_t n) {
    if (n == 0) return;
    auto const b = bucket_of(value);
    if (b >= counts_.size()) counts_.resize(b + 1, 0);
    counts_[b] += n;
    min_ = count_ == 0 ? value : std::min(min_, value);
    max_ = std::max(max_, value);
    count_ += n;
}

void hdr_histogram::merge(hdr_histogram const& other) {
    if (other.count_ == 0) return;
    if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
    for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
}

void hdr_histogram::reset() noexcept {
    std::fill(counts_.begin(), counts_.end(), 0);
    count_ = 0;
    min_ = 0;
    max_ = 0;
}

std::uint64_t hdr_histogram::value_at_percentile(double p) const noexcept {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(highest_of(i), max_);
    }
    return max_;
}

void hdr_histogram::for_each_bucket(
    std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)> const& fn) const {
    for (std::size_t i = 0; i < counts_.size(); ++i)
        if (counts_[i] != 0) fn(lowest_of(i), highest_of(i), counts_[i]);
}

}  // namespace metersim::sim

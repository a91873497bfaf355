#include "sim/hdr_histogram.hpp"

#include <doctest/doctest.h>

#include <cstdint>

using metersim::sim::hdr_histogram;

TEST_CASE("hdr_histogram: small values are exact and large ones within 1/64 of their bucket") {
    for (std::uint64_t v : {0ull, 1ull, 127ull}) CHECK(hdr_histogram::lowest_of(hdr_histogram::bucket_of(v)) == v);
    for (std::uint64_t v : {128ull, 129ull, 1000ull, 123456ull, 987654321ull, (1ull << 62) + 12345ull}) {
        auto const b = hdr_histogram::bucket_of(v);
        CHECK(hdr_histogram::lowest_of(b) <= v);
        CHECK(hdr_histogram::highest_of(b) >= v);
        CHECK(hdr_histogram::highest_of(b) - hdr_histogram::lowest_of(b) <= v / 64);
        CHECK(hdr_histogram::bucket_of(hdr_histogram::highest_of(b) + 1) == b + 1);
    }
    CHECK(hdr_histogram::bucket_of(~std::uint64_t{0}) > hdr_histogram::bucket_of(1ull << 62));
}

TEST_CASE("hdr_histogram: percentiles of 1..1000 are the ranks' values within the precision") {
    hdr_histogram h;
    for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
    CHECK(h.count() == 1000);
    CHECK(h.min() == 1);
    CHECK(h.max() == 1000);
    CHECK(h.value_at_percentile(50) >= 500);
    CHECK(h.value_at_percentile(50) <= 500 + 500 / 64);
    CHECK(h.value_at_percentile(99) >= 990);
    CHECK(h.value_at_percentile(99) <= 990 + 990 / 64);
    CHECK(h.value_at_percentile(100) == 1000);
    CHECK(h.value_at_percentile(0) == 1);
}

TEST_CASE("hdr_histogram: merging gives the percentiles of all values, not an average of percentiles") {
    hdr_histogram fast;
    hdr_histogram slow;
    for (int i = 0; i < 990; ++i) fast.record(10);
    for (int i = 0; i < 10; ++i) slow.record(5000);
    hdr_histogram all;
    all.merge(fast);
    all.merge(slow);
    CHECK(all.count() == 1000);
    CHECK(all.value_at_percentile(99) == 10);       // the 990th value
    CHECK(all.value_at_percentile(99.9) >= 5000);   // one of the slow ones
    CHECK(all.max() == 5000);
    CHECK(all.min() == 10);
}

TEST_CASE("hdr_histogram: an empty histogram answers 0 and reset empties it") {
    hdr_histogram h;
    CHECK(h.value_at_percentile(99) == 0);
    CHECK(h.max() == 0);
    h.record(42, 3);
    CHECK(h.count() == 3);
    std::uint64_t buckets = 0;
    h.for_each_bucket([&](std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
        CHECK(lo == 42);
        CHECK(hi == 42);
        buckets += n;
    });
    CHECK(buckets == 3);
    h.reset();
    CHECK(h.count() == 0);
    CHECK(h.value_at_percentile(50) == 0);
}

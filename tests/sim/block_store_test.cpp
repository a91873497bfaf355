#include "sim/block_store.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

using metersim::sim::block_store;

namespace {

/// Counts live instances, so the test sees every element constructed and destroyed once.
struct counted {
    static inline int live = 0;
    explicit counted(int v) : value(v), text(std::to_string(v) + " is a number long enough to allocate") { ++live; }
    counted(counted const&) = delete;
    ~counted() { --live; }
    int value;
    std::string text;
    std::array<char, 900> ballast{};  // about a meter's size: a few thousand per block
};

}  // namespace

TEST_SUITE("sim/block_store") {

TEST_CASE("elements keep their addresses as the store grows past a block") {
    block_store<counted> store;
    std::vector<counted const*> addresses;
    std::size_t const n = 3 * block_store<counted>::per_block + 7;
    for (std::size_t i = 0; i < n; ++i) addresses.push_back(&store.emplace_back(static_cast<int>(i)));
    REQUIRE(store.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(&store[i] == addresses[i]);
        CHECK(store[i].value == static_cast<int>(i));
    }
    CHECK(&store.back() == addresses.back());
}

TEST_CASE("blocks are aligned to their 2 MiB size") {
    block_store<counted> store;
    auto const first = reinterpret_cast<std::uintptr_t>(&store.emplace_back(0));
    CHECK(first % (std::uintptr_t{2} << 20) == 0);
}

TEST_CASE("the store destroys what it constructed") {
    {
        block_store<counted> store;
        for (int i = 0; i < 5000; ++i) store.emplace_back(i);
        CHECK(counted::live == 5000);
    }
    CHECK(counted::live == 0);
}

}  // TEST_SUITE

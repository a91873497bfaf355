#include "sim/string_index.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "meters/rng.hpp"

using metersim::sim::string_index;

namespace {

/// The container the index points into: keys by position, as the fleet holds its meters.
struct keys {
    std::vector<std::string> at;
    static std::string_view of(void const* self, std::uint32_t i) noexcept {
        return static_cast<keys const*>(self)->at[i];
    }
};

}  // namespace

TEST_SUITE("sim/string_index") {

TEST_CASE("keys assigned are found and others are not") {
    keys k{{"0760001", "0760002", "0760003"}};
    string_index idx{&keys::of, &k};
    CHECK_FALSE(idx.find("0760001"));
    for (std::uint32_t i = 0; i < 3; ++i) idx.assign(k.at[i], i);
    CHECK(idx.size() == 3);
    CHECK(idx.find("0760002") == 1u);
    CHECK(idx.contains("0760003"));
    CHECK_FALSE(idx.find("0760004"));
    CHECK_FALSE(idx.find(""));
}

TEST_CASE("assigning a key again replaces its value") {
    keys k{{"dev-a", "dev-a"}};
    string_index idx{&keys::of, &k};
    idx.assign("dev-a", 0);
    idx.assign("dev-a", 1);
    CHECK(idx.size() == 1);
    CHECK(idx.find("dev-a") == 1u);
}

TEST_CASE("erasing a key leaves the others findable") {
    keys k{{"a", "b", "c"}};
    string_index idx{&keys::of, &k};
    for (std::uint32_t i = 0; i < 3; ++i) idx.assign(k.at[i], i);
    CHECK(idx.erase("b"));
    CHECK_FALSE(idx.erase("b"));
    CHECK_FALSE(idx.contains("b"));
    CHECK(idx.find("a") == 0u);
    CHECK(idx.find("c") == 2u);
    CHECK(idx.size() == 2);
}

TEST_CASE("a renamed key is erased under the old name and assigned under the new one") {
    keys k{{"old"}};
    string_index idx{&keys::of, &k};
    idx.assign("old", 0);
    CHECK(idx.erase("old"));
    k.at[0] = "new";
    idx.assign("new", 0);
    CHECK_FALSE(idx.contains("old"));
    CHECK(idx.find("new") == 0u);
}

TEST_CASE("random inserts and erases agree with std::map") {
    keys k;
    for (int i = 0; i < 5000; ++i) k.at.push_back("0760" + std::to_string(metersim::meters::mix64(static_cast<std::uint64_t>(i)) % 100000));
    string_index idx{&keys::of, &k};
    std::map<std::string, std::uint32_t> ref;
    metersim::meters::meter_rng rng{42};
    for (int step = 0; step < 20000; ++step) {
        auto const i = static_cast<std::uint32_t>(rng.uniform(0, 4999));
        std::string const& key = k.at[i];
        if (rng.uniform(0, 2) == 0) {
            CHECK(idx.erase(key) == (ref.erase(key) == 1));
        } else {
            // A key keeps to positions holding it, as the fleet's meters do.
            idx.assign(key, i);
            ref[key] = i;
        }
    }
    REQUIRE(idx.size() == ref.size());
    for (auto const& [key, value] : ref) CHECK(idx.find(key) == value);
    for (auto const& key : k.at) CHECK(idx.contains(key) == ref.contains(key));
}

TEST_CASE("100,000 keys take 8 bytes a slot, at most four slots a key") {
    keys k;
    for (int i = 0; i < 100'000; ++i) k.at.push_back("0760" + std::to_string(10'000'000 + i));
    string_index idx{&keys::of, &k};
    for (std::uint32_t i = 0; i < k.at.size(); ++i) idx.assign(k.at[i], i);
    CHECK(idx.size() == 100'000);
    CHECK(idx.heap_bytes() <= 4 * 100'000 * 8);
    CHECK(idx.find("076010054321") == 54'321u);
}

}  // TEST_SUITE

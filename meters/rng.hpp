#pragma once
/// Seeded, owned randomness for the virtual meters (STYLE.md §5, §9.9).
///
/// Nothing here reads entropy from the machine: every value is a pure function of a seed.
/// Each meter's seed is derived from the scenario seed and the meter's id with `seed_for`, so
/// adding a meter never changes another meter's jitter or consumption. Two forms:
/// - `meter_rng`: a sequential splitmix64 generator whose whole state is one uint64 (serialize
///   `state()`, restore with `meter_rng::from_state`);
/// - `uniform_at(seed, key, lo, hi)`: a stateless draw keyed by e.g. an hour or a report slot
///   index, for values that must be a pure function of time (flow profile, report jitter).
/// The algorithms are fixed (FNV-1a 64, splitmix64): changing them changes every journal.

#include <cstdint>
#include <string_view>

namespace metersim::meters {

/// FNV-1a, 64-bit: a stable hash of text (ids), identical on every platform and build.
constexpr std::uint64_t fnv1a_64(std::string_view text) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : text) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// The splitmix64 finalizer: a bijective mix of 64 bits.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// The seed of one meter's generator: a mix of the scenario seed and the hash of its id.
constexpr std::uint64_t seed_for(std::uint64_t scenario_seed, std::string_view meter_id) noexcept {
    return mix64(scenario_seed ^ mix64(fnv1a_64(meter_id)));
}

namespace detail {
/// Maps 64 random bits onto [0, span) by multiply-high; accepts or asks for new bits.
/// Returns false when the draw falls in the biased zone and must be redrawn (Lemire's method).
constexpr bool bounded(std::uint64_t bits, std::uint64_t span, std::uint64_t& out) noexcept {
    __extension__ typedef unsigned __int128 u128;
    u128 const m = static_cast<u128>(bits) * span;
    auto const low = static_cast<std::uint64_t>(m);
    if (low < span) {
        std::uint64_t const threshold = (0 - span) % span;
        if (low < threshold) return false;
    }
    out = static_cast<std::uint64_t>(m >> 64);
    return true;
}
}  // namespace detail

/// A splitmix64 generator. Plain value: copy it, compare it, persist its state.
class meter_rng {
public:
    explicit constexpr meter_rng(std::uint64_t seed = 0) noexcept : state_(seed) {}
    static constexpr meter_rng from_state(std::uint64_t state) noexcept { return meter_rng{state}; }

    constexpr std::uint64_t state() const noexcept { return state_; }

    /// The next 64 random bits.
    constexpr std::uint64_t next() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;
        return mix64(state_);
    }

    /// A uniform integer in [lo, hi], both inclusive, without modulo bias. Requires lo <= hi.
    constexpr std::int64_t uniform(std::int64_t lo, std::int64_t hi) noexcept {
        if (hi <= lo) return lo;
        std::uint64_t const span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
        if (span == 0) return static_cast<std::int64_t>(next());  // the whole int64 range
        std::uint64_t r = 0;
        while (!detail::bounded(next(), span, r)) {}
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + r);
    }

    /// True with probability percent/100 (percent clamped to 0..100).
    constexpr bool chance_percent(int percent) noexcept { return uniform(0, 99) < percent; }

    constexpr bool operator==(meter_rng const&) const noexcept = default;

private:
    std::uint64_t state_;
};

/// A stateless uniform draw in [lo, hi] keyed by (seed, key): the same arguments always give
/// the same value, whatever was drawn before. Used for values that are functions of time.
constexpr std::int64_t uniform_at(std::uint64_t seed, std::uint64_t key, std::int64_t lo,
                                  std::int64_t hi) noexcept {
    meter_rng rng{mix64(seed ^ mix64(key + 0x632be59bd9b4e019ULL))};
    return rng.uniform(lo, hi);
}

}  // namespace metersim::meters

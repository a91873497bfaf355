#include "meters/flow_profile.hpp"

#include <algorithm>
#include <utility>

#include "meters/rng.hpp"

namespace metersim::meters {

namespace {

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

constexpr std::int64_t offset_ms(int utc_offset_min) noexcept {
    return static_cast<std::int64_t>(utc_offset_min) * 60'000;
}

constexpr volume non_negative(volume v) noexcept { return v.is_negative() ? volume::zero() : v; }

}  // namespace

std::string_view to_string(flow_kind k) noexcept {
    switch (k) {
    case flow_kind::constant: return "constant";
    case flow_kind::daily_pattern: return "daily_pattern";
    case flow_kind::seeded_random: return "seeded_random";
    }
    return "constant";
}

std::optional<flow_kind> flow_kind_from_string(std::string_view text) noexcept {
    for (flow_kind k : {flow_kind::constant, flow_kind::daily_pattern, flow_kind::seeded_random})
        if (to_string(k) == text) return k;
    return std::nullopt;
}

flow_profile flow_profile::constant(volume per_hour) {
    flow_profile_state s;
    s.kind = flow_kind::constant;
    s.constant_rate = per_hour;
    return flow_profile{s};
}

flow_profile flow_profile::daily_pattern(std::array<volume, 24> const& per_hour,
                                         int utc_offset_min) {
    flow_profile_state s;
    s.kind = flow_kind::daily_pattern;
    s.hourly = per_hour;
    s.utc_offset_min = utc_offset_min;
    return flow_profile{s};
}

flow_profile flow_profile::seeded_random(volume min_per_hour, volume max_per_hour,
                                         int idle_percent, std::uint64_t seed) {
    flow_profile_state s;
    s.kind = flow_kind::seeded_random;
    s.random_min = std::min(min_per_hour, max_per_hour);
    s.random_max = std::max(min_per_hour, max_per_hour);
    s.idle_percent = std::clamp(idle_percent, 0, 100);
    s.seed = seed;
    return flow_profile{s};
}

void flow_profile::set_override(volume per_hour) noexcept {
    state_.has_override = true;
    state_.override_rate = per_hour;
}

void flow_profile::clear_override() noexcept {
    state_.has_override = false;
    state_.override_rate = volume::zero();
}

volume flow_profile::rate_at(instant t) const noexcept {
    if (state_.has_override) return non_negative(state_.override_rate);
    switch (state_.kind) {
    case flow_kind::constant: return non_negative(state_.constant_rate);
    case flow_kind::daily_pattern: {
        std::int64_t const local = to_ms(t) + offset_ms(state_.utc_offset_min);
        std::int64_t const hour = floor_div(local, hour_ms) - floor_div(local, day_ms) * 24;
        return non_negative(state_.hourly[static_cast<std::size_t>(hour)]);
    }
    case flow_kind::seeded_random: {
        // Two independent draws per absolute hour: idle or not, then the rate.
        auto const h = static_cast<std::uint64_t>(floor_div(to_ms(t), hour_ms));
        if (uniform_at(state_.seed, 2 * h, 0, 99) < state_.idle_percent) return volume::zero();
        std::int64_t const lo = std::min(state_.random_min.e4(), state_.random_max.e4());
        std::int64_t const hi = std::max(state_.random_min.e4(), state_.random_max.e4());
        return non_negative(volume::from_e4(uniform_at(state_.seed, 2 * h + 1, lo, hi)));
    }
    }
    return volume::zero();
}

instant flow_profile::next_change_after(instant t) const noexcept {
    if (state_.has_override || state_.kind == flow_kind::constant) return never;
    std::int64_t const off =
        state_.kind == flow_kind::daily_pattern ? offset_ms(state_.utc_offset_min) : 0;
    std::int64_t const next_hour = floor_div(to_ms(t) + off, hour_ms) + 1;
    return instant_from_ms(next_hour * hour_ms - off);
}

wide_int flow_profile::integral(instant a, instant b) const noexcept {
    wide_int acc = 0;
    instant t = a;
    // A daily pattern repeats: whole local days are summed at once.
    if (!state_.has_override && state_.kind == flow_kind::daily_pattern && b - a > duration{2 * day_ms}) {
        std::int64_t const off = offset_ms(state_.utc_offset_min);
        instant const midnight =
            instant_from_ms((floor_div(to_ms(a) + off, day_ms) + 1) * day_ms - off);
        acc += integral(a, midnight);
        std::int64_t const days = (b - midnight).count() / day_ms;
        wide_int day_sum = 0;
        for (volume v : state_.hourly) day_sum += static_cast<wide_int>(non_negative(v).e4()) * hour_ms;
        acc += day_sum * days;
        t = midnight + duration{days * day_ms};
    }
    while (t < b) {
        instant const next = std::min(next_change_after(t), b);
        acc += static_cast<wide_int>(rate_at(t).e4()) * (next - t).count();
        t = next;
    }
    return acc;
}

volume flow_profile::volume_between(instant a, instant b, flow_remainder& carry) const noexcept {
    if (b <= a) return volume::zero();
    wide_int const total = integral(a, b) + carry.e4_ms;
    carry.e4_ms = static_cast<std::int64_t>(total % hour_ms);
    return volume::from_e4(static_cast<std::int64_t>(total / hour_ms));
}

}  // namespace metersim::meters

#include "meters/flow_profile.hpp"

#include <algorithm>
#include <utility>

#include "meters/rng.hpp"
#include "meters/enum_names.hpp"
#include "meters/floor_div.hpp"

namespace metersim::meters {

namespace {

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;


constexpr std::int64_t offset_ms(int utc_offset_min) noexcept {
    return static_cast<std::int64_t>(utc_offset_min) * 60'000;
}

constexpr volume non_negative(volume v) noexcept { return v.is_negative() ? volume::zero() : v; }

constexpr wide_int floor_div_wide(wide_int a, wide_int b) noexcept {
    wide_int q = wide_quot(a, b);
    if ((wide_rem(a, b) != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

constexpr std::array<volume, 24> no_rates{};

}  // namespace

// ---- hourly_rates -----------------------------------------------------------------------------

hourly_rates::hourly_rates(std::array<volume, 24> const& rates) {
    if (rates == no_rates) return;
    auto t = std::make_shared<table>();
    t->rates = rates;
    for (volume v : rates) {
        volume const r = non_negative(v);
        t->day_sum += static_cast<wide_int>(r.e4()) * hour_ms;
        t->max_rate = std::max(t->max_rate, r);
    }
    t_ = std::move(t);
}

wide_int hourly_rates::prefix(std::size_t hour) const noexcept {
    if (!t_) return 0;
    wide_int sum = 0;  // the rates fit in 64 bits; 24 of them times an hour need the headroom
    for (std::size_t h = 0; h < hour; ++h) sum += non_negative(t_->rates[h]).e4();
    return sum * hour_ms;
}

volume const* hourly_rates::data() const noexcept { return t_ ? t_->rates.data() : no_rates.data(); }

std::array<volume, 24> hourly_rates::to_array() const noexcept { return t_ ? t_->rates : no_rates; }

bool operator==(hourly_rates const& a, hourly_rates const& b) noexcept {
    return a.t_ == b.t_ || std::equal(a.begin(), a.end(), b.begin());
}

// ---- flow_profile -----------------------------------------------------------------------------

constexpr enum_name<flow_kind> flow_kind_names[] = {
    {flow_kind::constant, "constant"},
    {flow_kind::daily_pattern, "daily_pattern"},
    {flow_kind::seeded_random, "seeded_random"},
};

std::string_view to_string(flow_kind k) noexcept { return name_of(flow_kind_names, k, "constant"); }

std::optional<flow_kind> flow_kind_from_string(std::string_view text) noexcept {
    return value_of(flow_kind_names, text);
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

namespace {

/// A daily pattern's running integral at `t`: rate × ms from the local epoch day 0 to t, so
/// the integral over [a, b) is F(b) - F(a), exactly the sum over the hours in between.
wide_int daily_running(hourly_rates const& rates, std::int64_t off, instant t) noexcept {
    std::int64_t const local = to_ms(t) + off;
    std::int64_t const day = floor_div(local, day_ms);
    std::int64_t const in_day = local - day * day_ms;
    auto const hour = static_cast<std::size_t>(in_day / hour_ms);
    std::int64_t const in_hour = in_day - static_cast<std::int64_t>(hour) * hour_ms;
    return static_cast<wide_int>(day) * rates.day_sum() + rates.prefix(hour) +
           static_cast<wide_int>(non_negative(rates[hour]).e4()) * in_hour;
}

}  // namespace

wide_int flow_profile::integral(instant a, instant b) const noexcept {
    if (state_.has_override || state_.kind == flow_kind::constant)
        return static_cast<wide_int>(rate_at(a).e4()) * (b - a).count();
    if (state_.kind == flow_kind::daily_pattern) {
        std::int64_t const off = offset_ms(state_.utc_offset_min);
        return daily_running(state_.hourly, off, b) - daily_running(state_.hourly, off, a);
    }
    wide_int acc = 0;
    for (instant t = a; t < b;) {
        instant const next = std::min(next_change_after(t), b);
        acc += static_cast<wide_int>(rate_at(t).e4()) * (next - t).count();
        t = next;
    }
    return acc;
}

volume flow_profile::max_rate() const noexcept {
    if (state_.has_override) return non_negative(state_.override_rate);
    switch (state_.kind) {
    case flow_kind::constant: return non_negative(state_.constant_rate);
    case flow_kind::daily_pattern: return state_.hourly.max_rate();
    case flow_kind::seeded_random: return non_negative(std::max(state_.random_min, state_.random_max));
    }
    return volume::zero();
}

std::optional<instant> flow_profile::instant_reaching(instant a, wide_int need, instant limit) const noexcept {
    if (need <= 0) return a;
    if (a >= limit) return std::nullopt;
    wide_int const limit_ms = to_ms(limit);
    if (state_.has_override || state_.kind == flow_kind::constant) {
        std::int64_t const rate = rate_at(a).e4();
        if (rate <= 0) return std::nullopt;
        wide_int const at = to_ms(a) + wide_quot(need + rate - 1, rate);
        if (at > limit_ms) return std::nullopt;
        return instant_from_ms(static_cast<std::int64_t>(at));
    }
    if (state_.kind == flow_kind::daily_pattern) {
        hourly_rates const& rates = state_.hourly;
        wide_int const day_sum = rates.day_sum();
        if (day_sum <= 0) return std::nullopt;
        // [a, limit] overlaps at most span / day + 2 local days: a goal beyond their gas is not
        // reached (the usual answer for a credit watch, asked once per wake).
        if (std::int64_t span = 0; !__builtin_sub_overflow(to_ms(limit), to_ms(a), &span) &&
                                   need > static_cast<wide_int>(span / day_ms + 2) * day_sum)
            return std::nullopt;
        std::int64_t const off = offset_ms(state_.utc_offset_min);
        // The running integral reaches `goal` inside day d, in its first hour h whose running
        // sum reaches what is left of the goal; the rate of that hour is positive.
        wide_int const goal = daily_running(rates, off, a) + need;
        wide_int const day = floor_div_wide(goal - 1, day_sum);
        wide_int const left = goal - day * day_sum;  // in [1, day_sum]
        std::size_t lo = 0;  // the first hour whose running sum reaches `left`
        wide_int before = 0;
        for (; lo < 23; ++lo) {
            wide_int const next = before + static_cast<wide_int>(non_negative(rates[lo]).e4()) * hour_ms;
            if (next >= left) break;
            before = next;
        }
        wide_int const rate = non_negative(rates[lo]).e4();
        wide_int const ms = wide_quot(left - before + rate - 1, rate);
        wide_int const at = day * day_ms + static_cast<wide_int>(lo) * hour_ms + ms - off;
        if (at > limit_ms) return std::nullopt;
        return instant_from_ms(static_cast<std::int64_t>(at));
    }
    if (static_cast<wide_int>(max_rate().e4()) * (limit - a).count() < need) return std::nullopt;
    for (instant t = a; t < limit;) {
        std::int64_t const rate = rate_at(t).e4();
        instant const piece_end = std::min(next_change_after(t), limit);
        wide_int const span = (piece_end - t).count();
        if (rate > 0) {
            if (static_cast<wide_int>(rate) * span >= need)
                return t + duration{static_cast<std::int64_t>(wide_quot(need + rate - 1, rate))};
            need -= static_cast<wide_int>(rate) * span;
        }
        t = piece_end;
    }
    return std::nullopt;
}

volume flow_profile::volume_between(instant a, instant b, flow_remainder& carry) const noexcept {
    if (b <= a) return volume::zero();
    wide_int const total = integral(a, b) + carry.e4_ms;
    carry.e4_ms = static_cast<std::int64_t>(wide_rem(total, hour_ms));
    return volume::from_e4(static_cast<std::int64_t>(wide_quot(total, hour_ms)));
}

}  // namespace metersim::meters

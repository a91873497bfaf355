#pragma once
/// Consumption profiles: how much gas a meter's household draws, as a function of time.
///
/// Every profile is piecewise constant: `rate_at(t)` is a volume per hour (fixed4, m³/h) that
/// holds from t until `next_change_after(t)`. Kinds:
/// - constant: one rate;
/// - daily_pattern: 24 hourly rates, by local hour (fixed UTC offset);
/// - seeded_random: per absolute hour h (ms since epoch / 3 600 000), zero with probability
///   `idle_percent`, else uniform in [random_min, random_max] drawn with uniform_at(seed, h):
///   a pure function of time and seed, so integrating twice gives the same gas;
/// - an override (admin `flow`, scenarios) replaces whatever the kind says until cleared.
///
/// Integration is exact: `volume_between(a, b, carry)` sums rate × milliseconds (in 1e-4 m³·ms
/// per hour) and carries what is below 1e-4 m³ in `carry`. Integrating any split of an
/// interval in order with one carry gives exactly the total of integrating it at once. The
/// carry is part of the meter's state (persist it). Negative rates count as zero.
///
/// Cost (a fleet integrates every meter every day): a daily pattern's 24 rates live in an
/// immutable table shared by every copy of the profile (a fleet template gives one table for
/// all its meters), with its running sums, so integrating any span and finding when a volume is
/// reached take a few operations, not a walk over the hours.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"

namespace metersim::meters {

enum class flow_kind : std::uint8_t { constant, daily_pattern, seeded_random };
std::string_view to_string(flow_kind k) noexcept;  ///< "constant", "daily_pattern", "seeded_random"
std::optional<flow_kind> flow_kind_from_string(std::string_view text) noexcept;

/// A daily pattern's 24 hourly rates (m³/h, index = local hour 0..23): an immutable value
/// that reads like a std::array<volume, 24> (and is assigned from one). Copies share one table;
/// all zero takes no table at all. Compared by content.
class hourly_rates {
public:
    hourly_rates() noexcept = default;
    hourly_rates(std::array<volume, 24> const& rates);  // NOLINT: implicit, reads as the array

    static constexpr std::size_t size() noexcept { return 24; }
    volume operator[](std::size_t hour) const noexcept { return data()[hour]; }
    volume const* begin() const noexcept { return data(); }
    volume const* end() const noexcept { return data() + 24; }
    std::array<volume, 24> to_array() const noexcept;

    friend bool operator==(hourly_rates const& a, hourly_rates const& b) noexcept;

    /// For integration (flow_profile only), rate × ms in 1e-4 m³·ms per hour with negative rates
    /// as zero: the sum over the local hours before `hour` (0..24), and over the whole day.
    wide_int prefix(std::size_t hour) const noexcept;
    wide_int day_sum() const noexcept { return t_ ? t_->day_sum : 0; }
    /// The highest rate, never negative.
    volume max_rate() const noexcept { return t_ ? t_->max_rate : volume::zero(); }

private:
    struct table {
        std::array<volume, 24> rates{};
        wide_int day_sum = 0;
        volume max_rate;
    };
    volume const* data() const noexcept;

    std::shared_ptr<table const> t_;
};

/// The plain state of a profile; every field persists. Rates are m³ per hour.
struct flow_profile_state {
    flow_kind kind = flow_kind::constant;
    volume constant_rate;                  ///< constant
    hourly_rates hourly;                   ///< daily_pattern, index = local hour 0..23
    volume random_min;                     ///< seeded_random
    volume random_max;
    int idle_percent = 0;                  ///< seeded_random: share of hours with no gas
    std::uint64_t seed = 0;                ///< seeded_random: the meter's seed
    int utc_offset_min = 480;              ///< daily_pattern: the zone of the local hours
    bool has_override = false;
    volume override_rate;
    bool operator==(flow_profile_state const&) const = default;
};

/// The part of an integration below 1e-4 m³, in 1e-4 m³·ms per hour (0 <= e4_ms < 3 600 000).
struct flow_remainder {
    std::int64_t e4_ms = 0;
    bool operator==(flow_remainder const&) const = default;
};

/// Returned by next_change_after when the rate never changes again.
inline constexpr instant never = instant{duration{std::numeric_limits<std::int64_t>::max()}};

class flow_profile {
public:
    flow_profile() = default;
    explicit flow_profile(flow_profile_state state) : state_(state) {}

    static flow_profile constant(volume per_hour);
    static flow_profile daily_pattern(std::array<volume, 24> const& per_hour, int utc_offset_min);
    static flow_profile seeded_random(volume min_per_hour, volume max_per_hour, int idle_percent,
                                      std::uint64_t seed);

    flow_profile_state const& state() const noexcept { return state_; }

    /// The override (admin `flow`): a constant rate until cleared.
    void set_override(volume per_hour) noexcept;
    void clear_override() noexcept;

    /// The rate (m³/h) that holds at `t`, never negative.
    volume rate_at(instant t) const noexcept;

    /// The first instant after `t` at which the rate may change (`never` if it cannot).
    instant next_change_after(instant t) const noexcept;

    /// The gas drawn in [a, b), with the sub-1e-4 part carried in and out of `carry`.
    /// Zero (carry unchanged) when b <= a.
    volume volume_between(instant a, instant b, flow_remainder& carry) const noexcept;

    /// The earliest instant t in [a, limit] at which the rate × ms drawn over [a, t) reaches
    /// `need` (in 1e-4 m³·ms per hour, the unit of the carry), or nullopt if it does not by
    /// `limit`. `a` itself when need <= 0. Integrating to that instant gives at least `need`.
    std::optional<instant> instant_reaching(instant a, wide_int need, instant limit) const noexcept;

    /// The highest rate the profile can give (m³/h, never negative): a cheap bound.
    volume max_rate() const noexcept;

private:
    /// Rate × ms over [a, b) in 1e-4 m³·ms per hour (128-bit: long spans at high rates).
    wide_int integral(instant a, instant b) const noexcept;

    flow_profile_state state_;
};

}  // namespace metersim::meters

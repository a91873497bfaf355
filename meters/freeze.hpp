#pragma once
/// Frozen records: the meter's daily and monthly freezes of its reading and counters.
///
/// A freeze happens at every local midnight (daily, Xianfeng frozenType 3) and at every local
/// midnight that starts a month (monthly, frozenType 4; that instant also gets its daily
/// record), in a fixed UTC offset (`utc_offset_min`, +480 for China). A record holds the values
/// at that exact instant; frozenDate is that midnight (spec: xianfeng appendix 2 §5.6
/// FrozenValueInfo, records wrapped in a `frozenRecords` array as the example shows).
///
/// The freeze log does not integrate consumption: the aggregate does, and tells it the values at
/// each boundary. Two ways to drive it:
/// - `freeze_boundaries(from, to, offset)` lists the boundaries in (from, to], then the caller
///   calls `record(boundary, values)` for each, in order, as its integration reaches them;
/// - `advance(from, to, values_at)` does both with a callable `freeze_values(instant)`.
/// History is bounded (the newest `daily_keep` / `monthly_keep` records). Records not yet
/// reported are those after `state().reported_until`; `mark_reported` moves that mark.
///
/// Memory (a fleet holds 100,000 logs): the log keeps its histories packed (packed_records.hpp,
/// about 12 bytes a daily record instead of 56), nothing allocated until the first freeze;
/// state() unpacks them into the plain freeze_state.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/packed_records.hpp"

namespace metersim::meters {

/// Xianfeng frozenType values: 3 by day, 4 by month.
enum class freeze_kind : std::uint8_t { daily = 3, monthly = 4 };
std::string_view to_string(freeze_kind k) noexcept;  ///< "daily", "monthly"

/// The values frozen at a boundary. total_buy, total_use and surplus are in yuan for
/// money-prepaid meters and in m³ for gas-prepaid ones (spec: §5.6 totalBuyValue, totalUseValue,
/// surplusValue), hence the unitless `decimal`; backend-billed meters leave them zero.
struct freeze_values {
    volume reading;      ///< the cumulative reading (frozenValue)
    decimal total_buy;
    decimal total_use;
    decimal surplus;
    bool operator==(freeze_values const&) const = default;
};

/// One frozen record.
struct frozen_record {
    freeze_kind kind = freeze_kind::daily;
    instant at{};         ///< the local midnight frozen (frozenDate)
    freeze_values values;
    volume period_use;    ///< reading minus the previous record of the same kind (dayUseValue);
                          ///< zero for the first record of its kind
    bool operator==(frozen_record const&) const = default;
};

/// A boundary passed: a local midnight, and whether it also starts a month.
struct freeze_boundary {
    instant at{};
    bool month_start = false;
    bool operator==(freeze_boundary const&) const = default;
};

/// Every local midnight in (from, to], in order. Empty when to <= from.
std::vector<freeze_boundary> freeze_boundaries(instant from, instant to, int utc_offset_min);

/// The first local midnight strictly after `t` (to schedule the next freeze).
instant next_freeze_after(instant t, int utc_offset_min) noexcept;
/// The same midnight as a boundary: whether it also starts a month.
freeze_boundary next_boundary_after(instant t, int utc_offset_min) noexcept;

struct freeze_params {
    int utc_offset_min = 480;
    std::size_t daily_keep = 62;
    std::size_t monthly_keep = 24;
};

/// The plain state; every field persists. Records are oldest first (strictly increasing `at`),
/// as record() keeps them.
struct freeze_state {
    std::vector<frozen_record> daily;
    std::vector<frozen_record> monthly;
    instant reported_until{};  ///< records at or before this have been reported
    bool operator==(freeze_state const&) const = default;
};

class freeze_log {
public:
    freeze_log() = default;
    explicit freeze_log(freeze_params params, freeze_state const& state = {})
        : params_(params), daily_(state.daily), monthly_(state.monthly),
          reported_until_(state.reported_until),
          monthly_newest_(state.monthly.empty() ? instant::min() : state.monthly.back().at) {}

    freeze_params const& params() const noexcept { return params_; }
    /// The plain state (unpacked: a copy).
    freeze_state state() const;
    std::size_t daily_count() const noexcept { return daily_.size(); }
    std::size_t monthly_count() const noexcept { return monthly_.size(); }
    /// Heap bytes the histories hold.
    std::size_t heap_bytes() const noexcept { return daily_.heap_bytes() + monthly_.heap_bytes(); }
    /// Loads the daily history's front ahead of a wake (a day's freeze writes it).
    void prefetch() const noexcept { daily_.prefetch(); }

    /// Records the values at a boundary: a daily record, plus a monthly one at a month start.
    /// Returns the records made (one or two). A boundary not after the newest daily record is
    /// ignored (a replay changes nothing).
    std::vector<frozen_record> record(freeze_boundary const& b, freeze_values const& v);

    /// Records every boundary in (from, to], asking `values_at(instant)` for each.
    template <class ValuesAt>
    std::vector<frozen_record> advance(instant from, instant to, ValuesAt&& values_at) {
        std::vector<frozen_record> made;
        for (freeze_boundary const& b : freeze_boundaries(from, to, params_.utc_offset_min)) {
            for (frozen_record& r : record(b, values_at(b.at))) made.push_back(std::move(r));
        }
        return made;
    }

    /// As advance, without listing the records made (the meter's path: once the histories have
    /// grown to their keep, a freeze allocates nothing).
    template <class ValuesAt>
    void catch_up(instant from, instant to, ValuesAt&& values_at) {
        if (to <= from) return;
        // Most calls cross no midnight: the cheap test first, the day of the month only for a
        // midnight that is frozen.
        for (instant at = next_freeze_after(from, params_.utc_offset_min); at <= to;
             at = next_freeze_after(at, params_.utc_offset_min)) {
            freeze_boundary const b = next_boundary_after(at - duration{1}, params_.utc_offset_min);
            store(b, values_at(b.at), nullptr);
        }
    }

    /// Records after reported_until, daily then monthly, each oldest first.
    std::vector<frozen_record> since_last_report() const;

    /// Everything frozen up to `until` counts as reported.
    void mark_reported(instant until) noexcept;

private:
    /// record(), adding the records made to `made` when not null.
    void store(freeze_boundary const& b, freeze_values const& v, std::vector<frozen_record>* made);
    static frozen_record make(freeze_kind kind, instant at, freeze_values const& v,
                              packed_records const& history);

    freeze_params params_;
    packed_records daily_;
    packed_records monthly_;
    instant reported_until_{};
    /// The newest monthly record's instant (instant::min() when none): a report reads the
    /// monthly block only when it holds something unreported, about once a month.
    instant monthly_newest_ = instant::min();
};

}  // namespace metersim::meters

#include "meters/freeze.hpp"

#include <algorithm>
#include <iterator>
#include "meters/floor_div.hpp"

namespace metersim::meters {

namespace {

constexpr std::int64_t day_ms = 86'400'000;


/// The day of the month (1..31) of a count of days since 1970-01-01 (H. Hinnant's
/// civil_from_days, reduced to the day).
constexpr unsigned day_of_month(std::int64_t days) noexcept {
    std::int64_t const z = days + 719468;
    std::int64_t const era = floor_div(z, 146097);
    auto const doe = static_cast<unsigned>(z - era * 146097);                   // [0, 146096]
    unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              // [0, 365]
    unsigned const mp = (5 * doy + 2) / 153;                                   // [0, 11]
    return doy - (153 * mp + 2) / 5 + 1;                                       // [1, 31]
}

constexpr std::int64_t offset_ms(int utc_offset_min) noexcept {
    return static_cast<std::int64_t>(utc_offset_min) * 60'000;
}

}  // namespace

std::string_view to_string(freeze_kind k) noexcept {
    return k == freeze_kind::monthly ? "monthly" : "daily";
}

instant next_freeze_after(instant t, int utc_offset_min) noexcept {
    std::int64_t const off = offset_ms(utc_offset_min);
    std::int64_t const day = floor_div(to_ms(t) + off, day_ms) + 1;
    return instant_from_ms(day * day_ms - off);
}

freeze_boundary next_boundary_after(instant t, int utc_offset_min) noexcept {
    std::int64_t const off = offset_ms(utc_offset_min);
    std::int64_t const day = floor_div(to_ms(t) + off, day_ms) + 1;
    return {instant_from_ms(day * day_ms - off), day_of_month(day) == 1};
}

std::vector<freeze_boundary> freeze_boundaries(instant from, instant to, int utc_offset_min) {
    std::vector<freeze_boundary> out;
    if (to <= from) return out;
    std::int64_t const off = offset_ms(utc_offset_min);
    std::int64_t const first = floor_div(to_ms(from) + off, day_ms) + 1;  // strictly after from
    std::int64_t const last = floor_div(to_ms(to) + off, day_ms);         // at or before to
    if (last >= first) out.reserve(static_cast<std::size_t>(last - first + 1));
    for (std::int64_t day = first; day <= last; ++day)
        out.push_back({instant_from_ms(day * day_ms - off), day_of_month(day) == 1});
    return out;
}

freeze_state freeze_log::state() const {
    freeze_state s;
    s.daily = daily_.unpack();
    s.monthly = monthly_.unpack();
    s.reported_until = reported_until_;
    return s;
}

frozen_record freeze_log::make(freeze_kind kind, instant at, freeze_values const& v,
                               packed_records const& history) {
    frozen_record r;
    r.kind = kind;
    r.at = at;
    r.values = v;
    if (!history.empty()) r.period_use = v.reading - history.newest_reading();
    return r;
}

std::vector<frozen_record> freeze_log::record(freeze_boundary const& b, freeze_values const& v) {
    std::vector<frozen_record> made;
    store(b, v, &made);
    return made;
}

void freeze_log::store(freeze_boundary const& b, freeze_values const& v, std::vector<frozen_record>* made) {
    if (!daily_.empty() && b.at <= daily_.newest_at()) return;  // a replay
    frozen_record const daily = make(freeze_kind::daily, b.at, v, daily_);
    if (made) made->push_back(daily);
    daily_.push(daily, params_.daily_keep);
    if (b.month_start) {
        frozen_record const monthly = make(freeze_kind::monthly, b.at, v, monthly_);
        if (made) made->push_back(monthly);
        monthly_.push(monthly, params_.monthly_keep);
        monthly_newest_ = params_.monthly_keep == 0 ? instant::min() : b.at;
    }
}

std::vector<frozen_record> freeze_log::since_last_report() const {
    // Packed newest first: the unreported records are decoded without reading the old ones.
    std::vector<frozen_record> out;
    daily_.append_after(reported_until_, out);
    if (monthly_newest_ > reported_until_) monthly_.append_after(reported_until_, out);
    return out;
}

void freeze_log::mark_reported(instant until) noexcept {
    reported_until_ = std::max(reported_until_, until);
}

}  // namespace metersim::meters

#include "meters/billing.hpp"

#include <algorithm>
#include <limits>

namespace metersim::meters {

namespace {

constexpr std::int64_t no_limit = std::numeric_limits<std::int64_t>::max();

/// Calls f(ladder index, lower bound, upper bound) for each ladder of `t` in order (e4 units;
/// the last ladder's upper bound is no_limit).
template <class F>
void for_each_ladder(tariff const& t, F&& f) {
    std::size_t const n = t.price_count == 0 ? 1 : t.price_count;
    std::int64_t lo = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::int64_t const hi = i + 1 < n ? t.thresholds[i].e4() : no_limit;
        f(i, lo, std::max(lo, hi));
        lo = std::max(lo, hi);
    }
}

std::int64_t overlap(std::int64_t from, std::int64_t to, std::int64_t lo, std::int64_t hi) {
    return std::max<std::int64_t>(0, std::min(to, hi) - std::max(from, lo));
}

bool charges_money(billing_state const& s, billing_mode mode) {
    return mode == billing_mode::money_prepaid || (mode == billing_mode::backend && s.backend.prepaid);
}

/// C_s(u): the charge of the current segment up to cycle usage u.
money segment_charge(billing_state const& s, billing_mode mode, tariff const& active, volume u) {
    if (mode == billing_mode::backend) return charge_for(u - s.segment_start, s.backend.unit_price);
    return ladder_charge(active, s.segment_start, u);
}

}  // namespace

money ladder_charge(tariff const& t, volume from, volume to) {
    wide_int e8 = 0;
    for_each_ladder(t, [&](std::size_t i, std::int64_t lo, std::int64_t hi) {
        e8 += static_cast<wide_int>(overlap(from.e4(), to.e4(), lo, hi)) * t.prices[i].e4();
    });
    // One rounding for the whole segment (STYLE.md §7): increments telescope, nothing drifts.
    return money::from_e4(round_e8_to_e4(e8));
}

ladder_volumes ladder_split(tariff const& t, volume from, volume to) {
    ladder_volumes out{};
    for_each_ladder(t, [&](std::size_t i, std::int64_t lo, std::int64_t hi) {
        out[i] = volume::from_e4(overlap(from.e4(), to.e4(), lo, hi));
    });
    return out;
}

std::optional<tariff> charging_tariff(billing_state const& s, billing_mode mode, tariff const& active) {
    if (mode == billing_mode::money_prepaid) return active;
    if (mode == billing_mode::backend && s.backend.prepaid) return flat_tariff(s.backend.unit_price);
    return std::nullopt;
}

money add_usage(billing_state& s, billing_mode mode, tariff const& active, volume v) {
    if (!v.is_positive()) return money::zero();
    s.reading += v;
    s.cycle_usage += v;
    s.total_used_gas += v;
    if (mode == billing_mode::gas_prepaid) {
        s.gas_balance -= v;
        return money::zero();
    }
    if (!charges_money(s, mode)) return money::zero();
    money const charged_now = segment_charge(s, mode, active, s.cycle_usage);
    money const delta = charged_now - s.segment_charged;
    s.segment_charged = charged_now;
    s.balance -= delta;
    s.total_used_money += delta;
    return delta;
}

std::int64_t remaining_e4(billing_state const& s, billing_mode mode) {
    return mode == billing_mode::gas_prepaid ? s.gas_balance.e4() : s.balance.e4();
}

std::optional<volume> volume_until_below(billing_state const& s, billing_mode mode, tariff const& active,
                                         std::int64_t level_e4) {
    if (mode != billing_mode::gas_prepaid && !charges_money(s, mode)) return std::nullopt;
    std::int64_t const remaining = remaining_e4(s, mode);
    if (remaining < level_e4) return volume::zero();
    if (mode == billing_mode::gas_prepaid) return volume::from_e4(remaining - level_e4 + 1);
    // Smallest dv with C_s(u + dv) - charged > remaining - level; C_s is monotone in dv.
    money const target = s.segment_charged + money::from_e4(remaining - level_e4);
    auto exceeds = [&](std::int64_t dv) {
        return segment_charge(s, mode, active, s.cycle_usage + volume::from_e4(dv)) > target;
    };
    constexpr std::int64_t max_dv = 10'000'000'000'000'000;  // 1e12 m³: past any real meter
    std::int64_t lo = 0;  // !exceeds(lo): the segment's own charge is within the target
    std::int64_t hi = 1;
    while (!exceeds(hi)) {
        if (hi >= max_dv) return std::nullopt;
        lo = hi;
        hi = std::min(hi * 2, max_dv);
    }
    while (hi - lo > 1) {
        std::int64_t const mid = lo + (hi - lo) / 2;
        if (exceeds(mid)) hi = mid;
        else lo = mid;
    }
    return volume::from_e4(hi);
}

void close_segment(billing_state& s) {
    s.segment_start = s.cycle_usage;
    s.segment_charged = money::zero();
}

void reset_cycle(billing_state& s, instant at) {
    s.cycle_usage = volume::zero();
    close_segment(s);
    s.cycle_start = at;
}

void set_cycle_usage(billing_state& s, volume u) {
    s.cycle_usage = u;
    close_segment(s);
}

ladder_volumes segment_ladder_usage(billing_state const& s, tariff const& t) {
    return ladder_split(t, s.segment_start, s.cycle_usage);
}

price_change_info switch_tariff(billing_state& s, tariff const& old_t, tariff const& new_t, instant at) {
    price_change_info info;
    info.last_version = old_t.version;
    info.last_price_count = old_t.price_count;
    info.last_prices = old_t.prices;
    info.last_ladder_usage = segment_ladder_usage(s, old_t);
    info.last_cycle_usage = s.cycle_usage;
    info.total_use = s.reading;
    info.total_use_money = s.total_used_money;
    info.surplus_money = s.balance;
    info.at = at;
    close_segment(s);
    if (new_t.clear_ladder) reset_cycle(s, at);
    return info;
}

namespace {

/// Credit bought or refunded, money or gas alike: the balance and its running total move together
/// (a purchase also counts in buy_count).
template <class T>
void move_credit(T& balance, T& total_bought, T amount, bool refund) {
    if (refund) {
        balance -= amount;
        total_bought -= amount;
    } else {
        balance += amount;
        total_bought += amount;
    }
}

}  // namespace

void add_money(billing_state& s, money m) {
    move_credit(s.balance, s.total_bought_money, m, false);
    ++s.buy_count;
}

void refund_money(billing_state& s, money m) { move_credit(s.balance, s.total_bought_money, m, true); }

void add_gas(billing_state& s, volume v) {
    move_credit(s.gas_balance, s.total_bought_gas, v, false);
    ++s.buy_count;
}

void refund_gas(billing_state& s, volume v) { move_credit(s.gas_balance, s.total_bought_gas, v, true); }

void sync_backend(billing_state& s, backend_terms const& terms) {
    close_segment(s);
    s.backend = terms;
    s.balance = terms.surplus;
}

}  // namespace metersim::meters

#include "meters/tariff.hpp"

#include <chrono>
#include <string_view>
#include "meters/floor_div.hpp"

namespace metersim::meters {

namespace chr = std::chrono;

namespace {

/// A periodic cycle: boundaries are add_months(anchor, k * months) for every integer k.
struct periodic {
    instant anchor;
    std::int32_t months;
};

std::optional<periodic> periodic_of(billing_cycle const& c, utc_offset zone) {
    switch (c.kind) {
        case cycle_kind::none: return std::nullopt;
        case cycle_kind::months:
            if (c.months == 0) return std::nullopt;
            return periodic{c.start, c.months};
        case cycle_kind::monthly:
        case cycle_kind::quarterly:
        case cycle_kind::yearly: {
            // Settlement cycles turn at local midnight of the settlement day; any year serves
            // as the anchor because the pattern repeats.
            civil_time const a{2000, c.settle_month, c.settle_day, 0, 0, 0, 0};
            std::int32_t const n = c.kind == cycle_kind::monthly ? 1 : (c.kind == cycle_kind::quarterly ? 3 : 12);
            return periodic{from_civil(a, zone), n};
        }
    }
    return std::nullopt;
}


instant boundary(periodic const& p, std::int64_t k, utc_offset zone) {
    return add_months(p.anchor, static_cast<std::int32_t>(k * p.months), zone);
}

/// The index k of the last boundary at or before t.
std::int64_t last_index_at_or_before(periodic const& p, instant t, utc_offset zone) {
    std::int64_t k = floor_div(months_between(p.anchor, t, zone), p.months);
    while (boundary(p, k, zone) > t) --k;
    while (boundary(p, k + 1, zone) <= t) ++k;
    return k;
}

tariff_error err(std::string_view field, std::string_view reason) { return tariff_refusal(field, reason); }

}  // namespace

tariff_error tariff_refusal(std::string_view field, std::string_view reason) {
    return tariff_error{std::string{field}, std::string{reason}};
}

instant next_cycle_boundary(billing_cycle const& c, instant t, utc_offset zone) {
    auto const p = periodic_of(c, zone);
    if (!p) return instant::max();
    return boundary(*p, last_index_at_or_before(*p, t, zone) + 1, zone);
}

instant cycle_start_at(billing_cycle const& c, instant t, utc_offset zone) {
    auto const p = periodic_of(c, zone);
    if (!p) return instant{};
    return boundary(*p, last_index_at_or_before(*p, t, zone), zone);
}

tariff flat_tariff(price p) {
    tariff t;
    t.price_count = 1;
    t.prices[0] = p;
    return t;
}

std::optional<tariff_error> validate(tariff const& t) {
    if (t.price_count < 1 || t.price_count > max_prices) return err("price_count", "must be 1 to 6");
    for (std::size_t i = 0; i < t.price_count; ++i) {
        if (t.prices[i].is_negative()) return err("prices", "a price is negative");
    }
    for (std::size_t i = 0; i + 1 < t.price_count; ++i) {
        if (t.thresholds[i].is_negative()) return err("thresholds", "a threshold is negative");
        if (i > 0 && t.thresholds[i] < t.thresholds[i - 1]) return err("thresholds", "thresholds decrease");
    }
    auto const& c = t.cycle;
    if (c.kind == cycle_kind::months && (c.months < 1 || c.months > 255))
        return err("cycle.months", "must be 1 to 255");
    if (c.kind == cycle_kind::monthly || c.kind == cycle_kind::quarterly || c.kind == cycle_kind::yearly) {
        if (c.settle_month < 1 || c.settle_month > 12) return err("cycle.settle_month", "must be 1 to 12");
        if (c.settle_day < 1 || c.settle_day > 28) return err("cycle.settle_day", "must be 1 to 28");
    }
    return std::nullopt;
}

std::size_t ladder_of(tariff const& t, volume u) {
    std::size_t const last = t.price_count == 0 ? 0 : t.price_count - 1u;
    for (std::size_t i = 0; i < last; ++i) {
        if (u < t.thresholds[i]) return i;
    }
    return last;
}

price price_at(tariff const& t, volume u) { return t.prices[ladder_of(t, u)]; }

}  // namespace metersim::meters

#include "meters/tariff.hpp"

#include <charconv>
#include <chrono>
#include <string_view>

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

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
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

tariff_error err(std::string_view field, std::string_view reason) {
    return tariff_error{std::string{field}, std::string{reason}};
}

constexpr price max_vendor_price = price::from_units(30);  // spec: xianfeng §4.6 double(0-30)

}  // namespace

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

// ---- CNMCSP ---------------------------------------------------------------------------------

result<tariff, tariff_error> from_cnmcsp(cnmcsp_price const& p, instant received_at) {
    tariff t;
    t.version = p.version;
    t.code = p.price_id;
    t.effective_at = p.change_time.value_or(received_at);
    if (p.price1.is_negative()) return err("Price1", "must not be negative");
    t.prices[0] = p.price1;
    if (p.month_count) {
        if (*p.month_count < 1 || *p.month_count > 255) return err("MonthCount", "must be 1 to 255");
        t.cycle.kind = cycle_kind::months;
        t.cycle.months = static_cast<std::uint16_t>(*p.month_count);
        t.cycle.start = p.ini_date.value_or(t.effective_at);
    }
    if (p.price_mode == 100) return t;  // spec: cnmcsp §8 气价类型 100 常规气价: Price1 only
    if (p.price_mode != 101) return err("PriceMode", "must be 100 or 101");
    // spec: cnmcsp §5.3.10: a ladder price needs its cycle (MonthCount) and at least two tiers.
    if (!p.month_count) return err("MonthCount", "required for a ladder price (PriceMode 101)");
    if (!p.price2) return err("Price2", "required for a ladder price (PriceMode 101)");
    if (!p.level1) return err("Level1", "required for a ladder price (PriceMode 101)");
    if (p.price2->is_negative()) return err("Price2", "must not be negative");
    if (p.level1->is_negative()) return err("Level1", "must not be negative");
    t.price_count = 2;
    t.prices[1] = *p.price2;
    t.thresholds[0] = *p.level1;
    if (p.price3 || p.level2) {
        if (!p.price3) return err("Price3", "required with Level2");
        if (!p.level2) return err("Level2", "required with Price3");
        if (p.price3->is_negative()) return err("Price3", "must not be negative");
        if (*p.level2 < *p.level1) return err("Level2", "must not be below Level1");
        t.price_count = 3;
        t.prices[2] = *p.price3;
        t.thresholds[1] = *p.level2;
    }
    return t;
}

// ---- Xianfeng -------------------------------------------------------------------------------

namespace {
constexpr std::string_view xf_price_fields[5] = {"priceOne", "priceTwo", "priceThree", "priceFour", "priceFive"};
constexpr std::string_view xf_ladder_fields[4] = {"ladderGasOne", "ladderGasTwo", "ladderGasThree", "ladderGasFour"};
}  // namespace

result<tariff, tariff_error> from_xianfeng(xianfeng_price const& p) {
    tariff t;
    for (std::size_t i = 0; i < 5; ++i) {
        if (p.prices[i].is_negative() || p.prices[i] > max_vendor_price)
            return err(xf_price_fields[i], "must be 0 to 30");
        t.prices[i] = p.prices[i];
    }
    for (std::size_t i = 0; i < 4; ++i) {
        if (p.ladders[i].is_negative() || p.ladders[i] > volume::from_units(2147483647))
            return err(xf_ladder_fields[i], "must be 0 to 2147483647");
        // spec: xianfeng §4.6 note: 下一档阶梯气量应大于等于上一档阶梯气量.
        if (i > 0 && p.ladders[i] < p.ladders[i - 1])
            return err(xf_ladder_fields[i], "must not be below the previous ladder");
        t.thresholds[i] = p.ladders[i];
    }
    if (p.price_ver < 1 || p.price_ver > 255) return err("priceVer", "must be 1 to 255");
    if (p.price_period < 1 || p.price_period > 255) return err("pricePeriod", "must be 1 to 255");
    if (p.gas_type < 1 || p.gas_type > 255) return err("gasType", "must be 1 to 255");
    t.price_count = 5;
    t.version = std::to_string(p.price_ver);
    t.cycle.kind = cycle_kind::months;
    t.cycle.months = static_cast<std::uint16_t>(p.price_period);
    t.cycle.start = p.ladder_time;
    t.effective_at = p.price_time;
    t.clear_ladder = p.clear_mark;
    t.gas_type = static_cast<std::uint8_t>(p.gas_type);
    return t;
}

xianfeng_price to_xianfeng(tariff const& t) {
    xianfeng_price p;
    std::size_t const n = t.price_count == 0 ? 1 : t.price_count;
    for (std::size_t i = 0; i < 5; ++i) p.prices[i] = t.prices[i < n ? i : n - 1];
    for (std::size_t i = 0; i < 4; ++i) {
        if (i + 1 < n) p.ladders[i] = t.thresholds[i];
        else p.ladders[i] = n >= 2 ? t.thresholds[n - 2] : volume::zero();
    }
    int ver = 1;
    auto const* first = t.version.data();
    auto const [ptr, ec] = std::from_chars(first, first + t.version.size(), ver);
    if (ec != std::errc{} || ptr != first + t.version.size() || ver < 1 || ver > 255) ver = 1;
    p.price_ver = ver;
    switch (t.cycle.kind) {
        case cycle_kind::months: p.price_period = t.cycle.months; break;
        case cycle_kind::monthly: p.price_period = 1; break;
        case cycle_kind::quarterly: p.price_period = 3; break;
        case cycle_kind::yearly:
        case cycle_kind::none: p.price_period = 12; break;
    }
    p.price_time = t.effective_at;
    p.ladder_time = t.cycle.start;
    p.clear_mark = t.clear_ladder;
    p.gas_type = t.gas_type == 0 ? 1 : t.gas_type;
    return p;
}

// ---- Xintian --------------------------------------------------------------------------------

namespace {
constexpr std::string_view xt_divider_fields[5] = {"Divid1", "Divid2", "Divid3", "Divid4", "Divid5"};
constexpr std::string_view xt_price_fields[6] = {"Price1", "Price2", "Price3", "Price4", "Price5", "Price6"};
}  // namespace

result<tariff, tariff_error> from_xintian(xintian_price const& p) {
    tariff t;
    for (std::size_t i = 0; i < 6; ++i) {
        if (p.prices[i].is_negative()) return err(xt_price_fields[i], "must not be negative");
        t.prices[i] = p.prices[i];
    }
    for (std::size_t i = 0; i < 5; ++i) {
        if (p.dividers[i].is_negative()) return err(xt_divider_fields[i], "must not be negative");
        if (i > 0 && p.dividers[i] < p.dividers[i - 1])
            return err(xt_divider_fields[i], "must not be below the previous divider");
        t.thresholds[i] = p.dividers[i];
    }
    // spec: xintian §3.10: StairType 1 月结, 2 季结, 3 年结; FreezeMonth 结算月; FreezeDay 1-28.
    switch (p.stair_type) {
        case 1: t.cycle.kind = cycle_kind::monthly; break;
        case 2: t.cycle.kind = cycle_kind::quarterly; break;
        case 3: t.cycle.kind = cycle_kind::yearly; break;
        default: return err("StairType", "must be 1, 2 or 3");
    }
    if (p.freeze_month < 1 || p.freeze_month > 12) return err("FreezeMonth", "must be 1 to 12");
    if (p.freeze_day < 1 || p.freeze_day > 28) return err("FreezeDay", "must be 1 to 28");
    t.cycle.settle_month = static_cast<std::uint8_t>(p.freeze_month);
    t.cycle.settle_day = static_cast<std::uint8_t>(p.freeze_day);
    t.price_count = 6;
    t.code = p.price_type_code;
    t.effective_at = p.exe_date;
    return t;
}

}  // namespace metersim::meters

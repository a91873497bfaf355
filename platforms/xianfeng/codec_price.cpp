#include "platforms/xianfeng/codec_price.hpp"

#include <charconv>
#include <string>
#include <string_view>

namespace metersim::platforms::xianfeng {

using meters::cycle_kind;
using meters::price;
using meters::result;
using meters::tariff;
using meters::tariff_error;
using meters::volume;

namespace {

constexpr price max_vendor_price = price::from_units(30);  // spec: xianfeng §4.6 double(0-30)
constexpr std::string_view xf_price_fields[5] = {"priceOne", "priceTwo", "priceThree", "priceFour", "priceFive"};
constexpr std::string_view xf_ladder_fields[4] = {"ladderGasOne", "ladderGasTwo", "ladderGasThree", "ladderGasFour"};

}  // namespace

result<tariff, tariff_error> from_xianfeng(xianfeng_price const& p) {
    tariff t;
    for (std::size_t i = 0; i < 5; ++i) {
        if (p.prices[i].is_negative() || p.prices[i] > max_vendor_price)
            return meters::tariff_refusal(xf_price_fields[i], "must be 0 to 30");
        t.prices[i] = p.prices[i];
    }
    for (std::size_t i = 0; i < 4; ++i) {
        if (p.ladders[i].is_negative() || p.ladders[i] > volume::from_units(2147483647))
            return meters::tariff_refusal(xf_ladder_fields[i], "must be 0 to 2147483647");
        // spec: xianfeng §4.6 note: 下一档阶梯气量应大于等于上一档阶梯气量.
        if (i > 0 && p.ladders[i] < p.ladders[i - 1])
            return meters::tariff_refusal(xf_ladder_fields[i], "must not be below the previous ladder");
        t.thresholds[i] = p.ladders[i];
    }
    if (p.price_ver < 1 || p.price_ver > 255) return meters::tariff_refusal("priceVer", "must be 1 to 255");
    if (p.price_period < 1 || p.price_period > 255) return meters::tariff_refusal("pricePeriod", "must be 1 to 255");
    if (p.gas_type < 1 || p.gas_type > 255) return meters::tariff_refusal("gasType", "must be 1 to 255");
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

}  // namespace metersim::platforms::xianfeng

#include "platforms/xintian/codec_price.hpp"

#include <string>
#include <string_view>

namespace metersim::platforms::xintian {

using meters::cycle_kind;
using meters::result;
using meters::tariff;
using meters::tariff_error;

namespace {

constexpr std::string_view xt_divider_fields[5] = {"Divid1", "Divid2", "Divid3", "Divid4", "Divid5"};
constexpr std::string_view xt_price_fields[6] = {"Price1", "Price2", "Price3", "Price4", "Price5", "Price6"};

}  // namespace


result<tariff, tariff_error> from_xintian(xintian_price const& p) {
    tariff t;
    for (std::size_t i = 0; i < 6; ++i) {
        if (p.prices[i].is_negative()) return meters::tariff_refusal(xt_price_fields[i], "must not be negative");
        t.prices[i] = p.prices[i];
    }
    for (std::size_t i = 0; i < 5; ++i) {
        if (p.dividers[i].is_negative()) return meters::tariff_refusal(xt_divider_fields[i], "must not be negative");
        if (i > 0 && p.dividers[i] < p.dividers[i - 1])
            return meters::tariff_refusal(xt_divider_fields[i], "must not be below the previous divider");
        t.thresholds[i] = p.dividers[i];
    }
    // spec: xintian §3.10: StairType 1 月结, 2 季结, 3 年结; FreezeMonth 结算月; FreezeDay 1-28.
    switch (p.stair_type) {
        case 1: t.cycle.kind = cycle_kind::monthly; break;
        case 2: t.cycle.kind = cycle_kind::quarterly; break;
        case 3: t.cycle.kind = cycle_kind::yearly; break;
        default: return meters::tariff_refusal("StairType", "must be 1, 2 or 3");
    }
    if (p.freeze_month < 1 || p.freeze_month > 12) return meters::tariff_refusal("FreezeMonth", "must be 1 to 12");
    if (p.freeze_day < 1 || p.freeze_day > 28) return meters::tariff_refusal("FreezeDay", "must be 1 to 28");
    t.cycle.settle_month = static_cast<std::uint8_t>(p.freeze_month);
    t.cycle.settle_day = static_cast<std::uint8_t>(p.freeze_day);
    t.price_count = 6;
    t.code = p.price_type_code;
    t.effective_at = p.exe_date;
    return t;
}

}  // namespace metersim::platforms::xintian

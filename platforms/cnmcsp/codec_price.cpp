#include "platforms/cnmcsp/codec_price.hpp"

#include <string>
#include <string_view>

namespace metersim::platforms::cnmcsp {

using meters::cycle_kind;
using meters::instant;
using meters::result;
using meters::tariff;
using meters::tariff_error;


result<tariff, tariff_error> from_cnmcsp(cnmcsp_price const& p, instant received_at) {
    tariff t;
    t.version = p.version;
    t.code = p.price_id;
    t.effective_at = p.change_time.value_or(received_at);
    if (p.price1.is_negative()) return meters::tariff_refusal("Price1", "must not be negative");
    t.prices[0] = p.price1;
    if (p.month_count) {
        if (*p.month_count < 1 || *p.month_count > 255) return meters::tariff_refusal("MonthCount", "must be 1 to 255");
        t.cycle.kind = cycle_kind::months;
        t.cycle.months = static_cast<std::uint16_t>(*p.month_count);
        t.cycle.start = p.ini_date.value_or(t.effective_at);
    }
    if (p.price_mode == 100) return t;  // spec: cnmcsp §8 气价类型 100 常规气价: Price1 only
    if (p.price_mode != 101) return meters::tariff_refusal("PriceMode", "must be 100 or 101");
    // spec: cnmcsp §5.3.10: a ladder price needs its cycle (MonthCount) and at least two tiers.
    if (!p.month_count) return meters::tariff_refusal("MonthCount", "required for a ladder price (PriceMode 101)");
    if (!p.price2) return meters::tariff_refusal("Price2", "required for a ladder price (PriceMode 101)");
    if (!p.level1) return meters::tariff_refusal("Level1", "required for a ladder price (PriceMode 101)");
    if (p.price2->is_negative()) return meters::tariff_refusal("Price2", "must not be negative");
    if (p.level1->is_negative()) return meters::tariff_refusal("Level1", "must not be negative");
    t.price_count = 2;
    t.prices[1] = *p.price2;
    t.thresholds[0] = *p.level1;
    if (p.price3 || p.level2) {
        if (!p.price3) return meters::tariff_refusal("Price3", "required with Level2");
        if (!p.level2) return meters::tariff_refusal("Level2", "required with Price3");
        if (p.price3->is_negative()) return meters::tariff_refusal("Price3", "must not be negative");
        if (*p.level2 < *p.level1) return meters::tariff_refusal("Level2", "must not be below Level1");
        t.price_count = 3;
        t.prices[2] = *p.price3;
        t.thresholds[1] = *p.level2;
    }
    return t;
}

}  // namespace metersim::platforms::cnmcsp

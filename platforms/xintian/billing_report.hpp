#pragma once
/// The third-party billing report (spec: xintian §3.6, 抄表数据上报(第三方计费)): what the
/// platform POSTs to the CIS's own /api/Meters/GetData on every report of a third-party meter,
/// and the CIS's answer, which sets the unit price, the remaining money and the valve mode on
/// the meter.
///
/// The answer must be JSON with ResultCode 1 (an int, or "1" in lenient mode) and a DataList
/// (an array; a single object is accepted in lenient mode) whose entry for the reported meter
/// carries MeterAddr, UnitPrice, Remnant and ValveMode (1 open, 2 close, 3 warning close);
/// RemnantTime, LastPayMoney and LastPayTime are optional (kept for the journal). Anything else
/// — ResultCode 0 (请求失败), no entry for the meter, a field missing or mistyped — is a bad
/// answer: the push is not accepted (the outbox retries it) and the meter is left as it was.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "platforms/common/api_error.hpp"
#include "platforms/xintian/archive.hpp"
#include "platforms/xintian/codec.hpp"

namespace metersim::platforms::xintian {

/// §3.6.1 request body for one report.
std::string billing_report_body(meter_archive const& a, meter_reading const& r,
                                std::chrono::minutes zone);

/// One §3.6.2 DataList entry.
struct billing_answer {
    std::string meter_addr;
    meters::price unit_price;
    meters::money remnant;
    std::optional<meters::instant> remnant_time;
    std::int32_t valve_mode = 1;  ///< 1 open, 2 close, 3 warning close
    std::optional<meters::money> last_pay_money;
    std::optional<meters::instant> last_pay_time;
};

/// Reads the CIS's answer and returns the entry for `meter_addr` (the entry whose MeterAddr is
/// that meter; an entry for another meter is skipped, and an answer without the meter's entry
/// is an error even when it carries other meters' entries). The error names the field
/// ("DataList[0].UnitPrice must be a number, ...") with code "0" (§3.6.3 请求失败).
/// Deviations accepted in lenient mode are appended to `deviations`.
api_result<billing_answer> parse_billing_answer(std::string_view body, std::string_view meter_addr,
                                                conformance mode, std::chrono::minutes zone,
                                                std::vector<deviation>& deviations);

}  // namespace metersim::platforms::xintian

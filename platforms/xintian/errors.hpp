#pragma once
/// Xintian response codes (spec: xintian §3.1.3-§3.10.3, 响应码) and the one place that turns an
/// api_error into the vendor's answer.
///
/// Every answer is HTTP 200 with a JSON body `{"ResultCode":<int>,"Message":"..."}` (plus
/// `DataList` on queries that return data). ResultCode is a JSON number (the tables declare
/// Int). The codes below 1 mean different things in different sections (-3 is "TransId is
/// empty" in §3.2 and "ValveMode is empty" in §3.4), so the constants are named after the
/// section's meaning; the -200..-999 family is common to all sections.
///
/// Messages name the offending field: the code's Chinese meaning from the spec, then the
/// api_error's own message ("充值金额必须大于0: Money must be greater than 0").

#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"

namespace metersim::platforms::xintian {

namespace codes {
inline constexpr std::string_view success = "1";              ///< 请求成功
inline constexpr std::string_view user_not_found = "0";       ///< 用户编号不存在
inline constexpr std::string_view meter_not_found = "-1";     ///< 表号不存在
inline constexpr std::string_view no_user_or_meter = "-2";    ///< 用户编号和表号不能同时为空
// §3.2 RemotePay
inline constexpr std::string_view pay_trans_id_empty = "-3";  ///< 充值流水号不能为空
inline constexpr std::string_view pay_money_invalid = "-4";   ///< 充值金额必须大于0
inline constexpr std::string_view pay_date_empty = "-5";      ///< 充值日期不能为空
inline constexpr std::string_view pay_way_invalid = "-6";     ///< 支付方式不正确
inline constexpr std::string_view meter_cancelled = "-7";     ///< 表具状态为已销表
// §3.3 GetPayList
inline constexpr std::string_view list_trans_id_empty = "-3";  ///< 充值流水号不能为空
inline constexpr std::string_view begin_date_empty = "-4";     ///< 开始日期不能为空
inline constexpr std::string_view end_date_empty = "-5";       ///< 结束日期不能为空
inline constexpr std::string_view begin_after_end = "-6";      ///< 开始日期不能大于结束日期
// §3.4 ControlValve
inline constexpr std::string_view valve_mode_empty = "-3";    ///< 控阀类型不能为空
inline constexpr std::string_view valve_mode_invalid = "-4";  ///< 控阀类型参数错误
// Common to every section.
inline constexpr std::string_view bad_format = "-200";        ///< 数据格式错误，无法正确解析
inline constexpr std::string_view timestamp_invalid = "-201"; ///< 时间戳重复或错误
inline constexpr std::string_view auth_failed = "-202";       ///< 鉴权信息验证错误
inline constexpr std::string_view database_error = "-203";    ///< 数据库操作错误
inline constexpr std::string_view unknown_error = "-999";     ///< 未知异常
// §3.6 answer of the CIS
inline constexpr std::string_view report_failed = "0";        ///< 请求失败
}  // namespace codes

/// The endpoints, for the section-specific meaning of a code.
enum class endpoint {
    get_user_info,   ///< §3.1
    remote_pay,      ///< §3.2
    get_pay_list,    ///< §3.3
    control_valve,   ///< §3.4
    get_data,        ///< §3.5
    create_meter,    ///< §3.7
    set_price,       ///< §3.8
    change_meter,    ///< §3.9
    create_price,    ///< §3.10
};

/// "xintian §3.2" for remote_pay, ...
std::string_view section_of(endpoint e) noexcept;

/// The Chinese meaning of a code in that endpoint's table; empty when the table lacks it.
std::string_view meaning_of(endpoint e, std::string_view code) noexcept;

/// True when the endpoint's response-code table lists the code.
bool is_listed(endpoint e, std::string_view code) noexcept;

/// The message of a successful answer.
inline constexpr std::string_view success_message = "请求成功";

/// The answer for an error: HTTP 200, {"ResultCode":<code>,"Message":"<meaning>: <message>"}.
vendor_response to_response(endpoint e, api_error const& err);

/// The body of a successful answer; `data_list_json`, when not empty, is JSON text placed
/// verbatim as "DataList" (the caller guarantees valid JSON).
std::string success_body(std::string_view data_list_json = {},
                         std::string_view message = success_message);

}  // namespace metersim::platforms::xintian

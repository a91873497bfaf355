#pragma once
/// Xianfeng result codes (spec: xianfeng appendix 7, 异常返回码说明) and the one place that turns
/// an api_error into the vendor's answer.
///
/// Every answer of the Xianfeng platform is HTTP 200 with the body
///     {"responseCode":"500001","message":"设备信息不存在","result":null,"args":""}
/// (spec: xianfeng §1.1-§3.3 examples): the code is a string, `result` is null on errors, `args`
/// an empty string. The message is the code's Chinese meaning from appendix 7, followed by the
/// api_error's own message naming the field ("参数异常: userNo is required").
///
/// The constants carry the vendor's code text; `codes::device_not_found` is "500001". Meanings
/// are written with the standard CJK characters (the extracted spec text shows some as Kangxi
/// radicals, an artefact of the PDF, e.g. "⽤" for "用").

#include <span>
#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"

namespace metersim::platforms::xianfeng {

namespace codes {
inline constexpr std::string_view success = "100000";                       ///< 成功
inline constexpr std::string_view bad_parameter = "101001";                 ///< 参数异常
inline constexpr std::string_view interface_version = "500000";             ///< 接口版本错误
inline constexpr std::string_view device_not_found = "500001";              ///< 设备信息不存在
inline constexpr std::string_view company_not_found = "500002";             ///< 燃气公司信息不存在
inline constexpr std::string_view token_invalid = "500003";                 ///< Token校验未通过
inline constexpr std::string_view device_cancelled = "500004";              ///< 设备已注销
inline constexpr std::string_view device_opened = "500005";                 ///< 设备已开户
inline constexpr std::string_view register_failed = "500006";               ///< 注册设备信息失败
inline constexpr std::string_view update_failed = "500007";                 ///< 修改设备信息失败
inline constexpr std::string_view cancel_unopened = "500008";               ///< 未开户设备不能注销
inline constexpr std::string_view cancel_failed = "500009";                 ///< 注销设备信息失败
inline constexpr std::string_view model_not_found = "500010";               ///< 未找到设备对应的产品型号
inline constexpr std::string_view protocol_not_found = "500011";            ///< 未找到设备对应的协议代码
inline constexpr std::string_view protocol_unsupported = "500012";          ///< 设备对应的协议平台暂未支持
inline constexpr std::string_view command_unsupported = "500013";           ///< 该指令设备不支持
inline constexpr std::string_view command_create_failed = "500014";         ///< 生成指令发生异常
inline constexpr std::string_view valve_param_invalid = "500015";           ///< 阀门操作指令参数非法
inline constexpr std::string_view valve_encode_failed = "500016";           ///< 编码阀门操作指令发生异常
inline constexpr std::string_view billing_method_invalid = "500017";        ///< 计费方式参数非法
inline constexpr std::string_view prepaid_type_invalid = "500018";          ///< 预付费类型参数非法
inline constexpr std::string_view surplus_value_invalid = "500019";         ///< 剩余量参数非法
inline constexpr std::string_view price_invalid = "500020";                 ///< 单价参数非法
inline constexpr std::string_view ladder_no_invalid = "500021";             ///< 当前阶梯参数非法
inline constexpr std::string_view account_date_invalid = "500022";          ///< 结算时间参数非法
inline constexpr std::string_view account_open_encode_failed = "500023";    ///< 编码远程开户指令发生异常
inline constexpr std::string_view balance_sync_encode_failed = "500024";    ///< 编码余额同步指令发生异常
inline constexpr std::string_view ladder_gas_invalid = "500025";            ///< 阶梯气量参数非法
inline constexpr std::string_view ladder_gas_descending = "500026";         ///< 高阶阶梯气量小于低阶阶梯气量
inline constexpr std::string_view price_time_invalid = "500027";            ///< 价格启用时间参数非法
inline constexpr std::string_view price_version_invalid = "500028";         ///< 价格版本参数非法
inline constexpr std::string_view price_period_invalid = "500029";          ///< 阶梯周期参数非法
inline constexpr std::string_view ladder_time_invalid = "500030";           ///< 阶梯启用时间参数非法
inline constexpr std::string_view clear_mark_invalid = "500031";            ///< 清阶梯用量标记参数非法
inline constexpr std::string_view bill_no_invalid = "500032";               ///< 充值账单号参数非法
inline constexpr std::string_view recharge_value_invalid = "500033";        ///< 充值量参数非法
inline constexpr std::string_view card_no_invalid = "500034";               ///< 用户卡号参数非法
inline constexpr std::string_view gas_type_invalid = "500035";              ///< 用气类型参数非法
inline constexpr std::string_view account_cancel_encode_failed = "500036";  ///< 编码远程取消开户指令发生异常
inline constexpr std::string_view recharge_time_invalid = "500037";         ///< 充值时间参数非法
inline constexpr std::string_view recharge_encode_failed = "500038";        ///< 编码充值指令发生异常
inline constexpr std::string_view ladder_value_invalid = "500039";          ///< 阶梯累用量参数非法
inline constexpr std::string_view ladder_value_encode_failed = "500040";    ///< 编码设置阶梯累用量指令发生异常
inline constexpr std::string_view price_change_encode_failed = "500041";    ///< 编码远程调价指令发生异常
inline constexpr std::string_view price_read_encode_failed = "500042";      ///< 编码远程读取价格指令发生异常
inline constexpr std::string_view command_not_found = "500043";             ///< 指令不存在
inline constexpr std::string_view command_result_not_found = "500044";      ///< 指令结果不存在
inline constexpr std::string_view concentrator_not_found = "500045";        ///< 表具关联的集中器不存在
inline constexpr std::string_view command_not_cancellable = "500046";       ///< 已下发的指令不能取消
inline constexpr std::string_view command_cancel_failed = "500047";         ///< 取消指令发送异常
inline constexpr std::string_view batch_query_ids_invalid = "500048";       ///< 批量查询指令的指令序号集合异常
inline constexpr std::string_view msg_type_invalid = "500049";              ///< 查询设备最新一条上报数据的消息类型错误
inline constexpr std::string_view report_not_found = "500050";              ///< 未查询到设备上报数据
}  // namespace codes

/// One row of appendix 7.
struct code_info {
    std::string_view code;     ///< "500001"
    std::string_view name;     ///< the constant's name: "device_not_found"
    std::string_view meaning;  ///< the spec's description: "设备信息不存在"
};

/// Every row of appendix 7, in the document's order.
std::span<code_info const> all_codes() noexcept;

/// The Chinese meaning of a code, or an empty view for a code the appendix does not list.
std::string_view meaning_of(std::string_view code) noexcept;

/// The message of a successful answer, as the examples write it.
inline constexpr std::string_view success_message = "运行正确";

/// The vendor's answer for an error: HTTP 200 and the body described above.
vendor_response to_response(api_error const& e);

/// The body of a successful answer; `result_json` is JSON text placed verbatim as "result"
/// ("null", a quoted deviceId, an object). The caller guarantees it is valid JSON.
std::string success_body(std::string_view result_json = "null");
inline vendor_response success_response(std::string_view result_json = "null") {
    return vendor_response{200, success_body(result_json)};
}

}  // namespace metersim::platforms::xianfeng

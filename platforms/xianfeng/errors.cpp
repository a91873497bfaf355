#include "platforms/xianfeng/errors.hpp"

#include <array>

#include "platforms/common/error_message.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::platforms::xianfeng {

namespace {

// spec: xianfeng appendix 7 (异常返回码说明), row by row.
constexpr std::array<code_info, 53> table{{
    {codes::success, "success", "成功"},
    {codes::bad_parameter, "bad_parameter", "参数异常"},
    {codes::interface_version, "interface_version", "接口版本错误"},
    {codes::device_not_found, "device_not_found", "设备信息不存在"},
    {codes::company_not_found, "company_not_found", "燃气公司信息不存在"},
    {codes::token_invalid, "token_invalid", "Token校验未通过"},
    {codes::device_cancelled, "device_cancelled", "设备已注销"},
    {codes::device_opened, "device_opened", "设备已开户"},
    {codes::register_failed, "register_failed", "注册设备信息失败"},
    {codes::update_failed, "update_failed", "修改设备信息失败"},
    {codes::cancel_unopened, "cancel_unopened", "未开户设备不能注销"},
    {codes::cancel_failed, "cancel_failed", "注销设备信息失败"},
    {codes::model_not_found, "model_not_found", "未找到设备对应的产品型号"},
    {codes::protocol_not_found, "protocol_not_found", "未找到设备对应的协议代码"},
    {codes::protocol_unsupported, "protocol_unsupported", "设备对应的协议平台暂未支持"},
    {codes::command_unsupported, "command_unsupported", "该指令设备不支持"},
    {codes::command_create_failed, "command_create_failed", "生成指令发生异常"},
    {codes::valve_param_invalid, "valve_param_invalid", "阀门操作指令参数非法"},
    {codes::valve_encode_failed, "valve_encode_failed", "编码阀门操作指令发生异常"},
    {codes::billing_method_invalid, "billing_method_invalid", "计费方式参数非法"},
    {codes::prepaid_type_invalid, "prepaid_type_invalid", "预付费类型参数非法"},
    {codes::surplus_value_invalid, "surplus_value_invalid", "剩余量参数非法"},
    {codes::price_invalid, "price_invalid", "单价参数非法"},
    {codes::ladder_no_invalid, "ladder_no_invalid", "当前阶梯参数非法"},
    {codes::account_date_invalid, "account_date_invalid", "结算时间参数非法"},
    {codes::account_open_encode_failed, "account_open_encode_failed", "编码远程开户指令发生异常"},
    {codes::balance_sync_encode_failed, "balance_sync_encode_failed", "编码余额同步指令发生异常"},
    {codes::ladder_gas_invalid, "ladder_gas_invalid", "阶梯气量参数非法"},
    {codes::ladder_gas_descending, "ladder_gas_descending", "高阶阶梯气量小于低阶阶梯气量"},
    {codes::price_time_invalid, "price_time_invalid", "价格启用时间参数非法"},
    {codes::price_version_invalid, "price_version_invalid", "价格版本参数非法"},
    {codes::price_period_invalid, "price_period_invalid", "阶梯周期参数非法"},
    {codes::ladder_time_invalid, "ladder_time_invalid", "阶梯启用时间参数非法"},
    {codes::clear_mark_invalid, "clear_mark_invalid", "清阶梯用量标记参数非法"},
    {codes::bill_no_invalid, "bill_no_invalid", "充值账单号参数非法"},
    {codes::recharge_value_invalid, "recharge_value_invalid", "充值量参数非法"},
    {codes::card_no_invalid, "card_no_invalid", "用户卡号参数非法"},
    {codes::gas_type_invalid, "gas_type_invalid", "用气类型参数非法"},
    {codes::account_cancel_encode_failed, "account_cancel_encode_failed", "编码远程取消开户指令发生异常"},
    {codes::recharge_time_invalid, "recharge_time_invalid", "充值时间参数非法"},
    {codes::recharge_encode_failed, "recharge_encode_failed", "编码充值指令发生异常"},
    {codes::ladder_value_invalid, "ladder_value_invalid", "阶梯累用量参数非法"},
    {codes::ladder_value_encode_failed, "ladder_value_encode_failed", "编码设置阶梯累用量指令发生异常"},
    {codes::price_change_encode_failed, "price_change_encode_failed", "编码远程调价指令发生异常"},
    {codes::price_read_encode_failed, "price_read_encode_failed", "编码远程读取价格指令发生异常"},
    {codes::command_not_found, "command_not_found", "指令不存在"},
    {codes::command_result_not_found, "command_result_not_found", "指令结果不存在"},
    {codes::concentrator_not_found, "concentrator_not_found", "表具关联的集中器不存在"},
    {codes::command_not_cancellable, "command_not_cancellable", "已下发的指令不能取消"},
    {codes::command_cancel_failed, "command_cancel_failed", "取消指令发送异常"},
    {codes::batch_query_ids_invalid, "batch_query_ids_invalid", "批量查询指令的指令序号集合异常"},
    {codes::msg_type_invalid, "msg_type_invalid", "查询设备最新一条上报数据的消息类型错误"},
    {codes::report_not_found, "report_not_found", "未查询到设备上报数据"},
}};

}  // namespace

std::span<code_info const> all_codes() noexcept { return table; }
std::string_view meaning_of(std::string_view code) noexcept { return meaning_in(all_codes(), code); }

// spec: xianfeng §1.1-§3.3 examples: {"responseCode", "message", "result", "args"}, HTTP 200.
vendor_response to_response(api_error const& e) {
    std::string body;
    json_text w(body, bad_utf8::per_byte);
    w.begin_object();
    w.field("responseCode", e.code);
    w.field("message", error_message(meaning_of(e.code), e.message));
    w.key("result");
    w.raw("null");
    w.field("args", "");
    w.end_object();
    w.finish();
    return vendor_response{200, std::move(body)};
}

std::string success_body(std::string_view result_json) {
    std::string body;
    json_text w(body);
    w.begin_object();
    w.field("responseCode", codes::success);
    w.key("message");
    w.raw(R"("运行正确")");  // a literal: copied, not scanned
    w.key("result");
    w.raw(result_json);
    w.field("args", "");
    w.end_object();
    w.finish();
    return body;
}

}  // namespace metersim::platforms::xianfeng

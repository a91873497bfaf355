#include "platforms/cnmcsp/errors.hpp"

#include <array>

#include "platforms/common/error_message.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

// spec: cnmcsp §7, in the document's order.
constexpr std::array<code_info, 43> table{{
    {codes::unparseable, "传入参数解析失败"},
    {codes::type_conversion, "传入参数数据类型转换错误"},
    {codes::db_insert_failed, "传入参数数据插入中间数据库表失败"},
    {codes::bad_field, "传入参数缺少重要字段 或 字段不符合规范"},
    {codes::duplicate_account, "数据库中已经存在该用户号或气表号，开户失败"},
    {codes::bad_price, "传入参数中价格数据不符合规范"},
    {codes::price_add_failed, "向CNM系统中新增价格信息失败"},
    {codes::bad_user, "传入参数中用户数据不符合规范"},
    {codes::bad_meter, "传入参数中气表数据不符合规范"},
    {codes::account_add_failed, "向CNM系统中新增用户或气表信息失败"},
    {codes::remote_open_failed, "CNM系统中远程开户失败"},
    {codes::unknown_account, "数据库中不存在该用户号或气表号，用户修改失败"},
    {codes::modify_failed, "向CNM系统中修改用户信息失败"},
    {codes::mismatch, "数据库中用户号或气表号对应不一致"},
    {codes::reading_failed, "表具抄表失败"},
    {codes::new_meter_exists, "数据库中已经存在该新气表号，换表失败"},
    {codes::change_failed, "向CNM系统中换表操作失败"},
    {codes::no_system_id, "数据库中用户或气表没有与系统ID相对应"},
    {codes::bad_meter_id, "传入参数中气表ID不合规范,采集仪系数生成失败"},
    {codes::valve_failed, "远程阀控操作失败"},
    {codes::delete_failed, "销户操作失败"},
    {codes::buy_count_failed, "购气次数获取失败"},
    {codes::meter_no_change_failed, "表号变更操作失败"},
    {codes::account_inactive, "该用户是销户、报停、休户用户，无法进行接口功能操作"},
    {codes::not_remote, "非远传表，无法进行远程操作"},
    {codes::suspend_failed, "表具停用失败"},
    {codes::resume_failed, "表具启用失败"},
    {codes::cancel_recharge_failed, "取消远程充值失败"},
    {codes::unknown_model, "找不到该气表型号"},
    {codes::unknown_protocol, "找不到该气表通信协议"},
    {codes::mismatch, "数据库用户表中用户号与ID号对应不一致"},
    {codes::price_change_failed, "远程调价失败"},
    {codes::recharge_failed, "远程充值失败"},
    {codes::no_alarm_data, "无警报数据需要发送"},
    {codes::peer_no_answer, "对方服务器无响应"},
    {codes::duplicate_trade_no, "交易流水号已存在"},
    {codes::duplicate_price_id, "传入参数中价格ID已经存在"},
    {codes::unknown_price_id, "传入参数的价格ID不存在"},
    {codes::duplicate_serial_no, "传入参数的流水号已经存在"},
    {codes::unknown_trade_no, "传入参数的指令流水号不存在"},
    {codes::remain_option_failed, "远程返充补扣操作失败"},
    {codes::auth_failed, "身份验证失败"},
    {codes::envelope_failed, "数据解密或校验失败"},
}};

}  // namespace

// spec: cnmcsp §7: {"returnCode": ..., "returnMessage": ...}; 401 for a failed authentication.
vendor_response to_response(api_error const& e) {
    vendor_response out{e.code == codes::auth_failed ? 401u : 200u, {}};
    json_text w(out.body, bad_utf8::per_byte);
    w.begin_object();
    w.field("returnCode", e.code);
    w.field("returnMessage", error_message(meaning_of(e.code), e.message));
    w.end_object();
    w.finish();
    return out;
}

std::string success_body(std::string_view extra_members) {
    std::string body;
    body.reserve(64 + extra_members.size());
    body += R"({"ReturnCode":"0","ReturnMessage":"接口功能执行成功")";
    body += extra_members;
    body += '}';
    return body;
}

std::span<code_info const> all_codes() noexcept { return table; }
std::string_view meaning_of(std::string_view code) noexcept { return meaning_in(all_codes(), code); }

}  // namespace metersim::platforms::cnmcsp

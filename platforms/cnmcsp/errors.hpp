#pragma once
/// CNMCSP return codes (spec: cnmcsp §7, 错误返回) and the one place that renders an answer.
///
/// Answers follow the document's own examples (spec: cnmcsp §5.3.1-§5.3.13): a success is
///     {"ReturnCode":"0","ReturnMessage":"接口功能执行成功"}
/// and an error is
///     {"returnCode":"80002009","returnMessage":"数据库中已经存在该用户号或气表号，开户失败: MeterNo ..."}
/// with the lower-case keys the error examples use and the code as a string (the examples send
/// "0" for the int ReturnCode; a fake platform answers as the real one does, and CIS code must
/// cope with it). The message is the code's meaning from §7 followed by the api_error's message,
/// which names the field. Business errors are HTTP 200, as on the real platform.
///
/// Authentication failures (§4.1 defines no code for them) answer HTTP 401 with metersim's own
/// code 80003001, and an envelope that does not decrypt or whose MAC does not verify (§4.2)
/// answers 80003002: the 80003xxx range is unused by §7, so a CIS can tell these apart.

#include <span>
#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"

namespace metersim::platforms::cnmcsp {

namespace codes {
inline constexpr std::string_view success = "0";
inline constexpr std::string_view unparseable = "80002001";          ///< 传入参数解析失败
inline constexpr std::string_view type_conversion = "80002002";      ///< 传入参数数据类型转换错误
inline constexpr std::string_view db_insert_failed = "80001010";     ///< 插入中间数据库表失败
inline constexpr std::string_view bad_field = "80002003";            ///< 缺少重要字段 或 字段不符合规范
inline constexpr std::string_view duplicate_account = "80002009";    ///< 已经存在该用户号或气表号，开户失败
inline constexpr std::string_view bad_price = "80002004";            ///< 价格数据不符合规范
inline constexpr std::string_view price_add_failed = "80002007";     ///< 新增价格信息失败
inline constexpr std::string_view bad_user = "80002005";             ///< 用户数据不符合规范
inline constexpr std::string_view bad_meter = "80002006";            ///< 气表数据不符合规范
inline constexpr std::string_view account_add_failed = "80002008";   ///< 新增用户或气表信息失败
inline constexpr std::string_view remote_open_failed = "80002010";   ///< 远程开户失败
inline constexpr std::string_view unknown_account = "80002011";      ///< 不存在该用户号或气表号，用户修改失败
inline constexpr std::string_view modify_failed = "80002012";        ///< 修改用户信息失败
inline constexpr std::string_view mismatch = "80002013";             ///< 用户号或气表号对应不一致
inline constexpr std::string_view reading_failed = "80002014";       ///< 表具抄表失败
inline constexpr std::string_view new_meter_exists = "80002015";     ///< 已经存在该新气表号，换表失败
inline constexpr std::string_view change_failed = "80002016";        ///< 换表操作失败
inline constexpr std::string_view no_system_id = "80002017";         ///< 用户或气表没有与系统ID相对应
inline constexpr std::string_view bad_meter_id = "80002018";         ///< 气表ID不合规范
inline constexpr std::string_view valve_failed = "80002019";         ///< 远程阀控操作失败
inline constexpr std::string_view delete_failed = "80002020";        ///< 销户操作失败
inline constexpr std::string_view meter_no_change_failed = "80002021";  ///< 表号变更操作失败
inline constexpr std::string_view buy_count_failed = "80002022";     ///< 购气次数获取失败
inline constexpr std::string_view account_inactive = "80002023";     ///< 销户、报停、休户用户
inline constexpr std::string_view not_remote = "80002024";           ///< 非远传表，无法进行远程操作
inline constexpr std::string_view suspend_failed = "80002025";       ///< 表具停用失败
inline constexpr std::string_view resume_failed = "80002026";        ///< 表具启用失败
inline constexpr std::string_view cancel_recharge_failed = "80002027";  ///< 取消远程充值失败
inline constexpr std::string_view unknown_model = "80002028";        ///< 找不到该气表型号
inline constexpr std::string_view unknown_protocol = "80002029";     ///< 找不到该气表通信协议 / 远程调价失败
inline constexpr std::string_view price_change_failed = "80002029";  ///< the same number (specs/README.md)
inline constexpr std::string_view recharge_failed = "80002030";      ///< 远程充值失败
inline constexpr std::string_view no_alarm_data = "80002031";        ///< 无警报数据需要发送
inline constexpr std::string_view peer_no_answer = "80002032";       ///< 对方服务器无响应
inline constexpr std::string_view duplicate_trade_no = "80002033";   ///< 交易流水号已存在
inline constexpr std::string_view duplicate_price_id = "80002034";   ///< 价格ID已经存在
inline constexpr std::string_view unknown_price_id = "80002035";     ///< 价格ID不存在
inline constexpr std::string_view duplicate_serial_no = "80002036";  ///< 流水号已经存在
inline constexpr std::string_view unknown_trade_no = "80002037";     ///< 指令流水号不存在
inline constexpr std::string_view remain_option_failed = "80002038"; ///< 远程返充补扣操作失败

// metersim's own codes, outside §7's ranges (see the header comment and README.md).
inline constexpr std::string_view auth_failed = "80003001";          ///< §4.1 headers refused
inline constexpr std::string_view envelope_failed = "80003002";      ///< §4.2 envelope refused
}  // namespace codes

/// One row of §7 (plus the two metersim codes).
struct code_info {
    std::string_view code;
    std::string_view meaning;
};

/// Every row of §7 in the document's order (80002013 and 80002029 appear twice, as there),
/// then 80003001 and 80003002.
std::span<code_info const> all_codes() noexcept;

/// The meaning of a code (the first row for a code listed twice); empty when unknown.
std::string_view meaning_of(std::string_view code) noexcept;

/// The success message of every example answer.
inline constexpr std::string_view success_message = "接口功能执行成功";

/// The answer for an error: HTTP 200 (401 for 80003001) and the body described above.
vendor_response to_response(api_error const& e);

/// {"ReturnCode":"0","ReturnMessage":"接口功能执行成功"} followed by `extra_members` (JSON text
/// of further members, starting with a comma, e.g. `,"ReadingData":[...]`).
std::string success_body(std::string_view extra_members = {});

}  // namespace metersim::platforms::cnmcsp

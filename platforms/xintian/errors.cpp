#include "platforms/xintian/errors.hpp"

#include <array>
#include <utility>

#include "platforms/common/error_message.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::platforms::xintian {

namespace {

struct row {
    std::string_view code;
    std::string_view meaning;
};

template <std::size_t N>
std::string_view find_in(row const (&rows)[N], std::string_view code) {
    return meaning_in(std::span<row const>(rows), code);
}

// The common tail of every table (spec: xintian §3.1.3 ... §3.10.3).
constexpr std::array<row, 5> common_rows{{
    {codes::bad_format, "数据格式错误，无法正确解析"},
    {codes::timestamp_invalid, "时间戳重复或错误"},
    {codes::auth_failed, "鉴权信息验证错误"},
    {codes::database_error, "数据库操作错误"},
    {codes::unknown_error, "未知异常"},
}};

constexpr row lookup_rows[] = {
    {codes::user_not_found, "用户编号不存在"},
    {codes::meter_not_found, "表号不存在"},
    {codes::no_user_or_meter, "用户编号和表号不能同时为空"},
};

constexpr row pay_rows[] = {
    {codes::pay_trans_id_empty, "充值流水号不能为空"}, {codes::pay_money_invalid, "充值金额必须大于0"},
    {codes::pay_date_empty, "充值日期不能为空"},      {codes::pay_way_invalid, "支付方式不正确"},
    {codes::meter_cancelled, "表具状态为已销表"},
};

constexpr row list_rows[] = {
    {codes::list_trans_id_empty, "充值流水号不能为空"},
    {codes::begin_date_empty, "开始日期不能为空"},
    {codes::end_date_empty, "结束日期不能为空"},
    {codes::begin_after_end, "开始日期不能大于结束日期"},
};

constexpr row valve_rows[] = {
    {codes::valve_mode_empty, "控阀类型不能为空"},
    {codes::valve_mode_invalid, "控阀类型参数错误"},
};

std::string_view find_specific(endpoint e, std::string_view code) {
    bool const lookups = e != endpoint::create_meter && e != endpoint::create_price;
    // §3.8 and §3.9 list only -1 of the lookup codes.
    bool const meter_only = e == endpoint::set_price || e == endpoint::change_meter;
    if (lookups && (!meter_only || code == codes::meter_not_found)) {
        if (auto m = find_in(lookup_rows, code); !m.empty()) return m;
    }
    switch (e) {
        case endpoint::remote_pay: return find_in(pay_rows, code);
        case endpoint::get_pay_list: return find_in(list_rows, code);
        case endpoint::control_valve: return find_in(valve_rows, code);
        default: return {};
    }
}

}  // namespace

std::string_view section_of(endpoint e) noexcept {
    switch (e) {
        case endpoint::get_user_info: return "xintian §3.1";
        case endpoint::remote_pay: return "xintian §3.2";
        case endpoint::get_pay_list: return "xintian §3.3";
        case endpoint::control_valve: return "xintian §3.4";
        case endpoint::get_data: return "xintian §3.5";
        case endpoint::create_meter: return "xintian §3.7";
        case endpoint::set_price: return "xintian §3.8";
        case endpoint::change_meter: return "xintian §3.9";
        case endpoint::create_price: return "xintian §3.10";
    }
    return "xintian §3";
}

std::string_view meaning_of(endpoint e, std::string_view code) noexcept {
    if (code == codes::success) return success_message;
    if (auto m = meaning_in(std::span<row const>(common_rows), code); !m.empty()) return m;
    return find_specific(e, code);
}

bool is_listed(endpoint e, std::string_view code) noexcept { return !meaning_of(e, code).empty(); }

// spec: xintian §3.x.3: {"ResultCode": <number>, "Message": ...}, HTTP 200.
vendor_response to_response(endpoint e, api_error const& err) {
    // A code the section does not list would be a bug here; answer -999 rather than invent one.
    std::string_view code = is_listed(e, err.code) ? std::string_view(err.code) : codes::unknown_error;
    std::string body;
    json_text w(body, bad_utf8::per_byte);
    w.begin_object();
    w.key("ResultCode");
    w.raw(code);  // the codes are numbers: -202, -999
    w.field("Message", error_message(meaning_of(e, code), err.message));
    w.end_object();
    w.finish();
    return vendor_response{200, std::move(body)};
}

std::string success_body(std::string_view data_list_json, std::string_view message) {
    std::string body;
    json_text w(body, bad_utf8::per_byte);
    w.begin_object();
    w.number("ResultCode", 1);
    w.field("Message", message);
    if (!data_list_json.empty()) {
        w.key("DataList");
        w.raw(data_list_json);
    }
    w.end_object();
    w.finish();
    return body;
}

}  // namespace metersim::platforms::xintian

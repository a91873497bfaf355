#include "meters/alarms.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace metersim::meters {

namespace {

using ac = alarm_code;

// spec: xianfeng appendix 6 (附录六 报警事件代码说明). closes_valve is true where the table's
// description says the valve closes by itself (0001H, 0003H, 0008H, 0009H, 000AH).
constexpr std::array<alarm_info, 27> table{{
    {ac::dead_meter, "0001H", "死表", "dead_meter", true},
    {ac::valve_closed, "0002H", "阀门关闭", "valve_closed", false},
    {ac::external_abnormal, "0003H", "外部检测到异常", "external_abnormal", true},
    {ac::battery_failure, "0004H", "电池失压", "battery_failure", false},
    {ac::valve_opened, "0005H", "阀门打开", "valve_opened", false},
    {ac::over_flow, "0006H", "流量超限", "over_flow", false},
    {ac::battery_low, "0007H", "电池欠压", "battery_low", false},
    {ac::single_pipe, "0008H", "单管", "single_pipe", true},
    {ac::magnetic_interference, "0009H", "强磁干扰", "magnetic_interference", true},
    {ac::break_line, "000AH", "断线", "break_line", true},
    {ac::valve_open_failed, "000BH", "开阀失败", "valve_open_failed", false},
    {ac::valve_close_failed, "000CH", "关阀失败", "valve_close_failed", false},
    {ac::memory_fault, "000DH", "存储器异常", "memory_fault", false},
    {ac::crystal_stopped, "000EH", "晶振停振", "crystal_stopped", false},
    {ac::low_balance, "000FH", "欠量", "low_balance", false},
    {ac::cover_open, "0010H", "开盖", "cover_open", false},
    {ac::overdraft, "0011H", "透支", "overdraft", false},
    {ac::zero_balance, "0012H", "零额", "zero_balance", false},
    {ac::small_flow, "0013H", "小流量", "small_flow", false},
    {ac::temperature_abnormal, "0014H", "温度异常", "temperature_abnormal", false},
    {ac::pressure_abnormal, "0015H", "压力异常", "pressure_abnormal", false},
    {ac::measurement_fault, "0016H", "计量异常", "measurement_fault", false},
    {ac::no_valve, "0017H", "无阀", "no_valve", false},
    {ac::valve_abnormal, "0018H", "阀门异常", "valve_abnormal", false},
    {ac::concentrator_low_voltage, "1000H", "集中器低压", "concentrator_low_voltage", false},
    {ac::concentrator_mains_lost, "1001H", "集中器市电掉电", "concentrator_mains_lost", false},
    {ac::unknown, "FFFFH", "未知事件", "unknown", false},
}};

alarm_info const* find(alarm_code code) noexcept {
    auto it = std::find_if(table.begin(), table.end(),
                           [code](alarm_info const& i) { return i.code == code; });
    return it == table.end() ? nullptr : &*it;
}

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::span<alarm_info const> alarm_table() noexcept { return table; }

alarm_info const& info(alarm_code code) noexcept {
    alarm_info const* i = find(code);
    return i ? *i : table.back();
}

std::string_view to_string(alarm_code code) noexcept { return info(code).text; }

result<alarm_code, parse_error> parse_alarm_code(std::string_view text) {
    unsigned value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i >= text.size()) return parse_error{i, "expected four hex digits and 'H'"};
        int const d = hex_digit(text[i]);
        if (d < 0) return parse_error{i, "not a hex digit"};
        value = value * 16 + static_cast<unsigned>(d);
    }
    if (text.size() < 5 || (text[4] != 'H' && text[4] != 'h'))
        return parse_error{4, "expected 'H' after four hex digits"};
    if (text.size() > 5) return parse_error{5, "unexpected text after the code"};
    auto const code = static_cast<alarm_code>(value);
    if (!find(code)) return parse_error{0, "not in the alarm table"};
    return code;
}

std::optional<alarm_code> alarm_from_name(std::string_view name_en) noexcept {
    for (alarm_info const& i : table)
        if (i.name_en == name_en) return i.code;
    return std::nullopt;
}

// --- alarm_set -------------------------------------------------------------------------------

namespace {
auto lower(std::vector<active_alarm>& v, alarm_code code) {
    return std::lower_bound(v.begin(), v.end(), code,
                            [](active_alarm const& a, alarm_code c) { return a.code < c; });
}
}  // namespace

bool alarm_set::raise(alarm_code code, instant now) {
    auto it = lower(state_.active, code);
    if (it != state_.active.end() && it->code == code) return false;
    state_.active.insert(it, active_alarm{code, now});
    return true;
}

bool alarm_set::clear(alarm_code code) {
    auto it = lower(state_.active, code);
    if (it == state_.active.end() || it->code != code) return false;
    state_.active.erase(it);
    return true;
}

bool alarm_set::apply(alarm_change const& change) {
    return change.raised ? raise(change.code, change.at) : clear(change.code);
}

bool alarm_set::is_active(alarm_code code) const noexcept { return raised_at(code).has_value(); }

std::optional<instant> alarm_set::raised_at(alarm_code code) const noexcept {
    for (active_alarm const& a : state_.active)
        if (a.code == code) return a.raised_at;
    return std::nullopt;
}

// --- idle_watch ------------------------------------------------------------------------------

void idle_watch::note_flow(instant at) noexcept {
    if (at > state_.last_flow) state_.last_flow = at;
}

std::optional<instant> idle_watch::due() const noexcept {
    if (params_.idle_days <= 0 || state_.raised) return std::nullopt;
    return state_.last_flow + std::chrono::days{params_.idle_days};
}

bool idle_watch::check(instant now) noexcept {
    auto const d = due();
    if (!d || now < *d) return false;
    state_.raised = true;
    return true;
}

void idle_watch::reset(instant now) noexcept {
    state_.raised = false;
    state_.last_flow = now;
}

}  // namespace metersim::meters

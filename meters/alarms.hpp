#pragma once
/// Alarms: the canonical alarm table and the set of alarms a meter holds.
///
/// The canonical set is the Xianfeng event code table (spec: xianfeng appendix 6, 报警事件代码
/// 说明): 0001H..0018H, 1000H, 1001H and FFFFH. The other platforms map their codes from it.
/// `closes_valve` in the table is what the table's own description says ("阀门自动关闭"); the
/// rules that close the valve for other reasons (battery failure per DESIGN.md, zero balance per
/// model) live with the valve (`valve_cause_for`) and billing.
///
/// `alarm_set` is a plain value: the alarms raised and not yet cleared, each with the instant it
/// was raised. raise/clear answer whether anything changed, so a caller reports only changes.
/// `idle_watch` detects the idle "dead meter" (0001H): no gas for N whole days.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/fixed4_text.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"

namespace metersim::meters {

/// Xianfeng event codes; the enumerator value is the code's number (0x000F for "000FH").
enum class alarm_code : std::uint16_t {
    dead_meter = 0x0001,               ///< 死表: no gas for days; valve closes, button reopens
    valve_closed = 0x0002,             ///< 阀门关闭: reported when a close action happens
    external_abnormal = 0x0003,        ///< 外部检测到异常: leak, cover, tilt; valve closes
    battery_failure = 0x0004,          ///< 电池失压
    valve_opened = 0x0005,             ///< 阀门打开: reported when an open action happens
    over_flow = 0x0006,                ///< 流量超限
    battery_low = 0x0007,              ///< 电池欠压
    single_pipe = 0x0008,              ///< 单管: measuring unit abnormal; valve closes
    magnetic_interference = 0x0009,    ///< 强磁干扰: valve closes
    break_line = 0x000A,               ///< 断线: metering line broken; valve closes
    valve_open_failed = 0x000B,        ///< 开阀失败
    valve_close_failed = 0x000C,       ///< 关阀失败
    memory_fault = 0x000D,             ///< 存储器异常
    crystal_stopped = 0x000E,          ///< 晶振停振
    low_balance = 0x000F,              ///< 欠量: remaining below the low warning threshold
    cover_open = 0x0010,               ///< 开盖
    overdraft = 0x0011,                ///< 透支: remaining below the overdraft threshold
    zero_balance = 0x0012,             ///< 零额: remaining money <= 0
    small_flow = 0x0013,               ///< 小流量
    temperature_abnormal = 0x0014,     ///< 温度异常
    pressure_abnormal = 0x0015,        ///< 压力异常
    measurement_fault = 0x0016,        ///< 计量异常
    no_valve = 0x0017,                 ///< 无阀
    valve_abnormal = 0x0018,           ///< 阀门异常: valve fault
    concentrator_low_voltage = 0x1000, ///< 集中器低压
    concentrator_mains_lost = 0x1001,  ///< 集中器市电掉电
    unknown = 0xFFFF,                  ///< 未知事件
};

/// One row of the table.
struct alarm_info {
    alarm_code code;
    std::string_view text;     ///< the spec's spelling: "000FH"
    std::string_view name_zh;  ///< the spec's name: "欠量"
    std::string_view name_en;  ///< snake_case English name, stable for JSON: "low_balance"
    bool closes_valve;         ///< the table says the meter closes its valve by itself
};

/// Every row, in code order (27 rows).
std::span<alarm_info const> alarm_table() noexcept;

/// The row of a code; a value outside the table gives the FFFFH row.
alarm_info const& info(alarm_code code) noexcept;

/// "000FH" for low_balance.
std::string_view to_string(alarm_code code) noexcept;

/// Parses "000FH" (four hex digits, either case, and a trailing 'H' or 'h'). A well-formed code
/// that is not in the table is an error (reason "not in the alarm table"); callers that must
/// accept any code map that to alarm_code::unknown themselves.
result<alarm_code, parse_error> parse_alarm_code(std::string_view text);

/// Looks up the English name ("low_balance"), for admin JSON.
std::optional<alarm_code> alarm_from_name(std::string_view name_en) noexcept;

/// An alarm that is being raised or cleared, as reported upward.
struct alarm_change {
    alarm_code code = alarm_code::unknown;
    bool raised = true;  ///< false: cleared
    instant at{};
    bool operator==(alarm_change const&) const = default;
};

/// An alarm currently held, and since when.
struct active_alarm {
    alarm_code code = alarm_code::unknown;
    instant raised_at{};
    bool operator==(active_alarm const&) const = default;
};

/// The plain state of an alarm_set: active alarms sorted by code, no duplicates.
struct alarm_set_state {
    std::vector<active_alarm> active;
    bool operator==(alarm_set_state const&) const = default;
};

/// The alarms a meter holds. Raising a held alarm or clearing one not held changes nothing.
class alarm_set {
public:
    alarm_set() = default;
    explicit alarm_set(alarm_set_state state) : state_(std::move(state)) {}

    alarm_set_state const& state() const noexcept { return state_; }
    std::vector<active_alarm> const& active() const noexcept { return state_.active; }

    /// Raises `code` at `now`; true when it was not already held.
    bool raise(alarm_code code, instant now);
    /// Clears `code`; true when it was held.
    bool clear(alarm_code code);
    /// Applies a change (raise or clear); true when something changed.
    bool apply(alarm_change const& change);

    bool is_active(alarm_code code) const noexcept;
    std::optional<instant> raised_at(alarm_code code) const noexcept;
    bool empty() const noexcept { return state_.active.empty(); }

private:
    alarm_set_state state_;
};

/// Parameters of the idle "dead meter" detection. idle_days == 0 disables it.
struct idle_params {
    int idle_days = 0;
};

/// The plain state of an idle_watch.
struct idle_state {
    instant last_flow{};   ///< the last instant gas flowed (or the watch was reset)
    bool raised = false;   ///< 0001H has been raised and not yet reset
    bool operator==(idle_state const&) const = default;
};

/// Watches for the idle dead meter: 0001H is due `idle_days` days after the last flow. The
/// caller reports flow (`note_flow`) when a stretch of time carried gas, and asks `check` at
/// each wake-up or schedules itself at `due()`. A button press or any flow resets it (`reset`).
class idle_watch {
public:
    idle_watch() = default;
    idle_watch(idle_params params, idle_state state) : params_(params), state_(state) {}

    idle_params const& params() const noexcept { return params_; }
    idle_state const& state() const noexcept { return state_; }

    /// Gas flowed up to `at`: restarts the idle period. Does not clear a raised 0001H (that is
    /// the valve's business: the button reopens); call reset() for that.
    void note_flow(instant at) noexcept;

    /// The instant 0001H becomes due, if enabled and not yet raised.
    std::optional<instant> due() const noexcept;

    /// True exactly once when `now` reaches due(): the caller raises 0001H at *due().
    bool check(instant now) noexcept;

    /// Forgets the raise and restarts the idle period at `now` (button press, alarm cleared).
    void reset(instant now) noexcept;

private:
    idle_params params_;
    idle_state state_;
};

}  // namespace metersim::meters

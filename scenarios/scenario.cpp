// The scenario's small shared tables: step kind names, push kinds and outcome names.
#include "scenarios/scenario.hpp"

#include "meters/enum_names.hpp"
#include "scenarios/result.hpp"

namespace metersim::scenarios {

namespace {

template <class>
inline constexpr bool always_false = false;

}  // namespace

std::string_view kind_name(step const& s) noexcept {
    return std::visit(
        [](auto const& k) -> std::string_view {
            using T = std::decay_t<decltype(k)>;
            if constexpr (std::is_same_v<T, call_step>) return "call";
            else if constexpr (std::is_same_v<T, advance_step>) return "advance";
            else if constexpr (std::is_same_v<T, event_step>) return "event";
            else if constexpr (std::is_same_v<T, fault_step>) return "fault";
            else if constexpr (std::is_same_v<T, cis_answer_step>) return "cis_answer";
            else if constexpr (std::is_same_v<T, expect_push_step>) return "expect_push";
            else if constexpr (std::is_same_v<T, expect_no_push_step>) return "expect_no_push";
            else if constexpr (std::is_same_v<T, expect_request_step>) return "expect_request";
            else if constexpr (std::is_same_v<T, expect_meter_step>) return "expect_meter";
            else if constexpr (std::is_same_v<T, set_step>) return "set";
            else if constexpr (std::is_same_v<T, repeat_step>) return "repeat";
            else if constexpr (std::is_same_v<T, for_each_meter_step>) return "for_each_meter";
            else static_assert(always_false<T>, "a step kind without a name");
        },
        s.what);
}

std::vector<push_kind_info> const& push_kinds() {
    static std::vector<push_kind_info> const kinds{
        {"cnmcsp.realtime", "cnmcsp", "/cnmcsp/realtime"},      // spec: cnmcsp §6.1
        {"cnmcsp.alarm", "cnmcsp", "/cnmcsp/alarm"},            // spec: cnmcsp §6.2
        {"xianfeng.report", "xianfeng", "/xianfeng/report"},    // spec: xianfeng §3.1
        {"xianfeng.alarm", "xianfeng", "/xianfeng/report"},     // §3.1 with reportType 99
        {"xianfeng.response", "xianfeng", "/xianfeng/response"},  // spec: xianfeng §3.2
        {"xintian.billing", "xintian", "/xintian/billing"},     // spec: xintian §3.6
    };
    return kinds;
}

std::string_view to_string(outcome o) noexcept {
    static constexpr meters::enum_name<outcome> names[] = {
        {outcome::passed, "passed"}, {outcome::failed, "failed"},
        {outcome::error, "error"},   {outcome::skipped, "skipped"}};
    return meters::name_of(names, o, "?");
}

}  // namespace metersim::scenarios

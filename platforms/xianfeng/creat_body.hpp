#pragma once
/// The creatCmd body (spec: xianfeng §2.1) in its commonest shape, read without a DOM.
///
/// Nearly every creatCmd a CIS sends is the §2.1 example itself:
///     {"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":172800,"expireCount":3}
/// `read_valve_body` reads exactly that shape (members in any order, JSON whitespace anywhere,
/// expireTime/expireCount optional) and nothing else: every key spelled as the spec spells it and
/// given once, no other key, strings of plain ASCII without escapes, integers as plain JSON
/// numbers within their ranges, controlFlag 0 or 1. Anything else — an error of any kind, a
/// lenient-mode quirk, another method — answers nullopt and the caller takes the general path
/// (parse_json + object_reader + parse_command), so both paths give the same answer for every
/// body this one accepts (tests/platforms/xianfeng/creat_body_test.cpp checks them side by side).

#include <cstdint>
#include <optional>
#include <string_view>

namespace metersim::platforms::xianfeng {

struct valve_body {
    bool close = false;                        ///< controlFlag 1
    std::optional<std::int64_t> expire_time_s; ///< expireTime, within 1 s..31 days
    std::optional<std::int64_t> expire_count;  ///< expireCount, within 1..5
};

std::optional<valve_body> read_valve_body(std::string_view body) noexcept;

}  // namespace metersim::platforms::xianfeng

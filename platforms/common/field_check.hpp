#pragma once
/// Reusable field checks, shared by every platform's request validation.
///
/// Each check takes the field's name (as the spec spells it, or a dotted path), the vendor
/// code to answer with (the caller's: "101001", "500015", "80002001", ...) and the value, and
/// returns std::nullopt when the value passes or the api_error naming the field otherwise:
///
///     if (auto e = check_length("userName", codes::bad_parameter, name, 1, 64)) return *e;
///
/// Lengths count UTF-8 characters (code points), not bytes: "杭州先锋" is 4 characters, the
/// unit the vendors' String(1-64) means. Nothing here throws or allocates on success.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "platforms/common/api_error.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms {

/// std::nullopt when the check passes.
using check_result = std::optional<api_error>;

/// The number of code points in well-formed UTF-8, or std::nullopt for malformed input
/// (bad lead or continuation bytes, truncated sequences, overlong forms, surrogates, > U+10FFFF).
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

/// "X is required" when the value is absent or empty.
check_result check_required(std::string_view field, std::string_view code,
                            std::optional<std::string_view> value);

/// Between min_chars and max_chars UTF-8 characters (inclusive); malformed UTF-8 is refused.
check_result check_length(std::string_view field, std::string_view code, std::string_view value,
                          std::size_t min_chars, std::size_t max_chars);

/// Only ASCII digits, at least one; with `exact_length` > 0, exactly that many
/// (a 10-digit cardNo, a 6-digit companyCode).
check_result check_digits(std::string_view field, std::string_view code, std::string_view value,
                          std::size_t exact_length = 0);

/// Exactly 32 hexadecimal characters (Xianfeng deviceId and commandId). Either case.
check_result check_hex32(std::string_view field, std::string_view code, std::string_view value);

/// One of the allowed texts, compared exactly.
check_result check_enum(std::string_view field, std::string_view code, std::string_view value,
                        std::initializer_list<std::string_view> allowed);
/// One of the allowed integers.
check_result check_enum(std::string_view field, std::string_view code, std::int64_t value,
                        std::initializer_list<std::int64_t> allowed);

/// min <= value <= max.
check_result check_range(std::string_view field, std::string_view code, std::int64_t value,
                         std::int64_t min, std::int64_t max);

/// min <= value <= max for exact decimals, with a message in decimal text ("0.0000 to 30.0000").
check_result check_range_e4(std::string_view field, std::string_view code, std::int64_t value_e4,
                            std::int64_t min_e4, std::int64_t max_e4);
template <class Tag>
check_result check_range(std::string_view field, std::string_view code, meters::fixed4<Tag> value,
                         meters::fixed4<Tag> min, meters::fixed4<Tag> max) {
    return check_range_e4(field, code, value.e4(), min.e4(), max.e4());
}

/// At most `places` decimals (0..4) in the value: a price "with two decimals" refuses 1.234
/// (whether it arrived as "1.234" or 1.2340; trailing zeros do not count).
check_result check_decimals_e4(std::string_view field, std::string_view code,
                               std::int64_t value_e4, int places);
template <class Tag>
check_result check_decimals(std::string_view field, std::string_view code,
                            meters::fixed4<Tag> value, int places) {
    return check_decimals_e4(field, code, value.e4(), places);
}

/// The text has exactly the format (shape and real calendar date); the message names the
/// pattern: "priceTime must be a date yyyyMMddHHmmss: day 30 does not exist in 2024-02".
check_result check_date(std::string_view field, std::string_view code, std::string_view value,
                        timestamp_format format);

/// check_date, and on success the instant at `utc_offset`.
api_result<meters::instant> parse_date_field(std::string_view field, std::string_view code,
                                             std::string_view value, timestamp_format format,
                                             std::chrono::minutes utc_offset);

}  // namespace metersim::platforms

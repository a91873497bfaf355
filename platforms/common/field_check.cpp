#include "platforms/common/field_check.hpp"

#include <fmt/format.h>

#include "meters/fixed4_text.hpp"

namespace metersim::platforms {

namespace {

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string quoted_list(std::initializer_list<std::string_view> allowed) {
    std::string out;
    for (auto a : allowed) {
        if (!out.empty()) out += ", ";
        out += '"';
        out += a;
        out += '"';
    }
    return out;
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view s) noexcept {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        auto const b = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (b < 0x80) { ++i; ++count; continue; }
        if (b >= 0xc2 && b <= 0xdf) { extra = 1; cp = b & 0x1fu; }
        else if (b >= 0xe0 && b <= 0xef) { extra = 2; cp = b & 0x0fu; }
        else if (b >= 0xf0 && b <= 0xf4) { extra = 3; cp = b & 0x07u; }
        else return std::nullopt;  // continuation byte as lead, 0xc0/0xc1 overlong, > 0xf4
        if (i + extra >= s.size()) return std::nullopt;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            auto const c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xc0u) != 0x80u) return std::nullopt;
            cp = (cp << 6) | (c & 0x3fu);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return std::nullopt;
        if (cp >= 0xd800 && cp <= 0xdfff) return std::nullopt;
        if (cp > 0x10ffff) return std::nullopt;
        i += extra + 1;
        ++count;
    }
    return count;
}

check_result check_required(std::string_view field, std::string_view code,
                            std::optional<std::string_view> value) {
    if (!value || value->empty()) return missing_field(code, field);
    return std::nullopt;
}

check_result check_length(std::string_view field, std::string_view code, std::string_view value,
                          std::size_t min_chars, std::size_t max_chars) {
    auto const n = utf8_length(value);
    if (!n) return invalid_field(code, field, "is not valid UTF-8");
    if (*n < min_chars) {
        if (min_chars == 1) return invalid_field(code, field, "must not be empty");
        return invalid_field(code, field, fmt::format("must be at least {} characters, got {}",
                                                      min_chars, *n));
    }
    if (*n > max_chars)
        return invalid_field(code, field,
                             fmt::format("must be at most {} characters, got {}", max_chars, *n));
    return std::nullopt;
}

check_result check_digits(std::string_view field, std::string_view code, std::string_view value,
                          std::size_t exact_length) {
    if (value.empty()) return invalid_field(code, field, "must be digits, got an empty text");
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] < '0' || value[i] > '9')
            return invalid_field(code, field,
                                 fmt::format("must be digits only (position {})", i));
    }
    if (exact_length != 0 && value.size() != exact_length)
        return invalid_field(code, field, fmt::format("must be exactly {} digits, got {}",
                                                      exact_length, value.size()));
    return std::nullopt;
}

check_result check_hex32(std::string_view field, std::string_view code, std::string_view value) {
    if (value.size() != 32)
        return invalid_field(code, field, fmt::format("must be 32 hexadecimal characters, got {}",
                                                      value.size()));
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!is_hex(value[i]))
            return invalid_field(code, field,
                                 fmt::format("must be hexadecimal (position {})", i));
    }
    return std::nullopt;
}

check_result check_enum(std::string_view field, std::string_view code, std::string_view value,
                        std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (a == value) return std::nullopt;
    return invalid_field(code, field, "must be one of " + quoted_list(allowed));
}

check_result check_enum(std::string_view field, std::string_view code, std::int64_t value,
                        std::initializer_list<std::int64_t> allowed) {
    std::string list;
    for (auto a : allowed) {
        if (a == value) return std::nullopt;
        if (!list.empty()) list += ", ";
        list += std::to_string(a);
    }
    return invalid_field(code, field, fmt::format("must be one of {}, got {}", list, value));
}

check_result check_range(std::string_view field, std::string_view code, std::int64_t value,
                         std::int64_t min, std::int64_t max) {
    if (value < min || value > max)
        return invalid_field(code, field,
                             fmt::format("must be between {} and {}, got {}", min, max, value));
    return std::nullopt;
}

check_result check_range_e4(std::string_view field, std::string_view code, std::int64_t value_e4,
                            std::int64_t min_e4, std::int64_t max_e4) {
    if (value_e4 < min_e4 || value_e4 > max_e4)
        return invalid_field(code, field,
                             fmt::format("must be between {} and {}, got {}",
                                         meters::format_e4(min_e4), meters::format_e4(max_e4),
                                         meters::format_e4(value_e4)));
    return std::nullopt;
}

check_result check_decimals_e4(std::string_view field, std::string_view code,
                               std::int64_t value_e4, int places) {
    if (places >= 4) return std::nullopt;
    if (places < 0) places = 0;
    std::int64_t unit = 1;
    for (int p = places; p < 4; ++p) unit *= 10;
    if (value_e4 % unit != 0)
        return invalid_field(code, field,
                             places == 0 ? std::string("must be a whole number")
                                         : fmt::format("must have at most {} decimal{}", places,
                                                       places == 1 ? "" : "s"));
    return std::nullopt;
}

check_result check_date(std::string_view field, std::string_view code, std::string_view value,
                        timestamp_format format) {
    auto r = parse_civil(value, format);
    if (!r)
        return invalid_field(code, field, fmt::format("must be a date {}: {}", pattern_of(format),
                                                      r.error().reason));
    return std::nullopt;
}

api_result<meters::instant> parse_date_field(std::string_view field, std::string_view code,
                                             std::string_view value, timestamp_format format,
                                             std::chrono::minutes utc_offset) {
    auto r = parse_instant(value, format, utc_offset);
    if (!r)
        return invalid_field(code, field, fmt::format("must be a date {}: {}", pattern_of(format),
                                                      r.error().reason));
    return r.value();
}

}  // namespace metersim::platforms

#include "platforms/common/timestamp.hpp"

#include <fmt/format.h>

#include <ctime>

#include "meters/calendar.hpp"
#include "meters/enum_names.hpp"
#include "meters/floor_div.hpp"

namespace metersim::platforms {

namespace {

using meters::floor_div;
using meters::parse_error;

constexpr meters::enum_name<timestamp_format> patterns[] = {
    {timestamp_format::compact, "yyyyMMddHHmmss"},
    {timestamp_format::spaced, "yyyy-MM-dd HH:mm:ss"},
    {timestamp_format::date_only, "yyyy-MM-dd"},
};
namespace chr = std::chrono;

// One element of a pattern: a run of digits or a literal separator.
struct part {
    int* target;  // null for a separator
    std::size_t width;
    char literal;
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string describe(char c) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
    return fmt::format("'{}'", c);
}


}  // namespace

std::string_view pattern_of(timestamp_format f) noexcept { return meters::name_of(patterns, f, ""); }

time_parse_result parse_civil(std::string_view text, timestamp_format f) {
    civil_time t;
    t.hour = t.minute = t.second = 0;
    part const compact[] = {{&t.year, 4, 0},   {&t.month, 2, 0},  {&t.day, 2, 0},
                            {&t.hour, 2, 0},   {&t.minute, 2, 0}, {&t.second, 2, 0}};
    part const spaced[] = {{&t.year, 4, 0},    {nullptr, 1, '-'}, {&t.month, 2, 0},
                           {nullptr, 1, '-'},  {&t.day, 2, 0},    {nullptr, 1, ' '},
                           {&t.hour, 2, 0},    {nullptr, 1, ':'}, {&t.minute, 2, 0},
                           {nullptr, 1, ':'},  {&t.second, 2, 0}};
    part const date_only[] = {{&t.year, 4, 0}, {nullptr, 1, '-'}, {&t.month, 2, 0},
                              {nullptr, 1, '-'}, {&t.day, 2, 0}};
    part const* parts = compact;
    std::size_t count = std::size(compact);
    if (f == timestamp_format::spaced) { parts = spaced; count = std::size(spaced); }
    if (f == timestamp_format::date_only) { parts = date_only; count = std::size(date_only); }

    std::size_t pos = 0;
    std::size_t start_of[6] = {};  // position of each numeric field, for calendar errors
    std::size_t field = 0;
    for (std::size_t k = 0; k < count; ++k) {
        part const& p = parts[k];
        if (p.target == nullptr) {
            if (pos >= text.size())
                return parse_error{pos, fmt::format("expected '{}' ({})", p.literal, pattern_of(f))};
            if (text[pos] != p.literal)
                return parse_error{pos, fmt::format("expected '{}', found {} ({})", p.literal,
                                                    describe(text[pos]), pattern_of(f))};
            ++pos;
            continue;
        }
        start_of[field++] = pos;
        int v = 0;
        for (std::size_t i = 0; i < p.width; ++i, ++pos) {
            if (pos >= text.size())
                return parse_error{pos, fmt::format("expected a digit ({})", pattern_of(f))};
            if (!is_digit(text[pos]))
                return parse_error{pos, fmt::format("expected a digit, found {} ({})",
                                                    describe(text[pos]), pattern_of(f))};
            v = v * 10 + (text[pos] - '0');
        }
        *p.target = v;
    }
    if (pos != text.size())
        return parse_error{pos, fmt::format("unexpected {} after the end ({})", describe(text[pos]),
                                            pattern_of(f))};

    if (t.month < 1 || t.month > 12)
        return parse_error{start_of[1], fmt::format("month {:02} does not exist", t.month)};
    chr::year_month_day const ymd{chr::year{t.year}, chr::month{static_cast<unsigned>(t.month)},
                                  chr::day{static_cast<unsigned>(t.day)}};
    if (!ymd.ok())
        return parse_error{start_of[2], fmt::format("day {:02} does not exist in {:04}-{:02}",
                                                    t.day, t.year, t.month)};
    if (t.hour > 23) return parse_error{start_of[3], fmt::format("hour {:02} does not exist", t.hour)};
    if (t.minute > 59)
        return parse_error{start_of[4], fmt::format("minute {:02} does not exist", t.minute)};
    if (t.second > 59)
        return parse_error{start_of[5], fmt::format("second {:02} does not exist", t.second)};
    return t;
}

std::string format_civil(civil_time const& t, timestamp_format f) {
    int const y = t.year < 0 ? 0 : (t.year > 9999 ? 9999 : t.year);
    switch (f) {
    case timestamp_format::compact:
        return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", y, t.month, t.day, t.hour, t.minute,
                           t.second);
    case timestamp_format::spaced:
        return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, t.month, t.day, t.hour,
                           t.minute, t.second);
    case timestamp_format::date_only:
        return fmt::format("{:04}-{:02}-{:02}", y, t.month, t.day);
    }
    return {};
}

std::int64_t to_epoch_seconds(civil_time const& t, chr::minutes utc_offset) noexcept {
    chr::year_month_day const ymd{chr::year{t.year}, chr::month{static_cast<unsigned>(t.month)},
                                  chr::day{static_cast<unsigned>(t.day)}};
    std::int64_t const days = chr::sys_days{ymd}.time_since_epoch().count();
    return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
           static_cast<std::int64_t>(utc_offset.count()) * 60;
}

civil_time from_epoch_seconds(std::int64_t seconds, chr::minutes utc_offset) noexcept {
    std::int64_t const local = seconds + static_cast<std::int64_t>(utc_offset.count()) * 60;
    std::int64_t const days = floor_div(local, 86400);
    std::int64_t const sod = local - days * 86400;
    chr::year_month_day const ymd{chr::sys_days{chr::days{days}}};
    civil_time t;
    t.year = static_cast<int>(ymd.year());
    t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    t.hour = static_cast<int>(sod / 3600);
    t.minute = static_cast<int>(sod / 60 % 60);
    t.second = static_cast<int>(sod % 60);
    return t;
}

meters::result<meters::instant, parse_error> parse_instant(std::string_view text,
                                                           timestamp_format f,
                                                           chr::minutes utc_offset) {
    auto c = parse_civil(text, f);
    if (!c) return meters::unexpected{c.error()};
    return meters::instant_from_ms(to_epoch_seconds(c.value(), utc_offset) * 1000);
}

std::string format_instant(meters::instant t, timestamp_format f, chr::minutes utc_offset) {
    return format_civil(from_epoch_seconds(floor_div(meters::to_ms(t), 1000), utc_offset), f);
}

meters::result<wall_time, parse_error> parse_wall(std::string_view text, timestamp_format f,
                                                  chr::minutes utc_offset) {
    auto c = parse_civil(text, f);
    if (!c) return meters::unexpected{c.error()};
    return wall_time{chr::duration_cast<wall_time::duration>(
        chr::seconds{to_epoch_seconds(c.value(), utc_offset)})};
}

std::string format_wall(wall_time t, timestamp_format f, chr::minutes utc_offset) {
    auto const s = chr::floor<chr::seconds>(t.time_since_epoch()).count();
    return format_civil(from_epoch_seconds(static_cast<std::int64_t>(s), utc_offset), f);
}

meters::result<chr::minutes, parse_error> parse_utc_offset(std::string_view text) {
    if (text == "local") return host_utc_offset();
    auto z = meters::parse_utc_offset(text);
    if (!z) return z.error();
    return chr::minutes{z.value().minutes};
}

std::string format_utc_offset(chr::minutes offset) {
    auto const m = offset.count();
    auto const mag = m < 0 ? -m : m;
    return fmt::format("{}{:02}:{:02}", m < 0 ? '-' : '+', mag / 60, mag % 60);
}

chr::minutes host_utc_offset() noexcept {
    static chr::minutes const offset = [] {
        std::time_t const now = std::time(nullptr);
        std::tm local{};
        if (localtime_r(&now, &local) == nullptr) return chr::minutes{0};
        return chr::minutes{local.tm_gmtoff / 60};  // glibc: seconds east of UTC
    }();
    return offset;
}

}  // namespace metersim::platforms

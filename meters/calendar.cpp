#include "meters/calendar.hpp"

#include <cstddef>
#include "meters/floor_div.hpp"

namespace metersim::meters {

namespace chr = std::chrono;

namespace {

constexpr std::int64_t ms_per_day = 86'400'000;

chr::milliseconds offset_ms(utc_offset zone) { return chr::minutes{zone.minutes}; }

/// Milliseconds since the epoch in local time (the zone's wall clock read as if it were UTC).
std::int64_t local_ms(instant t, utc_offset zone) { return to_ms(t) + offset_ms(zone).count(); }

instant from_local_ms(std::int64_t ms, utc_offset zone) {
    return instant_from_ms(ms - offset_ms(zone).count());
}


chr::year_month_day clamp_day(chr::year_month ym, unsigned day) {
    auto const last = static_cast<unsigned>((ym / chr::last).day());
    return ym / chr::day{day < 1 ? 1 : (day > last ? last : day)};
}

}  // namespace

result<utc_offset, parse_error> parse_utc_offset(std::string_view text) {
    if (text == "Z" || text == "UTC" || text == "utc") return utc_offset{0};
    if (text.empty() || (text[0] != '+' && text[0] != '-'))
        return parse_error{0, "expected \"UTC\" or an offset like \"+08:00\""};
    std::size_t pos = 1;
    auto two_digits = [&](int& out) {
        auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
        if (!digit(pos) || !digit(pos + 1)) return false;
        out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
        pos += 2;
        return true;
    };
    int hours = 0;
    int minutes = 0;
    if (!two_digits(hours)) return parse_error{pos, "expected two digits of hours"};
    if (pos < text.size()) {
        if (text[pos] == ':') ++pos;
        std::size_t const at = pos;
        if (!two_digits(minutes)) return parse_error{at, "expected two digits of minutes"};
        if (minutes > 59) return parse_error{at, "minutes beyond 59"};
    }
    if (pos != text.size()) return parse_error{pos, "unexpected text after the offset"};
    if (hours * 60 + minutes > 14 * 60) return parse_error{1, "offset beyond 14:00"};
    int const total = hours * 60 + minutes;
    return utc_offset{text[0] == '-' ? -total : total};
}

std::optional<civil_time> parse_civil_time(std::string_view s) noexcept {
    if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len) -> std::optional<std::uint32_t> {
        std::uint32_t v = 0;
        for (char ch : s.substr(at, len)) {
            if (ch < '0' || ch > '9') return std::nullopt;
            v = v * 10 + static_cast<std::uint32_t>(ch - '0');
        }
        return v;
    };
    auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
    if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
    chr::year_month_day const ymd{chr::year{static_cast<int>(*y)}, chr::month{*mo}, chr::day{*d}};
    if (!ymd.ok() || *y < 1970 || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
    civil_time c;
    c.year = static_cast<std::int32_t>(*y);
    c.month = *mo;
    c.day = *d;
    c.hour = *h;
    c.minute = *mi;
    c.second = *se;
    return c;
}

civil_time to_civil(instant t, utc_offset zone) {
    std::int64_t const ms = local_ms(t, zone);
    std::int64_t const days = floor_div(ms, ms_per_day);
    std::int64_t const in_day = ms - days * ms_per_day;
    chr::year_month_day const ymd{chr::sys_days{chr::days{days}}};
    civil_time c;
    c.year = static_cast<int>(ymd.year());
    c.month = static_cast<unsigned>(ymd.month());
    c.day = static_cast<unsigned>(ymd.day());
    c.hour = static_cast<std::uint32_t>(in_day / 3'600'000);
    c.minute = static_cast<std::uint32_t>(in_day / 60'000 % 60);
    c.second = static_cast<std::uint32_t>(in_day / 1000 % 60);
    c.millisecond = static_cast<std::uint32_t>(in_day % 1000);
    return c;
}

instant from_civil(civil_time const& c, utc_offset zone) {
    chr::year_month const ym{chr::year{c.year}, chr::month{c.month}};
    chr::sys_days const d{clamp_day(ym, c.day)};
    std::int64_t const ms = d.time_since_epoch().count() * ms_per_day + std::int64_t{c.hour} * 3'600'000 +
                            std::int64_t{c.minute} * 60'000 + std::int64_t{c.second} * 1000 + c.millisecond;
    return from_local_ms(ms, zone);
}

chr::year_month_day local_date(instant t, utc_offset zone) {
    return chr::year_month_day{chr::sys_days{chr::days{floor_div(local_ms(t, zone), ms_per_day)}}};
}

instant local_midnight(chr::year_month_day d, utc_offset zone) {
    return from_local_ms(chr::sys_days{d}.time_since_epoch().count() * ms_per_day, zone);
}

instant start_of_day(instant t, utc_offset zone) { return local_midnight(local_date(t, zone), zone); }

instant start_of_month(instant t, utc_offset zone) {
    auto const d = local_date(t, zone);
    return local_midnight(d.year() / d.month() / 1, zone);
}

instant next_midnight(instant t, utc_offset zone) {
    return local_midnight(chr::sys_days{local_date(t, zone)} + chr::days{1}, zone);
}

instant next_month_start(instant t, utc_offset zone) {
    auto const d = local_date(t, zone);
    auto const next = chr::year_month{d.year(), d.month()} + chr::months{1};
    return local_midnight(next / 1, zone);
}

instant add_months(instant t, std::int32_t months, utc_offset zone) {
    civil_time c = to_civil(t, zone);
    chr::year_month const ym = chr::year_month{chr::year{c.year}, chr::month{c.month}} + chr::months{months};
    c.year = static_cast<int>(ym.year());
    c.month = static_cast<unsigned>(ym.month());
    return from_civil(c, zone);  // clamps the day to the month's last
}

std::int32_t months_between(instant a, instant b, utc_offset zone) {
    auto const da = local_date(a, zone);
    auto const db = local_date(b, zone);
    int const years = static_cast<int>(db.year()) - static_cast<int>(da.year());
    int const months = static_cast<int>(static_cast<unsigned>(db.month())) -
                       static_cast<int>(static_cast<unsigned>(da.month()));
    return years * 12 + months;
}

instant next_quarter_start(instant t, utc_offset zone) {
    auto const d = local_date(t, zone);
    unsigned const m = static_cast<unsigned>(d.month());
    unsigned const quarter_first = (m - 1) / 3 * 3 + 1;
    auto const next = chr::year_month{d.year(), chr::month{quarter_first}} + chr::months{3};
    return local_midnight(next / 1, zone);
}

instant next_year_start(instant t, utc_offset zone) {
    auto const d = local_date(t, zone);
    return local_midnight((d.year() + chr::years{1}) / chr::January / 1, zone);
}

}  // namespace metersim::meters

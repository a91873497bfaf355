#include "meters/calendar.hpp"

#include <doctest/doctest.h>

using namespace metersim::meters;
using namespace std::chrono_literals;

namespace {
constexpr utc_offset cst{480};  // China, +08:00
constexpr utc_offset utc{0};

instant at(int y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0, unsigned s = 0,
           utc_offset z = cst) {
    return from_civil(civil_time{y, mo, d, h, mi, s, 0}, z);
}
}  // namespace

TEST_SUITE("meters/calendar") {

TEST_CASE("a civil time in +08:00 is eight hours ahead of UTC") {
    instant const t = at(2026, 1, 1, 8, 0, 0);
    CHECK(to_ms(t) == to_ms(at(2026, 1, 1, 0, 0, 0, utc)));
    civil_time const c = to_civil(t, utc);
    CHECK(c.year == 2026);
    CHECK(c.month == 1u);
    CHECK(c.day == 1u);
    CHECK(c.hour == 0u);
}

TEST_CASE("civil time round-trips to the millisecond, before and after the epoch") {
    for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1'767'225'600'123}, std::int64_t{-1},
                            std::int64_t{951'782'400'000}}) {
        CAPTURE(ms);
        instant const t = instant_from_ms(ms);
        CHECK(from_civil(to_civil(t, cst), cst) == t);
        CHECK(from_civil(to_civil(t, utc_offset{-330}), utc_offset{-330}) == t);
    }
}

TEST_CASE("the local day starts at local midnight, not at UTC midnight") {
    instant const t = at(2026, 3, 15, 7, 59, 59);  // 23:59:59 UTC the day before
    CHECK(start_of_day(t, cst) == at(2026, 3, 15));
    CHECK(next_midnight(t, cst) == at(2026, 3, 16));
    CHECK(next_midnight(at(2026, 3, 15), cst) == at(2026, 3, 16));
    CHECK(start_of_day(t, utc) == at(2026, 3, 14, 0, 0, 0, utc));
}

TEST_CASE("month, quarter and year boundaries are the first strictly after the instant") {
    CHECK(start_of_month(at(2026, 2, 17, 12), cst) == at(2026, 2, 1));
    CHECK(next_month_start(at(2026, 12, 31, 23, 59), cst) == at(2027, 1, 1));
    CHECK(next_month_start(at(2026, 5, 1), cst) == at(2026, 6, 1));
    CHECK(next_quarter_start(at(2026, 2, 17), cst) == at(2026, 4, 1));
    CHECK(next_quarter_start(at(2026, 4, 1), cst) == at(2026, 7, 1));
    CHECK(next_quarter_start(at(2026, 11, 30), cst) == at(2027, 1, 1));
    CHECK(next_year_start(at(2026, 1, 1), cst) == at(2027, 1, 1));
}

TEST_CASE("adding months clamps the day to the target month's last day") {
    CHECK(add_months(at(2026, 1, 31, 10), 1, cst) == at(2026, 2, 28, 10));
    CHECK(add_months(at(2028, 1, 31, 10), 1, cst) == at(2028, 2, 29, 10));
    CHECK(add_months(at(2026, 3, 31), -1, cst) == at(2026, 2, 28));
    CHECK(add_months(at(2026, 11, 15), 14, cst) == at(2028, 1, 15));
    CHECK(add_months(at(2026, 1, 15), -13, cst) == at(2024, 12, 15));
}

TEST_CASE("months between counts calendar months and ignores days") {
    CHECK(months_between(at(2026, 1, 31), at(2026, 2, 1), cst) == 1);
    CHECK(months_between(at(2026, 3, 1), at(2025, 12, 31), cst) == -3);
    CHECK(months_between(at(2026, 3, 1), at(2026, 3, 31), cst) == 0);
}

TEST_CASE("a UTC offset parses in its usual spellings and refuses the rest") {
    CHECK(parse_utc_offset("+08:00").value() == utc_offset{480});
    CHECK(parse_utc_offset("-05:30").value() == utc_offset{-330});
    CHECK(parse_utc_offset("+0800").value() == utc_offset{480});
    CHECK(parse_utc_offset("Z").value() == utc_offset{0});
    CHECK(parse_utc_offset("UTC").value() == utc_offset{0});
    for (auto bad : {"", "08:00", "+8:00", "+08-00", "+15:00", "+08:60", "+08:0x"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_utc_offset(bad).has_value());
    }
    CHECK(parse_utc_offset("+08-00").error().position == 3);
}

TEST_CASE("one offset parser: hours alone and lower-case utc read, offsets beyond 14:00 refused") {
    CHECK(parse_utc_offset("+08").value() == utc_offset{480});
    CHECK(parse_utc_offset("utc").value() == utc_offset{0});
    CHECK(parse_utc_offset("-14:00").value() == utc_offset{-840});
    CHECK_FALSE(parse_utc_offset("+14:30").has_value());
    CHECK_FALSE(parse_utc_offset("+08:00 ").has_value());
}

}

TEST_CASE("parse_civil_time reads yyyy-MM-dd HH:mm:ss and refuses anything else") {
    auto c = parse_civil_time("2026-03-01 08:05:09");
    REQUIRE(c.has_value());
    CHECK(*c == civil_time{2026, 3, 1, 8, 5, 9, 0});
    CHECK(from_civil(*c, cst) == at(2026, 3, 1, 8, 5, 9));
    CHECK(parse_civil_time("2028-02-29 23:59:59").has_value());
    for (auto bad : {"2026-02-29 00:00:00", "1969-12-31 23:59:59", "2026-13-01 00:00:00", "2026-03-01 24:00:00",
                     "2026-03-01 08:60:00", "2026-03-01T08:00:00", "2026-3-01 08:00:00", "2026-03-01 08:00",
                     "2026-03-01 08:00:0x", "", "+026-03-01 08:00:00"})
        CHECK_MESSAGE(!parse_civil_time(bad).has_value(), bad);
}

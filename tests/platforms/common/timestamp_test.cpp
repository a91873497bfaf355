#include "platforms/common/timestamp.hpp"

#include <doctest/doctest.h>

#include "tests/support/parse_checks.hpp"

#include <chrono>
#include <string>

#include "meters/rng.hpp"
#include "sim/json/text.hpp"

using namespace metersim::platforms;
using namespace std::chrono_literals;
namespace meters = metersim::meters;

TEST_SUITE("platforms/common/timestamp") {

TEST_CASE("the three vendor formats parse into the same civil time") {
    civil_time const want{2017, 7, 25, 14, 48, 45};
    CHECK(parse_civil("20170725144845", timestamp_format::compact).value() == want);
    CHECK(parse_civil("2017-07-25 14:48:45", timestamp_format::spaced).value() == want);
    CHECK(parse_civil("2017-07-25", timestamp_format::date_only).value() ==
          civil_time{2017, 7, 25, 0, 0, 0});
}

TEST_CASE("formatting pads every part with zeros") {
    civil_time const t{2024, 2, 9, 3, 4, 5};
    CHECK(format_civil(t, timestamp_format::compact) == "20240209030405");
    CHECK(format_civil(t, timestamp_format::spaced) == "2024-02-09 03:04:05");
    CHECK(format_civil(t, timestamp_format::date_only) == "2024-02-09");
}

TEST_CASE("dates that are not on the calendar are refused with their position") {
    struct bad { char const* text; std::size_t position; };
    for (auto [text, position] : {bad{"20240230000000", 6}, bad{"20230229000000", 6},
                                  bad{"20241301000000", 4}, bad{"20240001000000", 4},
                                  bad{"20240100000000", 6}, bad{"20240101240000", 8},
                                  bad{"20240101006000", 10}, bad{"20240101000060", 12}}) {
        CAPTURE(text);
        auto r = parse_civil(text, timestamp_format::compact);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().position == position);
    }
    CHECK(parse_civil("20240229235959", timestamp_format::compact).has_value());  // leap year
    CHECK(parse_civil("2000-02-29 00:00:00", timestamp_format::spaced).has_value());
    CHECK_FALSE(parse_civil("1900-02-29 00:00:00", timestamp_format::spaced).has_value());
}

TEST_CASE("text of the wrong shape is refused with the offending position") {
    struct bad { char const* text; timestamp_format f; std::size_t position; };
    for (auto [text, f, position] :
         {bad{"", timestamp_format::compact, 0}, bad{"2024010112000", timestamp_format::compact, 13},
          bad{"202401011200000", timestamp_format::compact, 14},
          bad{"2024-01-01 12:00:00", timestamp_format::compact, 4},
          bad{"2024/01/01 12:00:00", timestamp_format::spaced, 4},
          bad{"2024-01-01T12:00:00", timestamp_format::spaced, 10},
          bad{"2024-01-01 12:00", timestamp_format::spaced, 16},
          bad{"2024-1-01", timestamp_format::date_only, 6},
          bad{" 2024-01-01", timestamp_format::date_only, 0},
          bad{"2024-01-01 ", timestamp_format::date_only, 10},
          bad{"２０２４0101120000", timestamp_format::compact, 0}}) {
        CAPTURE(text);
        metersim::test::check_refused_at(parse_civil(text, f), position);
    }
}

TEST_CASE("an instant is read and written at the configured UTC offset") {
    // 2017-07-25 14:48:45 at +08:00 is 06:48:45 UTC = 1500965325 s since the epoch.
    auto t = parse_instant("20170725144845", timestamp_format::compact, 480min);
    REQUIRE(t.has_value());
    CHECK(meters::to_ms(t.value()) == 1500965325000);
    CHECK(format_instant(t.value(), timestamp_format::spaced, 480min) == "2017-07-25 14:48:45");
    CHECK(format_instant(t.value(), timestamp_format::spaced, 0min) == "2017-07-25 06:48:45");
    CHECK(format_instant(t.value(), timestamp_format::compact, -300min) == "20170725014845");
}

TEST_CASE("formatting an instant drops milliseconds and handles times before the epoch") {
    CHECK(format_instant(meters::instant_from_ms(999), timestamp_format::spaced, 0min) ==
          "1970-01-01 00:00:00");
    CHECK(format_instant(meters::instant_from_ms(-1), timestamp_format::spaced, 0min) ==
          "1969-12-31 23:59:59");
    CHECK(format_instant(meters::instant_from_ms(0), timestamp_format::compact, 480min) ==
          "19700101080000");
    auto t = parse_instant("1969-12-31 23:59:59", timestamp_format::spaced, 0min);
    CHECK(meters::to_ms(t.value()) == -1000);
}

TEST_CASE("instants round-trip through text across a year of seconds") {
    for (std::int64_t s = 1704067200; s < 1704067200 + 366 * 86400; s += 86400 / 7 + 13) {
        auto const t = meters::instant_from_ms(s * 1000);
        auto const text = format_instant(t, timestamp_format::compact, 480min);
        CAPTURE(text);
        CHECK(parse_instant(text, timestamp_format::compact, 480min).value() == t);
    }
}

TEST_CASE("wall time is parsed and formatted like virtual time but as a different type") {
    auto w = parse_wall("2017-07-25 14:48:45", timestamp_format::spaced, 480min);
    REQUIRE(w.has_value());
    CHECK(std::chrono::duration_cast<std::chrono::seconds>(w.value().time_since_epoch()).count() ==
          1500965325);
    CHECK(format_wall(w.value() + 900ms, timestamp_format::compact, 480min) == "20170725144845");
    CHECK_FALSE(parse_wall("20170230144845", timestamp_format::compact, 480min).has_value());
}

TEST_CASE("offset text parses fixed offsets, UTC and local") {
    CHECK(parse_utc_offset("+08:00").value() == 480min);
    CHECK(parse_utc_offset("-05:30").value() == -330min);
    CHECK(parse_utc_offset("+0800").value() == 480min);
    CHECK(parse_utc_offset("+08").value() == 480min);
    CHECK(parse_utc_offset("+00:00").value() == 0min);
    CHECK(parse_utc_offset("Z").value() == 0min);
    CHECK(parse_utc_offset("UTC").value() == 0min);
    CHECK(parse_utc_offset("local").value() == host_utc_offset());
    CHECK(host_utc_offset() == host_utc_offset());
    for (char const* bad : {"", "8", "08:00", "+8:00", "+08:60", "+15:00", "+08:00x", "local "}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_utc_offset(bad).has_value());
    }
}

TEST_CASE("offsets format as sign, hours and minutes") {
    CHECK(format_utc_offset(480min) == "+08:00");
    CHECK(format_utc_offset(-330min) == "-05:30");
    CHECK(format_utc_offset(0min) == "+00:00");
}

TEST_CASE("pattern names are the ones the vendor documents use") {
    CHECK(pattern_of(timestamp_format::compact) == "yyyyMMddHHmmss");
    CHECK(pattern_of(timestamp_format::spaced) == "yyyy-MM-dd HH:mm:ss");
    CHECK(pattern_of(timestamp_format::date_only) == "yyyy-MM-dd");
}

// sim/json/text writes the compact form on the push path; it must agree with format_instant.
TEST_CASE("compact times are written as format_instant writes them, year clamped to 0..9999") {
    meters::meter_rng rng{7};
    std::int64_t const edges[] = {0, -1, 999, 1000, -1000, -1001, 1'767'283'200'000,
                                  253'402'300'799'000, 253'402'300'800'000, -62'167'219'200'000,
                                  -62'167'219'200'001, 400'000'000'000'000, -400'000'000'000'000};
    int const offsets[] = {0, 480, -300, 330, 840, -720, 59};
    for (auto ms : edges)
        for (int off : offsets) {
            std::string out;
            metersim::sim::json::append_compact_time(out, meters::instant_from_ms(ms), std::chrono::minutes{off});
            CHECK(out == format_instant(meters::instant_from_ms(ms), timestamp_format::compact,
                                        std::chrono::minutes{off}));
        }
    for (int i = 0; i < 5000; ++i) {
        auto const ms = static_cast<std::int64_t>(rng.next() % 8'000'000'000'000ull) - 1'000'000'000'000;
        std::chrono::minutes const off{static_cast<int>(rng.next() % 1681) - 840};
        std::string out;
        metersim::sim::json::append_compact_time(out, meters::instant_from_ms(ms), off);
        REQUIRE(out == format_instant(meters::instant_from_ms(ms), timestamp_format::compact, off));
    }
}

}  // TEST_SUITE

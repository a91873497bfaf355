#include "meters/alarms.hpp"

#include <doctest/doctest.h>

#include "tests/support/parse_checks.hpp"

#include <chrono>
#include <string>

using namespace metersim::meters;
using namespace std::chrono_literals;

namespace {
instant const t0 = instant_from_ms(1'767'196'800'000);  // 2026-01-01 00:00 +08:00
}

TEST_SUITE("meters/alarms") {

TEST_CASE("the table holds every Xianfeng event code in code order") {
    auto const table = alarm_table();
    REQUIRE(table.size() == 27);
    for (std::size_t i = 0; i + 1 < table.size(); ++i)
        CHECK(static_cast<unsigned>(table[i].code) < static_cast<unsigned>(table[i + 1].code));
    for (unsigned code = 0x0001; code <= 0x0018; ++code)
        CHECK(info(static_cast<alarm_code>(code)).code == static_cast<alarm_code>(code));
    CHECK(to_string(alarm_code::concentrator_low_voltage) == "1000H");
    CHECK(to_string(alarm_code::concentrator_mains_lost) == "1001H");
    CHECK(to_string(alarm_code::unknown) == "FFFFH");
}

TEST_CASE("each code carries the table's Chinese name and a stable English name") {
    CHECK(info(alarm_code::dead_meter).name_zh == "死表");
    CHECK(info(alarm_code::battery_failure).name_zh == "电池失压");
    CHECK(info(alarm_code::battery_low).name_zh == "电池欠压");
    CHECK(info(alarm_code::valve_open_failed).name_zh == "开阀失败");
    CHECK(info(alarm_code::valve_close_failed).name_zh == "关阀失败");
    CHECK(info(alarm_code::low_balance).name_zh == "欠量");
    CHECK(info(alarm_code::zero_balance).name_zh == "零额");
    CHECK(info(alarm_code::valve_abnormal).name_zh == "阀门异常");
    CHECK(info(alarm_code::low_balance).name_en == "low_balance");
    for (alarm_info const& row : alarm_table()) {
        CHECK_FALSE(row.name_zh.empty());
        CHECK(alarm_from_name(row.name_en) == row.code);
    }
    CHECK_FALSE(alarm_from_name("no_such_alarm").has_value());
}

TEST_CASE("only the alarms the table says close the valve are marked so") {
    for (alarm_info const& row : alarm_table()) {
        CAPTURE(std::string(row.text));
        bool const expected = row.code == alarm_code::dead_meter ||
                              row.code == alarm_code::external_abnormal ||
                              row.code == alarm_code::single_pipe ||
                              row.code == alarm_code::magnetic_interference ||
                              row.code == alarm_code::break_line;
        CHECK(row.closes_valve == expected);
    }
}

TEST_CASE("a code outside the table reads as the unknown event") {
    CHECK(info(static_cast<alarm_code>(0x0042)).code == alarm_code::unknown);
    CHECK(to_string(static_cast<alarm_code>(0x0042)) == "FFFFH");
}

TEST_CASE("codes parse from the spec's text form in either case") {
    CHECK(parse_alarm_code("000FH").value() == alarm_code::low_balance);
    CHECK(parse_alarm_code("000fh").value() == alarm_code::low_balance);
    CHECK(parse_alarm_code("1001H").value() == alarm_code::concentrator_mains_lost);
    CHECK(parse_alarm_code("FFFFH").value() == alarm_code::unknown);
    for (alarm_info const& row : alarm_table()) CHECK(parse_alarm_code(row.text).value() == row.code);
}

TEST_CASE("malformed or unknown code text is refused with its position") {
    struct bad { char const* text; std::size_t position; };
    for (auto [text, position] : {bad{"", 0}, bad{"000F", 4}, bad{"00G1H", 2}, bad{"000FX", 4},
                                  bad{"000FHX", 5}, bad{"0019H", 0}, bad{" 0001H", 0}}) {
        CAPTURE(text);
        metersim::test::check_refused_at(parse_alarm_code(text), position);
    }
    CHECK(parse_alarm_code("0019H").error().reason == "not in the alarm table");
}

TEST_CASE("raising an alarm reports a change once and keeps its first instant") {
    alarm_set set;
    CHECK(set.raise(alarm_code::magnetic_interference, t0));
    CHECK_FALSE(set.raise(alarm_code::magnetic_interference, t0 + 1h));
    CHECK(set.is_active(alarm_code::magnetic_interference));
    CHECK(set.raised_at(alarm_code::magnetic_interference) == t0);
}

TEST_CASE("clearing an alarm reports a change only when it was held") {
    alarm_set set;
    CHECK_FALSE(set.clear(alarm_code::cover_open));
    set.raise(alarm_code::cover_open, t0);
    CHECK(set.clear(alarm_code::cover_open));
    CHECK_FALSE(set.is_active(alarm_code::cover_open));
    CHECK_FALSE(set.raised_at(alarm_code::cover_open).has_value());
    CHECK(set.empty());
}

TEST_CASE("active alarms are kept in code order and survive a state round trip") {
    alarm_set set;
    CHECK(set.apply({alarm_code::zero_balance, true, t0}));
    CHECK(set.apply({alarm_code::dead_meter, true, t0 + 1s}));
    CHECK(set.apply({alarm_code::break_line, true, t0 + 2s}));
    CHECK(set.apply({alarm_code::break_line, false, t0 + 3s}));
    REQUIRE(set.active().size() == 2);
    CHECK(set.active()[0].code == alarm_code::dead_meter);
    CHECK(set.active()[1].code == alarm_code::zero_balance);
    alarm_set copy{set.state()};
    CHECK(copy.state() == set.state());
}

TEST_CASE("idle detection is off when no idle days are configured") {
    idle_watch w{idle_params{0}, idle_state{t0, false}};
    CHECK_FALSE(w.due().has_value());
    CHECK_FALSE(w.check(t0 + std::chrono::days{400}));
}

TEST_CASE("a meter without gas for N days becomes a dead meter exactly once") {
    idle_watch w{idle_params{30}, idle_state{t0, false}};
    REQUIRE(w.due().has_value());
    CHECK(*w.due() == t0 + std::chrono::days{30});
    CHECK_FALSE(w.check(t0 + std::chrono::days{30} - 1ms));
    CHECK(w.check(t0 + std::chrono::days{30}));
    CHECK_FALSE(w.check(t0 + std::chrono::days{31}));
    CHECK_FALSE(w.due().has_value());
}

TEST_CASE("gas flowing restarts the idle period") {
    idle_watch w{idle_params{7}, idle_state{t0, false}};
    w.note_flow(t0 + std::chrono::days{5});
    CHECK_FALSE(w.check(t0 + std::chrono::days{7}));
    CHECK(*w.due() == t0 + std::chrono::days{12});
    w.note_flow(t0);  // an older instant changes nothing
    CHECK(*w.due() == t0 + std::chrono::days{12});
}

TEST_CASE("resetting a raised dead meter arms the watch again from the reset") {
    idle_watch w{idle_params{7}, idle_state{t0, false}};
    REQUIRE(w.check(t0 + std::chrono::days{8}));
    w.reset(t0 + std::chrono::days{9});
    CHECK(w.state().raised == false);
    CHECK(*w.due() == t0 + std::chrono::days{16});
}

}  // TEST_SUITE

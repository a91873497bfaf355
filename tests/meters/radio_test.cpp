#include "meters/radio.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

#include "meters/rng.hpp"

using namespace metersim::meters;
using namespace std::chrono_literals;

namespace {

instant const t0 = instant_from_ms(1'767'196'800'000);  // 2026-01-01 00:00 +08:00
constexpr std::int64_t day_ms = 86'400'000;

/// Daily at 02:00 +08:00 with up to 30 minutes of jitter.
radio a_radio(std::uint64_t seed) {
    radio_params p;
    p.report_interval = 24h;
    p.report_time = 2h;
    p.max_jitter = 30min;
    p.utc_offset_min = 480;
    radio_state s;
    s.seed = seed;
    return radio{p, s};
}

/// Milliseconds since local (+08:00) midnight.
std::int64_t local_time_of_day(instant t) {
    std::int64_t const local = to_ms(t) + 8 * 3'600'000;
    return ((local % day_ms) + day_ms) % day_ms;
}

}  // namespace

TEST_SUITE("meters/radio") {

TEST_CASE("daily reports fall between the report time and the report time plus jitter") {
    radio r = a_radio(seed_for(1, "07602190000001"));
    instant t = t0;
    for (int day = 0; day < 120; ++day) {
        instant const next = r.next_report_after(t);
        CHECK(next > t);
        std::int64_t const tod = local_time_of_day(next);
        CHECK(tod >= 2 * 3'600'000);
        CHECK(tod <= 2 * 3'600'000 + 30 * 60'000);
        t = next;
    }
}

TEST_CASE("the same seed gives the same schedule and another seed another one") {
    radio a = a_radio(seed_for(7, "meter-a"));
    radio a_again = a_radio(seed_for(7, "meter-a"));
    radio b = a_radio(seed_for(7, "meter-b"));
    int differ = 0;
    for (std::int64_t k = 20454; k < 20484; ++k) {
        CHECK(a.slot_instant(k) == a_again.slot_instant(k));
        if (a.slot_instant(k) != b.slot_instant(k)) ++differ;
    }
    CHECK(differ > 25);
}

TEST_CASE("the next report is the first slot strictly after the given instant") {
    radio r = a_radio(42);
    instant const first = r.next_report_after(t0);
    CHECK(r.next_report_after(first - 1ms) == first);
    instant const second = r.next_report_after(first);
    CHECK(second > first);
    CHECK(second - first > 23h);
    CHECK(second - first < 25h);
    CHECK(r.next_report_after(second - 1ms) == second);
}

TEST_CASE("the schedule does not depend on what was asked before") {
    radio r = a_radio(5);
    instant const far = t0 + std::chrono::days{100};
    instant const direct = r.next_report_after(far);
    instant t = t0;
    while (t < far) t = r.next_report_after(t);
    CHECK(r.next_report_after(far) == direct);
    CHECK(t == direct);
}

TEST_CASE("an hourly schedule reports once in every hour") {
    radio_params p;
    p.report_interval = 1h;
    p.report_time = 15min;
    p.max_jitter = 10min;
    radio_state s;
    s.seed = 3;
    radio r{p, s};
    instant t = t0;
    for (int i = 0; i < 48; ++i) {
        instant const next = r.next_report_after(t);
        std::int64_t const minute = (to_ms(next) % 3'600'000) / 60'000;
        CHECK(minute >= 15);
        CHECK(minute <= 25);
        t = next;
    }
    CHECK(t - t0 > 46h);
    CHECK(t - t0 < 49h);
}

TEST_CASE("the next session is the next report unless a wake is pending") {
    radio r = a_radio(9);
    CHECK(r.next_session(t0) == r.next_report_after(t0));
    CHECK(r.request_wake(t0 + 3h));
    CHECK_FALSE(r.request_wake(t0 + 3h + 1s));
    CHECK(r.next_session(t0 + 3h) == t0 + 3h);
    r.session_done(t0 + 3h);
    CHECK_FALSE(r.state().wake_requested);
    CHECK(r.next_session(t0 + 3h) == r.next_report_after(t0 + 3h));
}

TEST_CASE("a report due now is due until its session is done") {
    radio r = a_radio(11);
    instant const slot = r.next_report_after(t0);
    CHECK(r.next_session(slot) == slot);
    r.session_done(slot);
    CHECK(r.next_session(slot) == r.next_report_after(slot));
    CHECK(r.state().sessions == 1);
    CHECK(r.state().last_session == slot);
}

TEST_CASE("an offline meter holds no session and keeps its wake for later") {
    radio r = a_radio(13);
    CHECK(r.set_online(false));
    CHECK_FALSE(r.set_online(false));
    CHECK_FALSE(r.is_online());
    CHECK_FALSE(r.next_session(t0).has_value());
    CHECK(r.request_wake(t0 + 1h));
    CHECK_FALSE(r.next_session(t0 + 2h).has_value());
    CHECK(r.set_online(true));
    CHECK(r.next_session(t0 + 5h) == t0 + 5h);
}

TEST_CASE("reports missed while offline are skipped, not replayed") {
    radio r = a_radio(17);
    r.session_done(t0);
    (void)r.set_online(false);
    instant const back = t0 + std::chrono::days{5} + 12h;
    (void)r.set_online(true);
    instant const next = *r.next_session(back);
    CHECK(next > back);
    CHECK(next == r.next_report_after(back));
}

TEST_CASE("seeded signal figures are plausible and reproducible") {
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        signal_info const s = seeded_signal(comm_type::nb_iot, seed);
        CHECK(s == seeded_signal(comm_type::nb_iot, seed));
        CHECK(s.csq >= 12);
        CHECK(s.csq <= 31);
        CHECK(s.rsrp >= decimal::from_e4(-1'150'000));
        CHECK(s.rsrp <= decimal::from_e4(-700'000));
        CHECK(s.snr >= decimal::from_e4(-50'000));
        CHECK(s.snr <= decimal::from_e4(200'000));
        CHECK(s.ecl >= 0);
        CHECK(s.ecl <= 2);
        CHECK(s.cell_id.size() == 8);
    }
    CHECK(seeded_signal(comm_type::gprs, 1).ecl == 0);
}

TEST_CASE("communication types have stable names") {
    CHECK(to_string(comm_type::nb_iot) == "nb_iot");
    CHECK(to_string(comm_type::gprs) == "gprs");
    CHECK(comm_type_from_string("gprs") == comm_type::gprs);
    CHECK_FALSE(comm_type_from_string("lora").has_value());
}

TEST_CASE("a radio rebuilt from its state keeps its schedule and signal") {
    radio r = a_radio(23);
    r.set_signal(seeded_signal(comm_type::nb_iot, 23));
    r.session_done(t0 + 1h);
    radio copy{r.params(), r.state()};
    CHECK(copy.state() == r.state());
    CHECK(copy.next_session(t0 + 2h) == r.next_session(t0 + 2h));
}

}  // TEST_SUITE

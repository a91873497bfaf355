// The fleet-wide ring of report summaries: bounded, wraps, one meter's newest entries in order.
#include "sim/report_history.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace metersim;

namespace {

/// A report at `ms` whose reading is `ms` e4 (so each entry names its report).
meters::meter_report report_at(std::int64_t ms) {
    meters::meter_report r;
    r.at = meters::instant_from_ms(ms);
    r.reading = meters::volume::from_e4(ms);
    r.balance = meters::money::from_e4(-ms);
    r.gas_balance = meters::volume::from_e4(2 * ms);
    r.valve = meters::valve_position::closed;
    r.battery_mv = 3600;
    r.reason = meters::report_reason::alarm;
    return r;
}

std::vector<std::int64_t> times(std::vector<sim::report_entry> const& es) {
    std::vector<std::int64_t> out;
    for (auto const& e : es) out.push_back(e.at_ms);
    return out;
}

}  // namespace

TEST_SUITE("sim/report_history") {

TEST_CASE("an entry holds the report's summary") {
    sim::report_history h{4};
    h.append(7, report_at(1000));
    auto es = h.of(7, 10);
    REQUIRE(es.size() == 1);
    CHECK(es[0].meter == 7);
    CHECK(es[0].at_ms == 1000);
    CHECK(es[0].reading_e4 == 1000);
    CHECK(es[0].balance_e4 == -1000);
    CHECK(es[0].gas_balance_e4 == 2000);
    CHECK(es[0].valve == meters::valve_position::closed);
    CHECK(es[0].battery_mv == 3600);
    CHECK(es[0].reason == meters::report_reason::alarm);
    CHECK(h.of(8, 10).empty());
}

TEST_CASE("the ring is bounded: the oldest fall off as it wraps") {
    sim::report_history h{5};
    CHECK(h.capacity() == 5);
    for (std::int64_t t = 1; t <= 12; ++t) h.append(0, report_at(t));
    CHECK(h.size() == 5);
    CHECK(h.appended() == 12);
    CHECK(times(h.of(0, 100)) == std::vector<std::int64_t>{8, 9, 10, 11, 12});
}

TEST_CASE("one meter's newest entries come oldest first, up to the limit, among the others'") {
    sim::report_history h{8};
    for (std::int64_t t = 1; t <= 10; ++t) h.append(t % 2 == 0 ? 2 : 1, report_at(t));
    // Held: 3..10; meter 2 has 4, 6, 8, 10 and meter 1 has 3, 5, 7, 9.
    CHECK(times(h.of(2, 100)) == std::vector<std::int64_t>{4, 6, 8, 10});
    CHECK(times(h.of(1, 3)) == std::vector<std::int64_t>{5, 7, 9});
    CHECK(h.of(1, 0).empty());
}

TEST_CASE("a capacity of 0 keeps nothing") {
    sim::report_history h{0};
    h.append(1, report_at(5));
    CHECK(h.size() == 0);
    CHECK(h.of(1, 10).empty());
}

}

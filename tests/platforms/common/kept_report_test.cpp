#include "platforms/common/kept_report.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "meters/rng.hpp"
#include "platforms/common/meter_table.hpp"

using namespace metersim::platforms;
namespace meters = metersim::meters;

namespace {

/// A report with every field drawn from `seed`; `rare` adds what only the whole form holds.
meters::meter_report random_report(std::uint64_t seed, int rare) {
    std::uint64_t k = seed;
    auto next = [&k] { return static_cast<std::int64_t>(meters::mix64(++k) >> 1) - (std::int64_t{1} << 61); };
    meters::meter_report r;
    r.reason = static_cast<meters::report_reason>(meters::mix64(seed) % 4);
    r.at = meters::instant_from_ms(next() % 4'000'000'000'000);
    r.account = static_cast<meters::account_state>(meters::mix64(seed + 1) % 5);
    r.mode = static_cast<meters::billing_mode>(meters::mix64(seed + 2) % 3);
    r.reading = meters::volume::from_e4(next());
    r.cycle_usage = meters::volume::from_e4(next());
    r.balance = meters::money::from_e4(next());
    r.gas_balance = meters::volume::from_e4(next());
    r.total_bought_money = meters::money::from_e4(next());
    r.total_used_money = meters::money::from_e4(next());
    r.total_bought_gas = meters::volume::from_e4(next());
    r.total_used_gas = meters::volume::from_e4(next());
    r.buy_count = static_cast<std::uint32_t>(next());
    r.current_price = meters::price::from_e4(next());
    r.ladder_no = static_cast<std::uint8_t>(next());
    r.valve = static_cast<meters::valve_position>(meters::mix64(seed + 3) % 7);
    r.valve_causes = static_cast<std::uint16_t>(next());
    r.battery_mv = static_cast<int>(next() % 100'000);
    r.signal.csq = static_cast<int>(next() % 100);
    r.signal.rsrp = meters::decimal::from_e4(next());
    r.signal.snr = meters::decimal::from_e4(next());
    r.signal.ecl = static_cast<int>(next() % 3);
    r.signal.cell_id = std::to_string(meters::mix64(seed + 4) % 1'000'000'000);
    r.signal.fcn = std::to_string(meters::mix64(seed + 5) % 100'000);
    r.lost_contact = (seed & 1) != 0;
    auto const records = meters::mix64(seed + 6) % 4;
    for (std::uint64_t i = 0; i < records; ++i) {
        meters::frozen_record f;
        f.kind = (next() & 1) != 0 ? meters::freeze_kind::monthly : meters::freeze_kind::daily;
        f.at = meters::instant_from_ms(next() % 4'000'000'000'000);
        f.values.reading = meters::volume::from_e4(next());
        f.period_use = meters::volume::from_e4(next());
        r.frozen.push_back(f);
    }
    switch (rare) {
        case 1: r.active_alarms = {meters::alarm_code::unknown}; break;
        case 2: r.price_change = meters::price_change_info{}; r.price_change->last_version = "7"; break;
        case 3: r.temperature_c = meters::decimal::from_e4(next()); r.flow_per_hour = meters::volume::from_e4(next()); break;
        case 4: r.signal.cell_id = std::string(40, '7'); break;
        case 5: r.signal.fcn = std::string("1\0" "2", 3); break;
        default: break;
    }
    return r;
}

}  // namespace

TEST_SUITE("platforms/common/kept_report") {

TEST_CASE("a kept report loads back equal to the one stored, compact or whole") {
    kept_report k;
    CHECK(k.empty());
    for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
        int const rare = static_cast<int>(seed % 6);
        auto const r = random_report(seed, rare);
        k.store(r);  // over the previous one: whole -> compact -> whole ...
        REQUIRE(!k.empty());
        auto const back = k.load();
        CHECK(back.frozen == r.frozen);
        CHECK(back.signal == r.signal);
        REQUIRE(back == r);
        kept_report copy = k;
        CHECK(copy.load() == r);
    }
    k.clear();
    CHECK(k.empty());
}

TEST_CASE("a meter table finds slots by index and reads unwritten ones as default") {
    // A chunk is a 2 MiB block: 524,288 ints, so 0 and 3,000,000 lie in different chunks.
    meter_table<int> t;
    CHECK(t.find(0) == nullptr);
    t.at(3'000'000) = 7;
    REQUIRE(t.find(3'000'000) != nullptr);
    CHECK(*t.find(3'000'000) == 7);
    CHECK(t.find(0) == nullptr);           // a chunk never written
    REQUIRE(t.find(3'000'001) != nullptr);      // same chunk: a default slot
    CHECK(*t.find(3'000'001) == 0);
    int* stable = &t.at(3'000'000);
    t.at(1'000'000) = 1;
    CHECK(&t.at(3'000'000) == stable);
}

TEST_CASE("a meter table constructs its slots and destroys them with it") {
    meter_table<std::string> t;
    t.at(10) = std::string(100, 'x');  // on the heap: a leak or double free shows under ASan
    REQUIRE(t.find(11) != nullptr);
    CHECK(t.find(11)->empty());
    CHECK(*t.find(10) == std::string(100, 'x'));
}

}  // TEST_SUITE

// The Xianfeng messages written as text (platforms/xianfeng/service_data.cpp) are byte-identical
// to the nlohmann::ordered_json trees they replaced (service_data_reference.hpp), for many
// randomly varied reports, sources, alarms, concentrator states and command results.

#include "platforms/xianfeng/service_data.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "meters/rng.hpp"
#include "service_data_reference.hpp"

using namespace metersim;
using namespace metersim::platforms::xianfeng;

namespace {

/// Draws the varied inputs; every string it hands out lives as long as the generator.
struct gen {
    meters::meter_rng rng;
    std::vector<std::string> keep;  ///< backing for the message_source views (stable: reserved)

    explicit gen(std::uint64_t seed) : rng(seed) { keep.reserve(100000); }

    std::uint64_t next(std::uint64_t n) { return rng.next() % n; }
    bool coin(int one_in = 2) { return next(static_cast<std::uint64_t>(one_in)) == 0; }

    std::int64_t figure() {
        switch (next(6)) {
            case 0: return 0;
            case 1: return -static_cast<std::int64_t>(next(1'000'000));
            case 2: return static_cast<std::int64_t>(rng.next());  // anything, INT64 edges included
            default: return static_cast<std::int64_t>(next(100'000'000));
        }
    }

    meters::instant when() {
        if (coin(20)) return meters::instant_from_ms(static_cast<std::int64_t>(rng.next() >> 8) - (1ll << 54));
        return meters::instant_from_ms(1'767'225'600'000 + static_cast<std::int64_t>(next(400ull * 86'400'000)));
    }

    /// Mostly plain text, sometimes quotes, control bytes, UTF-8 or invalid UTF-8.
    std::string text(std::size_t max_len = 20) {
        static constexpr std::array<char const*, 8> odd = {"\"", "\\", "\n", "\x01", "中", "\xff", "\xe4\xb8", "/"};
        std::string s;
        auto const n = next(max_len + 1);
        for (std::size_t i = 0; i < n; ++i) {
            if (coin(10)) s += odd[next(odd.size())];
            else s += static_cast<char>('0' + next(75));
        }
        return s;
    }

    std::string_view kept(std::string s) { return keep.emplace_back(std::move(s)); }

    message_source source() {
        message_source s;
        s.device_id = coin(10) ? kept(text(40)) : kept(std::string(32, static_cast<char>('a' + next(6))));
        s.device_no = kept(coin(10) ? text() : std::to_string(rng.next()));
        s.concentrator = coin(8);
        s.comm = coin() ? meters::comm_type::gprs : meters::comm_type::nb_iot;
        s.mode = static_cast<meters::billing_mode>(next(3));
        s.meter_type = coin(10) ? kept(text(3)) : (coin() ? "0" : "1");
        s.flow_meter = coin(3);
        s.utc_offset = std::chrono::minutes{coin(3) ? 480 : static_cast<int>(next(1681)) - 840};
        return s;
    }

    meters::frozen_record frozen_record() {
        meters::frozen_record f;
        f.kind = coin() ? meters::freeze_kind::daily : meters::freeze_kind::monthly;
        f.at = when();
        f.values.reading = meters::volume::from_e4(figure());
        f.values.total_buy = meters::decimal::from_e4(figure());
        f.values.total_use = meters::decimal::from_e4(figure());
        f.values.surplus = meters::decimal::from_e4(figure());
        f.period_use = meters::volume::from_e4(figure());
        return f;
    }

    meters::price_change_info price_change() {
        meters::price_change_info p;
        p.last_version = coin(5) ? text(8) : std::to_string(next(100));
        p.last_price_count = static_cast<std::uint8_t>(next(7));  // 0 and 6 included
        for (auto& x : p.last_prices) x = meters::price::from_e4(figure());
        for (auto& x : p.last_ladder_usage) x = meters::volume::from_e4(figure());
        p.last_cycle_usage = meters::volume::from_e4(figure());
        p.total_use = meters::volume::from_e4(figure());
        p.total_use_money = meters::money::from_e4(figure());
        p.surplus_money = meters::money::from_e4(figure());
        return p;
    }

    std::vector<meters::alarm_code> active_alarms() {
        std::vector<meters::alarm_code> out;
        auto const n = next(4) == 0 ? next(8) : 0;
        for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<meters::alarm_code>(next(0x30)));
        return out;
    }

    meters::meter_report report() {
        meters::meter_report r;
        r.reason = static_cast<meters::report_reason>(next(4));
        r.at = when();
        r.account = static_cast<meters::account_state>(next(5));
        r.mode = static_cast<meters::billing_mode>(next(3));
        r.reading = meters::volume::from_e4(figure());
        r.cycle_usage = meters::volume::from_e4(figure());
        r.balance = meters::money::from_e4(figure());
        r.gas_balance = meters::volume::from_e4(figure());
        r.total_bought_money = meters::money::from_e4(figure());
        r.total_used_money = meters::money::from_e4(figure());
        r.total_bought_gas = meters::volume::from_e4(figure());
        r.buy_count = static_cast<std::uint32_t>(coin(10) ? rng.next() : next(20));
        r.current_price = meters::price::from_e4(figure());
        r.valve = static_cast<meters::valve_position>(next(7));
        r.valve_causes = static_cast<std::uint16_t>(coin(3) ? rng.next() : 0);
        r.battery_mv = coin(10) ? static_cast<int>(figure() % 100000) : 3000 + static_cast<int>(next(700));
        r.signal.csq = coin(10) ? 99 : static_cast<int>(next(32));
        r.signal.rsrp = meters::decimal::from_e4(-static_cast<std::int64_t>(next(1'400'000)));
        r.signal.snr = meters::decimal::from_e4(static_cast<std::int64_t>(next(600'000)) - 200'000);
        r.signal.ecl = static_cast<int>(next(3));
        r.signal.cell_id = coin(10) ? text(10) : std::to_string(next(1u << 28));
        r.signal.fcn = coin(10) ? text(6) : std::to_string(next(4000));
        r.lost_contact = coin(5);
        r.active_alarms = active_alarms();
        for (auto n = coin(3) ? next(4) : 0; n > 0; --n) r.frozen.push_back(frozen_record());
        if (coin(4)) r.price_change = price_change();
        if (coin(3)) r.temperature_c = meters::decimal::from_e4(figure());
        if (coin(3)) r.pressure_kpa = meters::decimal::from_e4(figure());
        if (coin(3)) r.flow_per_hour = meters::volume::from_e4(figure());
        return r;
    }

    result_fields result() {
        static constexpr std::array<char const*, 6> names = {"commandResult", "billNo", "surplusValue",
                                                             "priceVer", "errorCode", "x"};
        result_fields out;
        for (auto n = next(7); n > 0; --n)  // duplicates happen: first place, last value
            out.emplace_back(coin(8) ? text(6) : std::string(names[next(names.size())]), text());
        return out;
    }
};

}  // namespace

TEST_SUITE("platforms/xianfeng/service_data text") {

TEST_CASE("report messages are byte-identical to the ordered_json trees, for varied reports") {
    gen g{20261122};
    for (int i = 0; i < 20000; ++i) {
        auto const src = g.source();
        auto const r = g.report();
        auto const type = static_cast<report_type>(g.next(3));
        auto const received = g.when();
        auto const want = reference::report_message(src, r, type, received);
        REQUIRE(report_message(src, r, type, received) == want);
        std::string appended = "[";  // the push body form: appended after what is there
        append_report_message(appended, src, r, type, received);
        REQUIRE(appended == "[" + want);
    }
}

TEST_CASE("alarm messages are byte-identical to the ordered_json trees") {
    gen g{7};
    for (int i = 0; i < 5000; ++i) {
        auto const src = g.source();
        std::vector<meters::alarm_change> alarms;
        for (auto n = g.next(5); n > 0; --n)  // none at all included
            alarms.push_back({static_cast<meters::alarm_code>(g.next(0x30)), g.coin(), g.when()});
        auto const received = g.when();
        REQUIRE(alarm_message(src, alarms, received) == reference::alarm_message(src, alarms, received));
    }
}

TEST_CASE("concentrator messages are byte-identical to the ordered_json trees") {
    gen g{11};
    for (int i = 0; i < 5000; ++i) {
        auto const src = g.source();
        concentrator_status s;
        s.mains_powered = g.coin();
        s.mains_present = g.coin();
        s.store_fault = g.coin();
        s.update_state = static_cast<int>(g.next(5)) - 1;
        s.low_voltage = g.coin();
        s.meter_fault = g.coin();
        s.battery_mv = static_cast<int>(g.figure() % 10000);
        auto const t = g.when();
        auto const received = g.when();
        REQUIRE(concentrator_message(src, s, t, received) ==
                reference::concentrator_message(src, s, t, received));
    }
}

TEST_CASE("response messages and result objects are byte-identical, duplicate names included") {
    gen g{13};
    for (int i = 0; i < 10000; ++i) {
        auto const src = g.source();
        auto const id = g.coin(10) ? g.text() : std::to_string(g.rng.next());
        auto const result = g.result();
        auto const received = g.when();
        REQUIRE(response_message(src, id, result, received) ==
                reference::response_message(src, id, result, received));
        REQUIRE(result_object(result) == reference::result_object(result));
    }
    result_fields const dup{{"a", "1"}, {"b", "2"}, {"a", "3"}};
    CHECK(result_object(dup) == R"({"a":"3","b":"2"})");
}

}

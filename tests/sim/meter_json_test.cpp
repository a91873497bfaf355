#include "sim/meter_json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "meters/calendar.hpp"
#include "sim/catalogue.hpp"
#include "sim/meter_json_dom.hpp"

using namespace metersim;
using namespace metersim::meters;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr utc_offset cst{480};

instant at(int y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0) {
    return from_civil(civil_time{y, mo, d, h, mi, 0, 0}, cst);
}

sim::catalogue const& models() {
    static sim::catalogue const c = sim::catalogue::builtin();
    return c;
}
meter_model const& money_model() { return models().find("xf-nb-money")->model; }

tariff ladder_tariff(std::string version, std::int64_t p1, std::int64_t p2, instant effective) {
    tariff t;
    t.version = std::move(version);
    t.code = "P-" + t.version;
    t.price_count = 2;
    t.prices = {price::from_units(p1), price::from_units(p2)};
    t.thresholds = {volume::from_units(10)};
    t.cycle.kind = cycle_kind::months;
    t.cycle.months = 12;
    t.cycle.start = at(2026, 1, 1);
    t.effective_at = effective;
    t.clear_ladder = false;
    t.gas_type = 1;
    return t;
}

commands::recharge recharge(std::int64_t yuan, std::string trade, std::uint32_t bill) {
    commands::recharge r;
    r.amount = money::from_units(yuan);
    r.trade_no = std::move(trade);
    r.bill_no = bill;
    return r;
}

/// A meter taken through opening, recharges, a price switch and a pending tariff, ladder
/// crossings, alarms, valve moves, a battery event and daily and monthly freezes.
meter lived_meter() {
    meter_identity id{"07602190000001", "U-1", "0123456789abcdef0123456789abcdef", "864814042227339",
                      "8986111825900679193", "1234567890"};
    meter m{money_model(), meter::manufacture(money_model(), id, 42, cst, at(2026, 1, 1))};
    commands::open_account open;
    open.opening_credit = money::from_units(100);
    open.bill_no = 1;
    open.card_no = "1234567890";
    open.price = ladder_tariff("1", 2, 3, at(2026, 1, 1));
    REQUIRE(m.apply(open, at(2026, 1, 1, 1)).result->accepted());
    (void)m.inject(events::flow{volume::from_e4(500)}, at(2026, 1, 1, 1));  // 0.05 m³/h
    (void)m.advance_to(at(2026, 1, 12, 12));  // crosses the 10 m³ ladder
    // The switch to version 2 falls after the last daily report before the snapshot, so its
    // PriceChangeInfo is still held (it is dropped once reported).
    REQUIRE(m.apply(commands::set_tariff{ladder_tariff("2", 3, 4, at(2026, 2, 3, 5))}, at(2026, 1, 13)).result->accepted());
    REQUIRE(m.apply(recharge(200, "T-1", 2), at(2026, 1, 14)).result->accepted());
    (void)m.inject(events::consume{volume::from_e4(12345)}, at(2026, 1, 21));
    (void)m.inject(events::alarm{alarm_code::magnetic_interference}, at(2026, 1, 25));  // closes the valve
    (void)m.inject(events::alarm{alarm_code::cover_open}, at(2026, 1, 25, 1));
    (void)m.inject(events::battery{3250}, at(2026, 1, 26));                    // battery low
    (void)m.inject(events::clear_alarm{alarm_code::magnetic_interference}, at(2026, 1, 27));
    (void)m.inject(events::button{}, at(2026, 1, 27, 1));                      // reopens
    (void)m.inject(events::valve_fault{valve_fault::close_fails}, at(2026, 1, 28));
    (void)m.inject(events::conditions{decimal::from_e4(215000), decimal::from_e4(1013250)}, at(2026, 1, 29));
    (void)m.advance_to(at(2026, 2, 3, 5, 7));  // a monthly freeze on 1 February, the switch at 05:00
    REQUIRE(m.apply(commands::set_tariff{ladder_tariff("3", 4, 5, at(2026, 6, 1))}, at(2026, 2, 3, 5, 8)).result->accepted());
    return m;
}

/// What effects say, comparable.
std::string describe(effects const& fx) {
    std::string out = "consumed " + to_string(fx.consumed);
    for (auto const& r : fx.reports)
        out += "; report " + std::to_string(to_ms(r.at)) + " " + to_string(r.reading) + " " + to_string(r.balance);
    for (auto const& a : fx.alarms)
        out += std::string("; alarm ") + std::string(to_string(a.code)) + (a.raised ? "+" : "-") +
               std::to_string(to_ms(a.at));
    for (auto const& v : fx.valve) out += "; valve " + std::string(to_string(v.kind)) + std::to_string(to_ms(v.at));
    if (fx.result) out += fx.result->accepted() ? "; accepted" : "; refused";
    return out;
}

std::string state_text() { return sim::to_json_text(lived_meter().state()); }

/// The lived meter's JSON with one change made to it.
std::string edited(void (*edit)(json&)) {
    json j = json::parse(state_text());
    edit(j);
    return j.dump();
}

std::string error_of(std::string const& text) {
    auto r = sim::meter_state_from_json(text);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

}  // namespace

TEST_SUITE("sim/meter_json") {

TEST_CASE("a lived meter's state survives JSON unchanged") {
    meter m = lived_meter();
    meter_state const original = m.state();
    // The scenario reached every part worth checking.
    CHECK(original.pending.has_value());
    CHECK(original.price_change.has_value());
    CHECK(original.alarms.active.size() >= 2);
    CHECK_FALSE(original.freezes.daily.empty());
    CHECK_FALSE(original.freezes.monthly.empty());
    CHECK(original.valve.fail_next_close);
    CHECK(original.battery.low);
    CHECK(original.flow.has_override);

    std::string const text = sim::to_json_text(original);
    auto back = sim::meter_state_from_json(text);
    REQUIRE_MESSAGE(back.has_value(), (back.has_value() ? "" : back.error()));
    CHECK(back.value() == original);
    CHECK(sim::to_json_text(back.value()) == text);
}

TEST_CASE("a meter rebuilt from its JSON continues exactly as the original") {
    meter a = lived_meter();
    auto back = sim::meter_state_from_json(sim::to_json_text(a.state()));
    REQUIRE(back.has_value());
    meter b{money_model(), back.value()};

    auto same = [&](auto step) {
        effects const fa = step(a);
        effects const fb = step(b);
        CHECK(describe(fa) == describe(fb));
        CHECK(a.state() == b.state());
        CHECK(a.next_wake() == b.next_wake());
    };
    same([](meter& x) { return x.advance_to(at(2026, 2, 10)); });
    same([](meter& x) { return x.inject(events::alarm{alarm_code::magnetic_interference}, at(2026, 2, 11)); });
    same([](meter& x) { return x.advance_to(at(2026, 2, 11, 0, 1)); });  // close fails
    same([](meter& x) { return x.apply(recharge(50, "T-9", 9), at(2026, 2, 12)); });
    same([](meter& x) { return x.inject(events::consume{volume::from_units(7)}, at(2026, 2, 13)); });
    same([](meter& x) { return x.advance_to(at(2026, 7, 3)); });  // the pending tariff activates
    CHECK(a.active_tariff().version == "3");
}

TEST_CASE("the JSON text is byte for byte the DOM's dump, for a lived meter and a fresh one of every model") {
    auto const dump = [](meter_state const& st) {
        return sim::meter_json_detail::to_dom(st).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    };
    meter_state lived = lived_meter().state();
    CHECK(sim::to_json_text(lived) == dump(lived));
    lived.identity.user_no = "用户 \"quoted\" \x01 \xff";  // escapes, UTF-8 and an invalid byte
    CHECK(sim::to_json_text(lived) == dump(lived));
    lived.radio.seed = 18'000'000'000'000'000'000ULL;  // past int64
    CHECK(sim::to_json_text(lived) == dump(lived));
    for (auto const* e : models().entries()) {
        CAPTURE(e->key);
        meter_identity id;
        id.meter_no = "M-" + e->key;
        auto s = meter::manufacture(e->model, id, 7, cst, at(2026, 3, 1));
        CHECK(sim::to_json_text(s) == dump(s));
    }
}

TEST_CASE("a fresh meter of every catalogue model round-trips") {
    for (auto const* e : models().entries()) {
        CAPTURE(e->key);
        meter_identity id;
        id.meter_no = "M-" + e->key;
        auto s = meter::manufacture(e->model, id, 7, cst, at(2026, 3, 1));
        auto back = sim::meter_state_from_json(sim::to_json_text(s));
        REQUIRE(back.has_value());
        CHECK(back.value() == s);
    }
}

TEST_CASE("a missing field is refused with its path") {
    CHECK(error_of(edited([](json& j) { j["billing"].erase("balance"); })) == "billing.balance: missing");
    CHECK(error_of(edited([](json& j) { j.erase("radio"); })) == "radio: missing");
    CHECK(error_of(edited([](json& j) { j["freezes"]["daily"][0].erase("at"); })) == "freezes.daily[0].at: missing");
}

TEST_CASE("a field of the wrong type is refused with its path") {
    CHECK(error_of(edited([](json& j) { j["now"] = "yesterday"; })) == "now: expected an integer, found a string");
    CHECK(error_of(edited([](json& j) { j["billing"]["balance"] = 12; })).starts_with("billing.balance: expected a decimal string"));
    CHECK(error_of(edited([](json& j) { j["valve"]["awaiting_button"] = 1; })).starts_with("valve.awaiting_button: expected a boolean"));
    CHECK(error_of(edited([](json& j) { j["active"]["prices"] = json::array({"1.0000"}); }))
              .starts_with("active.prices: expected an array of 6 elements"));
    CHECK(error_of(edited([](json& j) { j["active"]["price_count"] = 300; })).starts_with("active.price_count: integer out of range"));
}

TEST_CASE("a bad decimal is refused with its path") {
    CHECK(error_of(edited([](json& j) { j["billing"]["balance"] = "12.34567"; })).starts_with("billing.balance: bad decimal"));
    CHECK(error_of(edited([](json& j) { j["active"]["prices"][3] = "1e5"; })).starts_with("active.prices[3]: bad decimal"));
}

TEST_CASE("an unknown name is refused with its path") {
    CHECK(error_of(edited([](json& j) { j["account"] = "open"; })) == "account: unknown name \"open\"");
    CHECK(error_of(edited([](json& j) { j["valve"]["causes"] = json::array({"remote", "gremlins"}); }))
              .starts_with("valve.causes[1]:"));
    CHECK(error_of(edited([](json& j) { j["alarms"]["active"][0]["code"] = "0042H"; }))
              .starts_with("alarms.active[0].code: unknown name"));
}

TEST_CASE("text that is not a JSON object is refused") {
    CHECK(error_of("{\"format\": 1,").starts_with("not valid JSON"));
    CHECK(error_of("[1, 2]").starts_with("expected an object"));
    CHECK(error_of("{\"format\": 2}").starts_with("format: unsupported"));
}

}  // TEST_SUITE

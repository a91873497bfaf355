#include "meters/meter.hpp"

#include <doctest/doctest.h>

#include "tests/support/builders.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "meters/rng.hpp"

using namespace metersim::meters;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

constexpr utc_offset cst{480};

instant at(int y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0, unsigned s = 0) {
    return from_civil(civil_time{y, mo, d, h, mi, s, 0}, cst);
}

/// 03:00 local: the first daily report (02:00, no jitter) is 23 h later.
instant const t0 = at(2026, 1, 1, 3);

meter_model build_money_model() {
    meter_model m;
    m.name = "test-money";
    m.billing = billing_mode::money_prepaid;
    m.valve.transit = 6s;
    m.report_time = 2h;
    m.report_jitter = 0ms;
    m.low_money_warning = money::from_units(10);
    m.overdraft_limit = money::from_units(-10);
    return m;
}

meter_model build_gas_model() {
    meter_model m = build_money_model();
    m.name = "test-gas";
    m.billing = billing_mode::gas_prepaid;
    m.low_gas_warning = volume::from_units(5);
    return m;
}

meter_model build_backend_model() {
    meter_model m = build_money_model();
    m.name = "test-backend";
    m.billing = billing_mode::backend;
    return m;
}

// A meter keeps a pointer to its model: the models live as long as the tests.
meter_model const& money_model() {
    static meter_model const m = build_money_model();
    return m;
}
meter_model const& gas_model() {
    static meter_model const m = build_gas_model();
    return m;
}
meter_model const& backend_model() {
    static meter_model const m = build_backend_model();
    return m;
}

meter_identity identity_m1() {
    meter_identity id;
    id.meter_no = "M1";
    return id;
}

meter make(meter_model const& model, instant now = t0) {
    return meter{model, meter::manufacture(model, identity_m1(), 42, cst, now)};
}

commands::open_account opening(money credit_money, tariff t = flat_tariff(price_whole(2))) {
    commands::open_account c;
    c.opening_credit = credit_money;
    c.price = std::move(t);
    return c;
}

/// Two prices (2 and 3 yuan), threshold 10 m³, a one-month cycle from 1 January.
tariff two_tier() {
    tariff t;
    t.version = "1";
    t.price_count = 2;
    t.prices = {price_whole(2), price_whole(3)};
    t.thresholds = {m3_whole(10)};
    t.cycle.kind = cycle_kind::months;
    t.cycle.months = 1;
    t.cycle.start = at(2026, 1, 1);
    return t;
}

command_result result_of(effects const& fx) {
    REQUIRE(fx.result.has_value());
    return *fx.result;
}

bool has_alarm(effects const& fx, alarm_code code, bool raised) {
    return std::any_of(fx.alarms.begin(), fx.alarms.end(),
                       [&](alarm_change const& c) { return c.code == code && c.raised == raised; });
}

std::optional<instant> alarm_at(effects const& fx, alarm_code code) {
    for (auto const& c : fx.alarms)
        if (c.code == code && c.raised) return c.at;
    return std::nullopt;
}

meter opened_with_flow(meter_model const& model, money credit, volume per_hour) {
    meter m = make(model);
    REQUIRE(result_of(m.apply(opening(credit), t0)).accepted());
    (void)m.inject(events::flow{per_hour}, t0);
    return m;
}

}  // namespace

TEST_SUITE("meters/meter") {

TEST_CASE("a manufactured meter refuses billing commands until its account is opened") {
    meter m = make(money_model());
    commands::recharge r;
    r.amount = money::from_units(50);
    CHECK(result_of(m.apply(r, t0)).error == meter_errc::account_not_opened);
    CHECK(result_of(m.apply(commands::cancel_account{}, t0)).error == meter_errc::account_not_opened);
    CHECK(result_of(m.apply(opening(money::from_units(100)), t0)).accepted());
    CHECK(m.account() == account_state::opened);
    CHECK(result_of(m.apply(opening(money::from_units(100)), t0)).error == meter_errc::account_already_opened);
}

TEST_CASE("a suspended account takes only resume or cancel, a cancelled one nothing") {
    meter m = make(money_model());
    (void)m.apply(opening(money::from_units(100)), t0);
    CHECK(result_of(m.apply(commands::resume{}, t0)).error == meter_errc::not_suspended);
    CHECK(result_of(m.apply(commands::suspend{}, t0)).accepted());
    commands::recharge r;
    r.amount = money::from_units(5);
    CHECK(result_of(m.apply(r, t0)).error == meter_errc::account_suspended);
    CHECK(result_of(m.apply(commands::valve_control{commands::valve_action::open}, t0)).error ==
          meter_errc::account_suspended);
    CHECK((m.valve_causes() & static_cast<std::uint16_t>(close_cause::remote)) != 0);
    CHECK(result_of(m.apply(commands::resume{}, t0 + 1min)).accepted());
    CHECK(m.account() == account_state::opened);
    CHECK(result_of(m.apply(commands::cancel_account{}, t0 + 2min)).accepted());
    CHECK(m.account() == account_state::cancelled);
    CHECK(result_of(m.apply(r, t0 + 3min)).error == meter_errc::account_cancelled);
    CHECK(result_of(m.apply(commands::read_price{}, t0 + 3min)).error == meter_errc::account_cancelled);
}

TEST_CASE("a Xianfeng-style cancel returns the meter to manufactured, keeping its index") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(1));
    (void)m.advance_to(t0 + 3h);
    CHECK(result_of(m.apply(commands::cancel_account{true}, t0 + 3h)).accepted());
    CHECK(m.account() == account_state::manufactured);
    CHECK(m.billing().reading == m3_whole(3));
    CHECK(m.billing().balance == money::zero());
    CHECK(result_of(m.apply(opening(money::from_units(10)), t0 + 3h)).accepted());
}

TEST_CASE("a meter not yet opened counts gas but charges nothing") {
    meter m = make(money_model());
    (void)m.inject(events::flow{m3_whole(1)}, t0);
    effects const fx = m.advance_to(t0 + 4h);
    CHECK(fx.consumed == m3_whole(4));
    CHECK(m.billing().reading == m3_whole(4));
    CHECK(m.billing().balance == money::zero());
    CHECK(fx.alarms.empty());
    CHECK(m.account() == account_state::manufactured);
}

TEST_CASE("the first gas turns an opened account into one in use") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(1));
    (void)m.advance_to(t0 + 1h);
    CHECK(m.account() == account_state::in_use);
    CHECK(m.billing().reading == m3_whole(1));
    CHECK(m.billing().balance == money::from_units(98));
}

TEST_CASE("low balance, zero and the valve closing happen at their exact instants") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(1));
    // 2 yuan/m³ at 1 m³/h: below 10 yuan after 45.0001 m³ (charge 90.0002), zero at 50 m³.
    instant const low_at = t0 + 45h + 360ms;
    instant const zero_at = t0 + 50h;
    effects const fx = m.advance_to(t0 + 60h);
    CHECK(alarm_at(fx, alarm_code::low_balance) == low_at);
    CHECK(alarm_at(fx, alarm_code::zero_balance) == zero_at);
    CHECK_FALSE(has_alarm(fx, alarm_code::overdraft, true));
    CHECK(m.billing().balance == money::zero());
    CHECK(m.billing().reading == m3_whole(50));  // nothing flows once the valve shut
    CHECK(m.valve_position_now() == valve_position::closed);
    REQUIRE(fx.valve.size() >= 2u);
    CHECK(fx.valve[0].kind == valve_event_kind::closing_started);
    CHECK(fx.valve[0].at == zero_at);
    CHECK(fx.valve[1].at == zero_at + 6s);
}

TEST_CASE("the meter asks to be woken exactly when its credit crosses a level") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(1));
    CHECK(m.next_wake() == at(2026, 1, 2, 2));  // the first daily report comes first
    (void)m.advance_to(m.next_wake());
    CHECK(m.next_wake() == t0 + 45h + 360ms);   // before the next report at t0 + 47 h
    effects const fx = m.advance_to(m.next_wake());
    CHECK(has_alarm(fx, alarm_code::low_balance, true));
    REQUIRE_FALSE(fx.reports.empty());
    CHECK(fx.reports.back().reason == report_reason::alarm);
}

TEST_CASE("an overdraft model keeps gas flowing past zero until the overdraft limit") {
    meter_model model = money_model();
    model.close_on = credit_close::at_overdraft;
    meter m = opened_with_flow(model, money::from_units(100), m3_whole(1));
    effects const fx = m.advance_to(t0 + 70h);
    CHECK(alarm_at(fx, alarm_code::zero_balance) == t0 + 50h);
    // Below -10 yuan after 55.0001 m³.
    CHECK(alarm_at(fx, alarm_code::overdraft) == t0 + 55h + 360ms);
    CHECK(fx.valve.front().at == t0 + 55h + 360ms);
    CHECK(m.billing().balance == money::from_e4(-100002));
    CHECK(m.valve_position_now() == valve_position::closed);
}

TEST_CASE("a recharge reopens the valve by itself on an automatic model") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(1));
    (void)m.advance_to(t0 + 60h);
    commands::recharge r;
    r.amount = money::from_units(50);
    r.bill_no = 7;
    effects const fx = m.apply(r, t0 + 60h);
    CHECK(result_of(fx).bill_no == 7u);
    CHECK(result_of(fx).surplus_money == money::from_units(50));
    CHECK(has_alarm(fx, alarm_code::zero_balance, false));
    CHECK(m.valve_position_now() == valve_position::opening);
    (void)m.advance_to(t0 + 60h + 6s);
    CHECK(m.valve_position_now() == valve_position::open);
    CHECK(m.is_alarm_active(alarm_code::low_balance) == false);
}

TEST_CASE("a recharge on a button model waits for the button before the valve opens") {
    meter_model model = money_model();
    model.valve.recharge_needs_button = true;
    meter m = opened_with_flow(model, money::from_units(100), m3_whole(1));
    (void)m.advance_to(t0 + 60h);
    commands::recharge r;
    r.amount = money::from_units(50);
    (void)m.apply(r, t0 + 60h);
    (void)m.advance_to(t0 + 61h);
    CHECK(m.valve_position_now() == valve_position::closed);
    CHECK(m.billing().reading == m3_whole(50));
    (void)m.inject(events::button{}, t0 + 61h);
    (void)m.advance_to(t0 + 62h);
    CHECK(m.valve_position_now() == valve_position::open);
    CHECK(m.billing().reading > m3_whole(50));
}

TEST_CASE("a repeated bill number, a wrong credit kind or a refund above the balance is refused") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    commands::recharge r;
    r.amount = money::from_units(10);
    r.bill_no = 3;
    CHECK(result_of(m.apply(r, t0)).accepted());
    CHECK(result_of(m.apply(r, t0)).error == meter_errc::duplicate_bill_no);
    r.bill_no = 4;
    r.amount = m3_whole(10);
    CHECK(result_of(m.apply(r, t0)).error == meter_errc::wrong_prepaid_type);
    r.amount = money::from_units(500);
    r.refund = true;
    CHECK(result_of(m.apply(r, t0)).error == meter_errc::insufficient_balance);
    r.amount = money::from_units(30);
    CHECK(result_of(m.apply(r, t0)).surplus_money == money::from_units(80));
    CHECK(m.billing().buy_count == 2u);
}

TEST_CASE("a CNMCSP remain option credits back or deducts money") {
    meter m = opened_with_flow(money_model(), money::from_units(20), m3_whole(0));
    commands::remain_option credit_back{commands::remain_kind::refund_credit, money::from_units(5), "T1"};
    CHECK(result_of(m.apply(credit_back, t0)).surplus_money == money::from_units(25));
    commands::remain_option deduct{commands::remain_kind::deduction, money::from_units(30), "T2"};
    effects const fx = m.apply(deduct, t0 + 1min);
    CHECK(result_of(fx).surplus_money == money::from_units(-5));
    CHECK(has_alarm(fx, alarm_code::zero_balance, true));
    CHECK(m.billing().buy_count == 1u);  // only the opening credit was a purchase
    commands::remain_option zero{commands::remain_kind::deduction, money::zero(), "T3"};
    CHECK(result_of(m.apply(zero, t0 + 2min)).error == meter_errc::invalid_amount);
}

TEST_CASE("a gas-prepaid meter counts down its gas and closes at zero") {
    meter m = make(gas_model());
    commands::open_account c;
    c.opening_credit = m3_whole(10);
    REQUIRE(result_of(m.apply(c, t0)).accepted());
    (void)m.inject(events::flow{m3_whole(1)}, t0);
    effects const fx = m.advance_to(t0 + 12h);
    CHECK(alarm_at(fx, alarm_code::low_balance) == t0 + 5h + 360ms);  // below 5 m³ after 5.0001
    CHECK(alarm_at(fx, alarm_code::zero_balance) == t0 + 10h);
    CHECK(m.billing().gas_balance == volume::zero());
    CHECK(m.billing().balance == money::zero());
    CHECK(m.valve_position_now() == valve_position::closed);
    commands::recharge money_recharge;
    money_recharge.amount = money::from_units(10);
    CHECK(result_of(m.apply(money_recharge, t0 + 12h)).error == meter_errc::wrong_prepaid_type);
}

TEST_CASE("a backend-billed meter runs on the CIS's balance and price") {
    meter m = make(backend_model());
    commands::open_account c;
    backend_terms terms;
    terms.surplus = money::from_units(20);
    terms.unit_price = price_whole(2);
    c.backend = terms;
    REQUIRE(result_of(m.apply(c, t0)).accepted());
    (void)m.inject(events::flow{m3_whole(1)}, t0);
    effects const fx = m.advance_to(t0 + 12h);
    CHECK(alarm_at(fx, alarm_code::zero_balance) == t0 + 10h);
    CHECK(m.valve_position_now() == valve_position::closed);
    commands::recharge r;
    r.amount = money::from_units(10);
    CHECK(result_of(m.apply(r, t0 + 12h)).error == meter_errc::wrong_billing_mode);
    terms.surplus = money::from_units(30);
    terms.unit_price = price_whole(3);
    CHECK(result_of(m.apply(commands::sync_balance{terms}, t0 + 12h)).surplus_money == money::from_units(30));
    volume const reading_at_sync = m.billing().reading;
    (void)m.advance_to(t0 + 13h);
    (void)m.advance_to(t0 + 14h);
    volume const since = m.billing().reading - reading_at_sync;
    CHECK(since > m3_whole(1));  // the valve reopened by itself
    CHECK(m.billing().balance == money::from_units(30) - charge_for(since, price_whole(3)));
    CHECK(result_of(m.apply(commands::read_price{}, t0 + 14h)).price->prices[0] == price_whole(3));
}

TEST_CASE("a cycle boundary inside one advance resets the ladder at its exact instant") {
    meter m = make(money_model(), at(2026, 1, 31, 20));
    REQUIRE(result_of(m.apply(opening(money::from_units(1000), two_tier()), at(2026, 1, 31, 20))).accepted());
    (void)m.apply(commands::set_ladder_usage{m3_whole(8)}, at(2026, 1, 31, 20));
    (void)m.inject(events::flow{m3_whole(1)}, at(2026, 1, 31, 20));
    (void)m.advance_to(at(2026, 2, 1, 5));
    // January: 8 -> 12 m³ = 2 at 2 + 2 at 3; February from 0: 5 m³ at 2.
    CHECK(m.billing().total_used_money == money::from_units(4 + 6 + 10));
    CHECK(m.billing().cycle_usage == m3_whole(5));
    CHECK(m.billing().cycle_start == at(2026, 2, 1));
    CHECK(m.state().cycle_end == at(2026, 3, 1));
}

TEST_CASE("a price activating exactly on a cycle boundary still resets the ladder there") {
    meter m = make(money_model(), at(2026, 2, 28, 20));
    REQUIRE(result_of(m.apply(opening(money::from_units(1000), two_tier()), at(2026, 2, 28, 20))).accepted());
    (void)m.apply(commands::set_ladder_usage{m3_whole(8)}, at(2026, 2, 28, 20));
    tariff next = two_tier();
    next.version = "2";
    next.prices = {price_whole(4), price_whole(6)};
    next.effective_at = at(2026, 3, 1);
    REQUIRE(result_of(m.apply(commands::set_tariff{next}, at(2026, 2, 28, 20))).accepted());
    (void)m.inject(events::flow{m3_whole(1)}, at(2026, 2, 28, 20));
    effects const fx = m.advance_to(at(2026, 3, 1, 12));
    // February: 8 -> 12 m³ = 2 at 2 + 2 at 3 yuan; March from 0 at the new prices: 12 m³ =
    // 10 at 4 + 2 at 6 yuan. Without the reset March would start at 12 m³, all at 6 yuan.
    CHECK(m.billing().total_used_money == money::from_units(4 + 6 + 40 + 12));
    CHECK(m.billing().cycle_usage == m3_whole(12));
    CHECK(m.billing().cycle_start == at(2026, 3, 1));
    CHECK(m.state().cycle_end == at(2026, 4, 1));
    // The report after the switch carries the February cycle the price change closed.
    auto const with_change = std::find_if(fx.reports.begin(), fx.reports.end(),
                                          [](auto const& r) { return r.price_change.has_value(); });
    REQUIRE(with_change != fx.reports.end());
    CHECK(with_change->price_change->last_cycle_usage == m3_whole(12));
}

TEST_CASE("a pending price activates inside an advance and records the old ladder usage") {
    meter m = opened_with_flow(money_model(), money::from_units(1000), m3_whole(1));
    tariff next = flat_tariff(price_whole(5));
    next.version = "2";
    next.effective_at = t0 + 5h;
    REQUIRE(result_of(m.apply(commands::set_tariff{next}, t0)).accepted());
    CHECK(result_of(m.apply(commands::read_price{true}, t0)).price->prices[0] == price_whole(5));
    (void)m.advance_to(t0 + 10h);
    CHECK(m.billing().total_used_money == money::from_units(5 * 2 + 5 * 5));
    CHECK(m.active_tariff().version == "2");
    CHECK(result_of(m.apply(commands::read_price{true}, t0 + 10h)).error == meter_errc::no_pending_tariff);
    meter_state const s = m.state();
    REQUIRE(s.price_change.has_value());
    CHECK(s.price_change->last_ladder_usage[0] == m3_whole(5));
    CHECK(s.price_change->at == t0 + 5h);
    // The next report carries it once.
    effects const fx = m.advance_to(at(2026, 1, 2, 2));
    REQUIRE(fx.reports.size() == 1u);
    CHECK(fx.reports[0].price_change.has_value());
    CHECK_FALSE(m.state().price_change.has_value());
}

TEST_CASE("a clear-ladder mark on activation restarts the cycle usage") {
    meter m = make(money_model());
    REQUIRE(result_of(m.apply(opening(money::from_units(1000), two_tier()), t0)).accepted());
    (void)m.inject(events::flow{m3_whole(1)}, t0);
    tariff next = two_tier();
    next.version = "2";
    next.effective_at = t0 + 6h;
    next.clear_ladder = true;
    (void)m.apply(commands::set_tariff{next}, t0);
    (void)m.advance_to(t0 + 10h);
    CHECK(m.billing().cycle_usage == m3_whole(4));
    CHECK(m.billing().reading == m3_whole(10));
}

TEST_CASE("a decreasing ladder is refused by the meter with the field named") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    tariff bad = two_tier();
    bad.price_count = 3;
    bad.thresholds = {m3_whole(10), m3_whole(5)};
    command_result const r = result_of(m.apply(commands::set_tariff{bad}, t0));
    CHECK(r.error == meter_errc::invalid_tariff);
    REQUIRE(r.tariff_problem.has_value());
    CHECK(r.tariff_problem->field == "thresholds");
}

TEST_CASE("a consumption lump stops at the closing level") {
    meter m = opened_with_flow(money_model(), money::from_units(10), m3_whole(0));
    effects const fx = m.inject(events::consume{m3_whole(8)}, t0 + 1h);
    CHECK(fx.consumed == m3_whole(5));
    CHECK(m.billing().balance == money::zero());
    CHECK(has_alarm(fx, alarm_code::zero_balance, true));
}

TEST_CASE("an alarm wakes the meter at once and a self-closing one shuts the valve") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    effects const fx = m.inject(events::alarm{alarm_code::magnetic_interference}, t0 + 1h);
    REQUIRE(fx.reports.size() == 1u);
    CHECK(fx.reports[0].reason == report_reason::alarm);
    CHECK(fx.reports[0].at == t0 + 1h);
    CHECK(m.valve_position_now() == valve_position::closing);
    effects const cleared = m.inject(events::clear_alarm{alarm_code::magnetic_interference}, t0 + 2h);
    CHECK(has_alarm(cleared, alarm_code::magnetic_interference, false));
    CHECK(m.valve_position_now() == valve_position::closed);  // the button reopens
    (void)m.inject(events::button{}, t0 + 3h);
    (void)m.advance_to(t0 + 4h);
    CHECK(m.valve_position_now() == valve_position::open);
}

TEST_CASE("a failed battery closes the valve") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    effects const fx = m.inject(events::battery{2900}, t0 + 1h);
    CHECK(has_alarm(fx, alarm_code::battery_failure, true));
    CHECK((m.valve_causes() & static_cast<std::uint16_t>(close_cause::battery_failure)) != 0);
    CHECK(result_of(m.apply(commands::valve_control{commands::valve_action::open}, t0 + 2h)).error ==
          meter_errc::valve_locked);
}

TEST_CASE("a warning close is undone by the customer's button") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    (void)m.apply(commands::valve_control{commands::valve_action::warning_close}, t0);
    (void)m.advance_to(t0 + 1min);
    CHECK(m.valve_position_now() == valve_position::closed);
    (void)m.inject(events::button{}, t0 + 2min);
    (void)m.advance_to(t0 + 3min);
    CHECK(m.valve_position_now() == valve_position::open);
}

TEST_CASE("a meter without a valve refuses valve control") {
    meter_model model = money_model();
    model.valve.has_valve = false;
    meter m = make(model);
    CHECK(result_of(m.apply(commands::valve_control{}, t0)).error == meter_errc::no_valve);
}

TEST_CASE("a quiet meter reports once a day and freezes each midnight") {
    meter m = opened_with_flow(money_model(), money::from_units(1000), m3_whole(0));
    effects const fx = m.advance_to(t0 + std::chrono::days{3});
    REQUIRE(fx.reports.size() == 3u);
    CHECK(fx.reports[0].at == at(2026, 1, 2, 2));
    CHECK(fx.reports[0].reason == report_reason::periodic);
    CHECK(fx.reports[0].frozen.size() == 1u);
    CHECK(fx.reports[2].at == at(2026, 1, 4, 2));
    CHECK(m.next_wake() == at(2026, 1, 5, 2));
}

TEST_CASE("advancing in many small steps ends in the same state as one step") {
    // A daily pattern, a two-tier monthly ladder, a month boundary, low balance, zero and the
    // valve closing: whatever the steps, the same gas, money, alarms and instants.
    meter_model const& model = money_model();
    meter_state s = meter::manufacture(model, identity_m1(), 42, cst, t0);
    std::array<volume, 24> hourly{};
    for (std::size_t h = 6; h < 22; ++h) hourly[h] = volume::from_e4(3'700 + static_cast<std::int64_t>(h) * 13);
    s.flow = flow_profile::daily_pattern(hourly, cst.minutes).state();
    meter one{model, s};
    REQUIRE(result_of(one.apply(opening(money::from_units(150), two_tier()), t0)).accepted());
    meter many = one;
    instant const end = t0 + std::chrono::days{40};
    effects const once = one.advance_to(end);
    std::vector<alarm_change> stepped_alarms;
    std::size_t stepped_reports = 0;
    meter_rng rng{7};
    while (many.now() < end) {
        instant const next = std::min(end, many.now() + duration{rng.uniform(1, 7'200'000)});
        effects const fx = many.advance_to(next);
        stepped_alarms.insert(stepped_alarms.end(), fx.alarms.begin(), fx.alarms.end());
        stepped_reports += fx.reports.size();
    }
    CHECK(many.state() == one.state());
    CHECK(stepped_alarms == once.alarms);
    CHECK(stepped_reports == once.reports.size());
    CHECK(one.is_alarm_active(alarm_code::zero_balance));
    // The valve shut at the first 1e-4 m³ that took the credit to zero or below (3 yuan/m³ at most).
    CHECK_FALSE(one.billing().balance.is_positive());
    CHECK(one.billing().balance > money::from_e4(-3));
    CHECK(one.billing().total_used_money == money::from_units(150) - one.billing().balance);
}

TEST_CASE("the whole state survives a rebuild from it") {
    meter_model const model = money_model();
    meter m = opened_with_flow(model, money::from_units(100), m3_whole(1));
    (void)m.advance_to(t0 + 30h);
    meter copy{model, m.state()};
    CHECK(copy.state() == m.state());
    (void)m.advance_to(t0 + 80h);
    (void)copy.advance_to(t0 + 80h);
    CHECK(copy.state() == m.state());
}

TEST_CASE("a button press wakes the meter: a session reported with reason button (issue 16)") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    effects const fx = m.inject(events::button{}, t0 + std::chrono::hours{1});
    REQUIRE(fx.reports.size() == 1u);
    CHECK(fx.reports[0].reason == report_reason::button);
    CHECK(to_string(report_reason::button) == "button");
}

TEST_CASE("an offline meter skips its reports and reports lost contact when back") {
    meter m = opened_with_flow(money_model(), money::from_units(100), m3_whole(0));
    (void)m.inject(events::offline{}, t0);
    effects const quiet = m.advance_to(t0 + std::chrono::days{2});
    CHECK(quiet.reports.empty());
    (void)m.inject(events::online{}, t0 + std::chrono::days{2});
    effects const fx = m.inject(events::wake{}, t0 + std::chrono::days{2});
    REQUIRE(fx.reports.size() == 1u);
    CHECK(fx.reports[0].reason == report_reason::wake);
    CHECK(fx.reports[0].lost_contact);
    CHECK(fx.reports[0].frozen.size() == 2u);
}

}

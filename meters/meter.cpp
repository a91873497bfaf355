#include "meters/meter.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace metersim::meters {

namespace {

constexpr wide_int e4_ms_per_e4_hour = 3'600'000;  // a rate of 1e-4 m³/h for 1 ms

radio_params radio_params_of(meter_model const& m, utc_offset zone) {
    return radio_params{.comm = m.comm,
                        .report_interval = m.report_interval,
                        .report_time = m.report_time,
                        .max_jitter = m.report_jitter,
                        .utc_offset_min = zone.minutes};
}

freeze_params freeze_params_of(meter_model const& m, utc_offset zone) {
    return freeze_params{zone.minutes, m.daily_keep, m.monthly_keep};
}

/// Frozen values: money meters freeze yuan, gas meters m³, backend meters nothing (§5.6).
freeze_values freeze_values_of(billing_state const& b, billing_mode mode) {
    freeze_values v;
    v.reading = b.reading;
    if (mode == billing_mode::money_prepaid) {
        v.total_buy = fixed4_cast<decimal>(b.total_bought_money);
        v.total_use = fixed4_cast<decimal>(b.total_used_money);
        v.surplus = fixed4_cast<decimal>(b.balance);
    } else if (mode == billing_mode::gas_prepaid) {
        v.total_buy = fixed4_cast<decimal>(b.total_bought_gas);
        v.total_use = fixed4_cast<decimal>(b.total_used_gas);
        v.surplus = fixed4_cast<decimal>(b.gas_balance);
    }
    return v;
}

}  // namespace

// ---- construction and state -----------------------------------------------------------------

meter_state meter::manufacture(meter_model const& model, meter_identity identity, std::uint64_t seed,
                               utc_offset zone, instant now) {
    meter_state s;
    s.identity = std::move(identity);
    s.zone = zone;
    s.now = now;
    s.active = flat_tariff(price::zero());
    s.cycle_end = instant::max();
    s.billing.cycle_start = now;
    s.valve = valve::initial_state(model.valve);
    s.battery = battery::initial_state(model.battery, now);
    s.radio.seed = seed;
    s.radio.signal = seeded_signal(model.comm, seed);
    s.idle.last_flow = now;
    s.freezes.reported_until = now;
    s.flow = flow_profile::constant(volume::zero()).state();
    s.flow.seed = seed;
    s.flow.utc_offset_min = zone.minutes;
    return s;
}

meter::meter(meter_model const& model, meter_state s)
    : model_(&model),
      core_{s.zone, s.account, s.lost_contact, report_reason::wake, s.now,
            std::move(s.active), std::move(s.pending), s.cycle_end, std::move(s.billing),
            std::move(s.price_change), s.flow_carry, s.temperature_c, s.pressure_kpa},
      valve_(model.valve, s.valve),
      battery_(model.battery, s.battery),
      radio_(radio_params_of(model, s.zone), std::move(s.radio)),
      alarms_(std::move(s.alarms)),
      idle_(idle_params{model.idle_days}, s.idle),
      freezes_(freeze_params_of(model, s.zone), std::move(s.freezes)),
      flow_(s.flow),
      identity_(std::move(s.identity)) {}

meter_state meter::state() const {
    meter_state s;
    s.identity = identity_;
    s.zone = core_.zone;
    s.now = core_.now;
    s.account = core_.account;
    s.active = core_.active;
    s.pending = core_.pending.to_optional();
    s.cycle_end = core_.cycle_end;
    s.billing = core_.billing;
    s.price_change = core_.price_change.to_optional();
    s.valve = valve_.state();
    s.battery = battery_.state();
    s.radio = radio_.state();
    s.alarms = alarms_.state();
    s.idle = idle_.state();
    s.freezes = freezes_.state();
    s.flow = flow_.state();
    s.flow_carry = core_.flow_carry;
    s.temperature_c = core_.temperature_c;
    s.pressure_kpa = core_.pressure_kpa;
    s.lost_contact = core_.lost_contact;
    return s;
}

volume meter::flow_rate() const noexcept {
    return valve_.gas_flows() ? flow_.rate_at(core_.now) : volume::zero();
}

// ---- the three entry points -------------------------------------------------------------------

effects meter::advance_to(instant now) {
    effects fx;
    run_until(now, fx);
    return fx;
}

effects meter::apply(command const& c, instant now) {
    effects fx;
    run_until(now, fx);
    if (auto refused = gate(c)) {
        fx.result = command_result{};
        fx.result->error = refused;
    } else {
        fx.result = std::visit([&](auto const& cmd) { return handle(cmd, fx); }, c);
    }
    handle_due(fx);  // what the command set off at this instant: alarms, a session
    return fx;
}

effects meter::inject(event const& e, instant now) {
    effects fx;
    run_until(now, fx);
    std::visit([&](auto const& ev) { on(ev, fx); }, e);
    handle_due(fx);
    return fx;
}

instant meter::next_wake() const {
    instant wake = instant::max();
    instant const now = core_.now;
    if (auto s = radio_.next_session(now)) wake = std::min(wake, *s);
    if (auto t = valve_.next_transition()) wake = std::min(wake, *t);
    if (auto b = battery_.next_crossing()) wake = std::min(wake, std::max(*b, now));
    if (auto d = idle_.due()) wake = std::min(wake, std::max(*d, now));
    if (credit_watched() && valve_.gas_flows()) {
        // A price or cycle change may move the crossing: wake there to look again.
        instant limit = std::min({wake, core_.cycle_end, now + std::chrono::days{366}});
        if (core_.pending) limit = std::min(limit, std::max(core_.pending->effective_at, now));
        wake = limit;
        if (auto dv = volume_to_next_level()) {
            if (auto t = instant_for_volume(*dv, limit)) wake = std::min(wake, *t);
        }
    }
    return wake;
}

// ---- the advance loop -------------------------------------------------------------------------

void meter::run_until(instant target, effects& fx) {
    handle_due(fx);
    while (core_.now < target) {
        instant const stop = next_stop(target);
        // Midnights before the stop are frozen on the way, each with the values after the gas
        // drawn up to it. Nothing else can be due there (next_stop watches everything else, and
        // all of it lies at or after `stop`; drawing gas only moves the idle alarm later), so
        // they need neither handle_due nor a new next_stop: a quiet day costs one stop.
        bool crossed = false;
        while (!crossed && core_.now < stop) {
            instant const from = core_.now;
            crossed = draw_gas(std::min(stop, next_freeze_after(from, core_.zone.minutes)), fx);
            freezes_.catch_up(from, core_.now, [&](instant) { return freeze_values_of(core_.billing, model_->billing); });
        }
        handle_due(fx);
    }
}

instant meter::next_stop(instant target) const {
    instant const now = core_.now;
    instant stop = std::min(target, core_.cycle_end);
    if (core_.pending) stop = std::min(stop, core_.pending->effective_at);
    if (auto t = valve_.next_transition()) stop = std::min(stop, *t);
    if (auto b = battery_.next_crossing()) stop = std::min(stop, *b);
    if (auto d = idle_.due()) stop = std::min(stop, *d);
    if (auto s = radio_.next_session(now)) stop = std::min(stop, *s);
    // Everything due at `now` was handled; a stop in the past would be a bug, never a hang.
    return std::max(stop, now + duration{1});
}

/// Draws the gas up to `stop`, or up to the instant a credit level is crossed (then true).
bool meter::draw_gas(instant stop, effects& fx) {
    instant const from = core_.now;
    bool crossed = false;
    if (valve_.gas_flows()) {
        flow_remainder carry = core_.flow_carry;
        volume v = flow_.volume_between(from, stop, carry);
        // A credit level crossed on the way: stop exactly there, so the valve closes then.
        if (auto dv = volume_to_next_level(); dv && dv->is_positive() && v >= *dv) {
            if (auto t = instant_for_volume(*dv, stop)) {
                stop = *t;
                crossed = true;
                carry = core_.flow_carry;
                v = flow_.volume_between(from, stop, carry);
            }
        }
        core_.flow_carry = carry;
        if (v.is_positive()) {
            use_gas(v, fx);
            idle_.note_flow(stop);
        }
    }
    core_.now = stop;
    return crossed;
}

std::optional<instant> meter::instant_for_volume(volume v, instant limit) const {
    // The same arithmetic as flow_profile::volume_between: gas reaches v when
    // carry + Σ rate × ms >= v × 3 600 000.
    wide_int const need = static_cast<wide_int>(v.e4()) * e4_ms_per_e4_hour - core_.flow_carry.e4_ms;
    return flow_.instant_reaching(core_.now, need, limit);
}

void meter::use_gas(volume v, effects& fx) {
    fx.consumed += v;
    bool const billed = core_.account == account_state::opened || core_.account == account_state::in_use ||
                        core_.account == account_state::suspended;
    if (!billed) {
        core_.billing.reading += v;  // no account: the index turns, nobody pays
        return;
    }
    add_usage(core_.billing, model_->billing, core_.active, v);
    if (core_.account == account_state::opened) core_.account = account_state::in_use;
}

void meter::handle_due(effects& fx) {
    instant const now = core_.now;
    take_valve(valve_.advance_to(now), fx);
    take_battery(battery_.advance_to(now), fx);
    // A price activation first, so PriceChangeInfo shows the segment it closes; then the cycle.
    if (core_.pending && core_.pending->effective_at <= now) {
        tariff next = std::move(*core_.pending);
        core_.pending.reset();
        instant const at = next.effective_at;
        activate(std::move(next), at);
    }
    reset_cycles_due();
    evaluate_credit(fx);
    if (idle_.check(now)) {
        raise_alarm(alarm_code::dead_meter, now, fx);
        take_valve(valve_.hold(close_cause::dead_meter, now), fx);
    }
    if (auto s = radio_.next_session(now); s && *s <= now) session(fx);
}

void meter::reset_cycles_due() {
    while (core_.cycle_end <= core_.now) {
        reset_cycle(core_.billing, core_.cycle_end);
        core_.cycle_end = next_cycle_boundary(core_.active.cycle, core_.cycle_end, core_.zone);
        touch_billing();
    }
}

void meter::activate(tariff next, instant at) {
    instant const boundary = core_.cycle_end;
    core_.price_change = switch_tariff(core_.billing, core_.active, next, at);
    core_.active = std::move(next);
    // A cycle boundary falling on the activation instant itself is still honoured: the price
    // change first (PriceChangeInfo shows the cycle it closes), then the reset. Boundaries before
    // `at` were honoured at their own instants.
    if (boundary <= at) reset_cycle(core_.billing, boundary);
    core_.cycle_end = next_cycle_boundary(core_.active.cycle, at, core_.zone);
    touch_billing();
}

// ---- credit -----------------------------------------------------------------------------------

bool meter::credit_watched() const noexcept {
    bool const open = core_.account == account_state::opened || core_.account == account_state::in_use ||
                      core_.account == account_state::suspended;
    if (!open) return false;
    auto const mode = model_->billing;
    return mode != billing_mode::backend || core_.billing.backend.prepaid;
}

namespace {
struct credit_levels {
    std::int64_t warning, zero, overdraft;  ///< "remaining below" levels, e4
};
credit_levels levels_of(meter_model const& m) {
    if (m.billing == billing_mode::gas_prepaid)
        return {m.low_gas_warning.e4(), 1, m.gas_overdraft_limit.e4()};
    return {m.low_money_warning.e4(), 1, m.overdraft_limit.e4()};
}
}  // namespace

std::optional<volume> meter::volume_to_next_level() const {
    if (!credit_watched()) return std::nullopt;
    auto const lv = levels_of(*model_);
    std::int64_t const remaining = remaining_e4(core_.billing, model_->billing);
    // The highest level not yet crossed (remaining >= level).
    std::optional<std::int64_t> level;
    for (std::int64_t l : {lv.warning, lv.zero, lv.overdraft}) {
        if (remaining >= l && (!level || l > *level)) level = l;
    }
    if (!level) return std::nullopt;
    volume const usage = core_.billing.cycle_usage;
    if (!credit_cache_.valid || credit_cache_.level_e4 != *level) {
        auto const needed = volume_until_below(core_.billing, model_->billing, core_.active, *level);
        credit_cache_ = credit_cache{*level, usage, needed.value_or(volume::zero()), needed.has_value(), true};
    }
    if (!credit_cache_.reachable) return std::nullopt;
    volume const used = usage - credit_cache_.usage_at;
    return std::max(volume::zero(), credit_cache_.needed - used);
}

std::optional<volume> meter::volume_to_closing_level() const {
    if (!credit_watched() || model_->close_on == credit_close::stays_open) return std::nullopt;
    auto const lv = levels_of(*model_);
    std::int64_t const level = model_->close_on == credit_close::at_zero ? lv.zero : lv.overdraft;
    return volume_until_below(core_.billing, model_->billing, core_.active, level);
}

void meter::evaluate_credit(effects& fx) {
    if (!credit_watched()) return;
    instant const now = core_.now;
    auto const lv = levels_of(*model_);
    std::int64_t const remaining = remaining_e4(core_.billing, model_->billing);
    struct rule { alarm_code code; bool on; };
    for (rule r : {rule{alarm_code::low_balance, remaining < lv.warning},
                   rule{alarm_code::zero_balance, remaining < lv.zero},
                   rule{alarm_code::overdraft, remaining < lv.overdraft}}) {
        if (r.on) raise_alarm(r.code, now, fx);
        else if (!alarms_.empty()) clear_alarm(r.code, fx);
    }
    bool const want_zero = model_->close_on == credit_close::at_zero && remaining < lv.zero;
    bool const want_overdraft = model_->close_on == credit_close::at_overdraft && remaining < lv.overdraft;
    bool const lifted = (valve_.is_held(close_cause::zero_balance) && !want_zero) ||
                        (valve_.is_held(close_cause::overdraft) && !want_overdraft);
    if (lifted) take_valve(valve_.recharged(now), fx);
    if (want_zero && !valve_.is_held(close_cause::zero_balance))
        take_valve(valve_.hold(close_cause::zero_balance, now), fx);
    if (want_overdraft && !valve_.is_held(close_cause::overdraft))
        take_valve(valve_.hold(close_cause::overdraft, now), fx);
}

// ---- shared consequences ----------------------------------------------------------------------

void meter::raise_alarm(alarm_code code, instant at, effects& fx) {
    if (!alarms_.raise(code, at)) return;
    fx.alarms.push_back(alarm_change{code, true, at});
    request_session(report_reason::alarm);
}

void meter::clear_alarm(alarm_code code, effects& fx) {
    if (!alarms_.clear(code)) return;
    fx.alarms.push_back(alarm_change{code, false, core_.now});
    request_session(report_reason::alarm);
}

void meter::request_session(report_reason why) {
    if (radio_.request_wake(core_.now)) core_.wake_reason = why;
}

void meter::take_valve(valve_events const& events, effects& fx) {
    std::uint64_t actions = 0;
    for (valve_event const& e : events) {
        fx.valve.push_back(e);
        if (e.is_action()) ++actions;
        switch (e.kind) {
            case valve_event_kind::open_failed: raise_alarm(alarm_code::valve_open_failed, e.at, fx); break;
            case valve_event_kind::close_failed: raise_alarm(alarm_code::valve_close_failed, e.at, fx); break;
            case valve_event_kind::damaged: raise_alarm(alarm_code::valve_abnormal, e.at, fx); break;
            case valve_event_kind::repaired: clear_alarm(alarm_code::valve_abnormal, fx); break;
            case valve_event_kind::opened:
            case valve_event_kind::closed:
                // A transit that completes is reported (0002H/0005H went out with its start).
                clear_alarm(alarm_code::valve_open_failed, fx);
                clear_alarm(alarm_code::valve_close_failed, fx);
                request_session(report_reason::alarm);
                break;
            default: break;
        }
    }
    if (actions > 0) take_battery(battery_.valve_actions(actions, core_.now), fx);
}

void meter::take_battery(battery_outcome const& outcome, effects& fx) {
    for (alarm_change const& c : outcome.alarms) {
        if (c.raised) raise_alarm(c.code, c.at, fx);
        else clear_alarm(c.code, fx);
    }
    if (outcome.close_valve) take_valve(valve_.hold(close_cause::battery_failure, core_.now), fx);
    if (outcome.release_valve) take_valve(valve_.release(close_cause::battery_failure, core_.now), fx);
}

void meter::session(effects& fx) {
    instant const now = core_.now;
    report_reason const why = radio_.state().wake_requested ? core_.wake_reason : report_reason::periodic;
    take_battery(battery_.radio_session(now), fx);  // drained during the session it reports
    meter_report r = snapshot(why);
    r.frozen = freezes_.since_last_report();
    r.price_change = core_.price_change.take();
    freezes_.mark_reported(now);
    core_.lost_contact = false;
    radio_.session_done(now);
    core_.wake_reason = report_reason::wake;
    fx.reports.push_back(std::move(r));
}

meter_report meter::snapshot(report_reason reason) const {
    meter_report r;
    billing_state const& b = core_.billing;
    r.reason = reason;
    r.at = core_.now;
    r.account = core_.account;
    r.mode = model_->billing;
    r.reading = b.reading;
    r.cycle_usage = b.cycle_usage;
    r.balance = b.balance;
    r.gas_balance = b.gas_balance;
    r.total_bought_money = b.total_bought_money;
    r.total_used_money = b.total_used_money;
    r.total_bought_gas = b.total_bought_gas;
    r.total_used_gas = b.total_used_gas;
    r.buy_count = b.buy_count;
    if (model_->billing == billing_mode::backend) {
        r.current_price = b.backend.unit_price;
        r.ladder_no = b.backend.ladder_no;
    } else {
        r.current_price = price_at(core_.active, b.cycle_usage);
        r.ladder_no = static_cast<std::uint8_t>(ladder_of(core_.active, b.cycle_usage) + 1);
    }
    r.valve = valve_.position();
    r.valve_causes = valve_.causes();
    r.battery_mv = battery_.voltage_mv();
    r.signal = radio_.signal();
    r.lost_contact = core_.lost_contact;
    for (active_alarm const& a : alarms_.active()) r.active_alarms.push_back(a.code);
    if (model_->flow_meter) {
        r.temperature_c = core_.temperature_c;
        r.pressure_kpa = core_.pressure_kpa;
        r.flow_per_hour = flow_rate();
    }
    return r;
}

}  // namespace metersim::meters

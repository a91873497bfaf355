// The meter's commands and events: what each one checks and changes. The advance loop, the
// credit watch and the shared consequences (alarms, valve, battery, sessions) are in meter.cpp.

#include "meters/meter.hpp"

#include <algorithm>

namespace metersim::meters {

namespace {

command_result refuse(meter_errc e) {
    command_result r;
    r.error = e;
    return r;
}

bool is_money(credit const& c) { return std::holds_alternative<money>(c); }

std::int64_t credit_e4(credit const& c) {
    return is_money(c) ? std::get<money>(c).e4() : std::get<volume>(c).e4();
}

/// Does the credit's kind fit the meter? Money for money-prepaid, gas for gas-prepaid.
bool fits(credit const& c, billing_mode mode) {
    return mode == billing_mode::gas_prepaid ? !is_money(c) : is_money(c);
}

}  // namespace

std::optional<meter_errc> meter::gate(command const& c) const {
    account_state const a = core_.account;
    if (a == account_state::cancelled) return meter_errc::account_cancelled;
    if (std::holds_alternative<commands::open_account>(c)) {
        if (a == account_state::manufactured) return std::nullopt;
        return meter_errc::account_already_opened;
    }
    if (std::holds_alternative<commands::read_price>(c)) return std::nullopt;
    // An installer may work the valve of a meter not yet opened; a suspended account may not.
    if (std::holds_alternative<commands::valve_control>(c)) {
        if (a == account_state::suspended) return meter_errc::account_suspended;
        return std::nullopt;
    }
    // spec: xianfeng appendix 7 500008: a meter not opened cannot be cancelled, nor billed.
    if (a == account_state::manufactured) return meter_errc::account_not_opened;
    if (std::holds_alternative<commands::resume>(c)) {
        if (a == account_state::suspended) return std::nullopt;
        return meter_errc::not_suspended;
    }
    // spec: cnmcsp §7 80002023: a suspended (停用) account takes no operation but resume/cancel.
    if (a == account_state::suspended && !std::holds_alternative<commands::cancel_account>(c))
        return meter_errc::account_suspended;
    return std::nullopt;
}

command_result meter::with_surplus(command_result r) const {
    if (model_->billing == billing_mode::gas_prepaid) r.surplus_gas = core_.billing.gas_balance;
    else r.surplus_money = core_.billing.balance;
    return r;
}

command_result meter::handle(commands::open_account const& c, effects&) {
    auto const mode = model_->billing;
    if (mode == billing_mode::backend) {
        if (credit_e4(c.opening_credit) != 0) return refuse(meter_errc::wrong_billing_mode);
    } else {
        if (c.backend) return refuse(meter_errc::wrong_billing_mode);
        if (!fits(c.opening_credit, mode)) return refuse(meter_errc::wrong_prepaid_type);
        if (credit_e4(c.opening_credit) < 0) return refuse(meter_errc::invalid_amount);
    }
    if (c.price) {
        if (auto problem = validate(*c.price)) {
            command_result r = refuse(meter_errc::invalid_tariff);
            r.tariff_problem = std::move(problem);
            return r;
        }
        core_.active = *c.price;  // the opening installs its tariff at once
    }
    instant const now = core_.now;
    billing_state b;
    b.reading = c.initial_reading.value_or(core_.billing.reading);
    b.cycle_start = core_.active.cycle.kind == cycle_kind::none ? now : cycle_start_at(core_.active.cycle, now, core_.zone);
    core_.billing = b;
    core_.pending.reset();
    core_.price_change.reset();
    core_.cycle_end = next_cycle_boundary(core_.active.cycle, now, core_.zone);
    if (credit_e4(c.opening_credit) > 0) {
        if (is_money(c.opening_credit)) add_money(core_.billing, std::get<money>(c.opening_credit));
        else add_gas(core_.billing, std::get<volume>(c.opening_credit));
    }
    core_.billing.last_bill_no = c.bill_no;
    if (mode == billing_mode::backend) {
        backend_terms terms = c.backend.value_or(backend_terms{});
        if (!c.backend) terms.prepaid = false;  // no terms: the CIS bills after the fact
        sync_backend(core_.billing, terms);
    }
    identity_.card_no = c.card_no;
    core_.account = account_state::opened;
    touch_billing();
    command_result r = with_surplus({});
    r.bill_no = c.bill_no;
    return r;
}

command_result meter::handle(commands::cancel_account const& c, effects& fx) {
    instant const now = core_.now;
    for (alarm_code code : {alarm_code::low_balance, alarm_code::zero_balance, alarm_code::overdraft})
        clear_alarm(code, fx);
    if (valve_.is_held(close_cause::zero_balance) || valve_.is_held(close_cause::overdraft))
        take_valve(valve_.recharged(now), fx);
    if (c.back_to_manufactured) {
        // spec: xianfeng §4.3: back to 待开户 with the running data cleared (the index stays).
        billing_state b;
        b.reading = core_.billing.reading;
        b.cycle_start = now;
        core_.billing = b;
        core_.pending.reset();
        core_.price_change.reset();
        core_.cycle_end = instant::max();
        core_.account = account_state::manufactured;
    } else {
        core_.account = account_state::cancelled;
        if (model_->valve.has_valve) take_valve(valve_.remote_close(now), fx);
    }
    touch_billing();
    return command_result{};
}

command_result meter::handle(commands::recharge const& c, effects&) {
    auto const mode = model_->billing;
    if (mode == billing_mode::backend) return refuse(meter_errc::wrong_billing_mode);
    if (!fits(c.amount, mode)) return refuse(meter_errc::wrong_prepaid_type);
    if (credit_e4(c.amount) <= 0) return refuse(meter_errc::invalid_amount);
    // spec: xianfeng §4.4: the meter keeps its bill number; the same one again is a replay.
    if (c.bill_no != 0 && c.bill_no == core_.billing.last_bill_no) return refuse(meter_errc::duplicate_bill_no);
    if (c.refund && credit_e4(c.amount) > remaining_e4(core_.billing, mode))
        return refuse(meter_errc::insufficient_balance);
    billing_state& b = core_.billing;
    if (is_money(c.amount)) {
        if (c.refund) refund_money(b, std::get<money>(c.amount));
        else add_money(b, std::get<money>(c.amount));
    } else {
        if (c.refund) refund_gas(b, std::get<volume>(c.amount));
        else add_gas(b, std::get<volume>(c.amount));
    }
    if (c.bill_no != 0) b.last_bill_no = c.bill_no;
    touch_billing();
    command_result r = with_surplus({});
    r.bill_no = b.last_bill_no;
    return r;
}

command_result meter::handle(commands::set_ladder_usage const& c, effects&) {
    if (model_->billing != billing_mode::money_prepaid) return refuse(meter_errc::wrong_billing_mode);
    if (c.cycle_usage.is_negative()) return refuse(meter_errc::invalid_amount);
    set_cycle_usage(core_.billing, c.cycle_usage);
    touch_billing();
    return with_surplus({});
}

command_result meter::handle(commands::set_tariff const& c, effects&) {
    if (model_->billing != billing_mode::money_prepaid) return refuse(meter_errc::wrong_billing_mode);
    if (auto problem = validate(c.price)) {
        command_result r = refuse(meter_errc::invalid_tariff);
        r.tariff_problem = std::move(problem);
        return r;
    }
    if (c.price.effective_at <= core_.now) {
        core_.pending.reset();
        activate(c.price, core_.now);
    } else {
        core_.pending = c.price;  // replaces an earlier pending tariff
    }
    return with_surplus({});
}

command_result meter::handle(commands::read_price const& c, effects&) {
    command_result r;
    if (c.pending) {
        if (!core_.pending) return refuse(meter_errc::no_pending_tariff);
        r.price = *core_.pending;
    } else if (model_->billing == billing_mode::backend) {
        r.price = flat_tariff(core_.billing.backend.unit_price);
    } else {
        r.price = core_.active;
    }
    return r;
}

command_result meter::handle(commands::valve_control const& c, effects& fx) {
    if (!model_->valve.has_valve) return refuse(meter_errc::no_valve);
    if (valve_.position() == valve_position::damaged) return refuse(meter_errc::valve_fault);
    instant const now = core_.now;
    switch (c.action) {
        case commands::valve_action::open: {
            auto const remote_causes = static_cast<std::uint16_t>(close_cause::remote) |
                                       static_cast<std::uint16_t>(close_cause::warning_close);
            if ((valve_.causes() & ~remote_causes) != 0) return refuse(meter_errc::valve_locked);
            take_valve(valve_.remote_open(now), fx);
            // A remote open also undoes a warning close (which otherwise waits for the button).
            if (valve_.is_held(close_cause::warning_close)) take_valve(valve_.press_button(now), fx);
            break;
        }
        case commands::valve_action::close: take_valve(valve_.remote_close(now), fx); break;
        case commands::valve_action::warning_close:
            take_valve(valve_.hold(close_cause::warning_close, now), fx);
            break;
    }
    return command_result{};
}

command_result meter::handle(commands::sync_balance const& c, effects&) {
    if (model_->billing != billing_mode::backend) return refuse(meter_errc::wrong_billing_mode);
    if (c.terms.unit_price.is_negative()) return refuse(meter_errc::invalid_amount);
    sync_backend(core_.billing, c.terms);
    touch_billing();
    return with_surplus({});
}

command_result meter::handle(commands::suspend const&, effects& fx) {
    core_.account = account_state::suspended;
    if (model_->valve.has_valve) take_valve(valve_.remote_close(core_.now), fx);
    return command_result{};
}

command_result meter::handle(commands::resume const&, effects& fx) {
    core_.account = core_.billing.total_used_gas.is_positive() ? account_state::in_use : account_state::opened;
    if (model_->valve.has_valve) take_valve(valve_.remote_open(core_.now), fx);
    return command_result{};
}

command_result meter::handle(commands::remain_option const& c, effects&) {
    if (model_->billing != billing_mode::money_prepaid) return refuse(meter_errc::wrong_billing_mode);
    if (!c.amount.is_positive()) return refuse(meter_errc::invalid_amount);
    billing_state& b = core_.billing;
    // spec: cnmcsp §5.3.13: 1000 返充 gives credit back, 2000 补扣 takes it (may go negative).
    if (c.kind == commands::remain_kind::refund_credit) {
        b.balance += c.amount;
        b.total_bought_money += c.amount;
    } else {
        b.balance -= c.amount;
        b.total_used_money += c.amount;
    }
    touch_billing();
    return with_surplus({});
}

// ---- events -----------------------------------------------------------------------------------

void meter::on(events::consume const& e, effects& fx) {
    if (!valve_.gas_flows() || !e.amount.is_positive()) return;
    volume v = e.amount;
    // The valve would have shut at the closing level: the lump stops there.
    if (auto cut = volume_to_closing_level()) v = std::min(v, *cut);
    if (!v.is_positive()) return;
    use_gas(v, fx);
    idle_.note_flow(core_.now);
}

void meter::on(events::flow const& e, effects&) {
    if (e.per_hour) flow_.set_override(*e.per_hour);
    else flow_.clear_override();
}

void meter::on(events::alarm const& e, effects& fx) {
    raise_alarm(e.code, core_.now, fx);
    if (auto cause = valve_cause_for(e.code)) take_valve(valve_.hold(*cause, core_.now), fx);
}

void meter::on(events::clear_alarm const& e, effects& fx) {
    clear_alarm(e.code, fx);
    if (auto cause = valve_cause_for(e.code)) take_valve(valve_.release(*cause, core_.now), fx);
    if (e.code == alarm_code::dead_meter) idle_.reset(core_.now);
}

void meter::on(events::battery const& e, effects& fx) {
    take_battery(battery_.set_voltage_mv(e.millivolts, core_.now), fx);
}

void meter::on(events::battery_replaced const&, effects& fx) { take_battery(battery_.replace(core_.now), fx); }

// A button press wakes the meter: it opens a session and reports (spec: xianfeng §3.1
// reportType 1), and the platform delivers what waits for it, as in any session.
void meter::on(events::button const&, effects& fx) {
    request_session(report_reason::button);
    take_valve(valve_.press_button(core_.now), fx);
    clear_alarm(alarm_code::dead_meter, fx);
    idle_.reset(core_.now);
}

void meter::on(events::offline const&, effects&) {
    if (radio_.set_online(false)) core_.lost_contact = true;
}

void meter::on(events::online const&, effects&) { radio_.set_online(true); }

void meter::on(events::wake const&, effects&) { request_session(report_reason::wake); }

void meter::on(events::valve_fault const& e, effects& fx) {
    take_valve(valve_.inject_fault(e.kind, core_.now), fx);
}

void meter::on(events::valve_repaired const&, effects& fx) { take_valve(valve_.repair(core_.now), fx); }

void meter::on(events::conditions const& e, effects&) {
    core_.temperature_c = e.temperature_c;
    core_.pressure_kpa = e.pressure_kpa;
}

}  // namespace metersim::meters

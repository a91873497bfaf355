// Money endpoints (spec: cnmcsp §5.3.8 recharge, §5.3.9 cancelRecharge, §5.3.13 remainOption)
// and meter replacement (§5.3.6 meterChange), which moves the money to the new meter.
//
// TradeNo: recharge and remainOption share one ledger. A recharge whose TradeNo is known answers
// 80002033 (交易流水号已存在); a remainOption whose TradeNo is known answers 80002036 (传入参数
// 的流水号已经存在); cancelRecharge of an unknown TradeNo answers 80002037.

#include <vector>

#include "platforms/cnmcsp/platform_impl.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

trade make_trade(std::string const& trade_no, trade_kind kind, meter_key const& k,
                 meters::money amount, std::string time_text, meters::instant now) {
    trade t;
    t.trade_no = trade_no;
    t.kind = kind;
    t.user_id = k.user_id;
    t.meter_id = k.meter_id;
    t.amount = amount;
    t.trade_time = std::move(time_text);
    t.accepted_at = now;
    return t;
}

/// Queues a money movement (recharge, remain option) for its meter's next session, with its
/// trade, once the account allows it: active, billed on the meter (else `failed`), the TradeNo
/// never seen (else `duplicate`) and room in the queue (else `failed`; the bound is metersim's,
/// README "Queue and ledger bounds": the spec gives none).
endpoint_result queue_money(platform::impl& p, exchange& ex, trade t, meters::command c, std::string label,
                            std::string_view failed, std::string_view duplicate) {
    auto acc = p.active_account(ex, meter_key{t.user_id, t.meter_id}, "MeterID");
    if (!acc) return acc.error();
    auto& a = *acc.value();
    if (!a.meter_billed())
        return make_api_error(failed, "MeterID",
                              "meter " + a.meter_no + " is billed by the system (CIS): it holds no credit");
    p.reg.forget_settled(a.meter_id, p.sched.now());
    if (p.reg.find_trade(t.trade_no) != nullptr)
        return make_api_error(duplicate, "TradeNo", "TradeNo " + t.trade_no + " already exists");
    auto const& o = p.reg.sessions.ensure_owner(a.meter_id);
    if (auto why = p.reg.sessions.no_room(o, "recharges or remain options"))
        return make_api_error(failed, "MeterID", "MeterID " + a.meter_id + " " + *why);
    p.enqueue(a, std::move(c), std::move(label), std::move(t));
    return std::string();
}

/// Meter replacement (§5.3.6): the old meter's plain commands go; its trades still waiting
/// follow to the new meter, after what is already queued there.
void follow_trades(registry& reg, std::string const& from, std::string const& to) {
    auto* o = reg.sessions.find_owner(from);
    if (o == nullptr) return;
    reg.sessions.erase_if(*o, [](delivery const& d) { return d.phase() == sim::pending_phase::queued; });
    std::vector<std::uint32_t> waiting;
    for (auto const& d : o->items)
        if (d.phase() == sim::pending_phase::waiting) waiting.push_back(d.seq);
    auto& n = reg.sessions.ensure_owner(to);
    for (auto seq : waiting) reg.sessions.find(reg.sessions.move(*o, seq, n))->record.meter_id = to;
}

}  // namespace

// spec: cnmcsp §5.3.8: the credit reaches the meter at its next session.
endpoint_result platform::impl::do_recharge(exchange& ex, object_reader const& b) {
    auto req = parse_recharge(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    meters::commands::recharge c;
    c.amount = r.amount;
    c.trade_no = r.trade_no;
    return queue_money(*this, ex, make_trade(r.trade_no, trade_kind::recharge, r.key, r.amount, r.time_text, sched.now()),
                       std::move(c), "recharge", codes::recharge_failed, codes::duplicate_trade_no);
}

// spec: cnmcsp §5.3.9: succeeds only while the recharge has not reached the meter (未上远程表).
endpoint_result platform::impl::do_cancel_recharge(exchange& ex, object_reader const& b) {
    auto in = parsed_account(ex, b, parse_cancel_recharge, false);
    if (!in) return in.error();  // the account must exist; only the trade matters then
    auto& r = in.value().first;
    auto* t = reg.find_trade(r.trade_no);
    if (t == nullptr || t->kind != trade_kind::recharge)
        return make_api_error(codes::unknown_trade_no, "TradeNo", "TradeNo " + r.trade_no + " is not a recharge of the platform");
    if (t->meter_id != r.key.meter_id || t->user_id != r.key.user_id)
        return make_api_error(codes::mismatch, "TradeNo", "TradeNo " + r.trade_no + " is a recharge of another meter");
    if (t->amount != r.amount)
        return make_api_error(codes::cancel_recharge_failed, "CancelAmt",
                              "CancelAmt does not match the recharge's amount");
    if (t->state != trade_state::queued)
        return make_api_error(codes::cancel_recharge_failed, "TradeNo",
                              "TradeNo " + r.trade_no + " is " + std::string(to_string(t->state)) +
                                  (t->state == trade_state::delivered ? ": it has reached the meter" : ""));
    reg.settle(r.trade_no, trade_state::cancelled, sched.now());
    return std::string();
}

// spec: cnmcsp §5.3.13: 1000 返充 credits money back, 2000 补扣 deducts it, at the next session.
endpoint_result platform::impl::do_remain_option(exchange& ex, object_reader const& b) {
    auto req = parse_remain_option(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    auto t = make_trade(r.trade_no, trade_kind::remain_option, r.key, r.amount, r.time_text, sched.now());
    t.option = static_cast<std::uint16_t>(r.option);
    meters::commands::remain_option c;
    c.kind = r.option == 1000 ? meters::commands::remain_kind::refund_credit
                              : meters::commands::remain_kind::deduction;
    c.amount = r.amount;
    c.trade_no = r.trade_no;
    return queue_money(*this, ex, std::move(t), std::move(c), "remain_option", codes::remain_option_failed,
                       codes::duplicate_serial_no);
}

// spec: cnmcsp §5.3.6: a new meter for the user. The old account is cancelled (the old meter at
// once: it is in the fitter's hands), its end reading kept; the new meter is registered with
// the user, the prices and PreSaving ("不输入默认为 0": absent is 0; the old meter's remaining
// money stays on it, visible there, unless the CIS moves it); recharges that had not reached the
// old meter follow to the new one. The new meter starts at NewMeterReading and opens at its next
// session.
endpoint_result platform::impl::do_meter_change(exchange& ex, object_reader const& b) {
    auto req = parse_meter_change(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    auto acc = active_account(ex, meter_key{r.user_id, r.old_meter_id}, "OldMeterID");
    if (!acc) return acc.error();
    if (reg.find(r.new_meter_id) != nullptr || reg.find_no(r.new_meter_no) != nullptr)
        return make_api_error(codes::new_meter_exists, "NewMeterID",
                              "the new meter " + r.new_meter_id + " is already registered");
    auto entry = model_of(r.model, r.protocol, "NewMeterParamModel", "NewMeterProtocol");
    if (!entry) return entry.error();
    auto& old_acc = *acc.value();
    if (entry.value()->model.billing != old_acc.billing)
        return make_api_error(codes::change_failed, "NewMeterParamModel",
                              "the new meter must be billed like the old one");
    auto* old_meter = meter_of(old_acc);
    auto m = bind_meter(r.new_meter_no, r.user_id, *entry.value(), "NewMeterNo");
    if (!m) return m.error();
    if (old_meter != nullptr) {
        fleet.touch(*old_meter);
        fleet.apply(*old_meter, meters::commands::cancel_account{});
    }
    account n{.user_id = r.user_id, .meter_id = r.new_meter_id, .meter_no = r.new_meter_no,
              .data_from = r.data_from, .user = old_acc.user, .model_key = entry.value()->key,
              .billing = old_acc.billing, .status = meter_status::opened, .tariff = old_acc.tariff,
              .end_reading = std::nullopt, .replaced_by = {}, .registered_at = sched.now()};
    meters::commands::open_account open;
    open.initial_reading = r.new_reading;
    if (n.meter_billed()) {
        open.opening_credit = r.pre_saving.value_or(meters::money{});  // spec: cnmcsp §5.3.6 PreSaving
        open.price = n.tariff;
    }
    old_acc.status = meter_status::cancelled;
    old_acc.end_reading = r.old_end_reading;
    old_acc.replaced_by = r.new_meter_id;
    reg.release_user(old_acc);
    auto& na = reg.add(std::move(n));
    enqueue(na, std::move(open), "open_account");
    follow_trades(reg, old_acc.meter_id, na.meter_id);
    ex.meter_no = na.meter_no;
    return std::string();
}

}  // namespace metersim::platforms::cnmcsp

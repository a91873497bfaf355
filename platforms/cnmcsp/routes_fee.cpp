// Money endpoints (spec: cnmcsp §5.3.8 recharge, §5.3.9 cancelRecharge, §5.3.13 remainOption)
// and meter replacement (§5.3.6 meterChange), which moves the money to the new meter.
//
// TradeNo: recharge and remainOption share one ledger. A recharge whose TradeNo is known answers
// 80002033 (交易流水号已存在); a remainOption whose TradeNo is known answers 80002036 (传入参数
// 的流水号已经存在); cancelRecharge of an unknown TradeNo answers 80002037.

#include <algorithm>

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

/// Money movements waiting in the account's queue.
std::size_t queued_trades(account const& a) {
    return static_cast<std::size_t>(std::count_if(
        a.queue.begin(), a.queue.end(), [](delivery const& d) { return !d.trade_no.empty(); }));
}

}  // namespace

std::optional<api_error> platform::impl::check_trade_room(account& a, std::string_view code) {
    auto const waiting = queued_trades(a);
    if (waiting < opts.max_queued_trades) return std::nullopt;
    // The bound is metersim's (README "Queue and ledger bounds"); the spec gives none.
    return make_api_error(code, "MeterID",
                          "MeterID " + a.meter_id + " already has " + std::to_string(waiting) +
                              " recharges or remain options waiting for its next session (at most " +
                              std::to_string(opts.max_queued_trades) + ")");
}

api_result<account*> platform::impl::money_account(exchange& ex, meter_key const& k, std::string const& trade_no,
                                                   std::string_view failed, std::string_view duplicate) {
    auto acc = active_account(ex, k, "MeterID");
    if (!acc) return acc;
    auto& a = *acc.value();
    if (!a.meter_billed())
        return make_api_error(failed, "MeterID",
                              "meter " + a.meter_no + " is billed by the system (CIS): it holds no credit");
    reg.forget_settled(a, sched.now(), opts.trade_retention);
    if (reg.find_trade(trade_no) != nullptr)
        return make_api_error(duplicate, "TradeNo", "TradeNo " + trade_no + " already exists");
    if (auto e = check_trade_room(a, failed)) return *e;
    return acc;
}

// spec: cnmcsp §5.3.8: the credit reaches the meter at its next session.
endpoint_result platform::impl::do_recharge(exchange& ex, object_reader const& b) {
    auto req = parse_recharge(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    auto acc = money_account(ex, r.key, r.trade_no, codes::recharge_failed, codes::duplicate_trade_no);
    if (!acc) return acc.error();
    auto& a = *acc.value();
    reg.trades.emplace(r.trade_no, make_trade(r.trade_no, trade_kind::recharge, r.key, r.amount,
                                              r.time_text, sched.now()));
    meters::commands::recharge c;
    c.amount = r.amount;
    c.trade_no = r.trade_no;
    enqueue(a, std::move(c), "recharge", r.trade_no);
    return std::string();
}

// spec: cnmcsp §5.3.9: succeeds only while the recharge has not reached the meter (未上远程表).
endpoint_result platform::impl::do_cancel_recharge(exchange& ex, object_reader const& b) {
    auto req = parse_cancel_recharge(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    auto acc = account_of(ex, r.key, "MeterID");
    if (!acc) return acc.error();
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
    auto& q = acc.value()->queue;
    std::erase_if(q, [&](delivery const& d) { return d.trade_no == r.trade_no; });
    reg.settle(*acc.value(), *t, trade_state::cancelled, sched.now(), opts.trade_history);
    return std::string();
}

// spec: cnmcsp §5.3.13: 1000 返充 credits money back, 2000 补扣 deducts it, at the next session.
endpoint_result platform::impl::do_remain_option(exchange& ex, object_reader const& b) {
    auto req = parse_remain_option(b, codec);
    if (!req) return req.error();
    auto& r = req.value();
    auto acc = money_account(ex, r.key, r.trade_no, codes::remain_option_failed, codes::duplicate_serial_no);
    if (!acc) return acc.error();
    auto& a = *acc.value();
    auto t = make_trade(r.trade_no, trade_kind::remain_option, r.key, r.amount, r.time_text, sched.now());
    t.option = static_cast<std::uint16_t>(r.option);
    reg.trades.emplace(r.trade_no, std::move(t));
    meters::commands::remain_option c;
    c.kind = r.option == 1000 ? meters::commands::remain_kind::refund_credit
                              : meters::commands::remain_kind::deduction;
    c.amount = r.amount;
    c.trade_no = r.trade_no;
    enqueue(a, std::move(c), "remain_option", r.trade_no);
    return std::string();
}

// spec: cnmcsp §5.3.6: a new meter for the user. The old account is cancelled (the old meter at
// once: it is in the fitter's hands), its end reading kept; the new meter is registered with
// the user, the prices and the money: PreSaving when sent, else the old meter's remaining money;
// recharges that had not reached the old meter follow to the new one. The new meter starts at
// NewMeterReading and opens at its next session.
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
    meters::money remaining;
    if (old_meter != nullptr) {
        fleet.touch(*old_meter);
        remaining = old_meter->meter.billing().balance;
        fleet.apply(*old_meter, meters::commands::cancel_account{});
    }
    account n;
    n.user_id = r.user_id;
    n.meter_id = r.new_meter_id;
    n.meter_no = r.new_meter_no;
    n.data_from = r.data_from;
    n.user = old_acc.user;
    n.model_key = entry.value()->key;
    n.billing = old_acc.billing;
    n.tariff = old_acc.tariff;
    n.registered_at = sched.now();
    meters::commands::open_account open;
    open.initial_reading = r.new_reading;
    if (n.meter_billed()) {
        open.opening_credit = r.pre_saving.value_or(remaining.is_negative() ? meters::money{} : remaining);
        open.price = n.tariff;
    }
    std::deque<delivery> follow;
    for (auto& d : old_acc.queue)
        if (!d.trade_no.empty()) follow.push_back(std::move(d));
    old_acc.queue.clear();
    old_acc.status = meter_status::cancelled;
    old_acc.end_reading = r.old_end_reading;
    old_acc.replaced_by = r.new_meter_id;
    reg.release_user(old_acc);
    auto& na = reg.add(std::move(n));
    enqueue(na, std::move(open), "open_account");
    for (auto& d : follow) {
        if (auto* t = reg.find_trade(d.trade_no)) t->meter_id = na.meter_id;
        na.queue.push_back(std::move(d));
    }
    ex.meter_no = na.meter_no;
    return std::string();
}

}  // namespace metersim::platforms::cnmcsp

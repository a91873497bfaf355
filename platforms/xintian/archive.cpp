#include "platforms/xintian/archive.hpp"

#include <algorithm>

namespace metersim::platforms::xintian {

namespace {

void erase_value(std::vector<std::string>& v, std::string_view s) {
    v.erase(std::remove(v.begin(), v.end(), s), v.end());
}

}  // namespace

meter_archive const* archive::find_meter(std::string_view meter_addr) const noexcept {
    auto it = meters_.find(std::string(meter_addr));
    return it == meters_.end() ? nullptr : &it->second;
}

meter_archive* archive::find_meter(std::string_view meter_addr) noexcept {
    auto it = meters_.find(std::string(meter_addr));
    return it == meters_.end() ? nullptr : &it->second;
}

std::vector<meter_archive const*> archive::meters_of(std::string_view user_code) const {
    std::vector<meter_archive const*> out;
    auto it = users_.find(std::string(user_code));
    if (it == users_.end()) return out;
    for (auto const& no : it->second)
        if (auto const* m = find_meter(no)) out.push_back(m);
    return out;
}

bool archive::has_user(std::string_view user_code) const noexcept {
    auto it = users_.find(std::string(user_code));
    return it != users_.end() && !it->second.empty();
}

void archive::put_meter(meter_archive a) {
    if (auto* old = find_meter(a.meter_addr); old != nullptr && old->user_code != a.user_code) {
        auto u = users_.find(old->user_code);
        if (u != users_.end()) erase_value(u->second, a.meter_addr);
    }
    auto& list = users_[a.user_code];
    if (std::find(list.begin(), list.end(), a.meter_addr) == list.end()) list.push_back(a.meter_addr);
    std::string key = a.meter_addr;
    meters_[std::move(key)] = std::move(a);
}

bool archive::rename_meter(std::string_view from, std::string const& to) {
    auto it = meters_.find(std::string(from));
    if (it == meters_.end() || meters_.contains(to)) return false;
    meter_archive a = std::move(it->second);
    meters_.erase(it);
    auto& list = users_[a.user_code];
    std::replace(list.begin(), list.end(), std::string(from), to);
    a.meter_addr = to;
    meters_.emplace(to, std::move(a));
    return true;
}

price_archive const* archive::find_price(std::string_view code) const noexcept {
    auto it = prices_.find(std::string(code));
    return it == prices_.end() ? nullptr : &it->second;
}

void archive::put_price(std::string const& code, price_archive p) { prices_[code] = std::move(p); }

std::vector<std::string> archive::meters_with_price(std::string_view code) const {
    std::vector<std::string> out;
    for (auto const& [no, m] : meters_)
        if (m.price_type_code == code) out.push_back(no);
    std::sort(out.begin(), out.end());
    return out;
}

void archive::enqueue(std::string_view meter_addr, meters::command c, std::string what) {
    sessions_.add(sessions_.ensure_owner(meter_addr), session_item{std::move(c), std::move(what)});
}

std::optional<sim::session_work> archive::take_next(std::string_view meter_addr) {
    auto* o = sessions_.find_owner(meter_addr);
    return o != nullptr ? sim::take_next(sessions_, *o) : std::nullopt;
}

std::size_t archive::queued(std::string_view meter_addr) const noexcept {
    auto const* o = sessions_.find_owner(meter_addr);
    return o != nullptr ? o->waiting + o->queued : 0;
}

std::size_t archive::waiting_pays(std::string_view meter_addr) const noexcept {
    auto const* o = sessions_.find_owner(meter_addr);
    return o != nullptr ? o->waiting : 0;
}

std::optional<std::string> archive::no_pay_room(std::string_view meter_addr) const {
    static decltype(sessions_)::owner const none{};
    auto const* o = sessions_.find_owner(meter_addr);
    return sessions_.no_room(o != nullptr ? *o : none, "recharges");
}

pay_record const* archive::find_pay(std::string_view trans_id) const noexcept {
    return sim::find_record(sessions_, trans_id);
}

pay_record* archive::find_pay(std::string_view trans_id) noexcept { return sim::find_record(sessions_, trans_id); }

pay_record* archive::find_pay_id(std::int64_t pay_id) noexcept {
    for (auto const& o : sessions_.owners())
        for (auto const& x : o.items)
            if (x.record.pay_id == pay_id && !x.key().empty()) return find_pay(x.key());
    return nullptr;
}

std::size_t archive::pay_count() const noexcept {
    std::size_t n = 0;
    for (auto const& o : sessions_.owners()) n += o.waiting + o.active + o.settled;
    return n;
}

pay_record& archive::add_pay(pay_record r) {
    r.pay_id = ++last_pay_id_;
    // spec: xintian §3.2: a RemotePay credits Money to the meter; TransId is its trade number.
    meters::commands::recharge c;
    c.amount = r.money;
    c.trade_no = r.trans_id;
    std::string what = "RemotePay " + r.trans_id;
    auto& o = sessions_.ensure_owner(r.meter_addr);
    auto const ref = sessions_.add(o, session_item{c, std::move(what), std::move(r)});
    return sessions_.find(ref)->record;
}

void archive::settle_pay(pay_record& p, pay_result result, meters::instant now) {
    sim::settle(sessions_, p.trans_id, now, [result](pay_record& r) { r.result = result; });
}

void archive::forget_pays(std::string_view meter_addr, meters::instant now) {
    if (auto* o = sessions_.find_owner(meter_addr)) sessions_.forget_settled(*o, now);
}

std::vector<pay_record const*> archive::pays_of(std::string_view meter_addr, meters::instant from,
                                                meters::instant to) const {
    std::vector<pay_record const*> out;
    auto const* o = sessions_.find_owner(meter_addr);
    if (o == nullptr) return out;
    for (auto const& x : o->items) {
        if (x.key().empty()) continue;
        if (x.record.pay_date >= from && x.record.pay_date <= to) out.push_back(&x.record);
    }
    return out;
}

}  // namespace metersim::platforms::xintian

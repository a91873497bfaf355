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

pay_record const* archive::find_pay(std::string_view trans_id) const noexcept {
    auto it = by_trans_.find(std::string(trans_id));
    if (it == by_trans_.end()) return nullptr;
    auto p = pays_.find(it->second);
    return p == pays_.end() ? nullptr : &p->second;
}

pay_record* archive::find_pay(std::string_view trans_id) noexcept {
    auto it = by_trans_.find(std::string(trans_id));
    return it == by_trans_.end() ? nullptr : find_pay_id(it->second);
}

pay_record* archive::find_pay_id(std::int64_t pay_id) noexcept {
    auto it = pays_.find(pay_id);
    return it == pays_.end() ? nullptr : &it->second;
}

pay_record& archive::add_pay(pay_record r) {
    r.pay_id = ++last_pay_id_;
    by_trans_[r.trans_id] = r.pay_id;
    by_meter_[r.meter_addr].push_back(r.pay_id);
    auto const id = r.pay_id;
    return pays_.emplace(id, std::move(r)).first->second;
}

void archive::settle_pay(pay_record& p, pay_result result, meters::instant now) {
    p.result = result;
    p.settled_at = now;
    auto& order = settled_[p.meter_addr];
    order.push_back(p.pay_id);
    while (order.size() > bounds_.history) {
        auto const id = order.front();
        order.pop_front();
        erase_pay(id);
    }
}

void archive::forget_pays(std::string_view meter_addr, meters::instant now) {
    auto it = settled_.find(std::string(meter_addr));
    if (it == settled_.end()) return;
    auto& order = it->second;
    while (!order.empty()) {
        auto const* p = find_pay_id(order.front());
        if (p != nullptr && p->settled_at && *p->settled_at + bounds_.retention > now) break;
        auto const id = order.front();
        order.pop_front();
        erase_pay(id);
    }
}

void archive::erase_pay(std::int64_t pay_id) {
    auto it = pays_.find(pay_id);
    if (it == pays_.end()) return;
    auto const& p = it->second;
    if (auto t = by_trans_.find(p.trans_id); t != by_trans_.end() && t->second == pay_id)
        by_trans_.erase(t);
    if (auto m = by_meter_.find(p.meter_addr); m != by_meter_.end()) {
        std::erase(m->second, pay_id);
        if (m->second.empty()) by_meter_.erase(m);
    }
    pays_.erase(it);
}

std::vector<pay_record const*> archive::pays_of(std::string_view meter_addr, meters::instant from,
                                                meters::instant to) const {
    std::vector<pay_record const*> out;
    auto it = by_meter_.find(std::string(meter_addr));
    if (it == by_meter_.end()) return out;
    for (auto id : it->second) {
        auto p = pays_.find(id);
        if (p == pays_.end()) continue;
        if (p->second.pay_date >= from && p->second.pay_date <= to) out.push_back(&p->second);
    }
    return out;
}

}  // namespace metersim::platforms::xintian

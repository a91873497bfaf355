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
    return it == by_trans_.end() ? nullptr : &pays_[it->second];
}

pay_record* archive::find_pay(std::string_view trans_id) noexcept {
    auto it = by_trans_.find(std::string(trans_id));
    return it == by_trans_.end() ? nullptr : &pays_[it->second];
}

pay_record* archive::find_pay_id(std::int64_t pay_id) noexcept {
    if (pay_id < 1 || static_cast<std::size_t>(pay_id) > pays_.size()) return nullptr;
    return &pays_[static_cast<std::size_t>(pay_id - 1)];
}

pay_record& archive::add_pay(pay_record r) {
    auto const index = pays_.size();
    r.pay_id = static_cast<std::int64_t>(index + 1);
    by_trans_[r.trans_id] = index;
    by_meter_[r.meter_addr].push_back(index);
    pays_.push_back(std::move(r));
    return pays_.back();
}

std::vector<pay_record const*> archive::pays_of(std::string_view meter_addr, meters::instant from,
                                                meters::instant to) const {
    std::vector<pay_record const*> out;
    auto it = by_meter_.find(std::string(meter_addr));
    if (it == by_meter_.end()) return out;
    for (auto i : it->second) {
        auto const& p = pays_[i];
        if (p.pay_date >= from && p.pay_date <= to) out.push_back(&p);
    }
    return out;
}

}  // namespace metersim::platforms::xintian

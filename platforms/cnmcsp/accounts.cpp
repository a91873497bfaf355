#include "platforms/cnmcsp/accounts.hpp"

#include <utility>

namespace metersim::platforms::cnmcsp {

std::string_view to_string(trade_state s) noexcept {
    switch (s) {
        case trade_state::queued: return "queued";
        case trade_state::delivered: return "delivered";
        case trade_state::refused: return "refused";
        case trade_state::cancelled: return "cancelled";
    }
    return "unknown";
}

namespace {
template <class Map>
auto* find_in(Map& m, std::string_view key) {
    auto it = m.find(std::string(key));
    return it == m.end() ? nullptr : &it->second;
}
}  // namespace

account* registry::find(std::string_view meter_id) { return find_in(accounts, meter_id); }

account* registry::find_no(std::string_view meter_no) {
    auto* id = find_in(meter_of_no, meter_no);
    return id == nullptr ? nullptr : find(*id);
}

trade* registry::find_trade(std::string_view trade_no) { return find_in(trades, trade_no); }

void registry::settle(account& a, trade& t, trade_state s, meters::instant now,
                      std::size_t history) {
    t.state = s;
    t.settled_at = now;
    a.settled.push_back(t.trade_no);  // `t` may be the one forgotten below: done with it first
    while (a.settled.size() > history) {
        trades.erase(a.settled.front());
        a.settled.pop_front();
    }
}

void registry::forget_settled(account& a, meters::instant now, meters::duration retention) {
    while (!a.settled.empty()) {
        auto it = trades.find(a.settled.front());
        if (it != trades.end() && it->second.settled_at && *it->second.settled_at + retention > now)
            break;
        if (it != trades.end()) trades.erase(it);
        a.settled.pop_front();
    }
}

account& registry::add(account a) {
    std::string const id = a.meter_id;
    meter_of_no[a.meter_no] = id;
    if (a.status != meter_status::cancelled) meter_of_user[a.user_id] = id;
    auto [it, inserted] = accounts.insert_or_assign(id, std::move(a));
    (void)inserted;
    return it->second;
}

void registry::release_user(account const& a) {
    auto it = meter_of_user.find(a.user_id);
    if (it != meter_of_user.end() && it->second == a.meter_id) meter_of_user.erase(it);
}

}  // namespace metersim::platforms::cnmcsp

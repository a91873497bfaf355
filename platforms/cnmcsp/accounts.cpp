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

trade* registry::find_trade(std::string_view trade_no) { return sim::find_record(sessions, trade_no); }

trade const* registry::find_trade(std::string_view trade_no) const { return sim::find_record(sessions, trade_no); }

void registry::settle(std::string_view trade_no, trade_state s, meters::instant now) {
    sim::settle(sessions, trade_no, now, [s](trade& t) { t.state = s; });
}

void registry::forget_settled(std::string_view meter_id, meters::instant now) {
    if (auto* o = sessions.find_owner(meter_id)) sessions.forget_settled(*o, now);
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

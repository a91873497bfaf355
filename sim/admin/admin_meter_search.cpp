// GET /admin/meters with search and state filters (q, account_state, valve, alarms,
// low_balance) and counts: what the dashboard's fleet table pages through. One pass over the
// platform's meters reading the meter's cheap accessors (no state copy): about 0.1 s for 100,000
// meters; only the page's meters are touched (brought to now) and summarised.
#include "sim/admin/admin_internal.hpp"
#include "sim/text.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace metersim::sim::admin {

namespace {

/// Every alarm code a meter can hold (meters/alarms.hpp).
constexpr std::array<std::uint16_t, 26> alarm_codes{
    0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008, 0x0009, 0x000A, 0x000B, 0x000C, 0x000D,
    0x000E, 0x000F, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016, 0x0017, 0x0018, 0x1000, 0x1001};

bool has_alarm(meters::meter const& m) noexcept {
    return std::any_of(alarm_codes.begin(), alarm_codes.end(),
                       [&](std::uint16_t c) { return m.is_alarm_active(static_cast<meters::alarm_code>(c)); });
}

/// The meter's own low-credit alarms: low balance (000FH), overdraft (0011H), zero (0012H).
bool low_balance(meters::meter const& m) noexcept {
    return m.is_alarm_active(meters::alarm_code::low_balance) || m.is_alarm_active(meters::alarm_code::overdraft) ||
           m.is_alarm_active(meters::alarm_code::zero_balance);
}

bool contains_folded(std::string_view hay, std::string_view needle) noexcept {
    auto const fold = [](char a, char b) { return ascii_lower(a) == ascii_lower(b); };
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), fold) != hay.end();
}

/// The filters of one request; an empty text or absent flag filters nothing.
struct meter_filter {
    std::string_view q;
    std::string_view account_state;
    std::string_view valve;
    std::optional<bool> alarms;
    std::optional<bool> low_balance;

    bool matches_search(meters::meter const& m) const noexcept {
        if (q.empty()) return true;
        auto const& id = m.identity();
        return contains_folded(id.meter_no, q) || contains_folded(id.user_no, q) || contains_folded(id.device_id, q);
    }
    bool matches_state(meters::meter const& m) const noexcept {
        if (!account_state.empty() && meters::to_string(m.account()) != account_state) return false;
        if (!valve.empty() && meters::to_string(m.valve_position_now()) != valve) return false;
        if (alarms && has_alarm(m) != *alarms) return false;
        if (low_balance && admin::low_balance(m) != *low_balance) return false;
        return true;
    }
};

meters::result<std::optional<bool>, refusal> query_flag(http::request const& req, std::string_view name) {
    auto text = req.query(name);
    if (!text || text->empty()) return std::optional<bool>{};
    if (*text == "true") return std::optional<bool>{true};
    if (*text == "false") return std::optional<bool>{false};
    return refusal{400, std::string(name), "expected true or false, found \"" + std::string(*text) + "\""};
}

/// Tallies of the meters the search matches, whatever the state filters.
struct state_counts {
    std::map<std::string_view, std::size_t> account;
    std::map<std::string_view, std::size_t> valve;
    std::size_t alarms = 0;
    std::size_t low_balance = 0;

    void add(meters::meter const& m) {
        ++account[meters::to_string(m.account())];
        ++valve[meters::to_string(m.valve_position_now())];
        if (has_alarm(m)) ++alarms;
        if (admin::low_balance(m)) ++low_balance;
    }
    ojson view() const {
        ojson a = ojson::object();
        for (auto const& [k, n] : account) a[std::string(k)] = n;
        ojson v = ojson::object();
        for (auto const& [k, n] : valve) v[std::string(k)] = n;
        return ojson{{"account_state", std::move(a)}, {"valve", std::move(v)}, {"alarms", alarms},
                     {"low_balance", low_balance}};
    }
};

}  // namespace

bool is_meter_search(http::request const& req) {
    for (std::string_view name : {"q", "account_state", "valve", "alarms", "low_balance", "counts"})
        if (req.query(name).has_value()) return true;
    return false;
}

http::response search_meters(admin_context& ctx, http::request const& req, std::string_view platform,
                             std::uint64_t offset, std::uint64_t limit) {
    meter_filter f;
    f.q = req.query("q").value_or("");
    f.account_state = req.query("account_state").value_or("");
    f.valve = req.query("valve").value_or("");
    auto alarms = query_flag(req, "alarms");
    if (!alarms) return refuse(alarms.error());
    auto low = query_flag(req, "low_balance");
    if (!low) return refuse(low.error());
    auto counted = query_flag(req, "counts");
    if (!counted) return refuse(counted.error());
    f.alarms = alarms.value();
    f.low_balance = low.value();

    state_counts counts;
    std::vector<fleet_meter*> page;
    std::uint64_t total = 0;
    for (auto* m : ctx.fleet.list(platform, 0, ctx.fleet.size())) {
        if (!f.matches_search(m->meter)) continue;
        if (counted.value().value_or(false)) counts.add(m->meter);
        if (!f.matches_state(m->meter)) continue;
        if (total >= offset && page.size() < limit) page.push_back(m);
        ++total;
    }
    ojson list = ojson::array();
    for (auto* m : page) {
        ctx.fleet.touch(*m);
        list.push_back(meter_summary(ctx, *m));
    }
    ojson body{{"total", total}, {"offset", offset}, {"limit", limit}, {"meters", std::move(list)}};
    if (counted.value().value_or(false)) body["counts"] = counts.view();
    return answer(body);
}

}  // namespace metersim::sim::admin

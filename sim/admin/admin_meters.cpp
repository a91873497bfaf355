// GET /admin/meters, GET /admin/meters/{meterNo}, its /history, POST /admin/meters, and the meter
// views.
#include "sim/admin/admin_internal.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "sim/meter_json_dom.hpp"

namespace metersim::sim::admin {

namespace {

constexpr std::size_t max_manufacture = 100'000;

ojson alarms_view(meters::meter_state const& s, meters::utc_offset zone) {
    ojson out = ojson::array();
    for (auto const& a : s.alarms.active) {
        out.push_back(ojson{{"code", meters::to_string(a.code)},
                            {"name", meters::info(a.code).name_en},
                            {"raised_at", local_text(a.raised_at, zone)}});
    }
    return out;
}

ojson tariff_view(meters::tariff const& t, meters::utc_offset zone) {
    ojson prices = ojson::array();
    ojson thresholds = ojson::array();
    for (std::size_t i = 0; i < t.price_count && i < meters::max_prices; ++i) {
        prices.push_back(meters::to_string(t.prices[i]));
        if (i + 1 < t.price_count) thresholds.push_back(meters::to_string(t.thresholds[i]));
    }
    return ojson{{"version", t.version},
                 {"code", t.code},
                 {"prices", std::move(prices)},
                 {"thresholds", std::move(thresholds)},
                 {"cycle", meters::to_string(t.cycle.kind)},
                 {"cycle_months", t.cycle.months},
                 {"effective_at", local_text(t.effective_at, zone)},
                 {"clear_ladder", t.clear_ladder}};
}

ojson full_tariff(fleet_meter const& m, meters::meter_state const& s, meters::utc_offset zone) {
    ojson t = tariff_view(s.active, zone);
    if (m.entry->model.billing == meters::billing_mode::backend) {
        t["unit_price"] = meters::to_string(s.billing.backend.unit_price);
        t["backend_prepaid"] = s.billing.backend.prepaid;
    }
    t["pending"] = s.pending ? tariff_view(*s.pending, zone) : ojson(nullptr);
    return t;
}

ojson pending_commands_view(admin_context& ctx, fleet_meter const& m) {
    ojson out = ojson::array();
    auto it = ctx.pending_commands.find(m.platform());
    if (it == ctx.pending_commands.end() || !it->second) return out;
    auto const zone = ctx.fleet.options().zone;
    for (auto const& c : it->second(m)) {
        out.push_back(ojson{{"id", c.id},
                            {"method", c.method},
                            {"status", c.status},
                            {"queued_at", local_text(c.queued_at, zone)},
                            {"expires_at", c.expires_at ? ojson(local_text(*c.expires_at, zone)) : ojson(nullptr)}});
    }
    return out;
}

ojson summary_of(fleet_meter& m, meters::meter_state const& s, meters::utc_offset zone) {
    ojson causes = ojson::array();
    for (auto name : meters::cause_names(s.valve.causes)) causes.push_back(name);
    ojson out{{"meterNo", s.identity.meter_no},
              {"model", m.entry->key},
              {"platform", m.platform()},
              {"device_id", s.identity.device_id},
              {"imei", s.identity.imei},
              {"account_state", meters::to_string(s.account)},
              {"billing", billing_name(m.entry->model.billing)},
              {"reading", meters::to_string(s.billing.reading)},
              {"balance", meters::to_string(s.billing.balance)}};
    if (m.entry->model.billing == meters::billing_mode::gas_prepaid)
        out["gas_balance"] = meters::to_string(s.billing.gas_balance);
    out["valve"] = meters::to_string(s.valve.position);
    out["valve_causes"] = std::move(causes);
    // Volts to 4 places (100 µV), rounded: the sessions' microvolt drains do not show as 3.0999.
    out["battery_v"] = meters::format_e4((s.battery.voltage_uv + 50) / 100);
    out["alarms"] = alarms_view(s, zone);
    out["flow_m3_per_hour"] = meters::to_string(m.meter.flow_rate());
    out["online"] = s.radio.online;
    out["now"] = local_text(s.now, zone);
    return out;
}

http::response list_meters(admin_context& ctx, http::request const& req) {
    auto limit = query_number(req, "limit", 100, 1000);
    if (!limit) return refuse(limit.error());
    auto offset = query_number(req, "offset", 0, std::numeric_limits<std::uint32_t>::max());
    if (!offset) return refuse(offset.error());
    std::string_view const platform = req.query("platform").value_or("");
    if (!platform.empty()) {
        bool known = false;
        for (auto const* e : ctx.fleet.models().entries()) known = known || e->platform == platform;
        if (!known) return refuse({400, "platform", "no model of platform \"" + std::string(platform) + "\""});
    }
    if (is_meter_search(req)) return search_meters(ctx, req, platform, offset.value(), limit.value());
    auto const zone = ctx.fleet.options().zone;
    ojson list = ojson::array();
    for (auto* m : ctx.fleet.list(platform, offset.value(), limit.value())) {
        ctx.fleet.touch(*m);
        list.push_back(summary_of(*m, m->meter.state(), zone));
    }
    return answer(ojson{{"total", ctx.fleet.count(platform)},
                        {"offset", offset.value()},
                        {"limit", limit.value()},
                        {"meters", std::move(list)}});
}

http::response get_meter(admin_context& ctx, http::request const& req) {
    auto no = req.path_param("meterNo").value_or("");
    auto* m = ctx.fleet.find(no);
    if (m == nullptr) return refuse({404, "meterNo", "no meter \"" + std::string(no) + "\""});
    ctx.fleet.touch(*m);
    return answer(meter_detail(ctx, *m));
}

/// GET /admin/meters/{meterNo}/history?limit=N: the meter's newest reports (fleet::history),
/// oldest first.
http::response meter_history(admin_context& ctx, http::request const& req) {
    auto no = req.path_param("meterNo").value_or("");
    auto* m = ctx.fleet.find(no);
    if (m == nullptr) return refuse({404, "meterNo", "no meter \"" + std::string(no) + "\""});
    auto limit = query_number(req, "limit", 1000, 100'000);
    if (!limit) return refuse(limit.error());
    ctx.fleet.touch(*m);
    auto const zone = ctx.fleet.options().zone;
    bool const gas = m->entry->model.billing == meters::billing_mode::gas_prepaid;
    ojson reports = ojson::array();
    for (auto const& e : ctx.fleet.history().of(m->index, limit.value())) {
        ojson r{{"at", local_text(meters::instant_from_ms(e.at_ms), zone)},
                {"at_ms", e.at_ms},
                {"reason", meters::to_string(e.reason)},
                {"reading", meters::to_string(meters::volume::from_e4(e.reading_e4))},
                {"balance", meters::to_string(meters::money::from_e4(e.balance_e4))}};
        if (gas) r["gas_balance"] = meters::to_string(meters::volume::from_e4(e.gas_balance_e4));
        r["valve"] = meters::to_string(e.valve);
        r["battery_v"] = meters::format_e4(std::int64_t{e.battery_mv} * 10);
        reports.push_back(std::move(r));
    }
    return answer(ojson{{"meterNo", m->meter_no()},
                        {"capacity", ctx.fleet.history().capacity()},
                        {"count", reports.size()},
                        {"reports", std::move(reports)}});
}

// ---- manufacture ------------------------------------------------------------------------------

/// The requests of a list body, checked field by field.
meters::result<std::vector<manufacture_request>, refusal> read_list(json_value const& items) {
    if (!items.is_array()) return meters::unexpected{refusal{400, "meters", "expected an array"}};
    if (items.size() == 0 || items.size() > max_manufacture)
        return meters::unexpected{refusal{400, "meters", fmt::format("expected 1 to {} meters", max_manufacture)}};
    std::vector<manufacture_request> out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string const path = fmt::format("meters[{}]", i);
        if (!items.at(i).is_object()) return meters::unexpected{refusal{400, path, "expected an object"}};
        body_reader in(items.at(i), path);
        manufacture_request r;
        r.model = in.text("model", true).value_or("");
        r.identity.meter_no = in.text("meterNo", true, true).value_or("");
        r.identity.user_no = in.text("userNo", false, true).value_or("");
        r.identity.device_id = in.text("deviceId", false).value_or("");
        r.identity.imei = in.text("imei", false, true).value_or("");
        r.identity.iccid = in.text("iccid", false, true).value_or("");
        r.identity.card_no = in.text("cardNo", false, true).value_or("");
        if (in.ok() && r.identity.meter_no.empty()) in.fail("meterNo", "must not be empty");
        if (!in.ok()) return meters::unexpected{in.problem()};
        out.push_back(std::move(r));
    }
    return out;
}

/// The highest sequence number already used as prefix + `width` digits (0 when none).
std::uint64_t last_sequence(fleet& f, std::string const& prefix, std::size_t width) {
    std::uint64_t last = 0;
    for (auto* m : f.list("", 0, f.size())) {
        std::string_view no = m->meter_no();
        if (no.size() != prefix.size() + width || !no.starts_with(prefix)) continue;
        std::uint64_t v = 0;
        auto digits = no.substr(prefix.size());
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc{} && end == digits.data() + digits.size()) last = std::max(last, v);
    }
    return last;
}

/// {"model", "count", "id_prefix", "width"}: numbers prefix + sequence, zero-padded to `width`
/// digits (default 6), continuing after the highest number already in the fleet.
meters::result<std::vector<manufacture_request>, refusal> read_template(admin_context& ctx, json_value const& body) {
    body_reader in(body);
    auto model = in.text("model", true);
    auto count = in.integer("count", true, 1, static_cast<std::int64_t>(max_manufacture));
    auto prefix = in.text("id_prefix", false, true).value_or("");
    auto width = in.integer("width", false, 1, 18).value_or(6);
    if (!in.ok()) return meters::unexpected{in.problem()};
    auto const w = static_cast<std::size_t>(width);
    std::uint64_t const first = last_sequence(ctx.fleet, prefix, w) + 1;
    std::uint64_t limit = 1;
    for (std::size_t i = 0; i < w; ++i) limit *= 10;
    auto const n = static_cast<std::uint64_t>(*count);
    if (first + n - 1 >= limit)
        return meters::unexpected{refusal{400, "count", fmt::format("numbers past {} digits after the prefix", w)}};
    std::vector<manufacture_request> out;
    out.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t k = first; k < first + n; ++k) {
        manufacture_request r;
        r.model = *model;
        r.identity.meter_no = fmt::format("{}{:0{}}", prefix, k, w);
        out.push_back(std::move(r));
    }
    return out;
}

/// Everything that would make fleet::manufacture refuse, checked before anything is made.
std::optional<refusal> check_all(admin_context& ctx, std::vector<manufacture_request> const& reqs, bool listed) {
    std::set<std::string, std::less<>> numbers;
    std::set<std::string, std::less<>> devices;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        auto const& r = reqs[i];
        auto field = [&](char const* name) { return listed ? fmt::format("meters[{}].{}", i, name) : std::string(name); };
        if (ctx.fleet.models().find(r.model) == nullptr)
            return refusal{400, field("model"), "unknown model \"" + r.model + "\" (see GET /admin/models)"};
        if (ctx.fleet.find(r.identity.meter_no) != nullptr || !numbers.insert(r.identity.meter_no).second)
            return refusal{409, field("meterNo"), "meter \"" + r.identity.meter_no + "\" exists"};
        if (r.identity.device_id.empty()) continue;
        if (ctx.fleet.find_device(r.identity.device_id) != nullptr || !devices.insert(r.identity.device_id).second)
            return refusal{409, field("deviceId"), "device id \"" + r.identity.device_id + "\" is taken"};
    }
    return std::nullopt;
}

http::response manufacture(admin_context& ctx, http::request const& req) {
    auto body = body_object(req);
    if (!body) return refuse(body.error());
    json_value const* list = body->find("meters");
    bool const listed = list != nullptr;
    auto reqs = listed ? read_list(*list) : read_template(ctx, body.value());
    if (!reqs) return refuse(reqs.error());
    if (auto problem = check_all(ctx, reqs.value(), listed)) return refuse(*problem);

    std::vector<fleet_meter*> made;
    for (auto const& r : reqs.value()) {
        auto m = ctx.fleet.manufacture(r);
        if (!m) {  // cannot happen after check_all; undo to keep all-or-nothing anyway
            for (auto* x : made) ctx.fleet.remove(*x);
            return refuse({409, "meters", m.error()});
        }
        made.push_back(m.value());
    }
    ojson numbers = ojson::array();
    for (auto* m : made) numbers.push_back(m->meter_no());
    return answer(ojson{{"created", made.size()}, {"meters", std::move(numbers)}}, 201);
}

}  // namespace

ojson meter_summary(admin_context& ctx, fleet_meter& m) {
    return summary_of(m, m.meter.state(), ctx.fleet.options().zone);
}

ojson meter_detail(admin_context& ctx, fleet_meter& m) {
    auto const s = m.meter.state();
    auto const zone = ctx.fleet.options().zone;
    ojson out = summary_of(m, s, zone);
    out["user_no"] = s.identity.user_no;
    out["iccid"] = s.identity.iccid;
    out["cycle_usage"] = meters::to_string(s.billing.cycle_usage);
    out["total_bought_money"] = meters::to_string(s.billing.total_bought_money);
    out["total_used_money"] = meters::to_string(s.billing.total_used_money);
    out["total_bought_gas"] = meters::to_string(s.billing.total_bought_gas);
    out["total_used_gas"] = meters::to_string(s.billing.total_used_gas);
    out["buy_count"] = s.billing.buy_count;
    out["tariff"] = full_tariff(m, s, zone);
    out["next_wake"] = m.wake_at == meters::instant::max() ? ojson(nullptr) : ojson(local_text(m.wake_at, zone));
    out["pending_commands"] = pending_commands_view(ctx, m);
    out["state"] = meter_json_detail::to_dom(s);
    return out;
}

void add_meter_routes(http::router& r, admin_context& ctx) {
    r.get("/admin/meters", guarded(ctx, list_meters));
    r.post("/admin/meters", guarded(ctx, manufacture));
    r.get("/admin/meters/{meterNo}", guarded(ctx, get_meter));
    r.get("/admin/meters/{meterNo}/history", guarded(ctx, meter_history));
}

}  // namespace metersim::sim::admin

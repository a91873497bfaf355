// POST /admin/faults, GET /admin/faults, DELETE /admin/faults, DELETE /admin/faults/{id}:
// fault injection (issue #6; the scenario `fault` step posts here).
//
//   {"target": "cis"|"cnmcsp"|"xianfeng"|"xintian",
//    "kind": "unreachable"|"slow"|"duplicate"|"reorder"|"delay"|"bad_signature"|"truncated" (cis)
//            | "error"|"drop"|"slow" (platforms),
//    "path": "/..."        platforms only: that exact path; absent: every path
//    "status": 503         error only, 100-599 (default 500)
//    "body": "..."         error only; absent: {"message": "fault injected: ..."}
//    "delay_ms": N         slow and delay only, required: wall-clock milliseconds added
//    "for_ms": N           virtual milliseconds the rule lasts
//    "count": N}           requests (platforms) or push attempts (cis) it applies to; default 1
//                          when neither for_ms nor count is given; with both, the first to run out
//
// The body is checked in full (unknown keys included) before the registry is touched: bad input
// answers 400 naming the field and changes nothing.
#include "sim/admin/admin_internal.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "sim/faults.hpp"

namespace metersim::sim::admin {

namespace {

constexpr std::int64_t max_for_ms = 10LL * 365 * 24 * 3600 * 1000;  // ten years of virtual time
constexpr std::int64_t max_count = 1'000'000'000'000;

constexpr std::array<std::string_view, 8> known_keys{"target", "kind",     "path",   "status",
                                                     "body",   "delay_ms", "for_ms", "count"};

http::response unavailable() { return refuse({503, "", "fault injection is not available on this server"}); }

/// The rule as the admin API shows it: what applies to its kind, and what is left of it.
ojson rule_view(admin_context& ctx, fault_rule const& r) {
    auto const now = ctx.sched.now();
    ojson v{{"id", r.id}, {"target", r.target}, {"kind", to_string(r.kind)}};
    v["path"] = r.path.empty() ? ojson(nullptr) : ojson(r.path);
    if (r.kind == fault_kind::error) {
        v["status"] = r.status;
        v["body"] = r.body.empty() ? ojson(nullptr) : ojson(r.body);
    }
    if (r.kind == fault_kind::slow || r.kind == fault_kind::delay) v["delay_ms"] = r.delay.count();
    v["count"] = r.remaining ? ojson(*r.remaining) : ojson(nullptr);
    if (r.until) {
        v["for_ms"] = std::max<std::int64_t>((*r.until - now).count(), 0);
        v["until"] = local_text(*r.until, ctx.fleet.options().zone);
        v["until_ms"] = meters::to_ms(*r.until);
    } else {
        v["for_ms"] = nullptr;
        v["until"] = nullptr;
        v["until_ms"] = nullptr;
    }
    v["hits"] = r.hits;
    return v;
}

/// The first key of `body` that is not a field of a fault, if any.
/// (The smallest in byte order, as the keys were listed before the JSON layer kept their order.)
std::optional<std::string> unknown_key(json_value const& body) {
    std::optional<std::string> first;
    for (std::size_t i = 0; i < body.size(); ++i) {
        auto const& key = body.key_at(i);
        bool const known = std::find(known_keys.begin(), known_keys.end(), key) != known_keys.end();
        if (!known && (!first || key < *first)) first = key;
    }
    return first;
}

/// The rule a body describes (not yet checked against the registry's rules), or the refusal.
meters::result<fault_rule, refusal> read_rule(json_value const& body, meters::instant now) {
    if (auto key = unknown_key(body))
        return refusal{400, *key, "unknown field (expected target, kind, path, status, body, delay_ms, for_ms or count)"};
    body_reader in(body);
    auto target = in.text("target", true);
    auto kind_text = in.text("kind", true);
    auto path = in.text("path", false);
    auto status = in.integer("status", false, 100, 599);
    auto text = in.text("body", false);
    auto delay = in.integer("delay_ms", false, 1, max_fault_delay.count());
    auto for_ms = in.integer("for_ms", false, 1, max_for_ms);
    auto count = in.integer("count", false, 1, max_count);
    if (!in.ok()) return in.problem();

    auto kind = parse_fault_kind(*kind_text);
    if (!kind)
        return refusal{400, "kind",
                       "expected unreachable, slow, error, drop, duplicate, reorder, delay, bad_signature or truncated, "
                       "found \"" + *kind_text + "\""};
    if (status && *kind != fault_kind::error) return refusal{400, "status", "applies to kind error only"};
    if (text && *kind != fault_kind::error) return refusal{400, "body", "applies to kind error only"};
    if ((*kind == fault_kind::slow || *kind == fault_kind::delay) && !delay)
        return refusal{400, "delay_ms", "missing (required for kinds slow and delay)"};

    fault_rule r;
    r.target = *target;
    r.kind = *kind;
    r.path = path.value_or("");
    if (status) r.status = static_cast<unsigned>(*status);
    r.body = text.value_or("");
    if (delay) r.delay = std::chrono::milliseconds{*delay};
    if (count) r.remaining = static_cast<std::uint64_t>(*count);
    if (for_ms) r.until = now + meters::duration{*for_ms};
    if (!count && !for_ms) r.remaining = 1;
    return r;
}

http::response post_fault(admin_context& ctx, http::request const& req) {
    if (ctx.faults == nullptr) return unavailable();
    auto body = body_object(req);
    if (!body) return refuse(body.error());
    auto const now = ctx.sched.now();
    auto rule = read_rule(body.value(), now);
    if (!rule) return refuse(rule.error());
    auto id = ctx.faults->add(rule.value(), now);
    if (!id) return refuse({400, id.error().field, id.error().message});
    fault_rule stored = std::move(rule).value();
    stored.id = id.value();
    return answer(rule_view(ctx, stored), 201);
}

http::response list_faults(admin_context& ctx, http::request const&) {
    if (ctx.faults == nullptr) return unavailable();
    ojson list = ojson::array();
    for (auto const& r : ctx.faults->active(ctx.sched.now())) list.push_back(rule_view(ctx, r));
    return answer(ojson{{"faults", std::move(list)}});
}

http::response clear_faults(admin_context& ctx, http::request const&) {
    if (ctx.faults == nullptr) return unavailable();
    return answer(ojson{{"removed", ctx.faults->clear()}});
}

http::response remove_fault(admin_context& ctx, http::request const& req) {
    if (ctx.faults == nullptr) return unavailable();
    auto const text = req.path_param("id").value_or("");
    std::uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return refuse({400, "id", "expected a fault id (a positive integer), found \"" + std::string(text) + "\""});
    if (!ctx.faults->remove(id)) return refuse({404, "id", fmt::format("no fault {}", id)});
    return answer(ojson{{"removed", 1}, {"id", id}});
}

}  // namespace

void add_fault_routes(http::router& r, admin_context& ctx) {
    r.post("/admin/faults", guarded(ctx, post_fault));
    r.get("/admin/faults", guarded(ctx, list_faults));
    r.del("/admin/faults", guarded(ctx, clear_faults));
    r.del("/admin/faults/{id}", guarded(ctx, remove_fault));
}

}  // namespace metersim::sim::admin

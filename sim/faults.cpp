#include "sim/faults.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/journal.hpp"

namespace metersim::sim {

std::string_view to_string(fault_kind k) noexcept {
    switch (k) {
        case fault_kind::unreachable: return "unreachable";
        case fault_kind::slow: return "slow";
        case fault_kind::error: return "error";
        case fault_kind::drop: return "drop";
        case fault_kind::duplicate: return "duplicate";
        case fault_kind::reorder: return "reorder";
        case fault_kind::delay: return "delay";
        case fault_kind::bad_signature: return "bad_signature";
        case fault_kind::truncated: return "truncated";
    }
    return "unknown";
}

std::optional<fault_kind> parse_fault_kind(std::string_view text) noexcept {
    for (auto k : {fault_kind::unreachable, fault_kind::slow, fault_kind::error, fault_kind::drop, fault_kind::duplicate,
                   fault_kind::reorder, fault_kind::delay, fault_kind::bad_signature, fault_kind::truncated})
        if (to_string(k) == text) return k;
    return std::nullopt;
}

bool is_fault_target(std::string_view target) noexcept {
    return target == "cis" || target == "cnmcsp" || target == "xianfeng" || target == "xintian";
}

namespace {

meters::result<std::uint64_t, fault_error> refused(std::string field, std::string message) {
    return meters::unexpected{fault_error{std::move(field), std::move(message)}};
}

/// The kinds a target accepts, as the admin API's message lists them.
bool kind_fits(std::string_view target, fault_kind k) noexcept {
    if (target == "cis") return k != fault_kind::error && k != fault_kind::drop;
    return k == fault_kind::error || k == fault_kind::drop || k == fault_kind::slow;
}

}  // namespace

meters::result<std::uint64_t, fault_error> fault_registry::add(fault_rule r, meters::instant now) {
    if (!is_fault_target(r.target))
        return refused("target", "expected cis, cnmcsp, xianfeng or xintian, found \"" + r.target + "\"");
    bool const cis = r.target == "cis";
    if (!kind_fits(r.target, r.kind))
        return refused("kind", fmt::format("a {} fault is {}, not {}", cis ? "cis" : "platform",
                                           cis ? "unreachable, slow, duplicate, reorder, delay, bad_signature or truncated"
                                               : "error, drop or slow",
                                           to_string(r.kind)));
    if (cis && !r.path.empty()) return refused("path", "applies to platform targets only");
    if (!r.path.empty() && r.path.front() != '/') return refused("path", "must start with '/'");
    bool const error = r.kind == fault_kind::error;
    if (error && (r.status < 100 || r.status > 599)) return refused("status", "must be between 100 and 599");
    if (!error && !r.body.empty()) return refused("body", "applies to kind error only");
    if (r.kind == fault_kind::slow || r.kind == fault_kind::delay) {
        if (r.delay.count() <= 0 || r.delay > max_fault_delay)
            return refused("delay_ms", fmt::format("must be between 1 and {}", max_fault_delay.count()));
    } else if (r.delay.count() != 0) {
        return refused("delay_ms", "applies to kinds slow and delay only");
    }
    if (r.remaining && *r.remaining == 0) return refused("count", "must be at least 1");
    if (r.until && *r.until <= now) return refused("for_ms", "must end after now");
    r.id = next_id_++;
    r.hits = 0;
    rules_.push_back(std::move(r));
    ++version_;
    return rules_.back().id;
}

void fault_registry::restore(fault_rule r) {
    next_id_ = std::max(next_id_, r.id + 1);
    auto const at = std::find_if(rules_.begin(), rules_.end(), [&](fault_rule const& x) { return x.id > r.id; });
    rules_.insert(at, std::move(r));
    ++version_;
}

void fault_registry::expire(meters::instant now) {
    auto const gone = std::erase_if(rules_, [now](fault_rule const& r) {
        return (r.until && *r.until <= now) || (r.remaining && *r.remaining == 0);
    });
    if (gone != 0) ++version_;
}

bool fault_registry::none_for(std::string_view target) const noexcept {
    return std::none_of(rules_.begin(), rules_.end(), [target](fault_rule const& r) { return r.target == target; });
}

std::optional<fault_rule> fault_registry::take(std::string_view target, std::string_view path, meters::instant now) {
    if (rules_.empty()) return std::nullopt;
    expire(now);
    bool const cis = target == "cis";
    // An exact-path rule first, then an every-path one; the oldest of each (rules_ is by id).
    auto const matches = [&](fault_rule const& r, bool exact) {
        return r.target == target && (cis || (exact ? !r.path.empty() && r.path == path : r.path.empty()));
    };
    auto it = cis ? rules_.end()
                  : std::find_if(rules_.begin(), rules_.end(), [&](fault_rule const& r) { return matches(r, true); });
    if (it == rules_.end())
        it = std::find_if(rules_.begin(), rules_.end(), [&](fault_rule const& r) { return matches(r, false); });
    if (it == rules_.end()) return std::nullopt;
    ++it->hits;
    ++version_;
    if (it->remaining) --*it->remaining;
    fault_rule hit = *it;
    if (it->remaining && *it->remaining == 0) rules_.erase(it);
    return hit;
}

std::vector<fault_rule> fault_registry::active(meters::instant now) {
    expire(now);
    return rules_;
}

bool fault_registry::remove(std::uint64_t id) {
    bool const removed = std::erase_if(rules_, [id](fault_rule const& r) { return r.id == id; }) != 0;
    if (removed) ++version_;
    return removed;
}

std::size_t fault_registry::clear() noexcept {
    auto const n = rules_.size();
    rules_.clear();
    ++version_;
    return n;
}

// ---- the platform listeners' hook --------------------------------------------------------------

namespace {

/// The answer of an error fault: its own body, or a JSON message naming the fault. A body that
/// does not look like JSON goes out as text/plain.
http::response error_answer(fault_rule const& f) {
    if (f.body.empty()) return http::json_error(f.status, fmt::format("fault injected: error {} (fault {})", f.status, f.id));
    http::response r;
    r.status = f.status;
    r.body = f.body;
    auto const first = r.body.find_first_not_of(" \t\r\n");
    bool const json_like = first != std::string::npos && (r.body[first] == '{' || r.body[first] == '[');
    if (!json_like) r.content_type = "text/plain; charset=utf-8";
    return r;
}

void journal_fault(journal& j, std::string_view platform, http::request const& req, fault_rule const& f,
                   http::response const* answered, meters::instant now) {
    journal_entry e;
    e.virtual_time = now;
    e.dir = direction::in;
    e.platform = std::string(platform);
    e.method = std::string(req.method);
    e.target = std::string(req.target);
    e.request_body = std::string(req.body);
    e.verdict = "fault";
    if (answered != nullptr) {
        e.status = answered->status;
        e.response_body = answered->body;
        e.error = fmt::format("fault {}: error {} injected", f.id, f.status);
    } else {
        e.error = fmt::format("fault {}: connection dropped unanswered", f.id);
    }
    j.append(std::move(e));
}

}  // namespace

http::request_fault platform_fault(fault_registry& registry, std::string_view platform, http::request const& req,
                                   meters::instant now, journal* journal_or_null) {
    http::request_fault out;
    if (registry.none_for(platform)) return out;
    auto hit = registry.take(platform, req.path, now);
    if (!hit) return out;
    switch (hit->kind) {
        case fault_kind::error:
            out.what = http::request_fault::action::answer;
            out.answer = error_answer(*hit);
            if (journal_or_null != nullptr) journal_fault(*journal_or_null, platform, req, *hit, &out.answer, now);
            break;
        case fault_kind::drop:
            out.what = http::request_fault::action::drop;
            if (journal_or_null != nullptr) journal_fault(*journal_or_null, platform, req, *hit, nullptr, now);
            break;
        case fault_kind::slow:
            out.what = http::request_fault::action::delay;
            out.delay = hit->delay;
            break;
        case fault_kind::unreachable:  // the push-side kinds: not platform kinds (add() refuses them)
        case fault_kind::duplicate:
        case fault_kind::reorder:
        case fault_kind::delay:
        case fault_kind::bad_signature:
        case fault_kind::truncated: break;
    }
    return out;
}

}  // namespace metersim::sim

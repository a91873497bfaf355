// The runner's expectations: expect_push, expect_no_push, expect_request, expect_meter.
#include <algorithm>

#include "platforms/common/timestamp.hpp"
#include "scenarios/json_path.hpp"
#include "scenarios/matchers.hpp"
#include "scenarios/runner_internal.hpp"

namespace metersim::scenarios::detail {

namespace {

/// A step's text (its meter or path) and field expectations, every `${var}` resolved.
struct resolved_fields {
    std::string text;
    std::vector<field_expectation> fields;
    std::string error;  ///< an unknown variable
};

resolved_fields resolve(std::string const& text, std::vector<field_expectation> const& in, var_lookup const& look) {
    resolved_fields out;
    auto t = interpolate(text, look);
    if (!t) {
        out.error = t.error();
        return out;
    }
    out.text = std::move(t).value();
    for (auto const& f : in) {
        auto m = interpolate(f.m, look);
        if (!m) {
            out.error = m.error();
            return out;
        }
        auto path = interpolate(f.path, look);  // `${i}` may stand for an index
        if (!path) {
            out.error = path.error();
            return out;
        }
        out.fields.push_back(field_expectation{std::move(path).value(), std::move(m).value(), f.at});
    }
    return out;
}

template <class Seen>
platforms::json_value const& doc_of(Seen& s) {
    if (!s.doc) {
        auto parsed = platforms::parse_json(s.body);
        s.doc = std::make_shared<platforms::json_value const>(parsed ? std::move(parsed).value() : platforms::json_value{});
    }
    return *s.doc;
}

/// How many of the fields match, and the lines of those that do not.
std::size_t score(std::vector<field_expectation> const& fields, platforms::json_value const& doc,
                  std::vector<std::string>* misses) {
    std::size_t n = 0;
    for (auto const& f : fields) {
        auto const* v = find_path(doc, f.path);
        if (matches(f.m, v)) {
            ++n;
        } else if (misses != nullptr) {
            misses->push_back(f.path + ": expected " + describe(f.m) + ", saw " + describe(v, 120));
        }
    }
    return n;
}

std::string fields_text(std::vector<field_expectation> const& fields) {
    std::string out;
    for (auto const& f : fields) out += (out.empty() ? " with " : ", ") + f.path + " " + describe(f.m);
    return out;
}

std::string join(std::vector<std::string> const& parts, std::string_view sep) {
    std::string out;
    for (auto const& p : parts) {
        if (!out.empty()) out += sep;
        out += p;
    }
    return out;
}

std::string plural(std::uint64_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

namespace {

struct push_query {
    std::string kind, meter;
    std::vector<field_expectation> fields;
};

bool push_matches(push_seen& p, push_query const& q) {
    if (p.consumed || p.kind != q.kind) return false;
    if (!q.meter.empty() && p.meter != q.meter) return false;
    return q.fields.empty() || score(q.fields, doc_of(p), nullptr) == q.fields.size();
}

/// The pushes of the kind that came closest (most fields matching), newest first, as lines.
std::vector<std::string> closest(std::deque<push_seen>& pushes, push_query const& q, meters::utc_offset zone) {
    std::vector<std::pair<std::size_t, push_seen*>> ranked;
    for (auto it = pushes.rbegin(); it != pushes.rend() && ranked.size() < 200; ++it) {
        if (it->kind != q.kind) continue;
        auto s = score(q.fields, doc_of(*it), nullptr) + (q.meter.empty() || it->meter == q.meter ? 1 : 0);
        ranked.emplace_back(s, &*it);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](auto const& a, auto const& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ranked.size() && i < 3; ++i) {
        auto& p = *ranked[i].second;
        std::vector<std::string> misses;
        if (!q.meter.empty() && p.meter != q.meter) misses.push_back("meter: expected " + q.meter + ", saw " + p.meter);
        score(q.fields, doc_of(p), &misses);
        out.push_back("closest push #" + std::to_string(p.id) + " " + p.kind + " " + p.meter + " at " +
                      platforms::format_instant(p.at, platforms::timestamp_format::spaced,
                                                std::chrono::minutes{zone.minutes}) +
                      (p.consumed ? " (already matched)" : "") + ": " +
                      (misses.empty() ? std::string("all fields match") : join(misses, "; ")));
        out.push_back("  body: " + cut(p.body, 600));
    }
    return out;
}

}  // namespace

step_end run_state::do_expect_push(expect_push_step const& e, step const& s) {
    auto fields = resolve(e.meter, e.fields, lookup());
    if (!fields.error.empty()) return errored(fields.error);
    push_query q{e.kind, std::move(fields.text), std::move(fields.fields)};
    auto count_matching = [&] {
        std::uint64_t n = 0;
        for (auto& p : pushes)
            if (push_matches(p, q) && ++n >= e.count) break;
        return n;
    };
    if (auto waited = await(e.within, [&] { return count_matching() >= e.count; }); !waited.ok()) return waited;
    auto const seen = count_matching();
    if (seen < e.count) {
        std::string msg = "expected " + plural(e.count, e.kind + " push") + (q.meter.empty() ? "" : " for " + q.meter) +
                          fields_text(q.fields) + " within " + duration_text(e.within) + ", saw " +
                          std::to_string(seen) + " matching";
        auto ctx = closest(pushes, q, sc.zone);
        auto j = journal_context();
        ctx.insert(ctx.end(), j.begin(), j.end());
        return failed(std::move(msg), std::move(ctx));
    }
    push_seen* last = nullptr;
    std::uint64_t taken = 0;
    for (auto& p : pushes) {
        if (taken == e.count) break;
        if (!push_matches(p, q)) continue;
        p.consumed = true;
        last = &p;
        ++taken;
    }
    for (auto const& [name, where] : s.save) {
        auto path = text(where);
        if (!path) return errored(path.error());
        auto const* v = last == nullptr ? nullptr : find_path(doc_of(*last), path.value());
        if (v == nullptr) return failed("save " + name + ": " + path.value() + " is absent in the push " + cut(last ? last->body : "", 300));
        vars[name] = v->is_string() ? var_value{v->text(), false} : var_value{scalar_text(*v), true};
    }
    return passed();
}

step_end run_state::do_expect_no_push(expect_no_push_step const& e) {
    auto fields = resolve(e.meter, e.fields, lookup());
    if (!fields.error.empty()) return errored(fields.error);
    push_query q{e.kind, std::move(fields.text), std::move(fields.fields)};
    auto first_match = [&]() -> push_seen* {
        for (auto& p : pushes)
            if (push_matches(p, q)) return &p;
        return nullptr;
    };
    ingest();
    if (first_match() == nullptr && e.within.count() > 0) {
        auto moved = move_time(e.within, [&] { return first_match() != nullptr; });
        if (!moved.ok()) return moved;
    }
    ingest();
    if (auto* p = first_match()) {
        auto ctx = journal_context();
        ctx.insert(ctx.begin(), "body: " + cut(p->body, 600));
        return failed("expected no " + e.kind + " push" + (q.meter.empty() ? "" : " for " + q.meter) +
                          fields_text(q.fields) + " within " + duration_text(e.within) + ", saw push #" +
                          std::to_string(p->id) + " for " + p->meter + " at " +
                          platforms::format_instant(p->at, platforms::timestamp_format::spaced,
                                                    std::chrono::minutes{sc.zone.minutes}),
                      std::move(ctx));
    }
    return passed();
}

step_end run_state::do_expect_request(expect_request_step const& e) {
    auto fields = resolve(e.path, e.body, lookup());
    if (!fields.error.empty()) return errored(fields.error);
    auto const want_path = fields.text.substr(0, fields.text.find('?'));
    auto is_match = [&](request_seen& r) {
        if (r.consumed || r.platform != e.platform) return false;
        if (!e.method.empty() && r.method != e.method) return false;
        if (!want_path.empty() && r.path != want_path) return false;
        return fields.fields.empty() || score(fields.fields, doc_of(r), nullptr) == fields.fields.size();
    };
    auto count_matching = [&] {
        std::uint64_t n = 0;
        for (auto& r : requests)
            if (is_match(r) && ++n >= e.count) break;
        return n;
    };
    if (auto waited = await(e.within, [&] { return count_matching() >= e.count; }); !waited.ok()) return waited;
    auto const seen = count_matching();
    if (seen < e.count) {
        std::vector<std::string> ctx;
        for (auto it = requests.rbegin(); it != requests.rend() && ctx.size() < 6; ++it) {
            if (it->platform != e.platform) continue;
            std::vector<std::string> misses;
            score(fields.fields, doc_of(*it), &misses);
            ctx.push_back("request #" + std::to_string(it->id) + " " + it->method + " " + it->path +
                          (it->consumed ? " (already matched)" : "") +
                          (misses.empty() ? std::string{} : ": " + join(misses, "; ")));
        }
        auto j = journal_context();
        ctx.insert(ctx.end(), j.begin(), j.end());
        return failed("expected " + plural(e.count, e.platform + " request") + (e.method.empty() ? "" : " " + e.method) +
                          (want_path.empty() ? "" : " " + want_path) + fields_text(fields.fields) + " within " +
                          duration_text(e.within) + ", saw " + std::to_string(seen) + " matching",
                      std::move(ctx));
    }
    std::uint64_t taken = 0;
    for (auto& r : requests) {
        if (taken == e.count) break;
        if (!is_match(r)) continue;
        r.consumed = true;
        ++taken;
    }
    return passed();
}

step_end run_state::do_expect_meter(expect_meter_step const& e) {
    auto meter = text(e.meter);
    if (!meter) return errored(meter.error());
    auto fields = resolve({}, e.fields, lookup());
    if (!fields.error.empty()) return errored(fields.error);
    auto r = admin("GET", "/admin/meters/" + meter.value());
    if (r.status == 404) return failed("expected meter " + meter.value() + ", saw no such meter");
    auto doc = platforms::parse_json(r.body);
    if (r.status != 200 || !doc)
        return errored("GET /admin/meters/" + meter.value() + " answered " + std::to_string(r.status) + ": " + cut(r.body, 300));
    std::vector<std::string> misses;
    score(fields.fields, doc.value(), &misses);
    if (!misses.empty()) {
        auto ctx = journal_context();
        ctx.insert(ctx.begin(), "state: " + cut(r.body, 600));
        return failed("meter " + meter.value() + " " + join(misses, "; "), std::move(ctx));
    }
    return passed();
}

}  // namespace metersim::scenarios::detail

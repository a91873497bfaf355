// Steps that script failures and the CIS's answers (fault, cis_answer) and the expectations
// (expect_push, expect_no_push, expect_request, expect_meter).
#include <algorithm>

#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"

namespace metersim::scenarios::detail {

namespace {

field const* find_key(std::vector<field> const& got, std::string_view key) {
    auto it = std::find_if(got.begin(), got.end(), [&](field const& g) { return g.key == key; });
    return it == got.end() ? nullptr : &*it;
}

/// The platform of a push kind ("xianfeng" for "xianfeng.report").
std::string platform_of_kind(std::string_view kind) {
    for (auto const& k : push_kinds())
        if (k.name == kind) return std::string{k.platform};
    return {};
}

constexpr std::uint64_t max_count = 1'000'000'000;

}  // namespace

fault_step reader::read_fault(field const& f) {
    fault_step x;
    constexpr std::string_view shape = "clear, or a map {target, kind, path, status, body, delay, for, count}";
    if (f.value.IsDefined() && f.value.IsScalar()) {
        if (f.value.Scalar() == "clear") x.clear = true;
        else wrong(f, shape);
        return x;
    }
    if (!f.value.IsDefined() || !f.value.IsMap()) {
        wrong(f, shape);
        return x;
    }
    auto got = entries(f, {"target", "kind", "path", "status", "body", "delay", "for", "count"}, shape);
    require(f, got, "target", "cis or a platform the scenario starts");
    require(f, got, "kind", "unreachable, slow, error, drop or a push fault");
    for (auto const& g : got) {
        auto const& k = g.key;
        if (k == "target") {
            if (g.value.IsScalar() && g.value.Scalar() == "cis") x.target = "cis";
            else if (g.value.IsScalar() && g.value.Scalar() != "cis") x.target = platform(g).value_or("");
            else wrong(g, "cis, cnmcsp, xianfeng or xintian");
        } else if (k == "kind") {
            x.kind = word(g, {"unreachable", "slow", "error", "drop", "duplicate", "reorder", "delay", "bad_signature",
                              "truncated"})
                         .value_or("");
        }
        else if (k == "path") {
            auto t = text(g, "a path starting with /");
            if (t && !t->starts_with("/")) wrong(g, "a path starting with /");
            else x.path = t.value_or("");
        } else if (k == "status") x.status = status(g).value_or(500);
        else if (k == "body") x.body = to_value(g);
        else if (k == "delay") x.delay = duration(g).value_or(meters::duration{});
        else if (k == "for") x.for_ = duration(g);
        else x.count = integer(g, 1, max_count);
    }
    check_fault(f, x, got);
    return x;
}

void reader::check_fault(field const& f, fault_step const& x, std::vector<field> const& got) {
    auto const* kind = find_key(got, "kind");
    if (!x.target.empty() && !x.kind.empty() && kind) {
        bool const cis = x.target == "cis";
        if (cis && (x.kind == "error" || x.kind == "drop"))
            wrong(*kind, "unreachable, slow, duplicate, reorder, delay, bad_signature or truncated (target cis)");
        if (!cis && x.kind != "error" && x.kind != "drop" && x.kind != "slow")
            wrong(*kind, fmt::format("error, drop or slow (target {})", x.target));
    }
    if (auto const* p = find_key(got, "path"); p && x.target == "cis")
        error_at(p->where, fmt::format("{}: found path with target cis, expected path only with a platform target",
                                       f.path));
    for (std::string_view k : {"status", "body"}) {
        if (auto const* g = find_key(got, k); g && !x.kind.empty() && x.kind != "error")
            error_at(g->where, fmt::format("{}: found {} with kind {}, expected {} only with kind error", f.path, k,
                                           x.kind, k));
    }
    auto const* delay = find_key(got, "delay");
    bool const timed = x.kind == "slow" || x.kind == "delay";
    if (delay && !x.kind.empty() && !timed)
        error_at(delay->where, fmt::format("{}: found delay with kind {}, expected delay only with kinds slow and "
                                           "delay", f.path, x.kind));
    if (!delay && timed)
        error_at(f.mark(), fmt::format("{}: found no delay, expected delay: how long a {} waits, such as 3s", f.path,
                                       x.kind == "slow" ? "slow answer" : "delayed push"));
    if (auto const* c = find_key(got, "count"); c && find_key(got, "for"))
        error_at(c->where, fmt::format("{}: found both for and count, expected one of them (how long the fault "
                                       "lasts)", f.path));
}

void reader::read_push_target(field const& f, std::vector<field> const& got, std::string_view what,
                              std::string& kind, std::string& meter_no) {
    require(f, got, "kind", what);
    if (auto const* k = find_key(got, "kind")) kind = push_kind(*k).value_or("");
    if (auto const* m = find_key(got, "meter")) meter_no = meter(*m, platform_of_kind(kind)).value_or("");
}

cis_answer_step reader::read_cis_answer(field const& f) {
    cis_answer_step x;
    auto got = entries(f, {"kind", "meter", "count", "status", "body"}, "a map {kind, meter, count, status, body}");
    read_push_target(f, got, "a push kind such as xintian.billing", x.kind, x.meter);
    for (auto const& g : got) {
        if (g.key == "count") x.count = integer(g, 1, max_count);
        else if (g.key == "status") x.status = status(g).value_or(200);
        else if (g.key == "body") x.body = to_value(g);
    }
    return x;
}

expect_push_step reader::read_expect_push(field const& f) {
    expect_push_step x;
    auto got = entries(f, {"kind", "meter", "fields", "within", "count"}, "a map {kind, meter, fields, within, count}");
    read_push_target(f, got, "a push kind such as xianfeng.report", x.kind, x.meter);
    for (auto const& g : got) {
        if (g.key == "fields") x.fields = expectations(g);
        else if (g.key == "within") x.within = duration(g).value_or(meters::duration{});
        else if (g.key == "count") x.count = integer(g, 1, max_count).value_or(1);
    }
    return x;
}

expect_no_push_step reader::read_expect_no_push(field const& f) {
    expect_no_push_step x;
    auto got = entries(f, {"kind", "meter", "fields", "within"}, "a map {kind, meter, fields, within}");
    require(f, got, "kind", "a push kind such as xianfeng.alarm");
    if (auto const* k = find_key(got, "kind")) x.kind = push_kind(*k).value_or("");
    for (auto const& g : got) {
        if (g.key == "meter") x.meter = meter(g, platform_of_kind(x.kind)).value_or("");
        else if (g.key == "fields") x.fields = expectations(g);
        else if (g.key == "within") x.within = duration(g).value_or(meters::duration{});
    }
    return x;
}

expect_request_step reader::read_expect_request(field const& f) {
    expect_request_step x;
    auto got = entries(f, {"platform", "method", "path", "body", "count", "within"},
                       "a map {platform, method, path, body, count, within}");
    require(f, got, "platform", "the platform that received the request");
    for (auto const& g : got) {
        auto const& k = g.key;
        if (read_request_line(g, x.platform, x.method, x.path, "")) continue;
        if (k == "body") x.body = expectations(g);
        else if (k == "count") x.count = integer(g, 1, max_count).value_or(1);
        else x.within = duration(g).value_or(meters::duration{});
    }
    return x;
}

expect_meter_step reader::read_expect_meter(field const& f) {
    expect_meter_step x;
    auto got = map_entries(f, "a map {meter, then field path -> matcher}");
    require(f, got, "meter", "the meter's number");
    for (auto const& g : got) {
        if (g.key == "meter") x.meter = meter(g).value_or("");
        else if (auto e = expectation(g)) x.fields.push_back(std::move(*e));
    }
    return x;
}

}  // namespace metersim::scenarios::detail

#include "tools/load/load_summary.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/json/text.hpp"

namespace metersim::tools::load {

double achieved_rate(load_stats const& s, run_info const& r) {
    if (r.duration_s <= 0) return 0;
    return static_cast<double>(s.attempted - s.retried) / r.duration_s;
}

double error_rate(load_stats const& s) {
    return s.attempted == 0 ? 0.0 : static_cast<double>(s.failed) / static_cast<double>(s.attempted);
}

std::vector<threshold> judge(load_stats const& s, run_info const& r, limits const& l) {
    std::vector<threshold> out;
    if (l.max_p99_ms) {
        auto const p99 = percentiles_ms(s.push_latency_us).p99;
        out.push_back({"max_p99_ms", *l.max_p99_ms, p99, p99 <= *l.max_p99_ms});
    }
    if (l.max_error_rate_pct) {
        auto const pct = error_rate(s) * 100.0;
        out.push_back({"max_error_rate_pct", *l.max_error_rate_pct, pct, pct <= *l.max_error_rate_pct});
    }
    // A load test whose every push failed measured nothing of the CIS's capacity: never a pass,
    // --max-error-rate or not (k6 would exit 0; a CI gate on this run should not).
    out.push_back({"min_delivered", 1, static_cast<double>(s.delivered), s.delivered >= 1});
    // A run that could not hold its target says so: metersim (or the CIS) could not keep up.
    auto const want = r.expected_rate * l.min_rate_share;
    auto const got = achieved_rate(s, r);
    out.push_back({"min_rate_per_s", want, got, got >= want});
    return out;
}

bool all_ok(std::vector<threshold> const& t) {
    return std::all_of(t.begin(), t.end(), [](threshold const& x) { return x.ok; });
}

namespace {

/// A figure as JSON: fixed 3 decimals, trailing zeros dropped ("0.4", "12", "299.8").
std::string num(double v) {
    auto text = fmt::format("{:.3f}", v);
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text == "-0" ? "0" : text;
}

template <std::size_t N>
void number(sim::json::json_text& j, char const (&k)[N], double v) {
    j.key(k);
    j.raw(num(v));
}

template <std::size_t N>
void count(sim::json::json_text& j, char const (&k)[N], std::uint64_t v) {
    j.key(k);
    j.raw(std::to_string(v));
}

template <std::size_t N>
void counts(sim::json::json_text& j, char const (&k)[N], std::map<std::string, std::uint64_t> const& m) {
    j.object(k);
    for (auto const& [name, n] : m) {
        j.key(std::string_view(name));
        j.raw(std::to_string(n));
    }
    j.end_object();
}

template <std::size_t N>
void latency(sim::json::json_text& j, char const (&k)[N], latency_ms const& l) {
    j.object(k);
    number(j, "p50", l.p50);
    number(j, "p90", l.p90);
    number(j, "p99", l.p99);
    number(j, "p999", l.p999);
    number(j, "max", l.max);
    j.end_object();
}

std::string causes_text(std::map<std::string, std::uint64_t> const& m) {
    std::string out;
    for (auto const& [name, n] : m) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name, n);
    return out.empty() ? "none" : out;
}

}  // namespace

std::string summary_json(load_stats const& s, run_info const& r, std::vector<threshold> const& t) {
    std::string out;
    {
        sim::json::json_text j{out};
        j.begin_object();
        j.field("platform", r.platform);
        count(j, "meters", r.meters);
        number(j, "duration_s", r.duration_s);
        number(j, "target_rate_per_s", r.target_rate);
        j.key("interrupted");
        j.raw(r.interrupted ? "true" : "false");
        j.object("sessions");
        count(j, "driven", r.sessions);
        count(j, "alarms_raised", r.alarm_sessions);
        j.end_object();
        j.object("pushes");
        count(j, "attempted", s.attempted);
        count(j, "delivered", s.delivered);
        count(j, "failed", s.failed);
        count(j, "retried", s.retried);
        count(j, "pending_at_end", r.pending_at_end);
        number(j, "rate_per_s", achieved_rate(s, r));
        counts(j, "failed_by_cause", s.failed_by_cause);
        counts(j, "by_kind", s.attempted_by_kind);
        latency(j, "latency_ms", percentiles_ms(s.push_latency_us));
        j.end_object();
        j.object("cis_requests");
        count(j, "count", s.cis_requests);
        number(j, "rate_per_s", r.duration_s > 0 ? static_cast<double>(s.cis_requests) / r.duration_s : 0.0);
        counts(j, "by_path", s.cis_by_path);
        counts(j, "by_code", s.cis_by_code);
        latency(j, "answer_ms", percentiles_ms(s.cis_answer_us));
        j.end_object();
        j.object("round_trips");
        count(j, "completed", s.round_trips);
        count(j, "open_at_end", s.commands_open.size());
        latency(j, "wall_ms", percentiles_ms(s.round_trip_wall_us));
        latency(j, "virtual_s", percentiles_ms(s.round_trip_virtual_ms));
        j.end_object();
        double cpu = 0, rss = 0, lag = 0;
        std::size_t depth = 0;
        for (auto const& row : s.timeline) {
            cpu = std::max(cpu, row.process.cpu_percent);
            rss = std::max(rss, row.process.rss_mb);
            lag = std::max(lag, row.process.loop_lag_ms);
            depth = std::max(depth, row.process.outbox_depth);
        }
        j.object("metersim");
        number(j, "cpu_s", s.cpu_seconds);
        number(j, "cpu_us_per_push", s.attempted == 0 ? 0.0 : s.cpu_seconds * 1e6 / static_cast<double>(s.attempted));
        number(j, "cpu_percent_max", cpu);
        number(j, "rss_mb_max", rss);
        count(j, "outbox_depth_max", depth);
        number(j, "loop_lag_ms_max", lag);
        j.end_object();
        number(j, "error_rate", error_rate(s));
        j.array("thresholds");
        for (auto const& x : t) {
            j.begin_object();
            j.field("name", x.name);
            number(j, "limit", x.limit);
            number(j, "value", x.value);
            j.key("ok");
            j.raw(x.ok ? "true" : "false");
            j.end_object();
        }
        j.end_array();
        j.key("passed");
        j.raw(all_ok(t) ? "true" : "false");
        j.end_object();
    }
    out += '\n';
    return out;
}

std::string summary_table(load_stats const& s, run_info const& r, std::vector<threshold> const& t) {
    auto const l = percentiles_ms(s.push_latency_us);
    auto const a = percentiles_ms(s.cis_answer_us);
    std::string out;
    out += fmt::format("metersim load: {} meters on {}, {:.1f} s{}\n", r.meters, r.platform, r.duration_s,
                       r.interrupted ? " (interrupted)" : "");
    out += fmt::format("  {:<24} {}\n", "pushes attempted", s.attempted);
    out += fmt::format("  {:<24} {}\n", "pushes delivered", s.delivered);
    out += fmt::format("  {:<24} {} ({})\n", "attempts failed", s.failed, causes_text(s.failed_by_cause));
    out += fmt::format("  {:<24} {}\n", "retries", s.retried);
    out += fmt::format("  {:<24} {}\n", "not accepted at the end", r.pending_at_end);
    out += fmt::format("  {:<24} {:.1f} (target {:.1f})\n", "pushes/s", achieved_rate(s, r), r.target_rate);
    out += fmt::format("  {:<24} p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  p99.9 {:.3f}  max {:.3f}\n",
                       "CIS answer ms", l.p50, l.p90, l.p99, l.p999, l.max);
    out += fmt::format("  {:<24} {} ({})\n", "CIS requests", s.cis_requests, causes_text(s.cis_by_code));
    for (auto const& [path, n] : s.cis_by_path) out += fmt::format("  {:<24} {} {}\n", "", path, n);
    out += fmt::format("  {:<24} p50 {:.3f}  p99 {:.3f}  max {:.3f}\n", "metersim answer ms", a.p50, a.p99, a.max);
    if (s.round_trips != 0 || !s.commands_open.empty()) {
        auto const w = percentiles_ms(s.round_trip_wall_us);
        auto const v = percentiles_ms(s.round_trip_virtual_ms);
        out += fmt::format("  {:<24} {} completed, {} open; wall p50 {:.1f} ms p99 {:.1f} ms; virtual p50 {:.1f} s p99 {:.1f} s\n",
                           "command round trips", s.round_trips, s.commands_open.size(), w.p50, w.p99, v.p50, v.p99);
    }
    out += fmt::format("  {:<24} {:.4f}\n", "error rate", error_rate(s));
    bool const error_limit =
        std::any_of(t.begin(), t.end(), [](threshold const& x) { return x.name == "max_error_rate_pct"; });
    if (s.failed != 0 && !error_limit)
        out += fmt::format("  warning: {} of {} push attempts failed ({:.1f} %); without --max-error-rate that fails the "
                           "run only when no push at all was delivered (min_delivered)\n",
                           s.failed, s.attempted, error_rate(s) * 100.0);
    for (auto const& x : t)
        out += fmt::format("  {} {:<22} limit {:.3f}  value {:.3f}\n", x.ok ? "ok  " : "MISS", x.name, x.limit, x.value);
    out += all_ok(t) ? "passed\n" : "failed: a threshold was missed\n";
    return out;
}

}  // namespace metersim::tools::load

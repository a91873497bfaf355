#include "tools/load/load_stats.hpp"

#include <array>

#include "sim/json/value.hpp"
#include "sim/outbox.hpp"

namespace metersim::tools::load {

latency_ms percentiles_ms(sim::hdr_histogram const& us) {
    auto ms = [&](double p) { return static_cast<double>(us.value_at_percentile(p)) / 1000.0; };
    latency_ms out;
    out.count = us.count();
    if (us.count() == 0) return out;
    out.p50 = ms(50);
    out.p90 = ms(90);
    out.p99 = ms(99);
    out.p999 = ms(99.9);
    out.max = static_cast<double>(us.max()) / 1000.0;
    return out;
}

std::string answer_code(std::string_view body) {
    // The three vendors' answer fields (and the CIS's, which mirror them): responseCode
    // (xianfeng), ReturnCode (cnmcsp), ResultCode (xintian), and the common spellings.
    static constexpr std::array<std::string_view, 7> keys{"responseCode", "ReturnCode", "ResultCode",
                                                          "returnCode",   "resultCode", "code",
                                                          "Code"};
    if (body.empty() || (body.front() != '{' && body.front() != ' ')) return {};
    auto doc = sim::json::parse_json(body);
    if (!doc || !doc.value().is_object()) return {};
    for (auto k : keys)
        if (auto const* v = doc.value().find(k); v != nullptr && (v->is_string() || v->is_number()))
            return v->text();
    return {};
}

std::string failure_cause(unsigned status, std::string_view body, std::string_view error) {
    if (status == 0) {
        if (error.find("refused") != std::string_view::npos) return "refused";
        if (error.find("timeout") != std::string_view::npos || error.find("timed out") != std::string_view::npos)
            return "timeout";
        return "transport";
    }
    if (status < 200 || status >= 300) return "http_" + std::to_string(status);
    auto code = answer_code(body);
    return code.empty() ? "not_accepted" : "code_" + code;
}

namespace {

/// A string member of a JSON object (or of the first element of a JSON array); "" if none.
std::string member_of(std::string_view body, std::string_view key) {
    auto doc = sim::json::parse_json(body);
    if (!doc) return {};
    auto const* obj = &doc.value();
    if (obj->is_array() && obj->size() > 0) obj = &obj->at(0);
    auto const* v = obj->find(key);
    return v != nullptr && v->is_string() ? v->text() : std::string{};
}

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

void load_stats::on_attempt(sim::attempt_report const& r, moment at) {
    if (!measuring) return;
    if (r.accepted && r.kind == "xianfeng.response" && !commands_open.empty()) {
        // spec: xianfeng §3.2: the command response names its commandId.
        if (auto it = commands_open.find(member_of(r.request_body, "commandId")); it != commands_open.end()) {
            ++round_trips;
            round_trip_wall_us.record(static_cast<std::uint64_t>(std::max(0.0, (at.wall_s - it->second.wall_s) * 1e6)));
            round_trip_virtual_ms.record(static_cast<std::uint64_t>(std::max<std::int64_t>(at.virtual_ms - it->second.virtual_ms, 0)));
            commands_open.erase(it);
        }
    }
    ++attempted;
    ++current_.attempted;
    ++attempted_by_kind[std::string(r.kind)];
    if (r.retry > 0) ++retried;
    if (r.status != 0) {
        auto const us = static_cast<std::uint64_t>(std::max<std::int64_t>(r.latency.count(), 0));
        push_latency_us.record(us);
        interval_latency_us_.record(us);
    }
    if (r.accepted) {
        ++delivered;
        ++current_.delivered;
        return;
    }
    ++failed;
    ++current_.failed;
    auto cause = failure_cause(r.status, r.body, r.error);
    ++current_.failed_by_cause[cause];
    ++failed_by_cause[std::move(cause)];
}

void load_stats::on_cis_request(std::string_view platform, std::string_view path, unsigned status,
                                std::string_view body, std::chrono::microseconds took, moment at) {
    if (!measuring) return;
    // spec: xianfeng §2.1: creatCmd answers the new commandId in `result`.
    if (platform == "xianfeng" && ends_with(path, "/creatCmd") && answer_code(body) == "100000")
        if (auto id = member_of(body, "result"); !id.empty()) commands_open.emplace(std::move(id), at);
    ++cis_requests;
    ++current_.cis_requests;
    ++cis_by_path[std::string(path)];
    auto code = answer_code(body);
    ++cis_by_code[code.empty() ? "http_" + std::to_string(status) : std::move(code)];
    cis_answer_us.record(static_cast<std::uint64_t>(std::max<std::int64_t>(took.count(), 0)));
}

void load_stats::close_interval(double t_s, double target_rate, process_sample const& p) {
    current_.t_s = t_s;
    current_.target_rate = target_rate;
    current_.latency = percentiles_ms(interval_latency_us_);
    current_.process = p;
    timeline.push_back(std::move(current_));
    current_ = interval_row{};
    interval_latency_us_.reset();
}

}  // namespace metersim::tools::load

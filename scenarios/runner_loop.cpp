// The runner's loop: running the world's io_context on this thread with wall deadlines, settling
// pushes, moving virtual time, mirroring the journal, variables and built-ins.
#include <boost/asio/io_context.hpp>

#include <algorithm>

#include "platforms/common/timestamp.hpp"
#include "scenarios/runner_internal.hpp"
#include "sim/journal.hpp"

namespace metersim::scenarios::detail {

namespace {

using wall = std::chrono::steady_clock;

/// Stepped clock: time moves in slices, each followed by the pushes it caused reaching the CIS
/// (and, for faults and retries, meaning something at that time). A slice is a minute while
/// things happen and doubles, up to an hour, while nothing does.
constexpr meters::duration min_slice{std::chrono::minutes{1}};
constexpr meters::duration max_slice{std::chrono::hours{1}};
constexpr meters::duration outage_slice{std::chrono::minutes{5}};

/// Pushes (and requests) kept for expectations at most; older ones are dropped, so a year of a
/// thousand meters stays small. The timeline keeps its first entries only, for the same reason.
constexpr std::size_t max_kept = 20'000;
constexpr std::size_t max_timeline = 20'000;

std::string seconds_text(meters::duration d) {
    auto ms = d.count();
    return std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
}

std::string_view path_part(std::string_view target) { return target.substr(0, target.find('?')); }

std::string local_time(meters::instant t, meters::utc_offset z) {
    return platforms::format_instant(t, platforms::timestamp_format::spaced, std::chrono::minutes{z.minutes});
}

}  // namespace

meters::instant run_state::now() { return w ? w->clock().now() : sc.start; }

admin_reply run_state::admin(std::string_view method, std::string_view target, std::string_view body) {
    if (!w) return {503, R"({"message":"no world"})"};
    return w->admin(method, target, body);
}

bool run_state::pump(std::function<bool()> const& done, wall::time_point deadline) {
    auto& io = w->io();
    for (;;) {
        ingest();
        if (done()) return true;
        auto const t = wall::now();
        if (t >= deadline) return false;
        if (io.stopped()) io.restart();
        io.run_one_until(std::min(deadline, t + std::chrono::milliseconds{50}));
    }
}

step_end run_state::settle() {
    if (live) {
        pump([] { return false; }, wall::now());  // nothing to wait for: the clock runs by itself
        return passed();
    }
    // Twice: settling a push may enqueue another (a billing answer changing the meter).
    for (int round = 0; round < 2; ++round) {
        auto idle = std::make_shared<bool>(false);
        w->when_idle([idle] { *idle = true; });
        if (!pump([&] { return *idle; }, wall::now() + limits.settle))
            return errored("the pushes did not settle within " + std::to_string(limits.settle.count() / 1000) +
                           " s of wall time");
        auto& io = w->io();
        if (io.stopped()) io.restart();
        io.poll();
    }
    return passed();
}

step_end run_state::await(meters::duration within, std::function<bool()> const& enough) {
    ingest();
    if (!enough() && within.count() > 0) {
        if (auto moved = move_time(within, enough); !moved.ok()) return moved;
    } else if (!enough() && real_cis) {
        pump(enough, std::chrono::steady_clock::now() + limits.cis_grace);
    }
    ingest();
    return passed();
}

step_end run_state::move_time(meters::duration d, std::function<bool()> const& until) {
    auto const target = now() + d;
    if (live) {
        auto const at = w->clock().wall_deadline(target).value_or(wall::now());
        bool const reached = pump([&] { return now() >= target || (until && until()); }, at + limits.live_margin);
        if (!reached) return errored("the clock did not reach " + local_time(target, sc.zone) + " in time");
        return passed();
    }
    auto slice = min_slice;
    while (now() < target) {
        if (until && until()) return passed();
        if (real_cis && until) {  // waiting on the CIS under test, which acts in real time
            pump([&] { return until && until(); }, wall::now() + limits.cis_grace);
            if (until && until()) return passed();
        }
        auto const step = std::min(slice, target - now());
        auto const before = activity;
        auto const failures_before = failed_attempts;
        auto r = admin("POST", "/admin/clock/advance", R"({"seconds":")" + seconds_text(step) + "\"}");
        if (r.status != 200) return errored("POST /admin/clock/advance answered " + std::to_string(r.status) + ": " + r.body);
        if (auto s = settle(); !s.ok()) return s;
        // Busy: a minute. Only failing pushes (an outage): up to 5 minutes. Quiet: up to an hour.
        if (activity != before) slice = min_slice;
        else slice = std::min(slice * 2, failed_attempts != failures_before ? outage_slice : max_slice);
    }
    if (until) (void)until();
    return passed();
}

void run_state::ingest() {
    if (!w) return;
    auto& j = w->journal();
    if (j.last_id() <= journal_seen) return;
    for (;;) {
        sim::journal_query q;
        q.since_id = journal_seen;
        q.limit = 512;
        auto batch = j.query(q);
        if (batch.empty()) break;
        if (batch.front().id > journal_seen + 1) journal_lost += batch.front().id - journal_seen - 1;
        for (auto& e : batch) {
            journal_seen = e.id;
            take(std::move(e));
        }
        if (batch.size() < q.limit) break;
    }
}

void run_state::take(sim::journal_entry&& e) {
    bool const keep = opt.keep_timeline && res.timeline.size() < max_timeline;
    if (opt.keep_timeline && res.timeline.size() == max_timeline)
        res.timeline.push_back(timeline_entry{timeline_entry::kind::step, e.virtual_time, {}, {},
                                              "the timeline is cut here: later requests and pushes are not kept", {}});
    if (e.dir == sim::direction::out) {
        if (e.kind.empty()) return;  // a platform's note about a meter, not a push
        if (e.status == 0) ++failed_attempts;
        else ++activity;
        std::string const key = e.kind + '\n' + e.meter_no + '\n' + e.request_body;
        bool const answered = e.status != 0;
        if (keep) {
            std::string summary = e.kind + " " + e.meter_no + " " + e.verdict +
                                  (answered ? " (" + std::to_string(e.status) + ")" : " (" + e.error + ")");
            res.timeline.push_back(timeline_entry{timeline_entry::kind::push, e.virtual_time, e.platform, e.meter_no,
                                                  std::move(summary),
                                                  cut(e.request_body, opt.detail_limit) + "\n-> " +
                                                      cut(e.response_body, opt.detail_limit)});
        }
        if (!answered || !push_keys.insert(std::hash<std::string>{}(key)).second) return;
        ++res.pushes;
        pushes.push_back(push_seen{e.id, e.virtual_time, std::move(e.kind), std::move(e.meter_no),
                                   std::move(e.request_body), std::move(e.response_body), e.status,
                                   std::move(e.verdict), false, nullptr});
        if (pushes.size() > max_kept) pushes.pop_front();
        return;
    }
    if (e.platform != "cnmcsp" && e.platform != "xianfeng" && e.platform != "xintian") return;
    ++res.requests;
    ++activity;
    auto path = std::string(path_part(e.target));
    if (keep)
        res.timeline.push_back(timeline_entry{timeline_entry::kind::request, e.virtual_time, e.platform, e.meter_no,
                                              e.method + " " + e.target + " -> " + std::to_string(e.status),
                                              cut(e.request_body, opt.detail_limit) + "\n-> " +
                                                  cut(e.response_body, opt.detail_limit)});
    requests.push_back(request_seen{e.id, e.virtual_time, std::move(e.platform), std::move(e.method), std::move(path),
                                    std::move(e.request_body), e.status, false, nullptr});
    if (requests.size() > max_kept) requests.pop_front();
}

var_lookup run_state::lookup() {
    return [this](std::string_view name) -> std::optional<var_value> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        auto const zone = std::chrono::minutes{sc.zone.minutes};
        if (name == "now") return var_value{local_time(now(), sc.zone), false};
        if (name == "now_compact")
            return var_value{platforms::format_instant(now(), platforms::timestamp_format::compact, zone), false};
        if (name == "now_ms") return var_value{std::to_string(meters::to_ms(now())), false};
        if (name == "seq") return var_value{std::to_string(++seq), false};
        auto colon = name.find(':');
        if (colon == std::string_view::npos || !w) return std::nullopt;
        auto const what = name.substr(0, colon);
        auto const meter = std::string(name.substr(colon + 1));
        std::string v = what == "imei" ? w->imei_of(meter) : what == "iccid" ? w->iccid_of(meter) : std::string{};
        if (v.empty()) return std::nullopt;
        return var_value{std::move(v), false};
    };
}

meters::result<std::string, std::string> run_state::text(std::string_view t) { return interpolate(t, lookup()); }

std::vector<std::string> run_state::journal_context(std::size_t n) {
    std::vector<std::string> out;
    if (!w) return out;
    auto& j = w->journal();
    sim::journal_query q;
    auto const last = j.last_id();
    q.since_id = last > n ? last - n : 0;
    q.limit = n;
    for (auto const& e : j.query(q)) {
        std::string line = "#" + std::to_string(e.id) + " " + local_time(e.virtual_time, sc.zone) + " " +
                           std::string(to_string(e.dir)) + " ";
        if (e.dir == sim::direction::out)
            line += e.kind + " " + e.meter_no + " -> " + (e.status ? std::to_string(e.status) : e.error) + " " + e.verdict;
        else
            line += e.platform + " " + e.method + " " + e.target + " -> " + std::to_string(e.status) +
                    (e.meter_no.empty() ? "" : " " + e.meter_no) + " " + e.verdict;
        out.push_back(cut(line, 300));
    }
    if (journal_lost != 0) out.push_back(std::to_string(journal_lost) + " journal entries were dropped before they were read");
    return out;
}

}  // namespace metersim::scenarios::detail

#pragma once
/// tools/load/: the parts of `metersim load` (tools/cmd_load.cpp runs them).
///
/// load_stats is the measurement: every settled push attempt (sim::outbox's attempt observer)
/// and every request the CIS makes to a platform (the platform listeners' journal hook) is
/// counted into run totals and into the current one-second interval; close_interval() turns the
/// interval into a timeline row. Latencies go into HDR-style histograms (sim/hdr_histogram.hpp):
/// the run's percentiles come from the merged counts, an interval's from its own, never from an
/// average of percentiles. Loop thread only; no I/O.

#include <chrono>
#include <cstdint>
#include <map>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/hdr_histogram.hpp"

namespace metersim::sim {
struct attempt_report;
}

namespace metersim::tools::load {

/// Percentiles of a latency histogram in milliseconds.
struct latency_ms {
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
    std::uint64_t count = 0;
};
latency_ms percentiles_ms(sim::hdr_histogram const& us);

/// What metersim itself looked like at the end of an interval.
struct process_sample {
    double cpu_percent = 0;    ///< of one core, over the interval
    double rss_mb = 0;
    std::size_t outbox_depth = 0;  ///< pushes not yet accepted (waiting, in flight, or for a retry)
    double loop_lag_ms = 0;    ///< how late the interval's timer fired: the loop's backlog
};

/// One second of the run.
struct interval_row {
    double t_s = 0;              ///< end of the interval, seconds since the start of the load
    double target_rate = 0;      ///< pushes/s the shape asked for at that moment
    std::uint64_t attempted = 0;
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::map<std::string, std::uint64_t> failed_by_cause;
    latency_ms latency;
    std::uint64_t cis_requests = 0;
    process_sample process;
};

/// The cause of a failed attempt: "http_500", "code_<vendor answer code>" (a 2xx the push's
/// acceptance refused), "refused", "timeout", or "transport" (another transport error).
std::string failure_cause(unsigned status, std::string_view body, std::string_view error);

/// The vendor answer code of a JSON body (responseCode, ReturnCode, ResultCode, code, ...), or
/// "" when it has none.
std::string answer_code(std::string_view body);

/// When something happened, in both times: wall seconds since any fixed origin, virtual ms.
struct moment {
    double wall_s = 0;
    std::int64_t virtual_ms = 0;
};

class load_stats {
public:
    /// A settled push attempt, at `at`.
    void on_attempt(sim::attempt_report const& r, moment at = {});
    /// A request the CIS made to `platform`, answered in `took` by metersim, at `at`.
    void on_cis_request(std::string_view platform, std::string_view path, unsigned status,
                        std::string_view body, std::chrono::microseconds took, moment at = {});

    /// Ends the current interval at `t_s` with the shape's target and metersim's figures.
    void close_interval(double t_s, double target_rate, process_sample const& p);

    /// Off until the load begins: the --open phase's own requests are not the CIS's.
    bool measuring = false;

    // Run totals.
    std::uint64_t attempted = 0;
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::uint64_t retried = 0;
    std::map<std::string, std::uint64_t> failed_by_cause;
    /// Attempts by push kind ("cnmcsp.realtime", "cnmcsp.alarm", "xianfeng.alarm", ...):
    /// what --alarms mixes in shows here, one for one with the requests the CIS received.
    std::map<std::string, std::uint64_t> attempted_by_kind;
    sim::hdr_histogram push_latency_us;
    std::uint64_t cis_requests = 0;
    std::map<std::string, std::uint64_t> cis_by_path;     ///< request path (any platform's)
    std::map<std::string, std::uint64_t> cis_by_code;     ///< vendor answer code, else "http_<status>"
    sim::hdr_histogram cis_answer_us;                     ///< metersim's own time to answer
    std::vector<interval_row> timeline;
    /// Round trips across both directions (xianfeng): a command the CIS created (creatCmd
    /// accepted) until the CIS accepted its deviceResponseData push (spec: xianfeng §2.1, §3.2).
    std::uint64_t round_trips = 0;
    sim::hdr_histogram round_trip_wall_us;
    sim::hdr_histogram round_trip_virtual_ms;
    std::map<std::string, moment> commands_open;  ///< created, response not yet accepted
    double cpu_seconds = 0;  ///< metersim's CPU (user + system) over the load, --open excluded

private:
    interval_row current_;
    sim::hdr_histogram interval_latency_us_;
};

}  // namespace metersim::tools::load

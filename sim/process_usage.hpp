#pragma once
/// What the process uses, read from the kernel (/proc/self/statm, getrusage): the admin API's
/// /metrics and `metersim load`'s own figures read it the same way.

#include <cstdint>

namespace metersim::sim {

struct process_usage {
    std::int64_t resident_bytes = 0;  ///< 0 when /proc is not readable
    double cpu_seconds = 0;           ///< user + system
};

process_usage read_process_usage() noexcept;

}  // namespace metersim::sim

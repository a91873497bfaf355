#include "sim/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

namespace metersim::sim {

process_usage read_process_usage() noexcept {
    process_usage out;
    long pages = 0;
    long resident = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    out.resident_bytes = static_cast<std::int64_t>(resident) * ::sysconf(_SC_PAGESIZE);
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    out.cpu_seconds = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                      static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    return out;
}

}  // namespace metersim::sim

// libFuzzer target: the Xintian third-party billing answer (spec: xintian §3.6.2), what a
// hostile CIS answers to a billing report, in both conformance modes.
#include "platforms/xintian/billing_report.hpp"

#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    using namespace metersim::platforms;
    std::string_view body(reinterpret_cast<char const*>(data), size);
    for (auto mode : {conformance::lenient, conformance::strict}) {
        std::vector<deviation> deviations;
        auto r = xintian::parse_billing_answer(body, "20260000000101", mode, std::chrono::minutes{480}, deviations);
        if (r && r.value().meter_addr != "20260000000101") std::abort();
    }
    return 0;
}

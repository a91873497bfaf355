// libFuzzer target: the JSON reader (sim/json/value.hpp), both flavours. What it accepts is
// written by the one JSON writer and read back to the same text.
#include "sim/json/value.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    using namespace metersim::sim::json;
    std::string_view text(reinterpret_cast<char const*>(data), size);
    (void)parse_json_unique(text);
    auto r = parse_json(text);
    if (!r) return 0;
    auto written = to_json_text(r.value());
    auto again = parse_json(written);
    if (!again || to_json_text(again.value()) != written) std::abort();
    return 0;
}

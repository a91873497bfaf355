// libFuzzer target: the exact decimal parser (meters/fixed4_text.hpp). Besides not crashing,
// whatever it accepts formats back to text that parses to the same value.
#include "meters/fixed4_text.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view text(reinterpret_cast<char const*>(data), size);
    auto r = metersim::meters::parse_fixed4(text);
    if (!r) {
        if (r.error().position > size || r.error().reason.empty()) std::abort();
        return 0;
    }
    auto back = metersim::meters::parse_fixed4(metersim::meters::format_e4(r.value()));
    if (!back || back.value() != r.value()) std::abort();
    return 0;
}

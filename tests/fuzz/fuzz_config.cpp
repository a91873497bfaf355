// libFuzzer target: the config loader (tools/config.hpp). What it accepts is written back as
// YAML that it reads again.
#include "tools/config.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    using namespace metersim::tools;
    auto r = parse_config(std::string_view(reinterpret_cast<char const*>(data), size), "fuzz.yaml");
    if (!r) {
        for (auto const& e : r.error())
            if (e.message.empty() || e.line < 0 || e.column < 0) std::abort();
        return 0;
    }
    if (!parse_config(to_yaml(r.value()), "again.yaml")) std::abort();
    return 0;
}

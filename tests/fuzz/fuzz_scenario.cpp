// libFuzzer target: the scenario loader (scenarios/loader.hpp) against the built-in model
// catalogue.
#include "scenarios/loader.hpp"
#include "sim/catalogue.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static auto const models = metersim::sim::catalogue::builtin();
    auto r = metersim::scenarios::parse_scenario(std::string_view(reinterpret_cast<char const*>(data), size),
                                                 "fuzz.yaml", models);
    if (!r) {
        if (r.error().empty()) std::abort();
    }
    return 0;
}

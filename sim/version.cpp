#include "sim/version.hpp"

#ifndef METERSIM_VERSION
#error "METERSIM_VERSION comes from CMake's project(VERSION) (sim/CMakeLists.txt)"
#endif

namespace metersim::sim {

std::string_view version() noexcept { return METERSIM_VERSION; }

}  // namespace metersim::sim

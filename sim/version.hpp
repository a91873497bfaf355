#pragma once
/// metersim's version: CMake's project(VERSION), compiled into sim/version.cpp alone, so that a
/// new version rebuilds one file. `metersim --version`, GET /admin/health and /metrics show it.

#include <string_view>

namespace metersim::sim {

/// "0.1.0".
std::string_view version() noexcept;

}  // namespace metersim::sim

#pragma once
/// Small text helpers shared by sim, platforms and scenarios. Pure std, no Beast: usable from any
/// layer above meters/.

#include <cstddef>
#include <string_view>

namespace metersim::sim {

/// ASCII lower case; other bytes as they are (no locale).
constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Case-insensitive equality over ASCII letters (HTTP header names, JSON keys the vendors spell
/// loosely): what beast::iequals does, without Beast.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

}  // namespace metersim::sim

#pragma once
/// An enum's text names written once, as a table: the name of a value and the value of a name
/// both read it, so to_string and its parser cannot drift apart.
///
///     constexpr enum_name<clock_mode> clock_mode_names[] = {{clock_mode::realtime, "realtime"}, ...};
///     name_of(clock_mode_names, m, "?");          // the value's name, or the fallback
///     value_of(clock_mode_names, "stepped");      // std::optional<clock_mode>

#include <cstddef>
#include <optional>
#include <string_view>

namespace metersim::meters {

template <class E>
struct enum_name {
    E value;
    std::string_view name;
};

template <class E, std::size_t N>
constexpr std::string_view name_of(enum_name<E> const (&table)[N], E value, std::string_view fallback) noexcept {
    for (auto const& n : table)
        if (n.value == value) return n.name;
    return fallback;
}

template <class E, std::size_t N>
constexpr std::optional<E> value_of(enum_name<E> const (&table)[N], std::string_view name) noexcept {
    for (auto const& n : table)
        if (n.name == name) return n.value;
    return std::nullopt;
}

}  // namespace metersim::meters

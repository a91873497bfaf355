#pragma once
/// INTERNAL to sim/ (.cpp files only: includes nlohmann/json): the meter state as a JSON DOM,
/// for callers that embed it in a larger document (the admin API's `state`) without a second
/// parse, and the stable enumeration names shared by the writer and the reader of meter_json.

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "meters/meter.hpp"

namespace metersim::sim::meter_json_detail {

/// The state as an insertion-ordered DOM (the layout meter_json.hpp describes).
nlohmann::ordered_json to_dom(meters::meter_state const& state);

template <class E>
using name_table = std::array<std::pair<E, std::string_view>, 5>;

inline constexpr name_table<meters::account_state> account_names{{
    {meters::account_state::manufactured, "manufactured"},
    {meters::account_state::opened, "opened"},
    {meters::account_state::in_use, "in_use"},
    {meters::account_state::suspended, "suspended"},
    {meters::account_state::cancelled, "cancelled"},
}};

inline constexpr name_table<meters::cycle_kind> cycle_names{{
    {meters::cycle_kind::none, "none"},
    {meters::cycle_kind::months, "months"},
    {meters::cycle_kind::monthly, "monthly"},
    {meters::cycle_kind::quarterly, "quarterly"},
    {meters::cycle_kind::yearly, "yearly"},
}};

template <class E>
constexpr std::string_view name_of(name_table<E> const& t, E v) noexcept {
    for (auto const& [e, n] : t)
        if (e == v) return n;
    return "unknown";
}

template <class E>
constexpr std::optional<E> value_of(name_table<E> const& t, std::string_view n) noexcept {
    for (auto const& [e, name] : t)
        if (name == n) return e;
    return std::nullopt;
}

}  // namespace metersim::sim::meter_json_detail

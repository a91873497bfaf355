#pragma once
/// INTERNAL to sim/ (.cpp files only: includes nlohmann/json): the meter state as a JSON DOM,
/// for callers that embed it in a larger document (the admin API's `state`) without a second
/// parse. The stable enumeration names its writer and reader share are meters' own tables
/// (meters::account_state_names, meters::cycle_kind_names).

#include <nlohmann/json.hpp>

#include "meters/meter.hpp"

namespace metersim::sim::meter_json_detail {

/// The state as an insertion-ordered DOM (the layout meter_json.hpp describes).
nlohmann::ordered_json to_dom(meters::meter_state const& state);

}  // namespace metersim::sim::meter_json_detail

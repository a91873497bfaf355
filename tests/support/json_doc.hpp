#pragma once
/// A JSON text a test writes by hand, parsed with the one exact-decimal parser (sim/json): the
/// text must parse, or the test stops there.

#include <string_view>
#include <utility>

#include <doctest/doctest.h>

#include "sim/json/value.hpp"

namespace metersim::test {

inline sim::json::json_value json_doc(std::string_view text) {
    auto r = sim::json::parse_json(text);
    REQUIRE(r.has_value());
    return std::move(r).value();
}

}  // namespace metersim::test

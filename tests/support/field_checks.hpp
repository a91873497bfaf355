#pragma once
/// One check for "this object has these fields with these values": a JSON object of a push or a
/// report block, or a map of Prometheus samples. Each field is checked on its own, and a failing
/// one names its key.

#include <initializer_list>
#include <string>
#include <utility>

#include <doctest/doctest.h>

namespace metersim::test {

/// Every `key` of `expected` is in `object` (`object.at(key)`) and equals its text.
template <class Object>
void check_fields(Object const& object, std::initializer_list<std::pair<std::string, std::string>> expected) {
    for (auto const& [key, value] : expected) {
        INFO("field ", key);
        CHECK(object.at(key) == value);
    }
}

}  // namespace metersim::test

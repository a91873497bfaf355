#pragma once
/// Checks shared by the tests of the parsers that report where text went wrong (parse_fixed4,
/// parse_alarm_code, parse_civil, parse_trans_id: RESTinio's parse_error shape).

#include <cstddef>

#include <doctest/doctest.h>

namespace metersim::test {

/// `r` is a refusal at character `position`, with a reason.
template <class Result>
void check_refused_at(Result const& r, std::size_t position) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().position == position);
    CHECK_FALSE(r.error().reason.empty());
}

}  // namespace metersim::test

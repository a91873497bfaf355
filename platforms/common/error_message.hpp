#pragma once
/// What the vendors' error answers share: the meaning of a code looked up in the vendor's table,
/// and the message "<meaning>: <api_error message>". Knows no vendor: the table and the body
/// format stay with each vendor's `to_response`.

#include <span>
#include <string>
#include <string_view>

namespace metersim::platforms {

/// The `meaning` of the first row of `table` whose `code` is `code`; empty when none is.
template <class Row>
std::string_view meaning_in(std::span<Row const> table, std::string_view code) noexcept {
    for (auto const& row : table)
        if (row.code == code) return row.meaning;
    return {};
}

/// `meaning`, then ": " and `detail` when there is a detail (just the detail without a meaning).
inline std::string error_message(std::string_view meaning, std::string_view detail) {
    std::string message(meaning);
    if (!detail.empty()) {
        if (!message.empty()) message += ": ";
        message += detail;
    }
    return message;
}

}  // namespace metersim::platforms

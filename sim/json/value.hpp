#pragma once
/// json::json_value and json::parse_json: the one exact-decimal JSON parser of metersim, shared
/// by sim/ (admin API bodies, persisted meter state) and platforms/ (vendor request bodies).
///
/// `parse_json` runs nlohmann/json's SAX parser (in the .cpp only: this header does not include
/// nlohmann, so the many files that include it stay cheap to compile) into a small DOM,
/// `json_value`, in which every number is its raw token ("12.50" stays "12.50", a 30-digit
/// integer stays 30 digits): decimals are then read exactly by meters::parse_fixed4 and the
/// double nlohmann computes is never looked at (STYLE.md §7). Bad input of any shape gives a
/// `json_parse_error` with the byte offset, line, column and reason; nesting deeper than
/// `json_limits::max_depth` and more than `max_values` values are refused the same way. Nothing
/// throws out of this file.
///
/// The checked field readers over the DOM are platforms/common/json_reader.hpp (vendor codes,
/// conformance deviations) and sim/admin's body_reader (admin refusals); the writer of bodies is
/// sim/json/text.hpp.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/result.hpp"

namespace metersim::sim::json {

enum class json_kind : std::uint8_t { null, boolean, number, string, array, object };

/// "null", "a boolean", "a number", "a string", "an array", "an object" (for messages).
std::string_view describe(json_kind k) noexcept;

/// A JSON value whose numbers are their raw tokens. Objects keep their members in document
/// order, duplicates included.
class json_value {
public:
    json_value() = default;  ///< null
    static json_value boolean(bool b);
    static json_value number(std::string raw_token);
    static json_value string(std::string text);
    static json_value array();
    static json_value object();

    json_kind kind() const noexcept { return kind_; }
    bool is_null() const noexcept { return kind_ == json_kind::null; }
    bool is_object() const noexcept { return kind_ == json_kind::object; }
    bool is_array() const noexcept { return kind_ == json_kind::array; }
    bool is_string() const noexcept { return kind_ == json_kind::string; }
    bool is_number() const noexcept { return kind_ == json_kind::number; }
    bool is_boolean() const noexcept { return kind_ == json_kind::boolean; }
    /// A number whose token is an integer: no fraction, no exponent ("-7", "1000").
    bool is_integer() const noexcept;

    /// The boolean's value (false for any other kind).
    bool as_bool() const noexcept { return bool_; }
    /// A string's decoded UTF-8 text, or a number's raw token; empty for other kinds.
    std::string const& text() const noexcept { return text_; }
    /// An integer token that fits in int64 (nullopt for anything else).
    std::optional<std::int64_t> as_int64() const noexcept;

    /// Elements of an array or members of an object; 0 otherwise.
    std::size_t size() const noexcept { return items_.size(); }
    /// The i-th element (array) or member value (object); i < size().
    json_value const& at(std::size_t i) const { return items_[i]; }
    /// The i-th member's key (objects only); i < size().
    std::string const& key_at(std::size_t i) const { return keys_[i]; }
    /// The first member with exactly this key, or nullptr (also for non-objects).
    json_value const* find(std::string_view key) const noexcept;

    /// Building (the parser, tests). push_back on an array, add_member on an object; each
    /// returns the stored element. Calling them on another kind is a programmer error.
    json_value& push_back(json_value v);
    json_value& add_member(std::string key, json_value v);

private:
    json_kind kind_ = json_kind::null;
    bool bool_ = false;
    std::string text_;
    std::vector<json_value> items_;
    std::vector<std::string> keys_;  // parallel to items_ for objects
};

/// What a value is, for messages: describe(kind), but "an integer" or "a fractional number"
/// for numbers.
std::string_view describe(json_value const& v) noexcept;

/// Compact JSON text of a value; numbers are written as their raw tokens, strings escaped.
std::string to_json_text(json_value const& v);

struct json_parse_error {
    std::size_t offset = 0;  ///< 0-based byte offset of the offending byte (or the length)
    std::size_t line = 1;    ///< 1-based
    std::size_t column = 1;  ///< 1-based, in bytes
    std::string reason;      ///< e.g. "syntax error while parsing object key - invalid literal..."
};

struct json_limits {
    std::size_t max_depth = 64;        ///< nested arrays/objects
    std::size_t max_values = 100'000;  ///< values of any kind in one body (bounds DOM memory)
};

/// Parses a whole body (RFC 8259, UTF-8, no comments, nothing after the value).
meters::result<json_value, json_parse_error> parse_json(std::string_view text,
                                                         json_limits limits = {});

/// parse_json for metersim's own JSON (admin API bodies, persisted meter state): no bound on the
/// number of values, and an object holding a key twice is refused with the reason
/// `key "k" appears more than once`. (The vendors' bodies keep duplicates: their readers refuse a
/// duplicate only when the field is read.)
meters::result<json_value, json_parse_error> parse_json_unique(std::string_view text);

}  // namespace metersim::sim::json

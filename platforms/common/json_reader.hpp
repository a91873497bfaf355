#pragma once
/// Request bodies: checked readers over the JSON layer's DOM (sim/json/value.hpp, whose
/// `parse_json` keeps numbers as their raw tokens; its names are used here unqualified).
///
/// `object_reader` and `array_reader` then read fields with the spec's rules, each getter
/// returning `api_result<T>` whose error names the field (a dotted path for nested fields,
/// "deviceNos[2]" for elements) and carries the vendor code the caller configured. The quirks the
/// vendor documents themselves make (specs/README.md) are accepted in lenient mode and appended
/// to `reader_context::deviations`, refused in strict mode:
///   - a key whose case differs from the spec ("price3" for "Price3"): rule "key case";
///   - a number sent as a JSON string ("PreSaving":"1000"): rule "number sent as string";
///   - a text field (declared_as::string) sent as a JSON number: rule "string sent as number".
/// A field present with the value null counts as absent. A key that appears twice is refused
/// when it is read ("X appears more than once"), never silently resolved.
///
/// Readers borrow the json_value and the reader_context: both must outlive them. One context per
/// request; not thread-safe (a request is handled on one thread).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/fixed4.hpp"
#include "platforms/common/api_error.hpp"
#include "sim/json/text.hpp"
#include "sim/json/value.hpp"

namespace metersim::platforms {

// The JSON layer's names, for the platforms' code.
using sim::json::append_json_quoted;
using sim::json::bad_utf8;
using sim::json::describe;
using sim::json::json_kind;
using sim::json::json_limits;
using sim::json::json_parse_error;
using sim::json::json_quote;
using sim::json::json_text;
using sim::json::json_value;
using sim::json::parse_json;
using sim::json::to_json_text;

/// The vendor's "malformed body" error: field empty, message
/// "request body is not valid JSON at line 1, column 2: <reason>".
api_error to_api_error(json_parse_error const& e, std::string_view code);

// ---------------------------------------------------------------------------------------------
// Checked readers

/// Per-request state shared by the readers of one body.
struct reader_context {
    conformance mode = conformance::lenient;
    std::string code;                    ///< default vendor code for a missing or bad field
    std::string section;                 ///< default spec section cited by deviations
    std::vector<deviation> deviations;   ///< what lenient mode accepted, for the journal
};

/// A field as the spec names it, optionally with its own vendor code and spec section
/// (Xianfeng gives most command parameters their own code: controlFlag -> 500015).
struct field {
    field(char const* n) : name(n) {}                  // NOLINT(implicit)
    field(std::string_view n) : name(n) {}             // NOLINT(implicit)
    field(std::string_view n, std::string_view c, std::string_view s = {})
        : name(n), code(c), section(s) {}
    std::string_view name;
    std::string_view code;     ///< empty: the context's code
    std::string_view section;  ///< empty: the context's section
};

/// How the spec declares a numeric or textual field's JSON type.
enum class declared_as : std::uint8_t {
    number,  ///< a JSON number; a numeric JSON string is the "number sent as string" quirk
    string,  ///< a JSON string; a JSON number is the "string sent as number" quirk
    either,  ///< both are correct (no deviation)
};

/// Inclusive bounds in UTF-8 characters.
struct length_limits {
    std::size_t min = 0;
    std::size_t max = std::numeric_limits<std::size_t>::max();
};

/// Inclusive integer bounds.
struct int_range {
    std::int64_t min = std::numeric_limits<std::int64_t>::min();
    std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

class array_reader;

class object_reader {
public:
    /// `v` must be an object, else "<path> must be an object" (path "body" at the top level).
    static api_result<object_reader> from(json_value const& v, reader_context& ctx,
                                          std::string path = {});

    json_value const& value() const noexcept { return *obj_; }
    std::string const& path() const noexcept { return path_; }
    reader_context& context() const noexcept { return *ctx_; }

    /// Present and not null, by exact or case-insensitive name. Records nothing.
    bool has(std::string_view name) const noexcept;

    /// The raw value, found by the rules above (a key-case match is recorded as a deviation in
    /// lenient mode, refused in strict mode); a null pointer when absent or null.
    api_result<json_value const*> find(field f) const;

    api_result<std::string> string_field(field f, length_limits lim = {},
                                         declared_as d = declared_as::string) const;
    api_result<std::optional<std::string>> optional_string_field(
        field f, length_limits lim = {}, declared_as d = declared_as::string) const;

    /// An integer: a JSON number without fraction or exponent (or its string in lenient mode).
    api_result<std::int64_t> integer_field(field f, int_range r = {},
                                           declared_as d = declared_as::number) const;
    api_result<std::optional<std::int64_t>> optional_integer_field(
        field f, int_range r = {}, declared_as d = declared_as::number) const;

    api_result<bool> bool_field(field f) const;
    api_result<std::optional<bool>> optional_bool_field(field f) const;

    /// An exact decimal in 1e-4 units from a JSON number's raw token or a JSON string:
    /// `-?digits(.digits{1,4})?`, no exponent; at most `max_places` decimals (trailing zeros
    /// do not count).
    api_result<std::int64_t> fixed4_e4_field(field f, int max_places = 4,
                                             declared_as d = declared_as::number) const;
    api_result<std::optional<std::int64_t>> optional_fixed4_e4_field(
        field f, int max_places = 4, declared_as d = declared_as::number) const;

    template <class T>
    api_result<T> fixed4_field(field f, int max_places = 4,
                               declared_as d = declared_as::number) const {
        auto r = fixed4_e4_field(f, max_places, d);
        if (!r) return meters::unexpected{r.error()};
        return T::from_e4(r.value());
    }
    template <class T>
    api_result<std::optional<T>> optional_fixed4_field(field f, int max_places = 4,
                                                       declared_as d = declared_as::number) const {
        auto r = optional_fixed4_e4_field(f, max_places, d);
        if (!r) return meters::unexpected{r.error()};
        if (!r.value()) return std::optional<T>{};
        return std::optional<T>{T::from_e4(*r.value())};
    }
    api_result<meters::money> money_field(field f, int max_places = 4,
                                          declared_as d = declared_as::number) const {
        return fixed4_field<meters::money>(f, max_places, d);
    }
    api_result<meters::volume> volume_field(field f, int max_places = 4,
                                            declared_as d = declared_as::number) const {
        return fixed4_field<meters::volume>(f, max_places, d);
    }
    api_result<meters::price> price_field(field f, int max_places = 4,
                                          declared_as d = declared_as::number) const {
        return fixed4_field<meters::price>(f, max_places, d);
    }
    api_result<meters::decimal> decimal_field(field f, int max_places = 4,
                                              declared_as d = declared_as::number) const {
        return fixed4_field<meters::decimal>(f, max_places, d);
    }

    /// A text from the allowed set (compared exactly).
    api_result<std::string> enum_field(field f, std::initializer_list<std::string_view> allowed,
                                       declared_as d = declared_as::string) const;
    api_result<std::optional<std::string>> optional_enum_field(
        field f, std::initializer_list<std::string_view> allowed,
        declared_as d = declared_as::string) const;
    /// An integer from the allowed set.
    api_result<std::int64_t> int_enum_field(field f, std::initializer_list<std::int64_t> allowed,
                                            declared_as d = declared_as::number) const;
    api_result<std::optional<std::int64_t>> optional_int_enum_field(
        field f, std::initializer_list<std::int64_t> allowed,
        declared_as d = declared_as::number) const;

    api_result<object_reader> object_field(field f) const;
    api_result<std::optional<object_reader>> optional_object_field(field f) const;
    /// An array of at most `max_items` elements.
    api_result<array_reader> array_field(
        field f, std::size_t max_items = std::numeric_limits<std::size_t>::max()) const;
    api_result<std::optional<array_reader>> optional_array_field(
        field f, std::size_t max_items = std::numeric_limits<std::size_t>::max()) const;

    /// Keys that match none of `known`, even ignoring case (for the journal; never an error).
    std::vector<std::string> unknown_keys(std::initializer_list<std::string_view> known) const;

private:
    object_reader(json_value const& v, reader_context& ctx, std::string path)
        : obj_(&v), ctx_(&ctx), path_(std::move(path)) {}
    std::string path_of(std::string_view name) const;
    api_result<object_reader> nested(json_value const& v, std::string_view code,
                                     std::string const& path) const;
    api_result<array_reader> nested_array(json_value const& v, std::string_view code,
                                          std::string_view section, std::string const& path,
                                          std::size_t max_items) const;

    json_value const* obj_;
    reader_context* ctx_;
    std::string path_;
};

class array_reader {
public:
    /// `v` must be an array, else "<path> must be an array"; more than `max_items` is an error.
    static api_result<array_reader> from(
        json_value const& v, reader_context& ctx, std::string path = {},
        std::string_view code = {},
        std::size_t max_items = std::numeric_limits<std::size_t>::max());

    std::size_t size() const noexcept { return arr_->size(); }
    bool empty() const noexcept { return arr_->size() == 0; }
    json_value const& value() const noexcept { return *arr_; }
    std::string const& path() const noexcept { return path_; }

    /// Elements are read with the array's code (the `code` given to from/array_field).
    api_result<std::string> string_at(std::size_t i, length_limits lim = {},
                                      declared_as d = declared_as::string) const;
    api_result<std::int64_t> integer_at(std::size_t i, int_range r = {},
                                        declared_as d = declared_as::number) const;
    api_result<std::int64_t> fixed4_e4_at(std::size_t i, int max_places = 4,
                                          declared_as d = declared_as::number) const;
    api_result<object_reader> object_at(std::size_t i) const;
    api_result<array_reader> array_at(std::size_t i) const;

private:
    friend class object_reader;
    array_reader(json_value const& v, reader_context& ctx, std::string path, std::string code,
                 std::string section)
        : arr_(&v), ctx_(&ctx), path_(std::move(path)), code_(std::move(code)),
          section_(std::move(section)) {}
    std::string path_at(std::size_t i) const;

    json_value const* arr_;
    reader_context* ctx_;
    std::string path_;
    std::string code_;
    std::string section_;
};

}  // namespace metersim::platforms

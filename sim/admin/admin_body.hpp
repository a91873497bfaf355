#pragma once
/// The admin API's request bodies and refusals, shared by sim/admin's routes and the admin routes
/// a platform adds for its own devices (xianfeng concentrators): one way to read an admin body
/// and one answer shape for bad input, `{"message": "<field>: <why>", "field": "<field>"}`.
///
/// Bodies are parsed by the JSON layer (json::parse_json_unique: decimals kept exact, a key
/// given twice refused). `body_reader` reads fields with admin messages ("missing", "expected a
/// string, found an integer", "must be between 1 and 5"); the first problem sticks. The vendors'
/// request bodies use platforms/common/json_reader.hpp instead: vendor codes, spec sections and
/// lenient-mode deviations, which admin input has none of.

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "meters/result.hpp"
#include "sim/http/routes.hpp"
#include "sim/json/value.hpp"

namespace metersim::sim::admin {

/// A refused request: HTTP status, the field at fault ("" for the body as a whole) and why.
struct refusal {
    unsigned status = 400;
    std::string field;
    std::string message;
};

/// {"message": "<field>: <message>", "field": "<field>"} with the refusal's status.
http::response refuse(refusal const& r);

/// Wraps a handler so that nothing escapes it: an exception answers 500 with its what().
template <class F>
http::handler guarded(F f) {
    return [f](http::request const& req) -> http::response {
        try {
            return f(req);
        } catch (std::exception const& e) {
            return http::json_error(500, std::string("internal error: ") + e.what());
        } catch (...) {
            return http::json_error(500, "internal error");
        }
    };
}

/// The request body as a JSON object (decimals kept exact), or a 400 naming "body".
meters::result<json::json_value, refusal> body_object(http::request const& req);

/// Reads fields of one JSON object. The first problem sticks (later reads return nullopt and
/// record nothing); check ok() once after reading. A null member counts as absent.
class body_reader {
public:
    body_reader(json::json_value const& obj, std::string prefix = {})
        : obj_(obj), prefix_(std::move(prefix)) {}

    /// A string; with `digits_as_text`, a non-negative integer is accepted as its digits (IMEI).
    std::optional<std::string> text(std::string_view key, bool required, bool digits_as_text = false);
    /// An integer in [min, max].
    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                        std::int64_t max);
    /// An exact decimal (string or number) in 1e-4 units.
    std::optional<std::int64_t> decimal_e4(std::string_view key, bool required);
    /// true or false.
    std::optional<bool> flag(std::string_view key, bool required);
    /// The raw member (null when absent; records "missing" when required).
    json::json_value const* member(std::string_view key, bool required);

    std::string path(std::string_view key) const;
    void fail(std::string_view key, std::string message, unsigned status = 400);
    bool ok() const noexcept { return !problem_.has_value(); }
    refusal const& problem() const { return *problem_; }

private:
    json::json_value const& obj_;
    std::string prefix_;
    std::optional<refusal> problem_;
};

}  // namespace metersim::sim::admin

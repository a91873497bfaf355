#pragma once
/// The request pipeline of every vendor endpoint, written once for CNMCSP, Xianfeng and Xintian.
///
/// A platform describes itself once in a `vendor_pipeline` (it must outlive its routes) and makes
/// each route's handler with `make_endpoint`. A request then goes through:
///   1. `admit`: the vendor's header checks (authentication; Xianfeng's interface version first);
///   2. `open`, when set: the body as the endpoint reads it (CNMCSP's §4.2 envelope);
///   3. the endpoint, which reads its body (when it has one) through read_json / read_object:
///      the `body_rules` header checks (lenient: a deviation; strict: refused), then the JSON;
///   4. the answer: 200 and `success_body(result)`, or `render_error(ex, error)`; an exception
///      is answered as `internal_code` (nothing escapes a handler, STYLE.md §6.1);
///   5. `seal`, when set (the envelope again); then the journal entry, with the request as opened.
/// Journal verdicts: "ok", "deviations" (lenient mode accepted some), "rejected: <code>" plus
/// " <field>" when the error names one, and "error" (an exception).
///
/// Per request the pipeline allocates nothing of its own beyond the exchange's reader context:
/// the vendor's callables are std::functions held once per platform, the route's once per route.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"
#include "platforms/common/json_reader.hpp"
#include "sim/http/routes.hpp"

namespace metersim::sim {
class journal;
class scheduler;
}  // namespace metersim::sim

namespace metersim::platforms {

struct exchange;
struct vendor_pipeline;

/// What an endpoint answers on success: the JSON text the vendor's success_body places (CNMCSP:
/// further members; Xianfeng: the `result` member; Xintian: DataList, empty for none).
using endpoint_result = api_result<std::string>;

/// The header checks made before a body is read: each named header must contain
/// "application/json". Lenient mode records a deviation; strict mode refuses with
/// `code`, "<header> must be <expected>".
struct body_rules {
    std::array<std::string_view, 2> headers;  ///< checked in order; an empty name is skipped
    std::string_view expected;                 ///< the spec's wording of the type
    std::string_view code;                     ///< the strict refusal
    std::string_view unparseable_code;         ///< a body that is not a JSON object
};

/// What differs between the vendors' pipelines; one per platform, shared by all its routes.
struct vendor_pipeline {
    std::string_view platform;  ///< the journal's name: "cnmcsp", "xianfeng", "xintian"
    sim::journal& journal;
    sim::scheduler const& sched;  ///< the journal entry's virtual time
    conformance mode = conformance::lenient;
    std::string_view field_code{};     ///< the reader context's code for a missing or bad field
    std::string_view internal_code{};  ///< the answer to an exception
    body_rules body{};
    /// Header checks before anything else (authentication): an error refuses the request.
    std::function<std::optional<api_error>(exchange&)> admit{};
    /// When set, the body the endpoint reads (decrypted); an error refuses the request.
    std::function<api_result<std::string>(std::string_view)> open{};
    /// When set, applied to every answer's body (encrypted) before it leaves.
    std::function<void(std::string&)> seal{};
    /// The body of a success (HTTP 200) from the endpoint's result.
    std::function<std::string(std::string_view)> success_body{};
    /// The vendor's one rendering of an error (its `to_response`).
    std::function<vendor_response(exchange const&, api_error const&)> render_error{};
};

/// One request being handled.
struct exchange {
    sim::http::request const& req;
    vendor_pipeline const& vendor;
    /// The route's own value for the vendor's callables (Xianfeng: whether companyCode is
    /// required; Xintian: the endpoint, for the section-specific meaning of its codes).
    std::uint8_t route_tag = 0;
    reader_context ctx;
    std::string meter_no;                  ///< for the journal, once known
    std::optional<std::string> opened;     ///< the body as `open` made it
    std::optional<json_value> body;        ///< the parsed body, once read

    /// The body the endpoint reads: as opened, else as received.
    std::string_view body_text() const noexcept { return opened ? std::string_view(*opened) : req.body; }
};

/// The route's handler: the pipeline around `fn`, citing `section` ("xintian §3.2") in
/// deviations.
sim::http::handler make_endpoint(vendor_pipeline const& vendor, std::string section, std::uint8_t route_tag,
                                 std::function<endpoint_result(exchange&)> fn);

/// The body, parsed once (kept in ex.body), after the vendor's header checks.
api_result<json_value const*> read_json(exchange& ex);
/// read_json, which must give a JSON object (else the vendor's unparseable code).
api_result<object_reader> read_object(exchange& ex);

/// An endpoint whose body is a JSON object: read_object, then `fn` (CNMCSP's and Xintian's).
std::function<endpoint_result(exchange&)> with_object(
    std::function<endpoint_result(exchange&, object_reader const&)> fn);

}  // namespace metersim::platforms

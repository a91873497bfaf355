#pragma once
/// Protocol errors and conformance deviations, as values (STYLE.md §6.2).
///
/// `api_error` is what every validation step of every platform returns when a request is bad:
/// the vendor's own code as text (Xianfeng "500003", CNMCSP "80002001", Xintian "-202"), the
/// offending field (a dotted path for nested fields: "command.paras.controlFlag", an index for
/// array elements: "deviceNos[2]"; empty when the whole body or request is at fault) and a
/// message that names the field. Each vendor renders it in exactly one place, its
/// `to_response(api_error)`. Nothing in platforms/common/ knows a vendor: codes always come from
/// the caller.
///
/// `deviation` is a departure from the spec that lenient mode accepts and the journal records
/// (DESIGN.md "Conformance"); strict mode turns the same departure into an api_error.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "meters/result.hpp"

namespace metersim::platforms {

/// A departure from the spec that was accepted (lenient mode) and must reach the journal, or
/// that strict mode refused (api_error::refused).
struct deviation {
    std::string field;    ///< field name or path as the spec spells it
    std::string rule;     ///< stable identity: "key case", "number sent as string", ...
    std::string section;  ///< spec section, e.g. "xianfeng §2.1"
    std::string detail;   ///< what was actually sent, e.g. "sent as \"price3\""
    /// Whether strict mode refuses the request for it (false: recorded in both modes, e.g.
    /// Xintian's unknown keys, which the document neither allows nor forbids).
    bool strict_refuses = true;
    /// Set on the one deviation strict mode refused the request for (api_error::refused).
    bool refused = false;
};

struct api_error {
    std::string code;     ///< the vendor's code, verbatim
    std::string field;    ///< the offending field's name or path; empty for the whole request
    std::string message;  ///< names the field: "userNo is required"
    /// Set when strict mode refused a rule lenient mode would accept: the deviation refused,
    /// which the journal records with the refusal (GET /admin/conformance counts it).
    std::optional<deviation> refused{};
};

template <class T>
using api_result = meters::result<T, api_error>;

/// Builds an api_error; the one spelling every helper below goes through.
inline api_error make_api_error(std::string_view code, std::string_view field,
                                std::string message) {
    return api_error{std::string(code), std::string(field), std::move(message)};
}

/// `e`, marked as strict mode's refusal of the deviation `d`.
inline api_error refusing(deviation d, api_error e) {
    e.refused = std::move(d);
    return e;
}

/// "<field> is required".
inline api_error missing_field(std::string_view code, std::string_view field) {
    return make_api_error(code, field, std::string(field) + " is required");
}

/// "<field> <what>", e.g. invalid_field(c, "userNo", "must be at most 24 characters").
inline api_error invalid_field(std::string_view code, std::string_view field,
                               std::string_view what) {
    std::string msg(field);
    msg += ' ';
    msg += what;
    return make_api_error(code, field, std::move(msg));
}

/// How requests that depart from their spec are treated (DESIGN.md "Conformance").
enum class conformance {
    lenient,  ///< accept the departures the vendor documents make themselves, record them
    strict,   ///< refuse them with the spec's error code
};

/// "lenient" or "strict": the spelling of config files, scenarios and the admin API.
constexpr std::string_view to_string(conformance c) noexcept {
    return c == conformance::strict ? "strict" : "lenient";
}

/// The mode a to_string() spelling names; std::nullopt for anything else.
constexpr std::optional<conformance> parse_conformance(std::string_view s) noexcept {
    if (s == "lenient") return conformance::lenient;
    if (s == "strict") return conformance::strict;
    return std::nullopt;
}


/// An HTTP status and body, as a vendor's `to_response` produces it. The body is JSON text.
struct vendor_response {
    unsigned status = 200;
    std::string body;
};

}  // namespace metersim::platforms

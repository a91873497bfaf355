#pragma once
/// The MD5 + Base64 header authentication that CNMCSP (spec: cnmcsp §4.1.1) and Xintian (spec:
/// xintian §2) share, written once. Every request carries, with one `yyyyMMddHHmmss` timestamp
/// (the sender's current time in the vendor zone) in both:
///   AccessToken   = MD5 hex(id + secret + timestamp)
///   Authorization = Base64(id + ":" + timestamp)
/// where the id is CNMCSP's appToken or Xintian's appId. `verify_token` checks, in order:
///   - both headers present and non-empty;
///   - Authorization is Base64 of "<id>:<timestamp>", split at the first ':' (ids are assigned
///     tokens; a timestamp sent as yyyy-MM-dd HH:mm:ss has colons and is then refused as a
///     timestamp);
///   - the id is the configured one (compared in constant time);
///   - the timestamp is a real calendar time, yyyyMMddHHmmss, read at `utc_offset`;
///   - AccessToken is MD5 hex of id + secret + timestamp (constant time, hex case ignored);
///   - the timestamp is within `window` of wall time (never virtual time: DESIGN.md "Time");
///     a zero window turns this check off.
/// Each refusal names its header; the vendor gives the codes (`token_scheme`). What only one
/// vendor does stays in its auth.cpp (Xintian's replay check). Stateless and thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platforms/common/api_error.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms {

inline constexpr std::string_view header_access_token = "AccessToken";
inline constexpr std::string_view header_authorization = "Authorization";

/// The two headers as received; std::nullopt when absent.
struct token_request {
    std::optional<std::string_view> access_token;
    std::optional<std::string_view> authorization;
};

/// The two header values for a timestamp (what a CIS sends, or the platform's own pushes).
struct token_headers {
    std::string access_token;
    std::string authorization;
    std::string timestamp;
};
token_headers make_token_headers(std::string_view id, std::string_view secret, std::string_view timestamp);
/// The same with the timestamp of wall time `at` at `utc_offset`.
token_headers make_token_headers(std::string_view id, std::string_view secret, wall_time at,
                                 std::chrono::minutes utc_offset);

/// Sets AccessToken and Authorization in a request's header list (replacing them when there):
/// the platform's own requests to the CIS (CNMCSP §6 uploads, Xintian §3.6 reports).
void set_token_headers(std::vector<std::pair<std::string, std::string>>& headers, token_headers const& h);

/// A vendor's spelling of the scheme.
struct token_scheme {
    std::string_view id_name;     ///< "appToken" (CNMCSP) or "appId" (Xintian), in messages
    std::string_view auth_code;   ///< a header missing, malformed or not verifying
    std::string_view time_code;   ///< a timestamp malformed or outside the window
};

/// The configured identity and the timestamp rules.
struct token_config {
    std::string id;
    std::string secret;
    std::chrono::seconds window{300};      ///< |timestamp - wall now| allowed; 0 = unchecked
    std::chrono::minutes utc_offset{480};  ///< the zone of the timestamp
};

/// A token_config from a platform's options: a negative `window_s` counts as 0 (off).
token_config make_token_config(std::string id, std::string secret, std::int64_t window_s,
                               std::chrono::minutes utc_offset);

/// The timestamp (as sent) when the headers pass at wall time `now`, else the refusal.
api_result<std::string> verify_token(token_scheme const& scheme, token_config const& cfg,
                                     token_request const& h, wall_time now);

}  // namespace metersim::platforms

#pragma once
/// Authentication of the CIS's requests to CNMCSP (spec: cnmcsp §4.1.1, 统一HTTP头信息).
///
/// Every request carries
///   AccessToken   = MD5 hex(appToken + appSecret + timestamp)
///   Authorization = Base64(appToken + ":" + timestamp)
/// with the same `yyyyMMddHHmmss` timestamp, the CIS's current system time in the vendor zone.
/// The checks, in order, each refusing with 80003001 (errors.hpp) and naming the header:
///   - both headers present and non-empty;
///   - Authorization is valid Base64 of "<appToken>:<14 digits>", a real calendar time;
///   - its appToken is the configured one;
///   - its time is within `window` of wall time (not virtual time: DESIGN.md "Time"); a zero
///     window turns this check off;
///   - AccessToken equals MD5 hex of appToken + appSecret + timestamp (hex case ignored).
/// Stateless and thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms::cnmcsp {

inline constexpr std::string_view header_access_token = "AccessToken";
inline constexpr std::string_view header_authorization = "Authorization";

struct credentials {
    std::string app_token;
    std::string app_secret;
};

/// The headers as received; std::nullopt when absent.
struct request_auth {
    std::optional<std::string_view> access_token;
    std::optional<std::string_view> authorization;
};

/// The two header values for a timestamp (what a CIS sends; tests and tools use it).
struct auth_headers {
    std::string access_token;
    std::string authorization;
};
auth_headers make_auth_headers(credentials const& c, std::string_view timestamp);
/// The same with the timestamp of wall time `now` at `utc_offset`.
auth_headers make_auth_headers(credentials const& c, wall_time now, std::chrono::minutes utc_offset);

struct auth_config {
    credentials creds;
    std::chrono::seconds window{300};       ///< |timestamp - wall now| allowed; 0 = off
    std::chrono::minutes utc_offset{480};   ///< the zone of the timestamp
};

/// std::nullopt when the headers pass at wall time `now`, else an 80003001 api_error.
std::optional<api_error> verify(auth_config const& cfg, request_auth const& h, wall_time now);

}  // namespace metersim::platforms::cnmcsp

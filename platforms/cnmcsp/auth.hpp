#pragma once
/// Authentication of the CIS's requests to CNMCSP (spec: cnmcsp §4.1.1, 统一HTTP头信息): the
/// MD5 + Base64 scheme of platforms/common/token_auth.hpp with appToken as the id and every
/// refusal 80003001 (errors.hpp), naming the header. Stateless and thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"
#include "platforms/common/token_auth.hpp"

namespace metersim::platforms::cnmcsp {

struct credentials {
    std::string app_token;
    std::string app_secret;
};

/// The headers as received; std::nullopt when absent.
using request_auth = token_request;
using auth_headers = token_headers;

/// The two header values for a timestamp (what a CIS sends; tests and tools use it).
auth_headers make_auth_headers(credentials const& c, std::string_view timestamp);
/// The same with the timestamp of wall time `now` at `utc_offset`.
auth_headers make_auth_headers(credentials const& c, wall_time now, std::chrono::minutes utc_offset);

/// appToken and appSecret as id and secret; window 0 turns the time check off.
using auth_config = token_config;

/// std::nullopt when the headers pass at wall time `now`, else an 80003001 api_error.
std::optional<api_error> verify(auth_config const& cfg, request_auth const& h, wall_time now);

}  // namespace metersim::platforms::cnmcsp

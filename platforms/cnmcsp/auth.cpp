#include "platforms/cnmcsp/auth.hpp"

#include "platforms/cnmcsp/errors.hpp"

namespace metersim::platforms::cnmcsp {

auth_headers make_auth_headers(credentials const& c, std::string_view timestamp) {
    return make_token_headers(c.app_token, c.app_secret, timestamp);
}

auth_headers make_auth_headers(credentials const& c, wall_time now, std::chrono::minutes utc_offset) {
    return make_token_headers(c.app_token, c.app_secret, now, utc_offset);
}

// spec: cnmcsp §4.1.1: AccessToken and Authorization share one yyyyMMddHHmmss timestamp; every
// failure is 80003001.
std::optional<api_error> verify(auth_config const& cfg, request_auth const& h, wall_time now) {
    static constexpr token_scheme scheme{"appToken", codes::auth_failed, codes::auth_failed};
    auto r = verify_token(scheme, cfg, h, now);
    if (!r) return std::move(r.error());
    return std::nullopt;
}

}  // namespace metersim::platforms::cnmcsp

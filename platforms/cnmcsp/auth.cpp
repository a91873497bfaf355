#include "platforms/cnmcsp/auth.hpp"

#include "platforms/cnmcsp/errors.hpp"
#include "platforms/common/crypto.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

api_error refuse(std::string_view header, std::string message) {
    return make_api_error(codes::auth_failed, header, std::move(message));
}

}  // namespace

auth_headers make_auth_headers(credentials const& c, std::string_view timestamp) {
    std::string plain = c.app_token;
    plain += c.app_secret;
    plain += timestamp;
    std::string basic = c.app_token;
    basic += ':';
    basic += timestamp;
    return auth_headers{crypto::md5_hex(plain), crypto::base64_encode(basic)};
}

auth_headers make_auth_headers(credentials const& c, wall_time now, std::chrono::minutes utc_offset) {
    return make_auth_headers(c, format_wall(now, timestamp_format::compact, utc_offset));
}

// spec: cnmcsp §4.1.1: AccessToken and Authorization share one yyyyMMddHHmmss timestamp.
std::optional<api_error> verify(auth_config const& cfg, request_auth const& h, wall_time now) {
    if (!h.access_token || h.access_token->empty())
        return refuse(header_access_token, "AccessToken header is required");
    if (!h.authorization || h.authorization->empty())
        return refuse(header_authorization, "Authorization header is required");
    auto decoded = crypto::base64_decode(*h.authorization);
    if (!decoded)
        return refuse(header_authorization,
                      "Authorization must be Base64 of appToken:yyyyMMddHHmmss (" +
                          decoded.error().reason + ")");
    std::string_view const text = decoded.value();
    auto const colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return refuse(header_authorization, "Authorization must decode to appToken:yyyyMMddHHmmss");
    std::string_view const token = text.substr(0, colon);
    std::string_view const stamp = text.substr(colon + 1);
    if (!crypto::equal_constant_time(token, cfg.creds.app_token))
        return refuse(header_authorization, "Authorization names an unknown appToken");
    auto when = parse_wall(stamp, timestamp_format::compact, cfg.utc_offset);
    if (!when)
        return refuse(header_authorization, "Authorization timestamp must be yyyyMMddHHmmss: " +
                                                when.error().reason);
    if (cfg.window.count() > 0) {
        auto const skew = now > when.value() ? now - when.value() : when.value() - now;
        if (skew > cfg.window)
            return refuse(header_authorization,
                          "Authorization timestamp " + std::string(stamp) + " is more than " +
                              std::to_string(cfg.window.count()) + " s from the platform's time");
    }
    auto const expected = make_auth_headers(cfg.creds, stamp).access_token;
    if (!crypto::equal_constant_time(*h.access_token, expected, true))
        return refuse(header_access_token,
                      "AccessToken is not MD5(appToken + appSecret + timestamp)");
    return std::nullopt;
}

}  // namespace metersim::platforms::cnmcsp

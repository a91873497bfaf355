#include "platforms/common/token_auth.hpp"

#include <fmt/format.h>

#include "platforms/common/crypto.hpp"

namespace metersim::platforms {

namespace {

/// At most 40 characters of what was sent, for a message.
std::string_view shortened(std::string_view v) { return v.substr(0, 40); }

}  // namespace

token_headers make_token_headers(std::string_view id, std::string_view secret, std::string_view timestamp) {
    std::string token_input;
    token_input.append(id).append(secret).append(timestamp);
    std::string auth_input;
    auth_input.append(id).append(1, ':').append(timestamp);
    return token_headers{crypto::md5_hex(token_input), crypto::base64_encode(auth_input), std::string(timestamp)};
}

token_headers make_token_headers(std::string_view id, std::string_view secret, wall_time at,
                                 std::chrono::minutes utc_offset) {
    return make_token_headers(id, secret, format_wall(at, timestamp_format::compact, utc_offset));
}

void set_token_headers(std::vector<std::pair<std::string, std::string>>& headers, token_headers const& h) {
    auto set = [&headers](std::string_view name, std::string const& value) {
        for (auto& [n, v] : headers)
            if (n == name) {
                v = value;
                return;
            }
        headers.emplace_back(std::string(name), value);
    };
    set(header_access_token, h.access_token);
    set(header_authorization, h.authorization);
}

token_config make_token_config(std::string id, std::string secret, std::int64_t window_s,
                               std::chrono::minutes utc_offset) {
    return token_config{std::move(id), std::move(secret), std::chrono::seconds{window_s < 0 ? 0 : window_s},
                        utc_offset};
}

api_result<std::string> verify_token(token_scheme const& scheme, token_config const& cfg,
                                     token_request const& h, wall_time now) {
    auto refuse = [&](std::string_view header, std::string message) {
        return make_api_error(scheme.auth_code, header, std::move(message));
    };
    auto refuse_time = [&](std::string message) {
        return make_api_error(scheme.time_code, header_authorization, std::move(message));
    };
    if (!h.access_token || h.access_token->empty())
        return refuse(header_access_token, "AccessToken header is required");
    if (!h.authorization || h.authorization->empty())
        return refuse(header_authorization, "Authorization header is required");
    auto decoded = crypto::base64_decode(*h.authorization);
    if (!decoded)
        return refuse(header_authorization, fmt::format("Authorization must be Base64 of {}:yyyyMMddHHmmss ({})",
                                                        scheme.id_name, decoded.error().reason));
    std::string_view const text = decoded.value();
    // Split at the first ':'. Ids are the vendor's assigned tokens; the timestamp is where a CIS
    // errs (the vendors' other format, yyyy-MM-dd HH:mm:ss, has colons), and its refusal must
    // then name the timestamp (Xintian -201), not the id.
    auto const colon = text.find(':');
    if (colon == std::string_view::npos)
        return refuse(header_authorization,
                      fmt::format("Authorization must decode to {}:yyyyMMddHHmmss", scheme.id_name));
    std::string_view const id = text.substr(0, colon);
    std::string stamp(text.substr(colon + 1));
    if (!crypto::equal_constant_time(id, cfg.id))
        return refuse(header_authorization,
                      fmt::format("Authorization names {} '{}', which is not known", scheme.id_name, shortened(id)));
    auto when = parse_wall(stamp, timestamp_format::compact, cfg.utc_offset);
    if (!when)
        return refuse_time(fmt::format("Authorization timestamp '{}' must be yyyyMMddHHmmss: {} at position {}",
                                       shortened(stamp), when.error().reason, when.error().position));
    auto const expected = make_token_headers(cfg.id, cfg.secret, stamp).access_token;
    if (!crypto::equal_constant_time(*h.access_token, expected, true))
        return refuse(header_access_token,
                      fmt::format("AccessToken is not MD5({} + secret + timestamp)", scheme.id_name));
    if (cfg.window.count() > 0) {
        auto const skew = now > when.value() ? now - when.value() : when.value() - now;
        if (skew > cfg.window)
            return refuse_time(fmt::format("Authorization timestamp {} is more than {} s away from the "
                                           "platform's time {} ({})",
                                           stamp, cfg.window.count(),
                                           format_wall(now, timestamp_format::compact, cfg.utc_offset),
                                           format_utc_offset(cfg.utc_offset)));
    }
    return stamp;
}

}  // namespace metersim::platforms

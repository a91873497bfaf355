#include "platforms/xintian/auth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "platforms/common/crypto.hpp"
#include "platforms/xintian/errors.hpp"

namespace metersim::platforms::xintian {

namespace {

api_error auth_error(std::string_view header, std::string message) {
    return make_api_error(codes::auth_failed, header, std::move(message));
}
api_error time_error(std::string message) {
    return make_api_error(codes::timestamp_invalid, header_authorization, std::move(message));
}
std::string_view shortened(std::string_view v) { return v.substr(0, 40); }

}  // namespace

auth_headers make_headers(std::string_view app_id, std::string_view app_secret,
                          std::string_view timestamp) {
    std::string token_input;
    token_input.append(app_id).append(app_secret).append(timestamp);
    std::string auth_input;
    auth_input.append(app_id).append(1, ':').append(timestamp);
    return auth_headers{crypto::md5_hex(token_input), crypto::base64_encode(auth_input),
                        std::string(timestamp)};
}

auth_headers make_headers(std::string_view app_id, std::string_view app_secret, wall_time at,
                          std::chrono::minutes utc_offset) {
    return make_headers(app_id, app_secret, format_wall(at, timestamp_format::compact, utc_offset));
}

push_signer::push_signer(std::string app_id, std::string app_secret, std::chrono::minutes utc_offset,
                         std::chrono::seconds max_lead)
    : app_id_(std::move(app_id)),
      app_secret_(std::move(app_secret)),
      utc_offset_(utc_offset),
      max_lead_(std::max(max_lead, std::chrono::seconds{0})) {}

auth_headers push_signer::sign(wall_time now) {
    auto const second = std::chrono::floor<std::chrono::seconds>(now);
    auto at = second;
    // spec: xintian §2: the timestamp is the sender's current time, and a repeated one is refused.
    if (last_ && at <= *last_) at = std::min(*last_ + std::chrono::seconds{1}, second + max_lead_);
    last_ = std::max(at, last_.value_or(at));
    return make_headers(app_id_, app_secret_, at, utc_offset_);
}

auth_headers push_signer::sign() { return sign(std::chrono::system_clock::now()); }

authenticator::authenticator(auth_config config) : config_(std::move(config)) {}

api_result<std::string> authenticator::timestamp_of(request_auth const& h) const {
    if (!h.access_token || h.access_token->empty())
        return missing_field(codes::auth_failed, header_access_token);
    if (!h.authorization || h.authorization->empty())
        return missing_field(codes::auth_failed, header_authorization);
    auto decoded = crypto::base64_decode(*h.authorization);
    if (!decoded)
        return auth_error(header_authorization,
                          "Authorization must be Base64(appId:timestamp): " + decoded.error().reason);
    auto const colon = decoded->find(':');
    if (colon == std::string::npos)
        return auth_error(header_authorization, "Authorization must decode to appId:timestamp");
    std::string_view const id = std::string_view(*decoded).substr(0, colon);
    if (id != config_.app_id)
        return auth_error(header_authorization,
                          fmt::format("Authorization names appId '{}', which is not known", shortened(id)));
    std::string ts = decoded->substr(colon + 1);
    // spec: xintian §2: the timestamp is yyyyMMddHH24mmss, i.e. 14 digits.
    if (auto t = parse_civil(ts, timestamp_format::compact); !t)
        return time_error(fmt::format("Authorization timestamp '{}' must be yyyyMMddHHmmss: {} at "
                                      "position {}",
                                      shortened(ts), t.error().reason, t.error().position));
    return ts;
}

std::optional<api_error> authenticator::check_window(std::string_view ts, wall_time now) const {
    if (config_.window.count() <= 0) return std::nullopt;
    auto sent = parse_wall(ts, timestamp_format::compact, config_.utc_offset);
    if (!sent) return time_error("Authorization timestamp is not a valid time");
    auto const skew = now > *sent ? now - *sent : *sent - now;
    if (skew <= config_.window) return std::nullopt;
    return time_error(fmt::format("Authorization timestamp {} is more than {} s away from the "
                                  "platform's time {} ({})",
                                  ts, config_.window.count(),
                                  format_wall(now, timestamp_format::compact, config_.utc_offset),
                                  format_utc_offset(config_.utc_offset)));
}

std::optional<api_error> authenticator::remember(std::string const& ts, wall_time now) {
    if (config_.window.count() <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    while (!order_.empty() && order_.front().forget_after < now) {
        timestamps_.erase(order_.front().timestamp);
        order_.pop_front();
    }
    if (timestamps_.contains(ts))
        return time_error("Authorization timestamp " + ts + " was already used (时间戳重复)");
    while (!order_.empty() && order_.size() >= config_.replay_capacity) {
        timestamps_.erase(order_.front().timestamp);
        order_.pop_front();
    }
    if (config_.replay_capacity == 0) return std::nullopt;
    // Accepted now means within one window of now: it stays passable for at most two windows.
    order_.push_back(seen{now + 2 * config_.window, ts});
    timestamps_.insert(ts);
    return std::nullopt;
}

std::optional<api_error> authenticator::verify(request_auth const& h, wall_time now) {
    auto ts = timestamp_of(h);
    if (!ts) return ts.error();
    auto const expected = make_headers(config_.app_id, config_.app_secret, *ts);
    if (!crypto::equal_constant_time(*h.access_token, expected.access_token, true))
        return auth_error(header_access_token,
                          "AccessToken does not match MD5(appId + appSecret + timestamp)");
    if (auto e = check_window(*ts, now)) return e;
    return remember(*ts, now);
}

std::optional<api_error> authenticator::verify(request_auth const& h) {
    return verify(h, std::chrono::system_clock::now());
}

std::size_t authenticator::replay_entries() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

}  // namespace metersim::platforms::xintian

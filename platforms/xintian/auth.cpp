#include "platforms/xintian/auth.hpp"

#include <algorithm>
#include <utility>

#include "platforms/xintian/errors.hpp"

namespace metersim::platforms::xintian {

auth_headers make_headers(std::string_view app_id, std::string_view app_secret,
                          std::string_view timestamp) {
    return make_token_headers(app_id, app_secret, timestamp);
}

auth_headers make_headers(std::string_view app_id, std::string_view app_secret, wall_time at,
                          std::chrono::minutes utc_offset) {
    return make_token_headers(app_id, app_secret, at, utc_offset);
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

std::optional<api_error> authenticator::remember(std::string const& ts, wall_time now) {
    if (!config_.replay_check) return std::nullopt;
    bool const windowed = config_.window.count() > 0;
    std::lock_guard lock(mutex_);
    // Without a window a timestamp stays refused until the bounded cache pushes it out.
    while (windowed && !order_.empty() && order_.front().forget_after < now) {
        timestamps_.erase(order_.front().timestamp);
        order_.pop_front();
    }
    if (timestamps_.contains(ts))
        return make_api_error(codes::timestamp_invalid, header_authorization,
                              "Authorization timestamp " + ts + " was already used (时间戳重复)");
    while (!order_.empty() && order_.size() >= config_.replay_capacity) {
        timestamps_.erase(order_.front().timestamp);
        order_.pop_front();
    }
    if (config_.replay_capacity == 0) return std::nullopt;
    // Accepted now means within one window of now: it stays passable for at most two windows.
    order_.push_back(seen{windowed ? now + 2 * config_.window : wall_time::max(), ts});
    timestamps_.insert(ts);
    return std::nullopt;
}

std::optional<api_error> authenticator::verify(request_auth const& h, wall_time now) {
    static constexpr token_scheme scheme{"appId", codes::auth_failed, codes::timestamp_invalid};
    auto ts = verify_token(scheme, config_, h, now);
    if (!ts) return std::move(ts.error());
    return remember(ts.value(), now);
}

std::optional<api_error> authenticator::verify(request_auth const& h) {
    return verify(h, std::chrono::system_clock::now());
}

std::size_t authenticator::replay_entries() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

}  // namespace metersim::platforms::xintian

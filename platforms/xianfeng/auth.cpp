#include "platforms/xianfeng/auth.hpp"

#include <fmt/format.h>

#include "platforms/xianfeng/errors.hpp"

namespace metersim::platforms::xianfeng {

namespace {

api_error token_error(std::string_view header, std::string message) {
    return make_api_error(codes::token_invalid, header, std::move(message));
}

// A value echoed in a message, cut so that a huge header cannot bloat the answer.
std::string_view shortened(std::string_view v) { return v.substr(0, 40); }

}  // namespace

authenticator::authenticator(auth_config config) : config_(std::move(config)) {}

api_result<company const*> authenticator::find_company(std::string_view company_code) const {
    for (auto const& c : config_.companies)
        if (c.code == company_code) return &c;
    if (company_code.empty()) return missing_field(codes::company_not_found, "companyCode");
    return make_api_error(codes::company_not_found, "companyCode",
                          fmt::format("companyCode {} is not known", shortened(company_code)));
}

api_result<trans_id_parts> authenticator::check_random_code(request_auth const& h,
                                                            wall_time now) const {
    if (!h.random_code || h.random_code->empty())
        return missing_field(codes::token_invalid, header_random_code);
    auto parts = parse_trans_id(*h.random_code);
    if (!parts)
        return token_error(header_random_code,
                           fmt::format("RandomCode must be yyyyMMddHHmmss followed by a number "
                                       "from 80000000 to 89999999: {} at position {}",
                                       parts.error().reason, parts.error().position));
    if (config_.freshness_window.count() > 0) {
        auto const sent = wall_time{std::chrono::duration_cast<wall_time::duration>(
            std::chrono::seconds{to_epoch_seconds(parts->time, config_.utc_offset)})};
        auto const skew = now > sent ? now - sent : sent - now;
        if (skew > config_.freshness_window)
            return token_error(header_random_code,
                               fmt::format("RandomCode time {} is more than {} s away from the "
                                           "platform's time {} ({})",
                                           format_civil(parts->time, timestamp_format::spaced),
                                           config_.freshness_window.count(),
                                           format_wall(now, timestamp_format::spaced, config_.utc_offset),
                                           format_utc_offset(config_.utc_offset)));
    }
    return parts.value();
}

std::optional<api_error> authenticator::check_authorization(request_auth const& h,
                                                            company const& c) const {
    if (!h.authorization || h.authorization->empty())
        return missing_field(codes::token_invalid, header_authorization);
    if (!token_matches(c, *h.random_code, *h.authorization))
        return token_error(header_authorization,
                           "Authorization does not match SHA-256(key + merchantId + RandomCode)");
    return std::nullopt;
}

std::optional<api_error> authenticator::remember(company const& c, std::string_view random_code,
                                                 wall_time now) {
    if (!config_.replay_check) return std::nullopt;
    std::string key;
    key.reserve(c.code.size() + 1 + random_code.size());
    key.append(c.code).append(1, '/').append(random_code);

    std::lock_guard lock(mutex_);
    // Forget what can no longer pass the freshness check.
    while (!order_.empty() && order_.front().forget_after < now) {
        keys_.erase(order_.front().key);
        order_.pop_front();
    }
    if (keys_.contains(key))
        return token_error(header_random_code,
                           "RandomCode was already used within the freshness window");
    // Bounded memory: drop the oldest when full.
    while (!order_.empty() && order_.size() >= config_.replay_capacity) {
        keys_.erase(order_.front().key);
        order_.pop_front();
    }
    if (config_.replay_capacity == 0) return std::nullopt;
    // A code accepted now has a time within one window of now, so it stays fresh for at most
    // two windows: a monotonic expiry that keeps the deque in order. Without a window a code
    // never goes stale: only the capacity forgets it.
    auto const forget_after = config_.freshness_window.count() > 0
                                  ? now + 2 * config_.freshness_window
                                  : wall_time::max();
    order_.push_back(seen{forget_after, key});
    keys_.insert(std::move(key));
    return std::nullopt;
}

std::optional<api_error> authenticator::verify(request_auth const& h, company const& c,
                                               wall_time now) {
    auto parts = check_random_code(h, now);
    if (!parts) return parts.error();
    if (auto e = check_authorization(h, c)) return e;
    return remember(c, *h.random_code, now);
}

std::optional<api_error> authenticator::verify(request_auth const& h, company const& c) {
    return verify(h, c, std::chrono::system_clock::now());
}

api_result<company const*> authenticator::authenticate(std::string_view company_code,
                                                       request_auth const& h, wall_time now) {
    auto c = find_company(company_code);
    if (!c) return c;
    if (auto e = verify(h, *c.value(), now)) return std::move(*e);
    return c;
}

api_result<company const*> authenticator::authenticate(std::string_view company_code,
                                                       request_auth const& h) {
    return authenticate(company_code, h, std::chrono::system_clock::now());
}

api_result<company const*> authenticator::authenticate_any(request_auth const& h, wall_time now) {
    auto parts = check_random_code(h, now);
    if (!parts) return parts.error();
    if (!h.authorization || h.authorization->empty())
        return missing_field(codes::token_invalid, header_authorization);
    for (auto const& c : config_.companies) {
        if (!token_matches(c, *h.random_code, *h.authorization)) continue;
        if (auto e = remember(c, *h.random_code, now)) return std::move(*e);
        return &c;
    }
    return token_error(header_authorization,
                       "Authorization does not match SHA-256(key + merchantId + RandomCode)");
}

api_result<company const*> authenticator::authenticate_any(request_auth const& h) {
    return authenticate_any(h, std::chrono::system_clock::now());
}

std::size_t authenticator::replay_entries() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

}  // namespace metersim::platforms::xianfeng

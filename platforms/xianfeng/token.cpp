#include "platforms/xianfeng/token.hpp"

#include "meters/rng.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "platforms/common/crypto.hpp"

namespace metersim::platforms::xianfeng {

meters::result<trans_id_parts, meters::parse_error> parse_trans_id(std::string_view text) {
    constexpr std::size_t time_length = 14;
    // The time part first, so that a short or malformed text reports the first bad character.
    auto t = parse_civil(text.substr(0, std::min(text.size(), time_length)), timestamp_format::compact);
    if (!t) return meters::unexpected{t.error()};
    std::uint32_t random = 0;
    for (std::size_t i = time_length; i < text.size() && i < trans_id_length; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return meters::parse_error{i, "expected a digit of the random number"};
        random = random * 10 + static_cast<std::uint32_t>(text[i] - '0');
    }
    if (text.size() < trans_id_length)
        return meters::parse_error{text.size(),
                                   fmt::format("expected {} characters, got {}", trans_id_length,
                                               text.size())};
    if (text.size() > trans_id_length)
        return meters::parse_error{trans_id_length,
                                   fmt::format("expected {} characters, got {}", trans_id_length,
                                               text.size())};
    if (random < trans_id_random_min || random > trans_id_random_max)
        return meters::parse_error{time_length,
                                   fmt::format("random number {} is outside {}-{}", random,
                                               trans_id_random_min, trans_id_random_max)};
    return trans_id_parts{t.value(), random};
}

std::string make_trans_id(civil_time const& t, std::uint64_t random) {
    std::uint64_t const span = trans_id_random_max - trans_id_random_min + 1;
    return format_civil(t, timestamp_format::compact) +
           std::to_string(trans_id_random_min + random % span);
}

std::string make_trans_id(wall_time now, std::chrono::minutes utc_offset, std::uint64_t random) {
    auto const s = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
    return make_trans_id(from_epoch_seconds(static_cast<std::int64_t>(s), utc_offset), random);
}

std::string make_token(std::string_view key, std::string_view merchant_id,
                       std::string_view trans_id) {
    std::string data;
    data.reserve(key.size() + merchant_id.size() + trans_id.size());
    data.append(key).append(merchant_id).append(trans_id);
    return crypto::sha256_hex(data);
}

bool token_matches(company const& c, std::string_view trans_id, std::string_view token) noexcept {
    try {
        return crypto::equal_constant_time(make_token(c, trans_id), token, true);
    } catch (...) {
        return false;  // allocation failure: refuse rather than throw out of a noexcept check
    }
}

push_headers make_push_headers(company const& c, std::string trans_id) {
    std::string token = make_token(c, trans_id);
    return push_headers{c.code, std::move(trans_id), std::move(token)};
}

namespace {
constexpr std::uint64_t trans_id_span = trans_id_random_max - trans_id_random_min + 1;  // 10^7
}  // namespace

push_signer::push_signer(company c, std::chrono::minutes utc_offset, std::uint64_t seed)
    : company_(std::move(c)), utc_offset_(utc_offset), rng_state_(seed) {
    meters::meter_rng rng{rng_state_};
    // Odd and not a multiple of 5: coprime to 10^7 = 2^7 * 5^7, so i -> start + i * step
    // (mod 10^7) visits every number once.
    step_ = (rng.next() % trans_id_span) | 1;
    while (step_ % 5 == 0) step_ = (step_ + 2) % trans_id_span;
    rng_state_ = rng.state();
}

/// Formats the time part for `epoch_second` when it changed; returns the second.
std::int64_t push_signer::stamp(std::int64_t epoch_second) {
    if (!stamped_ || epoch_second != second_) {
        stamp_ = format_civil(from_epoch_seconds(epoch_second, utc_offset_), timestamp_format::compact);
        second_ = epoch_second;
        stamped_ = true;
    }
    return second_;
}

std::string push_signer::trans_id(wall_time now, std::uint64_t random) {
    stamp(static_cast<std::int64_t>(std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count()));
    std::string id;
    id.reserve(trans_id_length);
    id += stamp_;
    id += std::to_string(trans_id_random_min + random % trans_id_span);
    return id;
}

std::string push_signer::next_trans_id(wall_time now) {
    auto s = static_cast<std::int64_t>(std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count());
    if (unique_started_ && s < unique_second_) s = unique_second_;  // never back
    if (!unique_started_ || s != unique_second_) {
        meters::meter_rng rng{rng_state_};
        start_ = rng.next() % trans_id_span;
        rng_state_ = rng.state();
        unique_second_ = s;
        drawn_ = 0;
        unique_started_ = true;
    }
    stamp(s);
    std::uint64_t const n = (start_ + drawn_ * step_) % trans_id_span;
    drawn_ = (drawn_ + 1) % trans_id_span;
    std::string id;
    id.reserve(trans_id_length);
    id += stamp_;
    id += std::to_string(trans_id_random_min + n);
    return id;
}

push_headers push_signer::headers_for(std::string trans_id) {
    // The token's input: key + merchantId + transId (appendix 8), the prefix kept between pushes.
    std::size_t const prefix = company_.key.size() + company_.merchant_id.size();
    if (input_.size() < prefix) input_.assign(company_.key).append(company_.merchant_id);
    input_.resize(prefix);
    input_ += trans_id;
    std::string token = crypto::sha256_hex(input_);
    return push_headers{company_.code, std::move(trans_id), std::move(token)};
}

}  // namespace metersim::platforms::xianfeng

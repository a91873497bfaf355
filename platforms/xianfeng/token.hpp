#pragma once
/// Xianfeng credentials, the transId / RandomCode format and the SHA-256 token.
///
/// spec: xianfeng appendix 8 (Token鉴权验证). A gas company (companyCode, 6 digits) is given a
/// `key` and a `merchantId`. A transId is `yyyyMMddHHmmss` followed by a number from 80000000
/// to 89999999 (22 characters; the appendix's Java makes it as 80000000 + nextInt(9999999)).
/// The token is the lowercase hex SHA-256 of key + merchantId + transId:
///     key 0a155959379dc684bfa11f199734b01d, merchantId 43516709,
///     transId 2017072514484582299619 -> 70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1
/// The same rule signs both directions: the CIS's requests carry it as the headers `RandomCode`
/// and `Authorization` (§1-§3.3, checked by auth.hpp), the platform's pushes to the CIS as
/// `API_ORG_NUM` (companyCode), `API_TRANS_ID` and `API_TOKEN` (§3.1, §3.2; the notes of §3.2
/// name RandomCode/Authorization but its table, which CIS code checks, names the API_ headers).
///
/// The transId's time is written in the vendor zone (a fixed UTC offset) from wall time. The
/// random part comes from the caller (a seeded generator: STYLE.md §9.9). Pure functions.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "meters/fixed4_text.hpp"
#include "meters/result.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms::xianfeng {

/// A gas company's credentials on the platform (one per companyCode).
struct company {
    std::string code;         ///< companyCode / API_ORG_NUM, 6 digits
    std::string key;          ///< assigned by the platform
    std::string merchant_id;  ///< assigned by the platform
};

inline constexpr std::string_view header_random_code = "RandomCode";
inline constexpr std::string_view header_authorization = "Authorization";
inline constexpr std::string_view header_org_num = "API_ORG_NUM";
inline constexpr std::string_view header_trans_id = "API_TRANS_ID";
inline constexpr std::string_view header_token = "API_TOKEN";

inline constexpr std::size_t trans_id_length = 22;
inline constexpr std::uint32_t trans_id_random_min = 80000000;
inline constexpr std::uint32_t trans_id_random_max = 89999999;

/// A transId taken apart.
struct trans_id_parts {
    civil_time time;          ///< the yyyyMMddHHmmss part, zone-less
    std::uint32_t random = 0; ///< 80000000..89999999
};

/// Checks the format exactly: 22 characters, a real calendar time, then 8 digits in range.
/// Errors carry the 0-based position and a reason.
meters::result<trans_id_parts, meters::parse_error> parse_trans_id(std::string_view text);

/// Builds a transId from a civil time and any random number (reduced into 80000000..89999999).
std::string make_trans_id(civil_time const& t, std::uint64_t random);
/// The same from wall time read at `utc_offset` (the vendor zone; +480 for China).
std::string make_trans_id(wall_time now, std::chrono::minutes utc_offset, std::uint64_t random);

/// sha256_hex(key + merchantId + transId), lowercase.
std::string make_token(std::string_view key, std::string_view merchant_id,
                       std::string_view trans_id);
inline std::string make_token(company const& c, std::string_view trans_id) {
    return make_token(c.key, c.merchant_id, trans_id);
}

/// Whether `token` is the company's token for `trans_id` (constant time; hex case ignored,
/// since the appendix does not fix it and C# clients often write uppercase).
bool token_matches(company const& c, std::string_view trans_id, std::string_view token) noexcept;

/// The three headers of a push to the CIS (§3.1 deviceReportData, §3.2 deviceResponseData).
struct push_headers {
    std::string org_num;   ///< API_ORG_NUM = companyCode
    std::string trans_id;  ///< API_TRANS_ID
    std::string token;     ///< API_TOKEN
};

/// Headers for a push. The outbox keeps them with the message so that a retry resends the
/// same transId (stable serials across retries: DESIGN.md "Pushes to the CIS").
push_headers make_push_headers(company const& c, std::string trans_id);

/// Signs the pushes of one company: sign(now, random) equals
/// make_push_headers(c, make_trans_id(now, utc_offset, random)), with the transId's time part
/// formatted once per wall second and the token's input buffer reused (a clock step pushes
/// thousands of messages within the same second). Not thread-safe: one per platform.
class push_signer {
public:
    /// `seed` picks the signer's sequence of transId numbers (next_trans_id).
    push_signer(company c, std::chrono::minutes utc_offset, std::uint64_t seed = 0);

    push_headers sign(wall_time now, std::uint64_t random) { return headers_for(trans_id(now, random)); }
    /// make_trans_id(now, utc_offset, random).
    std::string trans_id(wall_time now, std::uint64_t random);
    /// The transId of a new push, unique among this signer's: the CIS de-duplicates pushes on
    /// it, and a clock step sends thousands within one wall second, where 8 random digits drawn
    /// independently would repeat (10,000 draws from 10^7 share a number about 5 times). The
    /// number is drawn without repeats within each second (a permutation of 80000000..89999999
    /// begun at a random place, new each second: distinct for up to 10^7 pushes a second), and
    /// the time part never goes back (a wall clock stepped back keeps the last second).
    std::string next_trans_id(wall_time now);
    /// make_push_headers(c, trans_id).
    push_headers headers_for(std::string trans_id);

private:
    std::int64_t stamp(std::int64_t epoch_second);

    company company_;
    std::chrono::minutes utc_offset_;
    std::int64_t second_ = 0;
    bool stamped_ = false;
    std::string stamp_;  ///< yyyyMMddHHmmss of second_
    std::string input_;  ///< key + merchantId, then the transId of the push being signed
    std::uint64_t rng_state_;        ///< splitmix64 state for next_trans_id
    std::uint64_t step_ = 1;         ///< coprime to 10^7: the permutation's stride
    std::int64_t unique_second_ = 0; ///< the second next_trans_id numbers now
    std::uint64_t start_ = 0;        ///< where this second's permutation begins
    std::uint64_t drawn_ = 0;        ///< numbers drawn in unique_second_
    bool unique_started_ = false;
};

}  // namespace metersim::platforms::xianfeng

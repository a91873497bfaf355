#pragma once
/// Authentication of the CIS's requests to the Xianfeng platform.
///
/// spec: xianfeng §1-§3.3 (headers of every endpoint) and appendix 8. Each request carries
/// `RandomCode` (a transId: yyyyMMddHHmmss + 80000000..89999999) and `Authorization` =
/// sha256_hex(key + merchantId + RandomCode) with the company's key and merchantId. Answers:
///   - companyCode (query) names no configured company          -> 500002 (field "companyCode");
///   - RandomCode or Authorization missing, malformed or wrong  -> 500003 (field of the header);
///   - RandomCode's time further than `freshness_window` from wall time -> 500003;
///   - a RandomCode already accepted (replay) -> 500003.
/// The window is checked against wall time, not virtual time (DESIGN.md "Time"); the RandomCode's
/// time is read at `utc_offset` (the vendor zone). The two checks are independent switches:
/// a zero `freshness_window` turns the freshness check off, `replay_check = false` the replay
/// check (the benchmark turns both off and sends fixed headers); the token is always verified.
///
/// Replay cache (when `replay_check`): every accepted RandomCode (per company) is remembered, in
/// at most `replay_capacity` entries. With a window, a code is forgotten once it can no longer
/// pass the freshness check anyway (at most twice the window after it was seen); without one it
/// is remembered until newer codes push it out. Past the capacity the oldest entry is dropped:
/// memory stays bounded under a flood, at the price of possibly accepting a replay of that
/// oldest code.
///
/// Thread-safe: the replay cache is guarded by a mutex; everything else is immutable after
/// construction.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "platforms/common/api_error.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/xianfeng/token.hpp"

namespace metersim::platforms::xianfeng {

struct auth_config {
    std::vector<company> companies;
    std::chrono::seconds freshness_window{300};  ///< 0 = freshness check off
    std::size_t replay_capacity = 65536;
    std::chrono::minutes utc_offset{480};        ///< zone of RandomCode's time
    bool replay_check = true;                    ///< refuse a RandomCode already accepted
};

/// The authentication headers as received; std::nullopt when a header is absent.
struct request_auth {
    std::optional<std::string_view> random_code;
    std::optional<std::string_view> authorization;
};

class authenticator {
public:
    explicit authenticator(auth_config config);

    authenticator(authenticator const&) = delete;
    authenticator& operator=(authenticator const&) = delete;

    auth_config const& config() const noexcept { return config_; }

    /// The company with this companyCode; 500002 naming "companyCode" when there is none
    /// (500003 would leak nothing more, but the spec has its own code for it).
    api_result<company const*> find_company(std::string_view company_code) const;

    /// Verifies the headers with one company's credentials at wall time `now`; std::nullopt when
    /// they pass (and the RandomCode is then remembered), else a 500003 naming the header.
    std::optional<api_error> verify(request_auth const& h, company const& c, wall_time now);
    /// The same at the current wall time.
    std::optional<api_error> verify(request_auth const& h, company const& c);

    /// For endpoints with a companyCode in the query: find_company, then verify.
    api_result<company const*> authenticate(std::string_view company_code, request_auth const& h,
                                            wall_time now);
    api_result<company const*> authenticate(std::string_view company_code, request_auth const& h);

    /// For endpoints that carry only a deviceId: the company whose credentials verify the
    /// token (the caller then checks that the device belongs to it); 500003 when none does.
    api_result<company const*> authenticate_any(request_auth const& h, wall_time now);
    api_result<company const*> authenticate_any(request_auth const& h);

    /// RandomCodes currently remembered (for tests and metrics).
    std::size_t replay_entries() const;

private:
    // Checks that need no company: presence, format, freshness. Returns the RandomCode's parts.
    api_result<trans_id_parts> check_random_code(request_auth const& h, wall_time now) const;
    std::optional<api_error> check_authorization(request_auth const& h, company const& c) const;
    // Refuses a replay, or remembers the code; one critical section.
    std::optional<api_error> remember(company const& c, std::string_view random_code, wall_time now);

    auth_config config_;

    struct seen {
        wall_time forget_after;
        std::string key;
    };
    mutable std::mutex mutex_;
    std::deque<seen> order_;                 // oldest first
    std::unordered_set<std::string> keys_;   // company code + '/' + RandomCode
};

}  // namespace metersim::platforms::xianfeng

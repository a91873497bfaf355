#pragma once
/// Authentication of the CIS's requests to the Xintian platform (spec: xintian §2, 统一HTTP头信息):
/// the MD5 + Base64 scheme of platforms/common/token_auth.hpp with appId as the id. A header
/// missing, malformed or not verifying answers -202 (鉴权信息验证错误); a timestamp malformed or
/// further than `window` from wall time -201 (时间戳重复或错误), and so does one already used
/// (the spec's 时间戳重复), the one check only Xintian makes. Two independent switches: a zero
/// window turns the window off, `replay_check` false the replay check (benchmarks with fixed
/// headers turn both off); the token is always verified.
///
/// Replay cache: every accepted timestamp is remembered until it can no longer pass the window
/// (two windows after it was seen; without a window, until pushed out), in at most
/// `replay_capacity` entries; past that bound the
/// oldest is dropped (memory stays bounded under a flood, at the price of possibly accepting a
/// replay of that oldest timestamp). Note what the spec implies: a CIS that sends two requests
/// within the same second sends the same timestamp twice, and the second is refused with -201.
///
/// Thread-safe: the replay cache is guarded by a mutex.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "platforms/common/api_error.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/common/token_auth.hpp"

namespace metersim::platforms::xintian {

/// appId and appSecret as id and secret; a zero window turns the window off, replay_check the replay.
struct auth_config : token_config {
    std::size_t replay_capacity = 65536;
    bool replay_check = true;  ///< a timestamp already used answers -201, window or not
};

/// The headers as received; std::nullopt when absent.
using request_auth = token_request;

/// Both headers for a timestamp (pushes to the CIS, tests).
using auth_headers = token_headers;
auth_headers make_headers(std::string_view app_id, std::string_view app_secret,
                          std::string_view timestamp);
auth_headers make_headers(std::string_view app_id, std::string_view app_secret, wall_time at,
                          std::chrono::minutes utc_offset);

/// Signs the platform's own requests to the CIS (§3.6 billing reports; §2 binds both systems):
/// a fresh timestamp for every request, retries included, and never the same one twice, since
/// the CIS may refuse a repeated one (时间戳重复). The timestamp has one-second resolution, so a
/// request in the same wall second as the previous one (or earlier: the wall clock stepped
/// back) takes the previous timestamp + 1 s. Under a burst of more than one request a second the
/// timestamps run ahead of wall time, by at most `max_lead`; past that they stay at wall time +
/// `max_lead` and may repeat (a CIS enforcing the replay rule then refuses them and the outbox
/// retries with a new one). Keep `max_lead` inside the CIS's window.
///
/// Not thread-safe: one io thread (the platform's).
class push_signer {
public:
    push_signer(std::string app_id, std::string app_secret, std::chrono::minutes utc_offset,
                std::chrono::seconds max_lead = std::chrono::seconds{60});

    /// Headers for a request sent at wall time `now`.
    auth_headers sign(wall_time now);
    /// The same at the wall clock's now().
    auth_headers sign();

private:
    std::string app_id_;
    std::string app_secret_;
    std::chrono::minutes utc_offset_;
    std::chrono::seconds max_lead_;
    std::optional<std::chrono::sys_seconds> last_;  ///< the last timestamp handed out
};

/// Verifies the CIS's headers and remembers their timestamps (non-copyable: it owns the cache).
class authenticator {
public:
    explicit authenticator(auth_config config);
    authenticator(authenticator const&) = delete;
    authenticator& operator=(authenticator const&) = delete;

    /// std::nullopt when the headers pass at wall time `now` (the timestamp is then
    /// remembered), else the -202 or -201 error naming the header.
    std::optional<api_error> verify(request_auth const& h, wall_time now);
    std::optional<api_error> verify(request_auth const& h);

    /// Timestamps currently remembered.
    std::size_t replay_entries() const;

private:
    std::optional<api_error> remember(std::string const& ts, wall_time now);

    auth_config config_;
    struct seen {
        wall_time forget_after;
        std::string timestamp;
    };
    mutable std::mutex mutex_;
    std::deque<seen> order_;
    std::unordered_set<std::string> timestamps_;
};

}  // namespace metersim::platforms::xintian

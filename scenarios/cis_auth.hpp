#pragma once
/// The signature headers the runner puts on a `call` (scenarios/README.md "call", `auth: signed`),
/// made per vendor from the credentials in effect, as a CIS makes them:
///   - cnmcsp: AccessToken = md5(appToken + appSecret + timestamp), Authorization =
///     Base64(appToken:timestamp) (spec: cnmcsp §4.1.1);
///   - xianfeng: RandomCode = a fresh transId, Authorization = sha256(key + merchantId + transId)
///     (spec: xianfeng appendix 8), and Content-Type: application/json;
///   - xintian: AccessToken/Authorization (spec: xintian §2) with a timestamp never used before
///     (the platform refuses a repeated one), running ahead of wall time under bursts.
/// Timestamps are wall time in the scenario's zone (DESIGN.md: auth is checked against wall time).
/// One signer per run; not thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "scenarios/scenario.hpp"

namespace metersim::scenarios {

class cis_signer {
public:
    /// `setting(platform, key)` gives the credentials in effect ("app_token", "key", ...).
    using setting_fn = std::function<std::string(std::string_view platform, std::string_view key)>;
    cis_signer(setting_fn setting, std::chrono::minutes zone, std::uint64_t seed);
    ~cis_signer();
    cis_signer(cis_signer const&) = delete;
    cis_signer& operator=(cis_signer const&) = delete;

    /// The headers for one request to `platform` (empty for an unknown platform).
    named_texts headers_for(std::string_view platform);

private:
    struct xintian_state;
    setting_fn setting_;
    std::chrono::minutes zone_;
    std::uint64_t counter_;
    std::unique_ptr<xintian_state> xintian_;
};

}  // namespace metersim::scenarios

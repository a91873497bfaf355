#pragma once
/// platforms/xintian/: the fake Xintian (新天) platform (see
/// ../shared/specs/xintian-interface.txt and README.md in this folder).
///
/// `platform` answers the CIS's nine endpoints under /api/... (§3.1-§3.5, §3.7-§3.10) on the
/// routes it adds to a router, and is the fleet_listener of every meter whose catalogue entry
/// says "xintian": it keeps each meter's last report (GetData), delivers the commands queued by
/// RemotePay, ControlValve, CreateMeter, SetPrice, ChangeMeter and CreatePrice when the meter
/// next holds a radio session, and — for third-party meters (CreateMeter PayType 6, GetUserInfo
/// PayType 2, catalogue model xt-nb-thirdparty) — POSTs every report to the CIS (§3.6) through
/// the sim::outbox and applies the CIS's answer (unit price, remaining money, valve mode).
///
/// Threading, life and the folder's files: common/platform_base.hpp. Construction also
/// registers the outbox hooks of "xintian_billing" pushes (an acceptance that reads the answer
/// for the push's own meter, a fresh §2 signature before every attempt, and a settle callback
/// that applies an accepted answer to that meter); destruction removes them. The outbox must
/// outlive the platform. Here besides the common files: archive (meters, users and recharge
/// records), billing_report (the §3.6 report and its answer, sent by push.cpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "meters/instant.hpp"
#include "platforms/common/platform_base.hpp"
#include "sim/pending_store.hpp"

namespace metersim::platforms::xintian {

/// The platform's settings, besides conformance and utc_offset (platform_options).
struct options : platform_options {
    std::string app_id;                    ///< appId (spec: xintian §2), assigned by Xintian
    std::string app_secret;                ///< appSecret
    std::int64_t auth_window_s = 300;      ///< timestamp vs wall time, seconds; 0 = off
    bool replay_check = true;              ///< a timestamp already used answers -201 (§2 时间戳重复)
    std::string report_url;                ///< the CIS's §3.6 URL (…/api/Meters/GetData); empty: not sent
    std::size_t replay_capacity = 65536;   ///< timestamps remembered at most
    std::string postpaid_model = "xt-nb-postpaid";      ///< CreateMeter PayType 1 (后付费) manufactures this
    std::string meter_model = "xt-nb-meter";            ///< CreateMeter PayType 3/5 manufactures this
    std::string thirdparty_model = "xt-nb-thirdparty";  ///< CreateMeter PayType 6 manufactures this
    /// RemotePay recharges waiting for one meter's next session, one more answers -203; settled
    /// recharge records (PayResult 1/2, GetPayList) kept per meter, the oldest settled forgotten
    /// first, and for how long (the spec gives no bound: metersim's choices, README "Queue bound").
    sim::store_bounds pays{256, 64, std::chrono::hours{24 * 31}};
};

class platform final : public platform_base<options, struct platform_impl> {
public:
    platform(options opts, platform_context engine);
    ~platform() override;

    /// Adds the nine POST endpoints under /api/... to `r`, and a fallback answering unknown
    /// paths with {"ResultCode":-999,...} (HTTP 404).
    void add_routes(sim::http::router& r) override;
    /// Commands queued for a meter and not yet delivered (tests, admin).
    std::size_t queued(std::string const& meter_no) const;
};

}  // namespace metersim::platforms::xintian

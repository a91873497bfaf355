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
/// It never listens: the caller builds the server around the router. Single-threaded: handlers,
/// listener calls and scheduler events all run on the one io_context thread of the fleet.
/// Construction registers the listener and the outbox hooks of "xintian_billing" pushes (an
/// acceptance that reads the answer for the push's own meter, a fresh §2 signature before every
/// attempt, and a settle callback that applies an accepted answer to that meter); destruction
/// removes them. The outbox must outlive the platform.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "meters/instant.hpp"
#include "platforms/common/api_error.hpp"
#include "sim/fleet.hpp"
#include "sim/pending_store.hpp"
#include "sim/http/routes.hpp"

namespace metersim::sim {
class outbox;
class journal;
class scheduler;
}  // namespace metersim::sim

namespace metersim::platforms::xintian {

struct options {
    std::string app_id;                    ///< appId (spec: xintian §2), assigned by Xintian
    std::string app_secret;                ///< appSecret
    std::int64_t auth_window_s = 300;      ///< timestamp vs wall time, seconds; 0 = window and replay off
    std::string report_url;                ///< the CIS's §3.6 URL (…/api/Meters/GetData); empty: not sent
    platforms::conformance conformance = platforms::conformance::lenient;
    std::chrono::minutes utc_offset{480};  ///< the zone of every vendor timestamp
    std::size_t replay_capacity = 65536;   ///< timestamps remembered at most
    std::string postpaid_model = "xt-nb-postpaid";      ///< CreateMeter PayType 1 (后付费) manufactures this
    std::string meter_model = "xt-nb-meter";            ///< CreateMeter PayType 3/5 manufactures this
    std::string thirdparty_model = "xt-nb-thirdparty";  ///< CreateMeter PayType 6 manufactures this
    /// RemotePay recharges waiting for one meter's next session, one more answers -203; settled
    /// recharge records (PayResult 1/2, GetPayList) kept per meter, the oldest settled forgotten
    /// first, and for how long (the spec gives no bound: metersim's choices, README "Queue bound").
    sim::store_bounds pays{16, 64, std::chrono::hours{24 * 31}};
};

class platform final : public sim::fleet_listener {
public:
    platform(options opts, sim::fleet& fleet, sim::outbox& outbox, sim::journal& journal,
             sim::scheduler& sched);
    ~platform() override;
    platform(platform const&) = delete;
    platform& operator=(platform const&) = delete;

    /// Adds the nine POST endpoints under /api/... to `r`, and a fallback answering unknown
    /// paths with {"ResultCode":-999,...} (HTTP 404).
    void add_routes(sim::http::router& r);

    // fleet_listener
    void on_effects(sim::fleet_meter& m, meters::effects const& e) override;
    void on_session(sim::fleet_meter& m, meters::instant now) override;

    options const& settings() const noexcept;
    /// Commands queued for a meter and not yet delivered (tests, admin).
    std::size_t queued(std::string const& meter_no) const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace metersim::platforms::xintian

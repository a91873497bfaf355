#pragma once
/// platforms/xianfeng/: the fake Xianfeng IoT cloud (先锋物联网云平台 WEB API, see
/// ../shared/specs/xianfeng-iotcloud-web-api.txt and README.md in this folder).
///
/// `platform` answers the CIS's requests (devices §1, commands §2, queryReportData §3.3) on the
/// routes it adds to a router, and is the fleet_listener of every meter whose catalogue entry
/// says "xianfeng": it turns their reports and alarms into §3.1 pushes, delivers queued commands
/// when a meter holds a radio session and pushes their results (§3.2). Pushes leave through the
/// sim::outbox (at-least-once, the same API_TRANS_ID on every retry). Concentrators
/// (msgDeviceType 1) are devices of the platform itself, with meters behind them. Threading,
/// life and the folder's files: common/platform_base.hpp (destruction also cancels the
/// platform's events). Here besides them: token (RandomCode and the SHA-256 token), devices,
/// commands and command_cycle.cpp (the command life cycle), methods and creat_body (creatCmd's
/// appendix 1 methods), service_data (appendix 2), concentrator.cpp, admin_routes.cpp.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meters/alarms.hpp"
#include "meters/instant.hpp"
#include "platforms/common/platform_base.hpp"
#include "sim/pending_store.hpp"

namespace metersim::platforms::xianfeng {

/// §3.1/§3.2 push batching: several msgDTO in one callback body (a List<msgDTO>), so a CIS's list
/// handling is exercised. Off by default (messages 1: one message per push, as the platform
/// has always sent).
struct push_batching {
    std::size_t messages = 1;      ///< messages per push at most; 1 = no batching
    std::size_t max_bytes = 65536;  ///< a body stops growing past this (one message may exceed it)
    meters::duration max_delay{std::chrono::seconds{1}};  ///< virtual time a message waits at most
};

/// The platform's settings, besides conformance and utc_offset (platform_options).
struct options : platform_options {
    std::string company_code = "000000";  ///< companyCode / API_ORG_NUM (6 digits)
    std::string key;                       ///< the company's key (appendix 8)
    std::string merchant_id;               ///< the company's merchantId (appendix 8)
    std::string report_url;                ///< §3.1 deviceReportData callback; empty: not sent
    std::string response_url;              ///< §3.2 deviceResponseData callback; empty: not sent
    std::chrono::seconds freshness_window{300};  ///< RandomCode time vs wall time; 0 = off
    bool replay_check = true;              ///< refuse a RandomCode already accepted (any window)
    bool auto_provision = false;           ///< register manufactures unknown meters
    std::string auto_provision_model = "xf-nb-money";  ///< the catalogue model they get
    /// Command store bounds (commands.hpp; the spec gives none, these are metersim's choices):
    /// commands waiting per device, creatCmd past it answers 500014 (memory stays bounded when
    /// a CIS queues commands for a meter that never wakes); finished commands kept per device
    /// for queryCmd, the oldest finished dropped first; and the virtual time a finished command
    /// stays queryable (then 500043, as unknown).
    sim::store_bounds commands{256, 16, std::chrono::hours{24 * 7}};
    /// Virtual time between sending a command (state 4) and the meter's answer (1/2).
    meters::duration answer_delay{std::chrono::seconds{2}};
    /// Virtual time between two ConcentratorDataInfo reports of a concentrator.
    meters::duration concentrator_interval{std::chrono::hours{1}};
    push_batching batch;  ///< §3.1/§3.2 several messages per push (off by default)
};

/// A concentrator as the admin API or a scenario declares it.
struct concentrator_spec {
    std::string concentrator_no;
    std::vector<std::string> meter_nos;  ///< meters behind it
    bool mains_powered = false;
};

class platform final : public platform_base<options, struct platform_impl> {
public:
    platform(options opts, platform_context engine);
    ~platform() override;

    /// Adds the ten endpoints of §1-§3 under /iotcloud/app/... to `r`.
    void add_routes(sim::http::router& r) override;
    /// Adds the platform's admin endpoints (JSON, for the admin listener, not the CIS's):
    ///   GET  /admin/xianfeng/concentrators               the concentrators and their status
    ///   POST /admin/xianfeng/concentrators               {concentratorNo, meterNos, mainsPowered}
    ///   POST /admin/xianfeng/concentrators/{no}/alarm    {code: "1000H"|"1001H", raised: bool}
    ///   POST /admin/xianfeng/concentrators/{no}/report   a ConcentratorDataInfo report now
    /// Bad input answers 400, an unknown concentrator 404, a number already taken 409, each with
    /// {"message": "<field>: <why>", "field": "<field>"}, as the admin API does.
    void add_admin_routes(sim::http::router& r);

    /// Declares a concentrator (it becomes a device the CIS can register) and the meters behind
    /// it; starts its periodic reports. False when the number is taken.
    bool add_concentrator(concentrator_spec const& spec);
    /// Puts a meter behind a concentrator number, known or not (an unknown one answers 500045).
    void attach_meter(std::string const& meter_no, std::string const& concentrator_no);
    /// Concentrator events: 1000H low voltage, 1001H mains lost (raised or cleared, pushed at
    /// once). False for an unknown concentrator or another code.
    bool concentrator_alarm(std::string const& concentrator_no, meters::alarm_code code, bool raised);
    /// Sends a concentrator's ConcentratorDataInfo report now.
    bool concentrator_report(std::string const& concentrator_no);
};

}  // namespace metersim::platforms::xianfeng

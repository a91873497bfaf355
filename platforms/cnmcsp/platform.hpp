#pragma once
/// platforms/cnmcsp/: the fake CNMCSP, the Cangnan Instrument Group smart cloud platform
/// (苍南仪表集团智能云平台, see ../shared/specs/cnmcsp-cis-interface.txt and README.md here).
///
/// `platform` answers the CIS's 13 requests of §5.3 on the routes it adds to a router, and is
/// the fleet_listener of every meter whose catalogue entry says "cnmcsp": it keeps each meter's
/// last report (ReadCurrentData answers from it), uploads realtime data on every report (§6.1)
/// and alarms at once (§6.2) through the sim::outbox, and delivers the commands queued by the
/// requests (account opening, recharge, price change, valve, suspend/resume, remain option) when
/// the meter next holds a radio session. Two billing modes (§2): meter-billed models bill
/// themselves; system-billed models (billing_mode::backend) are registered, report and obey the
/// valve, and refuse money and price requests. Threading, life and the folder's files:
/// common/platform_base.hpp. Here besides them: accounts (the registry of accounts and trades),
/// envelope (§4.2), codec_render.cpp (answer data), routes_price.cpp (price blocks).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "meters/alarms.hpp"
#include "platforms/cnmcsp/accounts.hpp"
#include "platforms/cnmcsp/envelope.hpp"
#include "platforms/common/platform_base.hpp"
#include "sim/pending_store.hpp"

namespace metersim::platforms::cnmcsp {

/// What a canonical alarm becomes in a §6.2 upload (the document leaves both to the CIS). An
/// empty alarm_type means the alarm is not uploaded.
struct alarm_mapping {
    std::string alarm_type;
    std::string alarm_message;
};

/// The default mapping: AlarmType is the canonical code text ("0012H"), AlarmMessage its
/// Chinese name from the table ("零额").
alarm_mapping default_alarm_mapping(meters::alarm_code code);

/// The platform's settings, besides conformance and utc_offset (platform_options).
struct options : platform_options {
    std::string app_token;                  ///< §4.1 appToken
    std::string app_secret;                 ///< §4.1 appSecret
    std::int64_t auth_window_s = 300;       ///< |header timestamp - wall time|; 0 = unchecked
    std::string realtime_url;               ///< §6.1 receiver; empty: not sent
    std::string alarm_url;                  ///< §6.2 receiver; empty: not sent
    envelope_options envelope;              ///< §4.2, off by default
    /// Overrides of default_alarm_mapping, by canonical code.
    std::map<meters::alarm_code, alarm_mapping> alarm_map;
    bool upload_cleared_alarms = false;     ///< also upload an alarm's clearing (message + "解除")
    /// §4.1's AccessToken + Authorization on the §6 uploads too (the CIS is "请求 api" as well),
    /// made with appToken/appSecret and wall time before every attempt; false: unsigned.
    bool sign_uploads = true;
    /// meteradd of a MeterNo the fleet does not hold manufactures it from the catalogue model;
    /// off: such a meteradd answers 80002006.
    bool auto_provision = true;
    std::size_t max_batch = 500;            ///< Meters[] of ReadCurrentData / batchChangePrice
    /// Prefix of requestSerialNo; empty: the wall time at start, yyyyMMddHHmmss.
    std::string serial_prefix;
    /// Trade bounds (metersim's choices, the spec gives none; README "Queue and ledger bounds"):
    /// money movements (recharge, remainOption) waiting per meter, past it 80002030 / 80002038;
    /// settled trades (delivered, refused, cancelled) kept per meter, the oldest forgotten first,
    /// and for how long (checked when its meter's account is used).
    sim::store_bounds trades{256, 64, std::chrono::hours{24 * 31}};
};

class platform final : public platform_base<options, struct platform_impl> {
public:
    /// Throws std::invalid_argument when the envelope is enabled with unusable keys (start-up).
    platform(options opts, platform_context engine);
    ~platform() override;

    /// Adds the 13 endpoints of §5.3 under /rest/Standard/... to `r`.
    void add_routes(sim::http::router& r) override;

    /// Accounts, trades and last readings (admin API, tests, persistence).
    registry const& records() const noexcept;
};

}  // namespace metersim::platforms::cnmcsp

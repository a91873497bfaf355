#include "tools/serve_platforms.hpp"

#include <chrono>

#include "meters/alarms.hpp"
#include "platforms/cnmcsp/platform.hpp"
#include "platforms/common/api_error.hpp"
#include "platforms/xianfeng/platform.hpp"
#include "platforms/xintian/platform.hpp"
#include "sim/admin/admin_api.hpp"
#include "sim/fleet.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "sim/scheduler.hpp"

namespace metersim::tools {

namespace {

/// What the three platforms take from the config alike.
platforms::platform_options common_options(config const& cfg) {
    return platforms::platform_options{cfg.conformance, std::chrono::minutes{cfg.zone.minutes}};
}

platforms::cnmcsp::options cnmcsp_options(config const& cfg, cnmcsp_config const& c) {
    platforms::cnmcsp::options o;
    static_cast<platforms::platform_options&>(o) = common_options(cfg);
    o.app_token = c.app_token;
    o.app_secret = c.app_secret;
    o.auth_window_s = c.auth_window_s;
    o.realtime_url = c.realtime_url;
    o.alarm_url = c.alarm_url;
    o.sign_uploads = c.sign_uploads;
    o.trades = c.trades;
    o.envelope.enabled = c.envelope.enabled;
    o.envelope.des3_key_hex = c.envelope.des3_key_hex;
    o.envelope.mac_key_hex = c.envelope.mac_key_hex;
    o.envelope.iv_hex = c.envelope.iv_hex;
    for (auto const& [code_text, text] : c.alarm_map) {
        auto code = meters::parse_alarm_code(code_text);  // the loader checked it
        if (code) o.alarm_map[*code] = platforms::cnmcsp::alarm_mapping{text.type, text.message};
    }
    return o;
}

platforms::xianfeng::options xianfeng_options(config const& cfg, xianfeng_config const& c) {
    platforms::xianfeng::options o;
    static_cast<platforms::platform_options&>(o) = common_options(cfg);
    o.company_code = c.company_code;
    o.key = c.key;
    o.merchant_id = c.merchant_id;
    o.report_url = c.report_url;
    o.response_url = c.response_url;
    o.freshness_window = std::chrono::seconds{c.freshness_window_s};
    o.replay_check = c.replay_check;
    o.auto_provision = c.auto_provision;
    o.commands = c.commands;
    o.batch.messages = c.push_batch_messages;
    o.batch.max_bytes = c.push_batch_max_bytes;
    o.batch.max_delay = std::chrono::milliseconds{c.push_batch_max_delay_ms};
    return o;
}

platforms::xintian::options xintian_options(config const& cfg, xintian_config const& c) {
    platforms::xintian::options o;
    static_cast<platforms::platform_options&>(o) = common_options(cfg);
    o.app_id = c.app_id;
    o.app_secret = c.app_secret;
    o.auth_window_s = c.auth_window_s;
    o.replay_check = c.replay_check;
    o.report_url = c.report_url;
    o.pays = c.pays;
    return o;
}

}  // namespace

std::string platform_setting(config const& cfg, std::string_view platform, std::string_view key) {
    auto const& ps = cfg.platforms;
    if (platform == "cnmcsp" && ps.cnmcsp) {
        if (key == "app_token") return ps.cnmcsp->app_token;
        if (key == "app_secret") return ps.cnmcsp->app_secret;
    } else if (platform == "xianfeng" && ps.xianfeng) {
        if (key == "company_code") return ps.xianfeng->company_code;
        if (key == "key") return ps.xianfeng->key;
        if (key == "merchant_id") return ps.xianfeng->merchant_id;
    } else if (platform == "xintian" && ps.xintian) {
        if (key == "app_id") return ps.xintian->app_id;
        if (key == "app_secret") return ps.xintian->app_secret;
        if (key == "auth_window_s") return std::to_string(ps.xintian->auth_window_s);
    }
    return {};
}

struct platform_set::impl {
    // Destroyed before the outbox and the fleet they hook into (platform_set dies first).
    std::unique_ptr<platforms::cnmcsp::platform> cnmcsp;
    std::unique_ptr<platforms::xianfeng::platform> xianfeng;
    std::unique_ptr<platforms::xintian::platform> xintian;
};

platform_set::platform_set(config const& cfg, platform_parts parts)
    : impl_(std::make_unique<impl>()) {
    auto listen = [&](std::string name, auto const& settings, auto& p) {
        platform_listener l;
        l.name = std::move(name);
        l.at = settings.listen;
        l.body_limit = settings.body_limit;
        l.tls = settings.tls;
        p.add_routes(l.routes);  // each platform gets its own router: it sets the fallback
        listeners_.push_back(std::move(l));
    };
    auto const& ps = cfg.platforms;
    platforms::platform_context const engine{parts.fleet, parts.outbox, parts.journal, parts.sched};
    if (ps.cnmcsp) {
        impl_->cnmcsp = std::make_unique<platforms::cnmcsp::platform>(
            cnmcsp_options(cfg, *ps.cnmcsp), engine);
        listen("cnmcsp", *ps.cnmcsp, *impl_->cnmcsp);
    }
    if (ps.xianfeng) {
        impl_->xianfeng = std::make_unique<platforms::xianfeng::platform>(
            xianfeng_options(cfg, *ps.xianfeng), engine);
        listen("xianfeng", *ps.xianfeng, *impl_->xianfeng);
    }
    if (ps.xintian) {
        impl_->xintian = std::make_unique<platforms::xintian::platform>(
            xintian_options(cfg, *ps.xintian), engine);
        listen("xintian", *ps.xintian, *impl_->xintian);
    }
}

platform_set::~platform_set() = default;

void platform_set::add_admin_routes(sim::http::router& admin) {
    if (impl_->xianfeng) impl_->xianfeng->add_admin_routes(admin);
}

}  // namespace metersim::tools

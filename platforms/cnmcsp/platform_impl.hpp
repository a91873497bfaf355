#pragma once
/// The inside of cnmcsp::platform, shared by its .cpp files (platform.cpp: listener and
/// deliveries; push.cpp: uploads; routes.cpp: the request pipeline; routes_meter.cpp and
/// routes_fee.cpp: the endpoints). Not for use outside platforms/cnmcsp/.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "platforms/cnmcsp/accounts.hpp"
#include "platforms/cnmcsp/auth.hpp"
#include "platforms/cnmcsp/codec.hpp"
#include "platforms/cnmcsp/errors.hpp"
#include "platforms/cnmcsp/platform.hpp"
#include "platforms/common/endpoint.hpp"
#include "platforms/common/kept_report.hpp"
#include "platforms/common/meter_table.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"

namespace metersim::platforms::cnmcsp {

inline constexpr std::string_view platform_name = "cnmcsp";

/// The CIS accepted an upload (push.cpp): 2xx and ReturnCode 0 when it says one.
bool cis_accepted(unsigned status, std::string_view body, envelope_keys const* keys);

/// A §5.3.1/§5.3.10 price block into the meter's tariff; 80002004 naming the field
/// (routes_price.cpp).
api_result<meters::tariff> tariff_of(cnmcsp_price const& p, meters::instant now);

struct platform_impl : platform_context, sim::fleet_listener {
    platform_impl(options o, platform_context const& c);

    options opts;
    auth_config auth;
    std::optional<envelope_keys> keys;  ///< set when the envelope is enabled
    codec_context codec;
    registry reg;
    /// Each meter's last report as compact data, by the meter's fleet index (issue 13), read
    /// back into a last_reading when ReadCurrentData asks.
    struct kept_reading {
        kept_report report;
        meters::instant received_at{};
    };
    meter_table<kept_reading> readings;
    /// The last report of the account's meter (nullopt: none yet).
    std::optional<last_reading> reading_of(account const& a);
    std::string serial_prefix;
    std::uint64_t serial_seq = 0;
    /// The request pipeline's CNMCSP parts (routes.cpp); an endpoint's result is further
    /// members of the answer (`,"ReadingData":[...]`).
    vendor_pipeline pipeline;

    // ---- meters (platform.cpp)
    bool is_ours(sim::fleet_meter const& m) const;
    // sim::fleet_listener, for our meters
    void on_effects(sim::fleet_meter& m, meters::effects const& e) override;
    void on_session(sim::fleet_meter& m, meters::instant now) override;
    sim::fleet_meter* meter_of(account const& a);
    /// Records a report (last reading, status) and uploads it.
    void take_report(sim::fleet_meter& m, meters::meter_report const& r);
    /// Delivers an account's queue to its meter (the meter is in session).
    void deliver(account& a, sim::fleet_meter& m);
    /// The meter's answer settles the trade it took (none for a plain command's empty key).
    void settle_trade(std::string const& trade_no, meters::command_result const& r);
    /// Queues a command (with its trade, for a money movement) for the meter's next session.
    void enqueue(account& a, meters::command c, std::string label, std::optional<trade> t = {});
    /// Drops the queued deliveries; their trades are cancelled.
    void drop_queue(account& a);

    // ---- uploads (push.cpp)
    std::string next_serial();
    void push_realtime(account const& a, meters::meter_report const& r);
    void push_alarm(account const& a, meters::alarm_change const& c);
    alarm_mapping mapping_of(meters::alarm_code code) const;

    // ---- request pipeline (routes.cpp)
    vendor_pipeline make_pipeline();
    /// The account a (UserID, MeterID) names: 80002013 when unknown or another user's. `field`
    /// names MeterID as the request spells it (with its array index).
    api_result<account*> account_of(exchange& ex, meter_key const& k, std::string const& field);
    /// account_of, then 80002023 unless the account is active (opened or in use).
    api_result<account*> active_account(exchange& ex, meter_key const& k, std::string const& field);
    /// The opening of an endpoint on one account: parse the body, then find the account its
    /// (UserID, MeterID) names, with active_account when `active`, else account_of.
    template <class Request>
    api_result<std::pair<Request, account*>> parsed_account(
        exchange& ex, object_reader const& b, api_result<Request> (*parse)(object_reader const&, codec_context const&),
        bool active) {
        auto req = parse(b, codec);
        if (!req) return req.error();
        auto acc = active ? active_account(ex, req.value().key, "MeterID") : account_of(ex, req.value().key, "MeterID");
        if (!acc) return acc.error();
        return std::pair<Request, account*>{std::move(req.value()), acc.value()};
    }

    // ---- endpoints (routes_meter.cpp, routes_fee.cpp)
    endpoint_result do_meter_add(exchange& ex, object_reader const& b);
    endpoint_result do_meter_modify(exchange& ex, object_reader const& b);
    endpoint_result do_meter_delete(exchange& ex, object_reader const& b);
    endpoint_result do_meter_suspend(exchange& ex, object_reader const& b);
    endpoint_result do_meter_resume(exchange& ex, object_reader const& b);
    endpoint_result do_meter_change(exchange& ex, object_reader const& b);
    endpoint_result do_read_current(exchange& ex, object_reader const& b);
    endpoint_result do_recharge(exchange& ex, object_reader const& b);
    endpoint_result do_cancel_recharge(exchange& ex, object_reader const& b);
    endpoint_result do_change_price(exchange& ex, object_reader const& b);
    endpoint_result do_batch_change_price(exchange& ex, object_reader const& b);
    endpoint_result do_control_valve(exchange& ex, object_reader const& b);
    endpoint_result do_remain_option(exchange& ex, object_reader const& b);

    // ---- shared by meteradd and meterChange (routes_meter.cpp)
    /// The catalogue entry of a MeterParamModel/MeterProtocol pair: 80002028 / 80002029.
    api_result<sim::catalogue_entry const*> model_of(std::string_view model, std::string_view protocol,
                                                     std::string_view model_field,
                                                     std::string_view protocol_field);
    /// The fleet meter to bind: found (it must be ours, of that model, never opened) or
    /// manufactured (auto_provision).
    api_result<sim::fleet_meter*> bind_meter(std::string const& meter_no, std::string const& user_id,
                                             sim::catalogue_entry const& entry,
                                             std::string_view no_field);
};

/// Sets the outbox's acceptance predicate of the two upload kinds (push.cpp).
void install_acceptance(platform::impl& p);
/// Removes what install_acceptance set (the platform goes, the outbox stays).
void remove_hooks(platform::impl& p);

}  // namespace metersim::platforms::cnmcsp

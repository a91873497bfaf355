#pragma once
/// The inside of xianfeng::platform, shared by its .cpp files (platform.cpp: listener, command
/// life cycle and pushes; routes*.cpp: the HTTP endpoints; concentrator.cpp). Not for use
/// outside platforms/xianfeng/.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "platforms/common/endpoint.hpp"
#include "platforms/common/kept_report.hpp"
#include "platforms/common/meter_table.hpp"
#include "platforms/xianfeng/auth.hpp"
#include "platforms/xianfeng/commands.hpp"
#include "platforms/xianfeng/devices.hpp"
#include "platforms/xianfeng/errors.hpp"
#include "platforms/xianfeng/platform.hpp"
#include "platforms/xianfeng/service_data.hpp"
#include "platforms/xianfeng/token.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"

namespace metersim::platforms::xianfeng {

inline constexpr std::string_view platform_name = "xianfeng";

struct concentrator {
    concentrator_spec spec;
    concentrator_status status;
    sim::scheduler::event_id report_event = 0;
};

/// What the platform keeps of one of its fleet meters, found by the meter's fleet index (issue
/// 13): its device record once the platform has one (a wake does not make one: a device the CIS
/// never touched costs this slot only) and its last messages as data, rendered when
/// queryReportData asks (byte for byte the push body's msgDTO of that report).
struct meter_slot {
    struct alarm_message {
        std::vector<meters::alarm_change> alarms;
        meters::instant received{};
    };
    device_record* device = nullptr;  ///< null until the platform knows the device
    meters::instant first_seen{};     ///< the first wake: the device's productTime
    bool seen = false;
    report_type last_type = report_type::automatic;
    meters::instant report_received{};
    kept_report report;                    ///< the last business report (msgType 0)
    std::unique_ptr<alarm_message> alarm;  ///< the last alarm report (msgType 1)
};

/// A device that passed the checks every endpoint makes, and its meter (null for concentrators).
struct device_ref {
    device_record* device = nullptr;
    sim::fleet_meter* meter = nullptr;
};

struct platform_impl : platform_context, sim::fleet_listener {
    platform_impl(options o, platform_context const& c);

    options opts;
    authenticator auth;
    push_signer signer;  ///< API_* headers of the pushes (push.cpp)
    device_registry devices;
    command_store commands{opts.commands};
    std::unordered_map<std::string, concentrator> concentrators;        ///< by number
    std::unordered_map<std::string, std::string> concentrator_of;       ///< meter no -> number
    std::unordered_set<sim::scheduler::event_id> events;  ///< live events, cancelled at the end
    /// The request pipeline's Xianfeng parts (routes.cpp); an endpoint's result is the text of
    /// the `result` member (JSON).
    vendor_pipeline pipeline;

    // ---- scheduling (platform.cpp)
    sim::scheduler::event_id schedule(meters::instant at, std::function<void()> fn);
    void unschedule(sim::scheduler::event_id& id);

    // ---- devices and meters (platform.cpp)
    bool is_ours(sim::fleet_meter const& m) const;
    // sim::fleet_listener, for our meters
    void on_effects(sim::fleet_meter& m, meters::effects const& e) override;
    void on_session(sim::fleet_meter& m, meters::instant now) override;
    /// The device record of a meter of ours (created on first sight).
    device_record& device_of(sim::fleet_meter& m);
    /// The meter's slot; on the meter's first sight, binds its derived deviceId in the fleet.
    meter_slot& slot_of(sim::fleet_meter& m);
    /// The last business (`alarm` false) or alarm message of a meter device as queryReportData
    /// returns it, appended to `out`; false when it has none.
    bool last_message(device_record const& d, bool alarm, std::string& out);
    meter_table<meter_slot> meter_slots;
    sim::fleet_meter* meter_of(device_record const& d);
    message_source source_of(device_record const& d, sim::fleet_meter const* m) const;
    /// A meter behind an unknown (or cancelled) concentrator: 500045.
    std::optional<api_error> check_concentrator(std::string const& meter_no);

    // ---- the command life cycle (command_cycle.cpp)
    /// Sends the device's oldest pending command when none is being sent.
    void send_next(std::string const& device_id);
    void answer(command_ref ref);
    /// Device cancelled (§1.4): its pending commands expire (3).
    void cancel_device_commands(std::string const& device_id);
    /// The device's commands (refreshed) when it may take one more, else 500014
    /// (routes_commands.cpp).
    api_result<device_commands*> command_device(device_record& d);

    // ---- pushes (push.cpp)
    void push_response(device_record const& d, std::string_view command_id,
                       result_fields const& result);
    /// A push body being written, in a buffer reused from push to push: "[" then the caller
    /// appends one msgDTO, then close_body() makes the body, exactly sized, to be shared by the
    /// push, the journal and the device's last message (device_record::last_report/last_alarm).
    std::string& open_body();
    shared_body close_body();
    /// Sends a body made with open_body()/close_body() to report_url.
    void push_body(device_record const& d, std::string_view kind, shared_body body);
    /// Sets a push's API_* headers from its serial (the transId). The outbox calls it before each
    /// attempt (set_before_attempt, registered by push_hooks), so a queued push carries no
    /// headers until it is sent; a retry keeps the ones its first attempt got.
    void sign(sim::push& p);
    /// Registers (true) or removes (false) sign() as the before_attempt hook of our push kinds.
    void push_hooks(bool on);
    std::string body_scratch;  ///< open_body()'s buffer

    // ---- request pipeline (routes.cpp)
    vendor_pipeline make_pipeline();
    /// deviceId from the query string: present, 32 hex, known, not cancelled and (unless
    /// `allow_unopened`) registered.
    api_result<device_ref> device_from_query(exchange& ex, bool allow_unopened);

    // ---- endpoints (routes_devices.cpp, routes_commands.cpp)
    endpoint_result do_register(exchange& ex);
    endpoint_result do_update(exchange& ex);
    endpoint_result do_query(exchange& ex);
    endpoint_result do_cancel(exchange& ex);
    endpoint_result do_auth_devices(exchange& ex);
    endpoint_result do_creat_cmd(exchange& ex);
    endpoint_result do_query_cmd(exchange& ex);
    endpoint_result do_batch_query_cmd(exchange& ex);
    endpoint_result do_cancel_cmd(exchange& ex);
    endpoint_result do_query_report_data(exchange& ex);

    // ---- concentrators (concentrator.cpp)
    void schedule_concentrator(concentrator& c);
    void report_concentrator(std::string const& no);
};

/// JSON text helpers for endpoint results (codec.cpp).
std::string json_string(std::string_view s);
std::string device_dto(device_record const& d, std::string_view imei, std::string_view iccid);
std::string auth_devices_result(std::vector<device_record const*> const& found,
                                std::chrono::minutes utc_offset);
/// cmdResultDTO of §2.2 (routes_commands.cpp).
std::string cmd_result_dto(std::string_view command_id, command_record const& c,
                           std::chrono::minutes utc_offset);
std::string json_array(std::vector<std::string> const& items);

}  // namespace metersim::platforms::xianfeng

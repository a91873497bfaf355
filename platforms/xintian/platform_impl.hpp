#pragma once
/// The inside of xintian::platform, shared by its .cpp files (platform.cpp: listener, command
/// delivery; push.cpp: the billing loop; routes.cpp: the request pipeline and the user/pay
/// endpoints; routes_meters.cpp: the meter and price endpoints). Not for use outside
/// platforms/xintian/.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "meters/commands.hpp"
#include "platforms/common/endpoint.hpp"
#include "platforms/common/meter_table.hpp"
#include "platforms/xintian/archive.hpp"
#include "platforms/xintian/auth.hpp"
#include "platforms/xintian/billing_report.hpp"
#include "platforms/xintian/codec.hpp"
#include "platforms/xintian/errors.hpp"
#include "platforms/xintian/platform.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"

namespace metersim::platforms::xintian {

inline constexpr std::string_view platform_name = "xintian";
inline constexpr std::string_view billing_kind = "xintian.billing";

/// A meter a request names, with its archive (a copy: archives of fleet meters that were never
/// created through CreateMeter are synthesised).
struct target {
    meter_archive archive;
    sim::fleet_meter* meter = nullptr;  ///< null when the archive's meter left the fleet
};

struct platform_impl : platform_context, sim::fleet_listener {
    platform_impl(options o, platform_context const& c);

    options opts;
    authenticator auth;
    push_signer signer;  ///< signs every attempt of every billing report
    xintian::archive records;
    /// Each meter's last report, by the meter's fleet index (issue 13: no string hashing on the
    /// wake path, no node per meter).
    meter_table<std::optional<meter_reading>> last_reading;
    /// The last report of `m` (null: none, or no meter).
    meter_reading const* last_of(sim::fleet_meter const* m) const;
    std::unordered_set<std::string> cancelled;  ///< meters the platform cancelled (ChangeMeter)
    std::uint64_t report_serial = 0;
    /// The request pipeline's Xintian parts (routes.cpp); an endpoint's result is the DataList
    /// JSON text, or empty for none.
    vendor_pipeline pipeline;

    // ---- meters (platform.cpp)
    bool is_ours(sim::fleet_meter const& m) const;
    // sim::fleet_listener, for our meters
    void on_effects(sim::fleet_meter& m, meters::effects const& e) override;
    void on_session(sim::fleet_meter& m, meters::instant now) override;
    bool is_thirdparty(sim::fleet_meter const& m) const;
    sim::fleet_meter* meter(std::string_view meter_no);
    /// The archive of a meter number: CreateMeter's, or one synthesised for a fleet meter.
    std::optional<target> find_target(std::string_view meter_no);
    /// No fleet meter, replaced by ChangeMeter, or its account cancelled on the meter (§3.2.3 -7).
    bool is_gone(target const& t) const {
        return t.meter == nullptr || cancelled.contains(t.archive.meter_addr) ||
               t.meter->meter.account() == meters::account_state::cancelled;
    }
    /// GetUserInfo PayType: 1 meter-side, 2 third party.
    int pay_type(target const& t) const;
    /// Queues a command for the meter's next session; `what` names it in the journal.
    void enqueue(std::string const& meter_no, meters::command c, std::string what);
    /// Room for one more RemotePay in the meter's queue, else -203 (routes.cpp).
    std::optional<api_error> check_pay_room(std::string const& meter_no) const;
    /// Applies a command to the meter; a RemotePay's (`w.key`, its TransId) settles its record.
    void deliver(sim::fleet_meter& m, sim::session_work const& w);
    void note(std::string const& meter_no, std::string verdict, std::string detail);

    // ---- billing loop (push.cpp)
    void push_billing_report(sim::fleet_meter& m, meter_reading const& r);
    /// The outbox's acceptance of a billing report: a 2xx answer with a usable DataList entry
    /// for the push's own meter. Reads only.
    bool is_billing_answer_for(sim::push const& p, unsigned status, std::string_view body) const;
    /// Before each attempt: signs the push with a fresh timestamp (§2).
    void sign(sim::push& p);
    /// Once an attempt is settled: applies an accepted answer to the push's meter, journals a
    /// refused one.
    void on_billing_settled(sim::push const& p, unsigned status, std::string_view body, bool accepted);
    void apply_billing(std::string const& meter_no, billing_answer const& a);

    // ---- request pipeline (routes.cpp)
    vendor_pipeline make_pipeline();
    /// Resolves UserCode / MeterAddr (§3.1-§3.5): -1, 0 or the meters.
    api_result<std::vector<target>> resolve(exchange& ex, lookup const& who);
    /// The same for a body that is only a lookup (§3.1, §3.5).
    api_result<std::vector<target>> resolve(exchange& ex, object_reader const& r);
    /// The meter MeterAddr names, still in the fleet (and, when `not_replaced`, not cancelled by
    /// ChangeMeter), else -1 (§3.8, §3.9).
    api_result<target> fleet_target(exchange& ex, std::string const& meter_addr, bool not_replaced);
    /// The opening of an endpoint on one meter (§3.8, §3.9): parse the body, then fleet_target
    /// on its MeterAddr.
    template <class Request>
    api_result<std::pair<Request, target>> parsed_target(exchange& ex, object_reader const& r,
                                                         api_result<Request> (*parse)(object_reader const&),
                                                         bool not_replaced) {
        auto q = parse(r);
        if (!q) return q.error();
        auto t = fleet_target(ex, q->meter_addr, not_replaced);
        if (!t) return t.error();
        return std::pair<Request, target>{std::move(*q), std::move(*t)};
    }
    /// The same, requiring exactly one meter.
    api_result<target> resolve_one(exchange& ex, lookup const& who);

    // ---- endpoints (routes.cpp, routes_meters.cpp)
    endpoint_result do_get_user_info(exchange& ex, object_reader const& r);
    endpoint_result do_remote_pay(exchange& ex, object_reader const& r);
    endpoint_result do_get_pay_list(exchange& ex, object_reader const& r);
    endpoint_result do_control_valve(exchange& ex, object_reader const& r);
    endpoint_result do_get_data(exchange& ex, object_reader const& r);
    endpoint_result do_create_meter(exchange& ex, object_reader const& r);
    endpoint_result do_set_price(exchange& ex, object_reader const& r);
    endpoint_result do_change_meter(exchange& ex, object_reader const& r);
    endpoint_result do_create_price(exchange& ex, object_reader const& r);
};

}  // namespace metersim::platforms::xintian

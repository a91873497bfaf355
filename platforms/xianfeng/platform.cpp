#include "platforms/xianfeng/platform.hpp"

#include <utility>

#include "meters/rng.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

auth_config make_auth_config(options const& o) {
    auth_config c;
    c.companies.push_back(company{o.company_code, o.key, o.merchant_id});
    c.freshness_window = o.freshness_window;  // 0 = off
    c.replay_check = o.replay_check;          // independent of the window (auth.hpp)
    c.utc_offset = o.utc_offset;
    return c;
}

}  // namespace

platform_impl::platform_impl(options o, platform_context const& c)
    : platform_context(c), opts(std::move(o)), auth(make_auth_config(opts)),
      signer(company{opts.company_code, opts.key, opts.merchant_id}, opts.utc_offset,
             meters::seed_for(0x58464e47, "xianfeng-trans-id")),
      pipeline(make_pipeline()) {}

platform::platform(options opts, platform_context engine)
    : platform_base(platform_name, engine.fleet, std::make_unique<impl>(std::move(opts), engine)) {
    impl_->push_hooks(true);
}

platform::~platform() {
    impl_->push_hooks(false);
    for (auto id : impl_->events) impl_->sched.cancel(id);
}


// ---- scheduling ------------------------------------------------------------------------------

sim::scheduler::event_id platform::impl::schedule(meters::instant at, std::function<void()> fn) {
    // The id is only known once scheduled: the event forgets itself through a shared slot.
    auto slot = std::make_shared<sim::scheduler::event_id>(0);
    auto id = sched.at(at, [this, slot, fn = std::move(fn)] {
        events.erase(*slot);
        fn();
    });
    *slot = id;
    events.insert(id);
    return id;
}

void platform::impl::unschedule(sim::scheduler::event_id& id) {
    if (id == 0) return;
    sched.cancel(id);
    events.erase(id);
    id = 0;
}

// ---- devices and meters ----------------------------------------------------------------------

bool platform::impl::is_ours(sim::fleet_meter const& m) const {
    return m.platform() == platform_name;
}

device_record& platform::impl::device_of(sim::fleet_meter& m) {
    auto const& no = m.meter_no();
    if (auto* d = devices.find_no(no)) return *d;
    auto const& preset = m.meter.identity().device_id;
    auto& d = devices.ensure(no, device_kind::meter, sched.now(), preset);
    if (preset.empty()) fleet.bind_device(m, d.device_id);
    return d;
}

sim::fleet_meter* platform::impl::meter_of(device_record const& d) {
    if (d.kind != device_kind::meter) return nullptr;
    auto* m = fleet.find(d.device_no);
    return m != nullptr && is_ours(*m) ? m : nullptr;
}

message_source platform::impl::source_of(device_record const& d,
                                          sim::fleet_meter const* m) const {
    message_source s;
    s.device_id = d.device_id;
    s.device_no = d.device_no;
    s.utc_offset = opts.utc_offset;
    if (d.kind == device_kind::concentrator || m == nullptr) {
        s.concentrator = d.kind == device_kind::concentrator;
        s.comm = meters::comm_type::gprs;
        s.mode = meters::billing_mode::backend;
        return s;
    }
    auto const& model = m->meter.model();
    s.comm = model.comm;
    s.mode = model.billing;
    auto const& type = m->entry->xianfeng_meter_type;
    s.meter_type = type.empty() ? std::string_view("0") : std::string_view(type);
    s.flow_meter = model.flow_meter;
    return s;
}

std::optional<api_error> platform::impl::check_concentrator(std::string const& meter_no) {
    auto it = concentrator_of.find(meter_no);
    if (it == concentrator_of.end()) return std::nullopt;
    auto* d = devices.find_no(it->second);
    bool const known = concentrators.contains(it->second) && d != nullptr &&
                       d->state != device_state::cancelled;
    if (known) return std::nullopt;
    return make_api_error(codes::concentrator_not_found, "deviceNo",
                          "meter " + meter_no + " is behind concentrator " + it->second +
                              ", which the platform does not know");
}

// ---- fleet_listener --------------------------------------------------------------------------

void platform_impl::on_effects(sim::fleet_meter& m, meters::effects const& e) {
    auto& p = *this;
    if (!p.is_ours(m) || (e.reports.empty() && e.alarms.empty())) return;
    auto& d = p.device_of(m);
    auto const src = p.source_of(d, &m);
    auto const now = p.sched.now();
    bool const opened = d.state == device_state::opened;
    // Each message is written once, as its push body ("[" msg "]"), which the push, the journal
    // and the device's last message (queryReportData) share.
    // Alarms go out at once, as their own report (spec: xianfeng §3.1 reportType 99).
    if (!e.alarms.empty()) {
        append_alarm_message(p.open_body(), src, e.alarms, now);
        d.last_alarm = p.close_body();
        if (opened) p.push_body(d, "xianfeng.alarm", d.last_alarm);
    }
    for (auto const& r : e.reports) {
        auto const type = r.reason == meters::report_reason::button ? report_type::button : report_type::automatic;
        append_report_message(p.open_body(), src, r, type, now);
        d.last_report = p.close_body();
        if (opened) p.push_body(d, "xianfeng.report", d.last_report);
    }
}

void platform_impl::on_session(sim::fleet_meter& m, meters::instant) {
    auto& p = *this;
    if (!p.is_ours(m)) return;
    auto& d = p.device_of(m);
    if (d.state == device_state::opened) p.send_next(d.device_id);
}

}  // namespace metersim::platforms::xianfeng

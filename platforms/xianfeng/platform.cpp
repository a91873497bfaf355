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

meter_slot& platform::impl::slot_of(sim::fleet_meter& m) {
    auto& s = meter_slots.at(m.index);
    if (s.seen) return s;
    s.seen = true;
    s.first_seen = sched.now();
    // The deviceId the record would get, findable from now on (as when a wake made the record).
    if (m.meter.identity().device_id.empty()) fleet.bind_device(m, derive_device_id(m.meter_no()));
    return s;
}

device_record& platform::impl::device_of(sim::fleet_meter& m) {
    auto& s = slot_of(m);
    if (s.device != nullptr) return *s.device;
    auto const& no = m.meter_no();
    if (auto* d = devices.find_no(no)) return *(s.device = d);
    s.device = &devices.ensure(no, device_kind::meter, s.first_seen, m.meter.identity().device_id);
    return *s.device;
}

bool platform::impl::last_message(device_record const& d, bool alarm, std::string& out) {
    auto* m = d.kind == device_kind::meter ? meter_of(d) : nullptr;
    auto const* s = m != nullptr ? meter_slots.find(m->index) : nullptr;
    if (s == nullptr) return false;
    auto const src = source_of(d, m);
    if (alarm) {
        if (!s->alarm) return false;
        append_alarm_message(out, src, s->alarm->alarms, s->alarm->received);
    } else {
        if (s->report.empty()) return false;
        append_report_message(out, src, s->report.load(), s->last_type, s->report_received);
    }
    return true;
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
    auto& s = p.slot_of(m);
    auto const now = p.sched.now();
    // Kept as data, rendered when queryReportData asks; written as text only for a push: a
    // report nobody receives is not rendered (issue 13).
    auto* d = s.device != nullptr && s.device->state == device_state::opened ? s.device : nullptr;
    // Alarms go out at once, as their own report (spec: xianfeng §3.1 reportType 99).
    if (!e.alarms.empty()) {
        if (!s.alarm) s.alarm = std::make_unique<meter_slot::alarm_message>();
        s.alarm->alarms = e.alarms;
        s.alarm->received = now;
        if (d != nullptr) {
            append_alarm_message(p.open_body(), p.source_of(*d, &m), e.alarms, now);
            p.push_body(*d, "xianfeng.alarm", p.close_body());
        }
    }
    for (auto const& r : e.reports) {
        auto const type = r.reason == meters::report_reason::button ? report_type::button : report_type::automatic;
        s.last_type = type;
        s.report_received = now;
        s.report.store(r);
        if (d != nullptr) {
            append_report_message(p.open_body(), p.source_of(*d, &m), r, type, now);
            p.push_body(*d, "xianfeng.report", p.close_body());
        }
    }
}

void platform_impl::on_session(sim::fleet_meter& m, meters::instant) {
    auto& p = *this;
    if (!p.is_ours(m)) return;
    auto const* s = p.meter_slots.find(m.index);
    if (s != nullptr && s->device != nullptr && s->device->state == device_state::opened)
        p.send_next(s->device->device_id);
}

}  // namespace metersim::platforms::xianfeng

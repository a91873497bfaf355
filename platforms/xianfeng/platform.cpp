#include "platforms/xianfeng/platform.hpp"

#include <utility>

#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

constexpr std::string_view platform_name = "xianfeng";

auth_config make_auth_config(options const& o) {
    auth_config c;
    c.companies.push_back(company{o.company_code, o.key, o.merchant_id});
    c.freshness_window = o.freshness_window;  // 0 = off
    c.replay_check = o.replay_check;          // independent of the window (auth.hpp)
    c.utc_offset = o.utc_offset;
    return c;
}

}  // namespace

platform::impl::impl(options o, sim::fleet& f, sim::outbox& ob, sim::journal& j,
                     sim::scheduler& s)
    : opts(std::move(o)), fleet(f), outbox(ob), journal(j), sched(s),
      auth(make_auth_config(opts)) {}

platform::platform(options opts, sim::fleet& fleet, sim::outbox& outbox, sim::journal& journal,
                   sim::scheduler& sched)
    : impl_(std::make_unique<impl>(std::move(opts), fleet, outbox, journal, sched)) {
    fleet.set_listener(std::string(platform_name), this);
}

platform::~platform() {
    impl_->fleet.set_listener(std::string(platform_name), nullptr);
    for (auto id : impl_->events) impl_->sched.cancel(id);
}

options const& platform::settings() const noexcept { return impl_->opts; }

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
    s.meter_type = m->entry->xianfeng_meter_type.empty() ? "0" : m->entry->xianfeng_meter_type;
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

void platform::on_effects(sim::fleet_meter& m, meters::effects const& e) {
    auto& p = *impl_;
    if (!p.is_ours(m) || (e.reports.empty() && e.alarms.empty())) return;
    auto& d = p.device_of(m);
    auto const src = p.source_of(d, &m);
    auto const now = p.sched.now();
    // Alarms go out at once, as their own report (spec: xianfeng §3.1 reportType 99).
    if (!e.alarms.empty()) {
        auto msg = alarm_message(src, e.alarms, now);
        p.last_alarm[d.device_id] = msg;
        if (d.state == device_state::opened) p.push_report(d, "xianfeng.alarm", std::move(msg));
    }
    for (auto const& r : e.reports) {
        auto const type = r.reason == meters::report_reason::wake ? report_type::button
                                                                    : report_type::automatic;
        auto msg = report_message(src, r, type, now);
        p.last_report[d.device_id] = msg;
        if (d.state == device_state::opened) p.push_report(d, "xianfeng.report", std::move(msg));
    }
}

void platform::on_session(sim::fleet_meter& m, meters::instant) {
    auto& p = *impl_;
    if (!p.is_ours(m)) return;
    auto& d = p.device_of(m);
    if (d.state == device_state::opened) p.send_next(d.device_id);
}

// ---- the command life cycle ------------------------------------------------------------------

void platform::impl::send_next(std::string const& device_id) {
    if (commands.is_sending(device_id)) return;
    auto* c = commands.next_pending(device_id);
    if (c == nullptr) return;
    auto const now = sched.now();
    c->state = command_state::sending;
    c->updated_at = now;
    ++c->attempts;
    commands.dequeue(*c);
    commands.set_sending(device_id, true);
    std::string id = c->command_id;
    schedule(now + opts.answer_delay, [this, id] { answer(id); });
}

void platform::impl::answer(std::string const& command_id) {
    auto* c = commands.find(command_id);
    if (c == nullptr || c->state != command_state::sending) return;
    std::string const device_id = c->device_id;
    auto* d = devices.find_id(device_id);
    auto* m = d != nullptr ? meter_of(*d) : nullptr;
    auto const now = sched.now();
    if (m == nullptr || d->state != device_state::opened) {
        commands.set_sending(device_id, false);
        finish(*c, command_state::expired, now);
        return;
    }
    // The meter executes the command; its effects (a report, alarms) are pushed on the way.
    auto const effects = fleet.apply(*m, c->call.command);
    c = commands.find(command_id);  // the stores may have grown meanwhile
    d = devices.find_id(device_id);
    commands.set_sending(device_id, false);
    meters::command_result r;
    if (effects.result) r = *effects.result;
    else r.error = meters::meter_errc::account_cancelled;  // no answer at all: a failure
    if (!r.accepted() && is_transient(*r.error)) {
        // spec: xianfeng §2.1 expireCount: a failed attempt; the command waits for the next
        // session, unless it used up its attempts.
        if (c->attempts >= c->expire_count) {
            finish(*c, command_state::expired, now);
        } else {
            c->state = command_state::pending;
            c->updated_at = now;
            commands.requeue_front(*c);
        }
        return;
    }
    c->has_result = true;
    c->result = make_result_fields(c->call, r, opts.utc_offset);
    finish(*c, r.accepted() ? command_state::success : command_state::failure, now);
    push_response(*d, *c);
    send_next(device_id);  // the session goes on with the next command, in order
}

void platform::impl::expire(std::string const& command_id) {
    auto* c = commands.find(command_id);
    if (c == nullptr) return;
    c->expiry_event = 0;
    if (c->state != command_state::pending) return;  // a command being sent gets its answer
    commands.dequeue(*c);
    finish(*c, command_state::expired, sched.now());
}

void platform::impl::finish(command_record& c, command_state s, meters::instant now) {
    c.state = s;
    c.updated_at = now;
    unschedule(c.expiry_event);
}

void platform::impl::cancel_device_commands(std::string const& device_id) {
    for (auto* c : commands.pending_of(device_id)) {
        commands.dequeue(*c);
        finish(*c, command_state::expired, sched.now());
    }
}

}  // namespace metersim::platforms::xianfeng

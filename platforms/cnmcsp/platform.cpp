#include "platforms/cnmcsp/platform.hpp"

#include <stdexcept>
#include <vector>
#include <utility>

#include "platforms/cnmcsp/platform_impl.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

std::optional<envelope_keys> make_keys(envelope_options const& o) {
    if (!o.enabled) return std::nullopt;
    auto k = make_envelope_keys(o);
    if (!k) throw std::invalid_argument("cnmcsp envelope: " + k.error().message);
    return std::move(k.value());
}

std::string make_prefix(options const& o) {
    if (!o.serial_prefix.empty()) return o.serial_prefix;
    return format_wall(std::chrono::system_clock::now(), timestamp_format::compact, o.utc_offset);
}

}  // namespace

platform_impl::platform_impl(options o, platform_context const& c)
    : platform_context(c), opts(std::move(o)), auth(make_token_config(opts.app_token, opts.app_secret, opts.auth_window_s, opts.utc_offset)),
      keys(make_keys(opts.envelope)), codec{opts.utc_offset, opts.max_batch},
      serial_prefix(make_prefix(opts)), pipeline(make_pipeline()) {
    reg.sessions.set_bounds(opts.trades);
}

platform::platform(options opts, platform_context engine)
    : platform_base(platform_name, engine.fleet, std::make_unique<impl>(std::move(opts), engine)) {
    install_acceptance(*impl_);
}

platform::~platform() { remove_hooks(*impl_); }

registry const& platform::records() const noexcept { return impl_->reg; }

alarm_mapping default_alarm_mapping(meters::alarm_code code) {
    auto const& row = meters::info(code);
    return alarm_mapping{std::string(row.text), std::string(row.name_zh)};
}

// ---- meters ----------------------------------------------------------------------------------

bool platform::impl::is_ours(sim::fleet_meter const& m) const { return m.platform() == platform_name; }

sim::fleet_meter* platform::impl::meter_of(account const& a) {
    auto* m = fleet.find(a.meter_no);
    return m != nullptr && is_ours(*m) ? m : nullptr;
}

std::optional<last_reading> platform::impl::reading_of(account const& a) {
    auto* m = meter_of(a);
    auto const* kept = m != nullptr ? readings.find(m->index) : nullptr;
    if (kept == nullptr || kept->report.empty()) return std::nullopt;
    return last_reading{kept->report.load(), kept->received_at};
}

void platform::impl::take_report(sim::fleet_meter& m, meters::meter_report const& r) {
    auto& kept = readings.at(m.index);
    kept.report.store(r);
    kept.received_at = sched.now();
    auto* a = reg.find_no(m.meter_no());
    if (a == nullptr || a->status == meter_status::cancelled) return;
    // spec: cnmcsp §8 气表状态: an opened account becomes 用气 once gas has flowed.
    if (a->status == meter_status::opened && r.account == meters::account_state::in_use)
        a->status = meter_status::in_use;
    push_realtime(*a, r);
}

void platform_impl::on_effects(sim::fleet_meter& m, meters::effects const& e) {
    auto& p = *this;
    if (!p.is_ours(m)) return;
    // spec: cnmcsp §6.2: alarms are uploaded at once, before the report that carries them.
    if (!e.alarms.empty()) {
        if (auto* a = p.reg.find_no(m.meter_no()); a != nullptr && a->status != meter_status::cancelled)
            for (auto const& c : e.alarms) p.push_alarm(*a, c);
    }
    for (auto const& r : e.reports) p.take_report(m, r);
}

void platform_impl::on_session(sim::fleet_meter& m, meters::instant) {
    auto& p = *this;
    if (!p.is_ours(m)) return;
    auto* a = p.reg.find_no(m.meter_no());
    auto* o = a != nullptr ? p.reg.sessions.find_owner(a->meter_id) : nullptr;
    if (o == nullptr || p.reg.sessions.next(*o) == nullptr) return;
    p.deliver(*a, m);
}

// ---- deliveries ------------------------------------------------------------------------------

void platform::impl::deliver(account& a, sim::fleet_meter& m) {
    std::string const meter_id = a.meter_id;
    bool delivered = false;
    while (true) {
        // Re-find each time: applying a command dispatches effects that may touch the registry.
        auto* o = reg.sessions.find_owner(meter_id);
        auto w = o != nullptr ? sim::take_next(reg.sessions, *o) : std::nullopt;
        if (!w) break;
        auto const fx = fleet.apply(m, w->command);
        meters::command_result r;
        if (fx.result) r = *fx.result;
        else r.error = meters::meter_errc::account_cancelled;
        settle_trade(w->key, r);
        delivered = true;
    }
    // The meter answers the session's commands with its data: a fresh reading and upload.
    if (delivered) take_report(m, m.meter.snapshot(meters::report_reason::after_command));
}

void platform::impl::settle_trade(std::string const& trade_no, meters::command_result const& r) {
    if (trade_no.empty()) return;
    auto* t = reg.find_trade(trade_no);
    if (t == nullptr || t->state != trade_state::queued) return;
    if (!r.accepted()) t->refusal = std::string(meters::to_string(*r.error));
    reg.settle(trade_no, r.accepted() ? trade_state::delivered : trade_state::refused, sched.now());
}

void platform::impl::enqueue(account& a, meters::command c, std::string label, std::optional<trade> t) {
    auto& o = reg.sessions.ensure_owner(a.meter_id);
    reg.sessions.add(o, delivery{std::move(c), std::move(label), t ? std::move(*t) : trade{}});
}

void platform::impl::drop_queue(account& a) {
    auto* o = reg.sessions.find_owner(a.meter_id);
    if (o == nullptr) return;
    std::vector<std::string> waiting;  // trades not yet taken: cancelled
    for (auto const& d : o->items)
        if (d.phase() == sim::pending_phase::waiting) waiting.emplace_back(d.key());
    reg.sessions.erase_if(*o, [](delivery const& d) { return d.phase() == sim::pending_phase::queued; });
    for (auto const& t : waiting) reg.settle(t, trade_state::cancelled, sched.now());
}

}  // namespace metersim::platforms::cnmcsp

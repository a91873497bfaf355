#include "platforms/xintian/platform.hpp"

#include <exception>
#include <utility>
#include <vector>

#include "platforms/common/timestamp.hpp"
#include "platforms/xintian/platform_impl.hpp"
#include "sim/scheduler.hpp"

namespace metersim::platforms::xintian {

namespace {

auth_config make_auth_config(options const& o) {
    return auth_config{make_token_config(o.app_id, o.app_secret, o.auth_window_s, o.utc_offset), o.replay_capacity,
                       o.replay_check};
}

std::string result_text(meters::command_result const& r) {
    if (r.accepted()) return "accepted";
    std::string s(meters::to_string(*r.error));
    if (r.tariff_problem) s += " (" + r.tariff_problem->field + " " + r.tariff_problem->reason + ")";
    return s;
}

}  // namespace

platform_impl::platform_impl(options o, platform_context const& c)
    : platform_context(c), opts(std::move(o)), auth(make_auth_config(opts)),
      signer(opts.app_id, opts.app_secret, opts.utc_offset),
      pipeline(make_pipeline()) {
    records.set_pay_bounds(opts.pays);
}

platform::platform(options opts, platform_context engine)
    : platform_base(platform_name, engine.fleet, std::make_unique<impl>(std::move(opts), engine)) {
    auto* p = impl_.get();
    std::string const kind(billing_kind);
    auto& outbox = engine.outbox;
    outbox.set_push_acceptance(kind, [p](sim::push const& push, unsigned status, std::string_view body) {
        return p->is_billing_answer_for(push, status, body);
    });
    outbox.set_before_attempt(kind, [p](sim::push& push) { p->sign(push); });
    outbox.on_settled(kind, [p](sim::push const& push, unsigned status, std::string_view body, bool accepted) {
        p->on_billing_settled(push, status, body, accepted);
    });
}

platform::~platform() {
    std::string const kind(billing_kind);
    impl_->outbox.set_push_acceptance(kind, {});
    impl_->outbox.set_before_attempt(kind, {});
    impl_->outbox.on_settled(kind, {});
}


std::size_t platform::queued(std::string const& meter_no) const { return impl_->records.queued(meter_no); }

// ---- meters ----------------------------------------------------------------------------------

bool platform::impl::is_ours(sim::fleet_meter const& m) const { return m.platform() == platform_name; }

bool platform::impl::is_thirdparty(sim::fleet_meter const& m) const {
    return m.entry->xintian_pay_type == 2;
}

sim::fleet_meter* platform::impl::meter(std::string_view meter_no) {
    auto* m = fleet.find(meter_no);
    return m != nullptr && is_ours(*m) ? m : nullptr;
}

meter_reading const* platform::impl::last_of(sim::fleet_meter const* m) const {
    auto const* r = m != nullptr ? last_reading.find(m->index) : nullptr;
    return r != nullptr && *r ? &**r : nullptr;
}

std::optional<target> platform::impl::find_target(std::string_view meter_no) {
    if (meter_no.empty()) return std::nullopt;
    auto* m = meter(meter_no);
    if (auto const* a = records.find_meter(meter_no)) return target{*a, m};
    if (m == nullptr) return std::nullopt;
    // A meter of the fleet the CIS never created: its archive is what the meter knows.
    meter_archive a;
    a.meter_addr = std::string(meter_no);
    a.user_code = m->meter.identity().user_no;
    a.imei = m->meter.identity().imei;
    a.pay_type = is_thirdparty(*m) ? "6" : "1";
    a.meter_type_id = m->entry->vendor_model;
    return target{std::move(a), m};
}

int platform::impl::pay_type(target const& t) const {
    // spec: xintian §3.1.2 PayType 1 表端计费, 2 第三方收费; §3.7.1 PayType 6 第三方收费.
    if (t.meter != nullptr) return is_thirdparty(*t.meter) ? 2 : 1;
    return t.archive.pay_type == "6" ? 2 : 1;
}

void platform::impl::enqueue(std::string const& meter_no, meters::command c, std::string what) {
    records.enqueue(meter_no, std::move(c), std::move(what));
}

void platform::impl::note(std::string const& meter_no, std::string verdict, std::string detail) {
    sim::journal_entry j;
    j.virtual_time = sched.now();
    j.dir = sim::direction::out;
    j.platform = std::string(platform_name);
    j.method = "METER";
    j.target = meter_no;
    j.meter_no = meter_no;
    j.verdict = std::move(verdict);
    j.error = std::move(detail);
    journal.append(std::move(j));
}

// ---- fleet_listener --------------------------------------------------------------------------

void platform_impl::on_effects(sim::fleet_meter& m, meters::effects const& e) {
    auto& p = *this;
    if (!p.is_ours(m) || e.reports.empty()) return;
    p.last_reading.at(m.index) = to_reading(e.reports.back());
    if (!p.is_thirdparty(m) || p.opts.report_url.empty()) return;
    // spec: xintian §3.6: every report of a third-party meter goes to the CIS, for each session.
    for (auto const& r : e.reports) p.push_billing_report(m, to_reading(r));
}

void platform_impl::on_session(sim::fleet_meter& m, meters::instant) {
    auto& p = *this;
    if (!p.is_ours(m)) return;
    // Commands reach the meter in the order they were accepted; taken out first, because
    // delivering may (through the fleet's dispatch) come back into the platform.
    std::vector<sim::session_work> items;
    while (auto w = p.records.take_next(m.meter_no())) items.push_back(std::move(*w));
    for (auto const& w : items) p.deliver(m, w);
}

void platform_impl::deliver(sim::fleet_meter& m, sim::session_work const& w) {
    auto const fx = fleet.apply(m, w.command);
    meters::command_result r;
    if (fx.result) r = *fx.result;
    else r.error = meters::meter_errc::account_cancelled;
    if (auto* pay = w.key.empty() ? nullptr : records.find_pay(w.key)) {
        // spec: xintian §3.3.2 PayResult: 1 success, 2 failure.
        if (!r.accepted()) pay->failure = std::string(meters::to_string(*r.error));
        records.settle_pay(*pay, r.accepted() ? pay_result::success : pay_result::failure, sched.now());
    }
    note(m.meter_no(), r.accepted() ? "delivered" : "refused by meter", w.label + ": " + result_text(r));
}

}  // namespace metersim::platforms::xintian

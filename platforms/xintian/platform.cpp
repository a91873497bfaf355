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
    auth_config c;
    c.app_id = o.app_id;
    c.app_secret = o.app_secret;
    c.window = std::chrono::seconds{o.auth_window_s > 0 ? o.auth_window_s : 0};
    c.replay_capacity = o.replay_capacity;
    c.utc_offset = o.utc_offset;
    return c;
}

std::string result_text(meters::command_result const& r) {
    if (r.accepted()) return "accepted";
    std::string s(meters::to_string(*r.error));
    if (r.tariff_problem) s += " (" + r.tariff_problem->field + " " + r.tariff_problem->reason + ")";
    return s;
}

}  // namespace

std::string json_list(std::vector<std::string> const& items) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) s += ',';
        s += items[i];
    }
    s += ']';
    return s;
}

platform::impl::impl(options o, sim::fleet& f, sim::outbox& ob, sim::journal& j, sim::scheduler& s)
    : opts(std::move(o)),
      fleet(f),
      outbox(ob),
      journal(j),
      sched(s),
      auth(make_auth_config(opts)),
      signer(opts.app_id, opts.app_secret, opts.utc_offset) {
    records.set_pay_bounds(opts.pays);
}

platform::platform(options opts, sim::fleet& fleet, sim::outbox& outbox, sim::journal& journal,
                   sim::scheduler& sched)
    : impl_(std::make_unique<impl>(std::move(opts), fleet, outbox, journal, sched)) {
    fleet.set_listener(std::string(platform_name), this);
    auto* p = impl_.get();
    std::string const kind(billing_kind);
    outbox.set_push_acceptance(kind, [p](sim::push const& push, unsigned status, std::string_view body) {
        return p->is_billing_answer_for(push, status, body);
    });
    outbox.set_before_attempt(kind, [p](sim::push& push) { p->sign(push); });
    outbox.on_settled(kind, [p](sim::push const& push, unsigned status, std::string_view body, bool accepted) {
        p->on_billing_settled(push, status, body, accepted);
    });
}

platform::~platform() {
    impl_->fleet.set_listener(std::string(platform_name), nullptr);
    std::string const kind(billing_kind);
    impl_->outbox.set_push_acceptance(kind, {});
    impl_->outbox.set_before_attempt(kind, {});
    impl_->outbox.on_settled(kind, {});
}

options const& platform::settings() const noexcept { return impl_->opts; }

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

void platform::on_effects(sim::fleet_meter& m, meters::effects const& e) {
    auto& p = *impl_;
    if (!p.is_ours(m) || e.reports.empty()) return;
    auto reading = to_reading(e.reports.back());
    p.last_reading[m.meter_no()] = reading;
    if (!p.is_thirdparty(m) || p.opts.report_url.empty()) return;
    // spec: xintian §3.6: every report of a third-party meter goes to the CIS, for each session.
    for (auto const& r : e.reports) p.push_billing_report(m, to_reading(r));
}

void platform::on_session(sim::fleet_meter& m, meters::instant) {
    auto& p = *impl_;
    if (!p.is_ours(m)) return;
    // Commands reach the meter in the order they were accepted; taken out first, because
    // delivering may (through the fleet's dispatch) come back into the platform.
    std::vector<sim::session_work> items;
    while (auto w = p.records.take_next(m.meter_no())) items.push_back(std::move(*w));
    for (auto const& w : items) p.deliver(m, w);
}

void platform::impl::deliver(sim::fleet_meter& m, sim::session_work const& w) {
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

// ---- the third-party billing loop (spec: xintian §3.6) ---------------------------------------

void platform::impl::push_billing_report(sim::fleet_meter& m, meter_reading const& r) {
    auto const state = m.meter.account();
    auto const* a = records.find_meter(m.meter_no());
    // Only meters the CIS knows: created through CreateMeter, or opened otherwise.
    if (state == meters::account_state::cancelled) return;
    if (a == nullptr && state == meters::account_state::manufactured) return;
    auto t = find_target(m.meter_no());
    if (!t) return;
    sim::push push;
    push.platform = std::string(platform_name);
    push.kind = std::string(billing_kind);
    push.meter_no = m.meter_no();
    push.url = opts.report_url;
    // spec: xintian §2: both systems authenticate, with the same headers. AccessToken and
    // Authorization are added by sign(), before each attempt, with that attempt's timestamp.
    push.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json;charset=utf-8"}};
    push.body = billing_report_body(t->archive, r, opts.utc_offset);
    push.serial_no = m.meter_no() + "-" + std::to_string(++report_serial);
    if (auto id = outbox.enqueue(std::move(push)); !id) note(m.meter_no(), "report not sent", id.error());
}

void platform::impl::sign(sim::push& p) {
    // spec: xintian §2: a timestamp the CIS has not seen yet, on every attempt; the body (and
    // so what the CIS bills) never changes.
    auto const h = signer.sign();
    auto set = [&p](std::string_view name, std::string const& value) {
        for (auto& [n, v] : p.headers)
            if (n == name) {
                v = value;
                return;
            }
        p.headers.emplace_back(std::string(name), value);
    };
    set(header_access_token, h.access_token);
    set(header_authorization, h.authorization);
}

bool platform::impl::is_billing_answer_for(sim::push const& p, unsigned status, std::string_view body) const {
    // Runs while the outbox settles the attempt: judge only; on_billing_settled applies.
    if (status < 200 || status >= 300) return false;
    std::vector<deviation> devs;
    // spec: xintian §3.6.2: the answer's DataList entry for the reported meter, not any entry.
    return parse_billing_answer(body, p.meter_no, opts.conformance, opts.utc_offset, devs).has_value();
}

void platform::impl::on_billing_settled(sim::push const& p, unsigned status, std::string_view body, bool accepted) {
    // No answer (refused, timeout): the outbox journaled the transport error and retries.
    if (status == 0) return;
    if (!accepted) {
        std::string why;
        if (status < 200 || status >= 300) {
            why = "HTTP " + std::to_string(status);
        } else {
            std::vector<deviation> devs;
            auto a = parse_billing_answer(body, p.meter_no, opts.conformance, opts.utc_offset, devs);
            why = a ? "not accepted" : a.error().message;
        }
        note(p.meter_no, "bad billing answer", why + " (report " + p.serial_no + ", retried with the same body)");
        return;
    }
    std::vector<deviation> devs;
    auto a = parse_billing_answer(body, p.meter_no, opts.conformance, opts.utc_offset, devs);
    if (!a) return;  // cannot happen: accepted means it parsed
    auto* m = meter(p.meter_no);
    if (m == nullptr || !is_thirdparty(*m)) {
        note(p.meter_no, "billing answer not applied", "the meter is no longer a third-party meter of the platform");
        return;
    }
    // Outside the outbox's bookkeeping: the meter may change, report, and enqueue again.
    apply_billing(p.meter_no, *a);
}

void platform::impl::apply_billing(std::string const& meter_no, billing_answer const& a) {
    auto* m = meter(meter_no);
    if (m == nullptr) return;
    meters::backend_terms terms;
    terms.prepaid = true;
    terms.surplus = a.remnant;
    terms.unit_price = a.unit_price;
    terms.account_date = a.remnant_time.value_or(sched.now());
    deliver(*m, sim::session_work{meters::commands::sync_balance{terms}, "billing answer", {}});
    // spec: xintian §3.6.2 ValveMode: 1 open, 2 close, 3 warning close.
    meters::commands::valve_control v;
    v.action = a.valve_mode == 1   ? meters::commands::valve_action::open
               : a.valve_mode == 2 ? meters::commands::valve_action::close
                                   : meters::commands::valve_action::warning_close;
    deliver(*m, sim::session_work{v, "billing answer ValveMode " + std::to_string(a.valve_mode), {}});
}

}  // namespace metersim::platforms::xintian

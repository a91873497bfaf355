// What the platform sends to the CIS: the third-party billing loop (spec: xintian §3.6). A
// report of a third-party meter is POSTed through the outbox, signed afresh before every
// attempt (§2); the CIS's answer (unit price, remaining money, valve mode) is applied to the
// meter once the outbox accepts it.

#include <string>
#include <utility>
#include <vector>

#include "platforms/xintian/platform_impl.hpp"
#include "sim/scheduler.hpp"

namespace metersim::platforms::xintian {

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
    set_token_headers(p.headers, signer.sign());
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

// The outbox's per-meter order (outbox_options::meter_order: a meter's pushes go one at a time,
// in the order made) and the push-side faults (issue 16: duplicate, reorder, delay, bad
// signature, truncated body), each journaled with what was done.

#include "sim/outbox_state.hpp"

namespace metersim::sim {

using outbox_detail::extra_bit;
using outbox_detail::is_content_type;
using outbox_detail::push_entry;

std::string outbox::state::lane_of(push const& p) {
    if (p.meter_no.empty()) return {};
    return p.platform + '\x1f' + p.meter_no;
}

void outbox::state::leave_lane(std::uint64_t id, push const& p) {
    auto l = lanes.find(lane_of(p));
    if (l == lanes.end()) return;
    std::erase(l->second, id);
    if (l->second.empty()) lanes.erase(l);
}

/// meter_order: a push goes once every earlier push of its meter is accepted (gone from the
/// lane) or was put out of order by a fault.
bool outbox::state::may_go(std::uint64_t id, push const& p) const {
    if (!options.meter_order) return true;
    auto l = lanes.find(lane_of(p));
    if (l == lanes.end()) return true;
    for (auto other : l->second) {
        if (other == id) return true;
        auto e = pending.find(other);
        if (e != pending.end() && !e->second.out_of_order) return false;
    }
    return true;
}

/// After a push of `lane` was accepted or put out of order: its pushes that are neither in
/// flight, nor waiting for a retry or a slot, nor held by a reorder fault are tried again
/// (attempt() sends those that may go now).
void outbox::state::release(std::string const& lane) {
    auto l = lanes.find(lane);
    if (l == lanes.end()) return;
    std::vector<std::uint64_t> const ids(l->second.begin(), l->second.end());
    for (auto id : ids) {
        auto it = pending.find(id);
        if (it == pending.end()) continue;
        auto const& e = it->second;
        if (e.in_flight || e.retry != 0 || e.waiting || e.reorder_hold) continue;
        attempt(it);
    }
}

/// A journal entry for what a push-side fault did (`what`), with the CIS's answer when given.
void outbox::state::note_fault(push const& p, std::string const& what, http::client_answer const* answer) {
    if (jr == nullptr) return;
    auto j = push_entry(p, sched.now());
    j.verdict = "fault";
    std::string error = what;
    if (answer != nullptr) {
        j.status = answer->status;
        j.response_body = answer->body;
        j.latency_us = answer->latency.count();
        if (!answer->error.empty()) error += "; " + std::string(answer->error);
    }
    j.error = error;
    try {
        jr->append(j);
    } catch (std::exception const& x) {
        report(std::string("journal append failed: ") + x.what());
    }
}

void outbox::state::send_copy(std::uint64_t token, std::shared_ptr<push const> copy) {
    http::request_view req;
    req.method = "POST";
    req.url = copy->url;
    req.headers = copy->headers;
    req.body = copy->body_view();
    for (auto const& [name, value] : copy->headers)
        if (is_content_type(name)) req.content_type = value;
    client.send(req, std::move(copy), weak_from_this(), token);
}

/// A push-side fault takes attempt `id` over (it is counted in flight): true when it did.
bool outbox::state::push_fault(std::uint64_t id, entry& e, fault_rule const& f) {
    auto const& p = *e.p;
    auto const serial = p.serial_no.empty() ? std::string() : " (serial " + p.serial_no + ")";
    auto const lane = lane_of(p);
    auto const head = "fault " + std::to_string(f.id) + ": " + std::string(to_string(f.kind)) + ": ";
    auto const note = [&](std::string const& what) { note_fault(p, head + what + serial); };
    auto weak = weak_from_this();
    switch (f.kind) {
        case fault_kind::duplicate: {
            auto const token = extra_bit | ++next_extra;
            std::shared_ptr<push const> copy = e.p;
            extras.emplace(token, std::pair{copy, head + "the second copy's answer (it judges nothing)" + serial});
            note("sent twice at once, the same body and headers");
            send(id, e);
            send_copy(token, std::move(copy));
            return true;
        }
        case fault_kind::bad_signature:
        case fault_kind::truncated: {
            auto copy = std::make_shared<push>(p);
            std::string what;
            if (f.kind == fault_kind::truncated) {
                auto const whole = p.body_view();
                copy->shared_body.reset();
                copy->body = std::string(whole.substr(0, whole.size() / 2));
                what = "body cut to " + std::to_string(copy->body.size()) + " of " + std::to_string(whole.size()) +
                       " bytes";
            } else {
                for (auto& [name, value] : copy->headers)
                    if (name == "API_TOKEN" || name == "AccessToken") {  // the signatures, not the ids
                        for (auto& ch : value) ch = ch == '0' ? '1' : '0';
                        what += (what.empty() ? "" : ", ") + name;
                    }
                what = what.empty() ? "no signature header to spoil: sent as is" : what + " spoiled";
            }
            note(what + "; a retry sends the push as made");
            // The copy goes under the push's own token: its answer judges this attempt.
            send_copy(id, std::move(copy));
            return true;
        }
        case fault_kind::reorder: {
            if (lane.empty()) {  // no meter: nothing to reorder against
                note("the push names no meter: sent as is");
                return false;
            }
            e.in_flight = false;
            --counters.in_flight;
            --counters.attempts;
            e.reorder_hold = e.out_of_order = true;
            note("held until the meter's next push is accepted");
            timer(max_fault_delay, [weak, id] {
                auto self = weak.lock();
                if (!self) return;
                auto it = self->pending.find(id);
                if (it == self->pending.end() || !it->second.reorder_hold) return;
                it->second.reorder_hold = it->second.out_of_order = false;
                self->attempt(it);
            });
            release(lane);
            return true;
        }
        case fault_kind::delay: {
            e.out_of_order = true;
            note("sent " + std::to_string(f.delay.count()) + " ms late, the meter's later pushes first");
            timer(f.delay, [weak, id] {
                if (auto self = weak.lock()) self->send(id);
            });
            if (!lane.empty()) release(lane);
            return true;
        }
        default: return false;
    }
}

}  // namespace metersim::sim

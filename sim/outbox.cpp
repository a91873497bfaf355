#include "sim/outbox_state.hpp"

namespace metersim::sim {

using outbox_detail::extra_bit;
using outbox_detail::is_content_type;
using outbox_detail::push_entry;

std::vector<push> memory_outbox_store::load_pending() {
    std::vector<push> out;
    out.reserve(pending_.size());
    for (auto const& [id, p] : pending_) out.push_back(*p);
    std::sort(out.begin(), out.end(), [](push const& a, push const& b) { return a.id < b.id; });
    return out;
}

meters::duration backoff_delay(backoff_policy const& policy, unsigned failures) noexcept {
    auto const base = std::max<std::int64_t>(policy.base.count(), 1);
    auto const cap = std::max<std::int64_t>(policy.cap.count(), base);
    std::int64_t wait = base;
    // Doubling stops at the cap, so this cannot overflow however many failures there were.
    for (unsigned i = 1; i < failures && wait < cap; ++i) wait = std::min(wait * 2, cap);
    return meters::duration{std::min(wait, cap)};
}

bool accept_2xx(unsigned status, std::string_view /*body*/) noexcept { return status >= 200 && status < 300; }

void outbox::state::report(std::string_view what) const noexcept {
    if (!error_hook) return;
    try {
        error_hook(what);
    } catch (...) {  // NOLINT(bugprone-empty-catch): the error hook must not take the loop down
    }
}

void outbox::state::observe(push const& p, http::client_answer const& answer, bool ok, unsigned retry) const noexcept {
    attempt_report r;
    r.platform = p.platform;
    r.kind = p.kind;
    r.request_body = p.body_view();
    r.status = answer.ok() ? answer.status : 0u;
    r.body = answer.ok() ? answer.body : std::string_view{};
    r.error = answer.error;
    r.latency = answer.latency;
    r.accepted = ok;
    r.retry = retry;
    try {
        observer(r);
    } catch (std::exception const& x) {
        report(std::string("attempt observer threw: ") + x.what());
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing escapes into the loop
    }
}

outbox::state::kind_hooks const* outbox::state::hooks_of(std::string const& kind) const {
    auto it = kinds.find(kind);
    return it == kinds.end() ? nullptr : &it->second;
}

void outbox::state::run_before_attempt(std::uint64_t id) {
    auto it = pending.find(id);
    if (it == pending.end()) return;
    auto const* h = hooks_of(it->second.p->kind);
    if (h == nullptr || !h->before_attempt) return;
    // The hook works on a copy (it cannot see our map, nor outlive a replacement of itself)
    // and only the headers come back: the body, and so the serial, never changes.
    auto const hook = h->before_attempt;
    push copy = *it->second.p;
    try {
        hook(copy);
    } catch (std::exception const& x) {
        report(std::string("before_attempt hook for '") + copy.kind + "' threw: " + x.what());
        return;
    }
    it = pending.find(id);  // the hook may have re-entered the outbox
    if (it != pending.end()) it->second.p->headers = std::move(copy.headers);
}

void outbox::state::attempt(std::uint64_t id) {
    if (auto it = pending.find(id); it != pending.end()) attempt(it);
}

void outbox::state::attempt(entry_map::iterator it) {
    auto const id = it->first;
    if (it->second.in_flight || it->second.reorder_hold) return;
    if (!may_go(id, *it->second.p)) {
        // meter_order: an earlier push of its meter is pending; release() tries this one again
        // once that one is accepted (whatever called: enqueue, a slot freed, its retry's timer).
        it->second.waiting = false;
        it->second.retry = 0;
        return;
    }
    if (counters.in_flight >= std::max<std::size_t>(options.max_in_flight, 1)) {
        if (!it->second.waiting) ready.push_back(id);
        it->second.waiting = true;
        return;
    }
    it->second.waiting = false;
    if (auto const* h = hooks_of(it->second.p->kind); h != nullptr && h->before_attempt) {
        run_before_attempt(id);
        it = pending.find(id);
        if (it == pending.end() || it->second.in_flight) return;
    }
    auto& e = it->second;
    e.retry = 0;
    e.in_flight = true;
    e.sent_at = sched.now();
    ++counters.attempts;
    ++counters.in_flight;
    if (divert(id)) return;
    send(id, e);
}

void outbox::state::send(std::uint64_t id) {
    if (auto it = pending.find(id); it != pending.end()) send(id, it->second);
}

/// Hands the push to the client as views into the entry's push, which the client keeps alive
/// until the answer: the same bytes, and so the same serial, on every attempt, and no copy.
void outbox::state::send(std::uint64_t id, entry const& e) {
    auto const& p = *e.p;
    http::request_view req;
    req.method = "POST";
    req.url = p.url;
    req.headers = p.headers;
    req.body = p.body_view();
    // The client writes Content-Type itself (skipping a header of that name): pass the push's.
    for (auto const& [name, value] : p.headers)
        if (is_content_type(name)) req.content_type = value;
    client.send(req, e.p, weak_from_this(), id);
}

/// A "cis" fault takes the attempt over: true when it did (the attempt is in flight either way).
bool outbox::state::divert(std::uint64_t id) {
    if (faults == nullptr || !timer || faults->none_for("cis")) return false;
    auto f = faults->take("cis", {}, sched.now());
    if (!f) return false;
    if (f->kind != fault_kind::slow && f->kind != fault_kind::unreachable) {
        auto it = pending.find(id);
        return it != pending.end() && push_fault(id, it->second, *f);
    }
    auto weak = weak_from_this();
    if (f->kind == fault_kind::slow) {
        timer(f->delay, [weak, id] {
            if (auto self = weak.lock()) self->send(id);
        });
        return true;
    }
    // Unreachable: fails like a refused connection, on a later turn (never inside enqueue).
    timer(std::chrono::milliseconds{0}, [weak, id] {
        http::client_answer answer;
        answer.error = "fault: CIS unreachable";
        if (auto self = weak.lock()) self->on_answer(id, answer);
    });
    return true;
}

void outbox::state::on_answer(std::uint64_t id, http::client_answer const& answer) {
    if ((id & extra_bit) != 0) {  // the second copy of a duplicated push: journaled, judged by nothing
        auto x = extras.find(id);
        if (x == extras.end()) return;
        auto [copy, what] = std::move(x->second);
        extras.erase(x);
        note_fault(*copy, what, &answer);
        notify_idle();
        return;
    }
    auto it = pending.find(id);
    if (it == pending.end() || !it->second.in_flight) return;
    auto& e = it->second;
    e.in_flight = false;
    e.out_of_order = e.reorder_hold;  // a delayed push is back in its meter's order
    --counters.in_flight;
    bool const ok = accepted(*e.p, answer);
    if (observer) observe(*e.p, answer, ok, e.failures);
    std::string lane;
    // Taken now: the settle callback runs once the bookkeeping is done, with the push held
    // here, so it may enqueue, touch meters or replace the hooks without pulling the map from
    // under us.
    settle_callback settled;
    if (auto const* h = hooks_of(e.p->kind)) settled = h->settled;
    std::shared_ptr<push> settled_push;
    if (settled) settled_push = e.p;
    if (ok) {
        record(e, answer, true, {});
        // Delivered: leave the store first, so a later resume() cannot send it again.
        try {
            store.mark_delivered(id);
        } catch (std::exception const& x) {
            report(std::string("outbox store failed to mark push delivered: ") + x.what());
        }
        lane = lane_of(*e.p);
        if (!lane.empty()) {
            // A reorder fault held an earlier push of this meter until this one was accepted.
            for (auto other : lanes[lane]) {
                if (other == id) break;
                if (auto o = pending.find(other); o != pending.end() && o->second.reorder_hold)
                    o->second.reorder_hold = o->second.out_of_order = false;
            }
            leave_lane(id, *e.p);
        }
        pending.erase(id);  // by key: a predicate that enqueued may have invalidated `it`
        ++counters.delivered;
    } else {
        ++counters.failures;
        ++e.failures;
        try {
            store.save_failures(id, e.failures);
        } catch (std::exception const& x) {
            report(std::string("outbox store failed to save a push's failures: ") + x.what());
        }
        auto const wait = schedule_retry(id, e);
        record(e, answer, false, "retry " + std::to_string(e.failures) + " in " + std::to_string(wait.count()) + " ms");
    }
    if (!lane.empty()) release(lane);
    pump();
    if (settled) run_settled(settled, *settled_push, answer, ok);
    notify_idle();
}

/// Starts the waiting attempts that the free slots allow, oldest first.
void outbox::state::pump() {
    while (!ready.empty() && counters.in_flight < std::max<std::size_t>(options.max_in_flight, 1)) {
        auto const id = ready.front();
        ready.pop_front();
        auto it = pending.find(id);
        if (it == pending.end() || !it->second.waiting) continue;  // sent or gone meanwhile
        attempt(it);
    }
}

void outbox::state::run_settled(settle_callback const& cb, push const& p, http::client_answer const& answer, bool ok) {
    try {
        cb(p, answer.ok() ? answer.status : 0u, answer.ok() ? answer.body : std::string_view{}, ok);
    } catch (std::exception const& x) {
        report(std::string("settle callback for '") + p.kind + "' threw: " + x.what());
    }
}

bool outbox::state::accepted(push const& p, http::client_answer const& answer) {
    if (!answer.ok()) return false;
    auto const* h = hooks_of(p.kind);
    if (h == nullptr || (!h->accept_push && !h->accept)) return accept_2xx(answer.status, answer.body);
    try {
        if (h->accept_push) return h->accept_push(p, answer.status, answer.body);
        return h->accept(answer.status, answer.body);
    } catch (std::exception const& x) {
        report(std::string("acceptance predicate for '") + p.kind + "' threw: " + x.what());
        return false;
    }
}

meters::duration outbox::state::schedule_retry(std::uint64_t id, entry& e) {
    auto const wait = backoff_delay(options.backoff, e.failures);
    e.retry_due = sched.now() + wait;
    e.retry = sched.at(e.retry_due, [weak = weak_from_this(), id] {
        if (auto self = weak.lock()) self->attempt(id);
    });
    return wait;
}

void outbox::state::record(entry const& e, http::client_answer const& answer, bool ok, std::string_view note) {
    if (jr == nullptr) return;
    auto j = push_entry(*e.p, e.sent_at);
    j.status = answer.status;
    j.response_body = answer.body;
    j.latency_us = answer.latency.count();
    j.verdict = ok ? "accepted" : (answer.ok() ? "not accepted" : "failed");
    std::string error;
    if (!note.empty()) {
        error = answer.error;
        if (!error.empty()) error += "; ";
        error += note;
        j.error = error;
    } else {
        j.error = answer.error;
    }
    try {
        jr->append(j);
    } catch (std::exception const& x) {
        report(std::string("journal append failed: ") + x.what());
    }
}

bool outbox::state::is_idle() const {
    if (counters.in_flight != 0 || !extras.empty()) return false;
    auto const now = sched.now();
    return std::none_of(pending.begin(), pending.end(),
                        [now](auto const& kv) { return kv.second.retry != 0 && kv.second.retry_due <= now; });
}

void outbox::state::notify_idle() {
    if (idle_waiters.empty() || !is_idle()) return;
    auto waiters = std::move(idle_waiters);
    idle_waiters.clear();
    for (auto& fn : waiters) {
        try {
            fn();
        } catch (std::exception const& x) {
            report(std::string("idle callback threw: ") + x.what());
        }
    }
}

outbox::outbox(http::client& client, scheduler& sched, outbox_store& store, journal* journal_or_null,
               outbox_options options)
    : state_(std::make_shared<state>(client, sched, store, journal_or_null, options)) {}

outbox::~outbox() {
    for (auto& [id, e] : state_->pending) {
        if (e.retry != 0) state_->sched.cancel(e.retry);
    }
}

meters::result<std::uint64_t, std::string> outbox::enqueue(push p) {
    auto& s = *state_;
    if (p.url != s.known_url) {
        if (auto u = http::parse_url(p.url); !u) {
            return meters::unexpected<std::string>{"push URL '" + p.url + "': " + u.error()};
        }
        s.known_url = p.url;
    }
    if (p.id == 0) p.id = s.next_id;
    if (s.pending.contains(p.id)) {
        return meters::unexpected<std::string>{"push id " + std::to_string(p.id) + " is already pending"};
    }
    auto const id = p.id;
    auto shared = std::make_shared<push>(std::move(p));
    // Durable before anything is sent.
    s.store.save_shared(shared);
    s.next_id = std::max(s.next_id, id + 1);
    auto lane = state::lane_of(*shared);
    auto [it, inserted] = s.pending.emplace(id, state::entry{std::move(shared)});
    if (!lane.empty()) s.lanes[lane].push_back(id);
    s.attempt(it);
    return id;
}

void outbox::set_acceptance(std::string kind, acceptance predicate) {
    auto& h = state_->kinds[std::move(kind)];
    h.accept = std::move(predicate);
    h.accept_push = nullptr;
}

void outbox::set_push_acceptance(std::string kind, push_acceptance predicate) {
    auto& h = state_->kinds[std::move(kind)];
    h.accept_push = std::move(predicate);
    h.accept = nullptr;
}

void outbox::set_before_attempt(std::string kind, attempt_hook hook) {
    state_->kinds[std::move(kind)].before_attempt = std::move(hook);
}

void outbox::on_settled(std::string kind, settle_callback callback) {
    state_->kinds[std::move(kind)].settled = std::move(callback);
}

void outbox::on_attempt(attempt_observer observer) { state_->observer = std::move(observer); }

std::size_t outbox::resume() {
    auto& s = *state_;
    std::size_t started = 0;
    for (auto& p : s.store.load_pending()) {
        if (s.pending.contains(p.id)) continue;
        auto const id = p.id;
        s.next_id = std::max(s.next_id, id + 1);
        auto lane = state::lane_of(p);
        auto const failures = p.failures;
        auto [it, inserted] = s.pending.emplace(id, state::entry{std::make_shared<push>(std::move(p))});
        it->second.failures = failures;
        if (!lane.empty()) s.lanes[lane].push_back(id);  // loaded in id order: the order made
        s.attempt(id);
        ++started;
    }
    return started;
}

outbox_counters outbox::counters() const noexcept {
    auto c = state_->counters;
    c.pending = state_->pending.size();
    return c;
}

bool outbox::is_idle() const { return state_->is_idle(); }

void outbox::when_idle(std::function<void()> fn) {
    if (!fn) return;
    if (state_->is_idle()) {
        fn();
        return;
    }
    state_->idle_waiters.push_back(std::move(fn));
}

void outbox::on_error(std::function<void(std::string_view)> hook) { state_->error_hook = std::move(hook); }

void outbox::set_faults(fault_registry* registry, wall_timer timer) {
    state_->faults = registry;
    state_->timer = std::move(timer);
}

}  // namespace metersim::sim

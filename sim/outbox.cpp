#include "sim/outbox.hpp"

#include "sim/faults.hpp"
#include "sim/http/client.hpp"
#include "sim/journal.hpp"

#include <algorithm>
#include <deque>
#include <exception>
#include <optional>
#include <unordered_map>

namespace metersim::sim {

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

namespace {
bool is_content_type(std::string_view name) noexcept {
    constexpr std::string_view wanted = "content-type";
    return std::equal(name.begin(), name.end(), wanted.begin(), wanted.end(), [](char a, char b) {
        return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
    });
}
}  // namespace

namespace {
/// The journal entry of a push going out at `at`, before its answer. Views: the journal copies
/// the text once into its ring (a shared body: it keeps the pointer, not a copy).
journal_view push_entry(push const& p, meters::instant at) {
    journal_view j;
    j.virtual_time = at;
    j.dir = direction::out;
    j.platform = p.platform;
    j.kind = p.kind;
    j.method = "POST";
    j.target = p.url;
    j.meter_no = p.meter_no;
    j.request_body = p.body_view();
    j.shared_request_body = &p.shared_body;
    return j;
}
}  // namespace

bool accept_2xx(unsigned status, std::string_view /*body*/) noexcept { return status >= 200 && status < 300; }

struct outbox::state final : http::answer_sink, std::enable_shared_from_this<state> {
    state(http::client& c, scheduler& s, outbox_store& st, journal* j, outbox_options o)
        : client(c), sched(s), store(st), jr(j), options(o) {}

    struct entry {
        /// The one copy of the push, shared with a memory store (see outbox_store::save_shared).
        std::shared_ptr<push> p;
        unsigned failures = 0;
        bool in_flight = false;
        bool waiting = false;  ///< in `ready`, waiting for an attempt slot
        scheduler::event_id retry = 0;  ///< 0: no retry scheduled
        meters::instant retry_due{};
        meters::instant sent_at{};
        bool out_of_order = false;  ///< a reorder or delay fault took it out of its meter's order
        bool reorder_hold = false;  ///< reorder: not sent until a later push of its meter is accepted
    };

    /// The hooks of one push kind.
    struct kind_hooks {
        acceptance accept;            ///< used when accept_push is empty
        push_acceptance accept_push;
        attempt_hook before_attempt;
        settle_callback settled;
    };

    using entry_map = std::unordered_map<std::uint64_t, entry>;

    void attempt(std::uint64_t id);
    void attempt(entry_map::iterator it);
    void pump();
    bool divert(std::uint64_t id);
    void send(std::uint64_t id);
    void send(std::uint64_t id, entry const& e);
    void run_before_attempt(std::uint64_t id);
    void run_settled(settle_callback const& cb, push const& p, http::client_answer const& answer, bool ok);
    kind_hooks const* hooks_of(std::string const& kind) const;
    void on_answer(std::uint64_t id, http::client_answer const& answer) override;
    bool accepted(push const& p, http::client_answer const& answer);
    meters::duration schedule_retry(std::uint64_t id, entry& e);
    void record(entry const& e, http::client_answer const& answer, bool ok, std::string_view note);
    bool is_idle() const;
    void notify_idle();
    void report(std::string_view what) const noexcept;
    // Per-meter order (meter_order) and the push-side faults (issue 16).
    static std::string lane_of(push const& p);
    void leave_lane(std::uint64_t id, push const& p);
    bool may_go(std::uint64_t id, push const& p) const;
    void release(std::string const& lane);
    bool push_fault(std::uint64_t id, entry& e, fault_rule const& f);
    void send_copy(std::uint64_t token, std::shared_ptr<push const> copy);
    void note_fault(push const& p, std::string const& what, http::client_answer const* answer = nullptr);
    // metersim load's view of every real attempt (a fault's extra copies are not attempts).
    void observe(push const& p, http::client_answer const& answer, bool ok, unsigned retry) const noexcept;

    http::client& client;
    scheduler& sched;
    outbox_store& store;
    journal* jr;
    outbox_options options;
    entry_map pending;
    std::string known_url;  ///< the last URL parse_url accepted (pushes of a kind share theirs)
    std::deque<std::uint64_t> ready;  ///< ids waiting for an attempt slot, oldest first
    std::unordered_map<std::string, kind_hooks> kinds;
    outbox_counters counters;
    std::uint64_t next_id = 1;
    std::vector<std::function<void()>> idle_waiters;
    std::function<void(std::string_view)> error_hook;
    attempt_observer observer;
    fault_registry* faults = nullptr;
    wall_timer timer;
    /// Per platform and meter, the ids of its pending pushes in the order made.
    std::unordered_map<std::string, std::deque<std::uint64_t>> lanes;
    /// Second copies (duplicate fault) in flight, by token (the top bit set), with what the
    /// journal says of their answer: journaled only, they judge nothing.
    std::unordered_map<std::uint64_t, std::pair<std::shared_ptr<push const>, std::string>> extras;
    std::uint64_t next_extra = 0;
};

constexpr std::uint64_t extra_bit = std::uint64_t{1} << 63;

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

// ---- per-meter order and the push-side faults (issue 16) -------------------------------------

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

#pragma once
/// sim::outbox: pushes to the CIS with at-least-once delivery (DESIGN.md "Pushes to the CIS").
///
/// A push is saved to the `outbox_store` before enqueue() returns, then sent through the pooled
/// http::client. The CIS's answer is judged by the acceptance predicate of the push's kind
/// (default: any 2xx). A push not accepted (error answer, transport error, timeout) is retried
/// after an exponential backoff (base, base*2, base*4, ... capped) scheduled on *virtual* time
/// through sim::scheduler, so a stepped scenario decides when retries happen. Every attempt is
/// journaled with the CIS's answer and latency.
///
/// Guarantees: a push leaves the store only once accepted, so a crash or an outage loses nothing
/// (at least once); once accepted it is never sent again; each push is in flight at most once at
/// a time; the body (and so the vendor's request serial in it) is the same on every attempt.
/// Order: with `meter_order` (serve's default, `outbox.meter_order`) the pushes of one meter (one
/// platform's pushes with the same meter_no) go out one at a time in the order they were made,
/// the next once the previous was accepted, as a real platform delivers them and a CIS expects
/// (a retry holds the meter's later pushes back); pushes of different meters go out in
/// parallel. Without it order between pushes is not guaranteed. Either way the reorder and
/// delay faults put a push out of order on purpose.
///
/// Per-kind hooks, all optional, all called on the io thread:
///   - acceptance (set_acceptance / set_push_acceptance): judges an answer; called while the
///     outbox settles the attempt, so it must only read (never enqueue, never touch meters);
///   - before_attempt (set_before_attempt): may rewrite the headers of the push just before
///     each attempt, the first one included (vendors that sign each request with a fresh
///     timestamp); the body, and so the serial, is the same on every attempt whatever it does;
///   - settle callback (on_settled): told the outcome of each attempt with the CIS's answer,
///     once the outbox's own bookkeeping is done; it may enqueue, touch meters, replace hooks.
///
/// Threading: one io_context thread (the one the client and the scheduler use). The store,
/// client, scheduler and journal must outlive the outbox. The outbox may be destroyed with
/// attempts in flight: their answers are then ignored and the pushes stay in the store.

#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "sim/scheduler.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace metersim::sim {

class journal;
class fault_registry;
namespace http {
class client;
}

/// One push to the CIS.
struct push {
    std::uint64_t id = 0;   ///< assigned by outbox::enqueue when 0
    std::string platform;   ///< "xianfeng", ... (journal and metrics)
    std::string kind;       ///< "<platform>.<kind>": cnmcsp.realtime|alarm, xianfeng.report|alarm|response, xintian.billing; picks the hooks
    std::string meter_no;
    std::string url;        ///< http://host:port/path
    std::vector<std::pair<std::string, std::string>> headers;  ///< a Content-Type here replaces the client's default
    std::string body;       ///< final bytes, the vendor's serial already inside (empty when shared_body is set)
    /// The body when it is shared with whoever else keeps those bytes (a platform keeps its last
    /// report): when set it IS the body and `body` is not read. Never changed once enqueued.
    std::shared_ptr<std::string const> shared_body;
    std::string serial_no;  ///< the vendor's request serial (stable across retries), for the journal
    /// Attempts the CIS did not accept so far (the backoff's count); a store that persists
    /// pushes keeps it (outbox_store::save_failures), resume() starts from it.
    unsigned failures = 0;

    /// The bytes sent: *shared_body when set, else body. Read the body through this.
    std::string_view body_view() const noexcept { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }
};

/// Where pending pushes live between enqueue and acceptance. The in-memory store below is the
/// default; a SQLite store backs it later so that a restart loses nothing.
class outbox_store {
public:
    virtual ~outbox_store() = default;
    /// Saves `p` as pending; durable when it returns.
    virtual void save_pending(push const& p) = 0;
    /// The same for the outbox's own copy of the push: a store that keeps pushes in memory keeps
    /// this pointer (one copy of each push in the process) instead of a copy; the default saves
    /// *p. The outbox changes nothing in it but its headers (before_attempt, before an attempt).
    virtual void save_shared(std::shared_ptr<push const> const& p) { save_pending(*p); }
    /// The CIS accepted push `id`: it is never loaded again.
    virtual void mark_delivered(std::uint64_t id) = 0;
    /// Every push saved and not marked delivered, in id order.
    virtual std::vector<push> load_pending() = 0;
    /// Push `id` has now failed `failures` attempts (a durable store keeps the count).
    virtual void save_failures(std::uint64_t /*id*/, unsigned /*failures*/) {}
};

/// Pending pushes in memory, shared with the outbox that saved them (no second copy): survives
/// the outbox (a new outbox over the same store resumes them), not the process.
class memory_outbox_store final : public outbox_store {
public:
    void save_pending(push const& p) override { pending_[p.id] = std::make_shared<push const>(p); }
    void save_shared(std::shared_ptr<push const> const& p) override { pending_[p->id] = p; }
    void mark_delivered(std::uint64_t id) override { pending_.erase(id); }
    std::vector<push> load_pending() override;
    std::size_t size() const noexcept { return pending_.size(); }

private:
    std::unordered_map<std::uint64_t, std::shared_ptr<push const>> pending_;
};

/// Exponential backoff: the n-th retry waits base * 2^(n-1), at most cap.
struct backoff_policy {
    meters::duration base{std::chrono::seconds{1}};
    meters::duration cap{std::chrono::minutes{5}};
};

/// The wait before retry number `failures` (1 for the first retry).
meters::duration backoff_delay(backoff_policy const& policy, unsigned failures) noexcept;

/// Runs `fn` on the io thread after `wait` of wall time; a zero wait runs it on a later turn of
/// the loop, never from inside the call. The outbox waits through it for CIS faults.
using wall_timer = std::function<void(std::chrono::milliseconds wait, std::function<void()> fn)>;

/// Decides whether the CIS accepted a push, from its HTTP status and body.
using acceptance = std::function<bool(unsigned status, std::string_view body)>;

/// The default predicate: any 2xx.
bool accept_2xx(unsigned status, std::string_view body) noexcept;

/// Decides whether the CIS accepted a given push (answers that only make sense for the push
/// they answer, e.g. a DataList entry for the push's meter). Must not change anything: it runs
/// while the outbox settles the attempt.
using push_acceptance = std::function<bool(push const& p, unsigned status, std::string_view body)>;

/// Called once per attempt of a push, just before it is sent, with the push as it will go out.
/// Changes to `p.headers` are sent and kept (the settle callback sees them); changes to any
/// other field are discarded, so the body, the URL and the serial never change between attempts.
using attempt_hook = std::function<void(push& p)>;

/// Called once per settled attempt, after the outbox's bookkeeping (journal entry, store, retry
/// schedule) and outside any iteration over its internals: it may enqueue pushes, touch meters,
/// or change the outbox's hooks. `p` is the push as sent (with the headers of that attempt;
/// the outbox's own copy, valid during the call); `status` is the HTTP status (0 when no answer came: refused, timeout, ...), `body`
/// the answer's body (empty when none), `accepted` the verdict: true means delivered, never sent
/// again; false means a retry is already scheduled. `body` is valid only during the call.
using settle_callback = std::function<void(push const& p, unsigned status, std::string_view body, bool accepted)>;

/// One settled attempt of any push, as an attempt observer sees it (views valid during the call).
struct attempt_report {
    std::string_view platform;
    std::string_view kind;
    std::string_view request_body;        ///< the push's body as sent
    unsigned status = 0;                  ///< 0 when no answer came
    std::string_view body;                ///< the answer's body; empty when none
    std::string_view error;               ///< the transport error ("" when an answer came)
    std::chrono::microseconds latency{0}; ///< the client's: from send to answer, its queueing included
    bool accepted = false;
    unsigned retry = 0;                   ///< 0 for a push's first attempt, n for its n-th retry
};

/// Told of every settled attempt, every kind (measurement only: it must not touch the outbox).
using attempt_observer = std::function<void(attempt_report const&)>;

struct outbox_options {
    backoff_policy backoff;
    /// Attempts in flight at once; past it an attempt waits in the outbox (in order) for an
    /// answer to free a slot. Keeps a burst (a clock step waking a whole fleet) in one copy
    /// in the outbox rather than a second one queued in the client. At least 1.
    std::size_t max_in_flight = 64;
    /// A meter's pushes one at a time, in order (see the file comment). Off here; serve turns
    /// it on (`outbox.meter_order`, default true).
    bool meter_order = false;
};

struct outbox_counters {
    std::size_t pending = 0;     ///< enqueued and not yet accepted
    std::size_t in_flight = 0;   ///< attempts awaiting an answer
    std::uint64_t delivered = 0;
    std::uint64_t attempts = 0;
    std::uint64_t failures = 0;  ///< attempts not accepted
};

class outbox {
public:
    outbox(http::client& client, scheduler& sched, outbox_store& store, journal* journal_or_null,
           outbox_options options = {});
    /// Cancels the scheduled retries; pending pushes stay in the store.
    ~outbox();

    outbox(outbox const&) = delete;
    outbox& operator=(outbox const&) = delete;

    /// Saves `p` (assigning an id when 0) and sends it at once (once a slot is free:
    /// see outbox_options::max_in_flight). Refuses a push whose URL cannot
    /// be parsed (nothing is saved). Exceptions from the store propagate (nothing was sent).
    meters::result<std::uint64_t, std::string> enqueue(push p);

    /// Sets the acceptance predicate of a push kind (replacing the default accept_2xx, and any
    /// push_acceptance of that kind). An empty predicate restores the default.
    void set_acceptance(std::string kind, acceptance predicate);

    /// The same with a predicate that also sees the push it judges (replacing any acceptance of
    /// that kind). An empty predicate restores the default.
    void set_push_acceptance(std::string kind, push_acceptance predicate);

    /// Sets the hook called before every attempt of a push of `kind` (see attempt_hook); an
    /// empty one removes it. An exception from the hook is reported through on_error and the
    /// attempt goes out with the headers the push had before the call.
    void set_before_attempt(std::string kind, attempt_hook hook);

    /// Sets the callback told of every settled attempt of a push of `kind` (see
    /// settle_callback); an empty one removes it. Pushes of a kind without one are settled as
    /// before. An exception from the callback is reported through on_error; the push's outcome
    /// stands. Transport errors settle too (status 0). Answers that come after the outbox was
    /// destroyed are not reported.
    void on_settled(std::string kind, settle_callback callback);

    /// Sets the one observer of every settled attempt (see attempt_observer); empty removes it.
    /// Called before the kind's settle callback; an exception is reported through on_error.
    void on_attempt(attempt_observer observer);

    /// After a restart: loads the store's pending pushes and sends them at once. Returns how many.
    std::size_t resume();

    outbox_counters counters() const noexcept;

    /// True when no attempt is in flight and no retry is due at or before scheduler.now(): in
    /// stepped mode nothing more happens until time is advanced.
    bool is_idle() const;

    /// Calls `fn` once (on the io thread) as soon as is_idle(); at once if idle now.
    void when_idle(std::function<void()> fn);

    /// Called with the what() of an exception from the store, a predicate or a completion.
    void on_error(std::function<void(std::string_view)> hook);

    /// Fault injection: before each attempt (retries included) the outbox takes a "cis" fault
    /// from `registry`. unreachable: the attempt fails at once as the transport error
    /// "fault: CIS unreachable" (journaled, retried with the usual backoff, nothing lost);
    /// slow: it is sent after the fault's delay (in flight meanwhile). The push-side faults
    /// (issue 16), each journaled (verdict "fault", what was done in `error`):
    ///   duplicate: the attempt is sent twice at once, the same bytes and serial; the push is
    ///     judged by the first answer, the second is journaled only;
    ///   reorder: the push is held until the same meter's next push has been accepted, then
    ///     sent (the CIS sees the newer first); held at most max_fault_delay of wall time;
    ///   delay: the push is sent after the fault's delay while the meter's later pushes go ahead;
    ///   bad_signature: this attempt goes out with its signature header (Xianfeng's API_TOKEN,
    ///     CNMCSP's and Xintian's AccessToken) spoiled; the push keeps its own, so a retry is
    ///     signed well;
    ///   truncated: this attempt's body is cut in half (the rest is never sent; Content-Length
    ///     says the cut length); a retry sends the whole body.
    /// Null registry or empty timer: no faults. The registry must outlive the outbox.
    void set_faults(fault_registry* registry, wall_timer timer);

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace metersim::sim

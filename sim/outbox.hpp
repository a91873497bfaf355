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
/// Order between pushes is not guaranteed.
///
/// Threading: one io_context thread (the one the client and the scheduler use). The store,
/// client, scheduler and journal must outlive the outbox. The outbox may be destroyed with
/// attempts in flight: their answers are then ignored and the pushes stay in the store.

#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "sim/scheduler.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metersim::sim {

class journal;
namespace http {
class client;
}

/// One push to the CIS.
struct push {
    std::uint64_t id = 0;   ///< assigned by outbox::enqueue when 0
    std::string platform;   ///< "xianfeng", ... (journal and metrics)
    std::string kind;       ///< "report", "alarm", "command_result", "billing_report": picks the predicate
    std::string meter_no;
    std::string url;        ///< http://host:port/path
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;       ///< final bytes, the vendor's serial already inside
    std::string serial_no;  ///< the vendor's request serial (stable across retries), for the journal
};

/// Where pending pushes live between enqueue and acceptance. The in-memory store below is the
/// default; a SQLite store backs it later so that a restart loses nothing.
class outbox_store {
public:
    virtual ~outbox_store() = default;
    /// Saves `p` as pending; durable when it returns.
    virtual void save_pending(push const& p) = 0;
    /// The CIS accepted push `id`: it is never loaded again.
    virtual void mark_delivered(std::uint64_t id) = 0;
    /// Every push saved and not marked delivered, in id order.
    virtual std::vector<push> load_pending() = 0;
};

class memory_outbox_store final : public outbox_store {
public:
    void save_pending(push const& p) override { pending_[p.id] = p; }
    void mark_delivered(std::uint64_t id) override { pending_.erase(id); }
    std::vector<push> load_pending() override;
    std::size_t size() const noexcept { return pending_.size(); }

private:
    std::map<std::uint64_t, push> pending_;
};

/// Exponential backoff: the n-th retry waits base * 2^(n-1), at most cap.
struct backoff_policy {
    meters::duration base{std::chrono::seconds{1}};
    meters::duration cap{std::chrono::minutes{5}};
};

/// The wait before retry number `failures` (1 for the first retry).
meters::duration backoff_delay(backoff_policy const& policy, unsigned failures) noexcept;

/// Decides whether the CIS accepted a push, from its HTTP status and body.
using acceptance = std::function<bool(unsigned status, std::string_view body)>;

/// The default predicate: any 2xx.
bool accept_2xx(unsigned status, std::string_view body) noexcept;

struct outbox_options {
    backoff_policy backoff;
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

    /// Saves `p` (assigning an id when 0) and sends it at once. Refuses a push whose URL cannot
    /// be parsed (nothing is saved). Exceptions from the store propagate (nothing was sent).
    meters::result<std::uint64_t, std::string> enqueue(push p);

    /// Sets the acceptance predicate of a push kind (replacing the default accept_2xx).
    void set_acceptance(std::string kind, acceptance predicate);

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

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace metersim::sim

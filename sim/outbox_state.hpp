#pragma once
/// The inside of sim::outbox, shared by its two .cpp files (outbox.cpp: queue, attempts, answers,
/// retries; outbox_order.cpp: per-meter order and the push-side faults). Not for use elsewhere.

#include "sim/outbox.hpp"

#include "sim/faults.hpp"
#include "sim/http/client.hpp"
#include "sim/journal.hpp"
#include "sim/text.hpp"

#include <algorithm>
#include <deque>
#include <exception>
#include <optional>
#include <unordered_map>

namespace metersim::sim::outbox_detail {

inline bool is_content_type(std::string_view name) noexcept { return iequals(name, "content-type"); }

/// The journal entry of a push going out at `at`, before its answer. Views: the journal copies
/// the text once into its ring (a shared body: it keeps the pointer, not a copy).
inline journal_view push_entry(push const& p, meters::instant at) {
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

/// Ids of the second copies of duplicated pushes (the push-side fault): never a pending id.
constexpr std::uint64_t extra_bit = std::uint64_t{1} << 63;

}  // namespace metersim::sim::outbox_detail

namespace metersim::sim {

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

}  // namespace metersim::sim

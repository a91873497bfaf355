#pragma once
/// sim::scheduler: the one event queue of the whole fleet (DESIGN.md "Time", STYLE.md §5).
///
/// Meter wake-ups, freezes, price activations, command expiries and push retries are events: a
/// callback due at a virtual instant. Events run in (due, seq) order, seq a counter that grows
/// with every `at`, so events due at the same instant run in the order they were scheduled
/// (ns-3's EventKey). Cancelling marks the event (lazy deletion); it never runs.
///
/// Two ways to drive it:
/// - stepped (scenarios, tests, benchmarks): `run_until(t)` / `advance(d)` run every event due
///   up to t as fast as the CPU allows, moving the stepped clock with them;
/// - realtime/accelerated: `attach(io)` arms ONE steady_timer for the head of the queue, converting
///   its virtual due time to wall time through the clock's current rate; it is re-armed when an
///   earlier event is scheduled and when the clock's mode or speed changes.
///
/// now() never goes backwards. While an event runs, now() is its due instant, or the latest
/// instant already observed if that is later (an event scheduled in the past runs as soon as
/// possible, "late", at the current time). Events scheduled while a step runs, due within the
/// step, run in the same step.
///
/// Callbacks must not throw; if one does, the exception is caught, reported to the error hook
/// (stderr by default) and the next event runs: nothing escapes into io_context::run().
/// Not thread-safe: use from the thread that runs the attached io_context.
///
/// Cost: 16-byte keys in time buckets (a calendar queue: insertion is a push_back; the current
/// ~17 minutes are sorted once, in linear time, and popped from a sorted array); the callbacks sit
/// in a vector of one-cache-line slots reused through a free list, so a std::function whose
/// capture fits its small buffer (two pointers) schedules without allocating once the vectors
/// have grown. Dispatch prefetches the slots, and what their events touch, a few events ahead.
/// Limits: 2^24 (16.7 M) events pending at once, and 2^40 (1.1e12) events scheduled over the
/// scheduler's life.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "meters/instant.hpp"
#include "sim/clock.hpp"

namespace boost::asio {
class io_context;
}

namespace metersim::sim {

/// The memory an event's callback will work on (say, the meter it wakes). Dispatch
/// prefetches it a few events ahead: a fleet's wakes touch meters at random addresses, and
/// waiting for each one's cache misses in turn cost more than the work. Only a hint: any
/// address is harmless, stale or not.
struct touch_hint {
    void const* address = nullptr;
    std::uint32_t bytes = 0;
    /// Called with `address` one event ahead, once its bytes are loaded: prefetches what they
    /// point to (a meter's frozen-record block). Null: nothing beyond the bytes.
    void (*deeper)(void const* address) noexcept = nullptr;
};

class scheduler {
public:
    /// Identifies a scheduled event for cancel(). Never 0 (0 can mean "no event").
    using event_id = std::uint64_t;
    /// Most events that can be pending at once.
    static constexpr std::size_t max_pending = std::size_t{1} << 24;

    /// The scheduler reads (and in stepped mode moves) `clk`, which must outlive it.
    explicit scheduler(sim::clock& clk);
    ~scheduler();
    scheduler(scheduler const&) = delete;
    scheduler& operator=(scheduler const&) = delete;

    /// Schedules `fn` at `due`. A `due` before now() runs as soon as possible with now() unchanged.
    /// Throws std::length_error when max_pending events are already pending.
    event_id at(meters::instant due, std::function<void()> fn, touch_hint touch = {});
    /// at(now() + d, fn).
    event_id after(meters::duration d, std::function<void()> fn);
    /// Cancels a pending event: true if it was pending (it will not run), false if it already
    /// ran, is running, was cancelled, or never existed.
    bool cancel(event_id id);

    /// The current virtual time (see the class comment).
    meters::instant now() const;

    /// Runs, in (due, seq) order, every event due at or before `target`, including those that
    /// events schedule on the way; each sees now() == its due instant. Afterwards now() == target
    /// in stepped mode (the clock is moved there). A target before now() runs the events due by
    /// the target and leaves now() where it is. In realtime/accelerated mode time is the wall's:
    /// this runs what is due by min(target, clock now) and moves nothing. Called from inside an
    /// event it does nothing (the running step owns the queue). Returns the number of events run.
    std::size_t run_until(meters::instant target);

    /// What a bounded step did: events run, and whether it ran everything due by its target.
    struct step_result {
        std::size_t ran = 0;
        bool reached = false;
    };
    /// run_until(target) in slices: runs at most `max_events` of the events due by `target`, in
    /// the same order. When that was all of them it ends like run_until (stepped: now() ==
    /// target) and says `reached`; otherwise time stays at the last event run (nothing later
    /// has happened yet) and a next call goes on. Lets a long advance yield to the event loop
    /// between slices. Called from inside an event: {0, false}.
    step_result run_until(meters::instant target, std::size_t max_events);
    /// run_until(now() + d).
    std::size_t advance(meters::duration d);

    /// Events scheduled and neither run nor cancelled.
    std::size_t pending() const noexcept { return live_; }
    /// The due instant of the earliest pending event.
    std::optional<meters::instant> next_due();

    /// How far the events run lag behind the clock (issue 13): the clock's now() minus the due
    /// instant of the earliest event due and not yet run, in virtual time; zero when none is
    /// due (always in stepped mode, where time waits for the events). Divided by the clock's
    /// rate it is the wall time the simulation is behind.
    meters::duration lag();
    /// The largest lag found when the timer fired (realtime/accelerated), in virtual time.
    meters::duration max_lag() const noexcept { return meters::duration{max_lag_ms_}; }

    /// Realtime/accelerated: runs the due events from `io` (one timer for the queue head). In
    /// stepped mode with io attached, events already due run on the next loop turn. Re-arms when
    /// the clock changes mode or speed (it registers as the clock's change listener).
    /// The io_context may be destroyed first (issue #18): its timer goes with it, the scheduler
    /// never touches it again and goes on in stepped use (run_until) until attached anew.
    void attach(boost::asio::io_context& io);
    /// Stops using the io_context (the pending timer wait is cancelled). Also done by ~scheduler.
    void detach();

    sim::clock& clock() noexcept { return clock_; }

    /// Receives the what() of an exception thrown by an event callback.
    void on_event_error(std::function<void(std::string_view)> hook) { error_hook_ = std::move(hook); }

private:
    /// 16 bytes, ordered by (due_ms, order); order = seq << 24 | slot, so comparing it compares
    /// seq (unique) and the slot index rides along. The event_id is `order` itself.
    struct key {
        std::int64_t due_ms;
        std::uint64_t order;
    };
    /// One cache line: dispatch reads `order` and `touch` of events ahead, a line each.
    struct alignas(64) slot {
        std::function<void()> fn;
        std::uint64_t order = 0;  ///< the key's order while pending; 0: free (or cancelled)
        sim::touch_hint touch;
    };

    /// The keys, bucketed by time (defined in scheduler.cpp): `near` is the current bucket,
    /// sorted latest first, `late` a small heap of keys pushed into it (or earlier) since it was
    /// sorted, a ring of unsorted buckets covers the next ~50 days, and a heap holds what lies
    /// beyond. Popping in order walks a sorted array.
    struct queue {
        std::vector<key> near;
        std::vector<key> late;
        std::vector<std::vector<key>> ring;
        std::vector<std::uint64_t> ring_bits;  ///< a set bit: that ring bucket may hold keys
        std::vector<key> far;
        std::vector<key> scratch;  ///< the radix sort's second buffer
        std::int64_t current = 0;  ///< the bucket of `near`; ring holds (current, current + ring size)
        std::size_t in_ring = 0;
        std::size_t size = 0;
        bool head_is_late = false;  ///< where peek() found the head

        queue();
        void push(key k);
        /// The earliest key, or null if there is none due by `limit_ms` in a bucket it would
        /// have to move to (so a step never moves the buckets past its target).
        key const* peek(std::int64_t limit_ms = std::numeric_limits<std::int64_t>::max());
        void pop();  ///< removes what peek() returned
        /// The n-th next key of the sorted current bucket (0: its head), null past its end; the
        /// keys in `late` are not counted (a look-ahead for prefetching, not an order).
        key const* ahead(std::size_t n) const noexcept;
        template <class Stale>
        void erase_if(Stale stale);

    private:
        void place(key k);
        bool advance(std::int64_t limit_ms);
    };
    struct timer_state;

    bool is_stale(key const& k) const noexcept;
    void drop_stale_head();
    void compact();
    /// Runs events due by limit_ms, at most max_events; true when none due by limit_ms is left.
    bool dispatch(std::int64_t limit_ms, std::size_t max_events, std::size_t& ran);
    void run_one(key const& k);
    void prefetch_ahead() const noexcept;
    void rearm();
    void on_timer(std::int64_t armed_due_ms);

    sim::clock& clock_;
    queue queue_;
    std::vector<slot> slots_;
    std::vector<std::uint32_t> free_;
    std::uint64_t next_seq_ = 1;
    std::size_t live_ = 0;
    std::size_t stale_ = 0;                 ///< keys in queue_ whose event was cancelled
    std::int64_t max_lag_ms_ = 0;           ///< max_lag()
    mutable std::int64_t watermark_ms_;     ///< latest instant now() returned or an event ran at
    bool dispatching_ = false;
    std::shared_ptr<timer_state> timer_;
    std::function<void(std::string_view)> error_hook_;
};

}  // namespace metersim::sim

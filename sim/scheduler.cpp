#include "sim/scheduler.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdio>
#include <exception>
#include <limits>
#include <stdexcept>
#include <utility>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace metersim::sim {

namespace net = boost::asio;

namespace {

constexpr unsigned slot_bits = 24;
constexpr std::uint64_t slot_mask = (std::uint64_t{1} << slot_bits) - 1;

static_assert(scheduler::max_pending == (std::uint64_t{1} << slot_bits));

constexpr std::uint32_t slot_of(std::uint64_t order) noexcept { return static_cast<std::uint32_t>(order & slot_mask); }

void report_to_stderr(std::string_view what) {
    std::fprintf(stderr, "metersim: scheduler: an event threw: %.*s\n", static_cast<int>(what.size()),
                 what.data());
}

}  // namespace

namespace {

class io_watch;

/// A timer that goes when its io_context goes (issue #18: an io_context destroyed before the
/// scheduler attached to it left ~scheduler cancelling a timer of a dead io_context, ASan).
struct io_bound_timer {
    std::optional<net::steady_timer> timer;  ///< empty once the io_context shut down
    io_watch* watch = nullptr;               ///< null once the io_context shut down
};

/// A service of the io_context: its shutdown() runs when the io_context is destroyed, before the
/// timer service (registered earlier) shuts down, and destroys the timers it watches while
/// their service still exists. Their pending waits are then dropped with the loop's queue.
class io_watch final : public net::execution_context::service {
public:
    using key_type = io_watch;
    static inline net::execution_context::id id;  // NOLINT: Asio's service key
    explicit io_watch(net::execution_context& ctx) : service(ctx) {}
    void add(io_bound_timer* t) { watched_.push_back(t); }
    void remove(io_bound_timer* t) { std::erase(watched_, t); }

private:
    void shutdown() override {
        for (auto* t : watched_) {
            t->timer.reset();
            t->watch = nullptr;
        }
        watched_.clear();
    }
    std::vector<io_bound_timer*> watched_;
};

}  // namespace

struct scheduler::timer_state : io_bound_timer {
    explicit timer_state(net::io_context& io) {
        timer.emplace(io);  // first: the timer service is registered before io_watch
        watch = &net::use_service<io_watch>(io);
        watch->add(this);
    }
    ~timer_state() {
        if (watch != nullptr) watch->remove(this);
    }
    timer_state(timer_state const&) = delete;
    timer_state& operator=(timer_state const&) = delete;
    scheduler* owner = nullptr;                ///< null once detached: late handlers do nothing
    std::optional<std::int64_t> armed_due_ms;  ///< the virtual due the pending wait is for
};


meters::duration scheduler::lag() {
    if (clock_.mode() == clock_mode::stepped) return meters::duration{0};
    auto const head = next_due();
    auto const now_ms = meters::to_ms(clock_.now());
    if (!head || meters::to_ms(*head) >= now_ms) return meters::duration{0};
    return meters::duration{now_ms - meters::to_ms(*head)};
}

// ---------------------------------------------------------------------------------------------
// The queue.

// The queue: a calendar queue. Keys fall into buckets of 2^20 ms (~17.5 min) by due time. The
// current bucket sits in `near`, sorted once when it becomes current (latest first, so popping
// is a pop_back); keys pushed into the current bucket or earlier after that go to `late`, a
// small binary heap, and peek takes the earlier of the two heads. The next 4096 buckets (~50
// days) are unsorted vectors in a ring, filled by push_back; later keys wait in the `far` heap.
// Each key is thus sorted once, sequentially, and popping walks a sorted array (a fleet's daily
// reports crowd into two buckets of ~50,000 keys each: popping a heap that size spent most of
// its time in cache misses), which also lets dispatch look ahead and prefetch.

namespace {

constexpr unsigned bucket_bits = 20;
constexpr std::size_t ring_size = 4096;
constexpr std::size_t ring_mask = ring_size - 1;
static_assert((ring_size & ring_mask) == 0 && ring_size % 64 == 0);

constexpr std::int64_t bucket_of(std::int64_t due_ms) noexcept { return due_ms >> bucket_bits; }
constexpr std::size_t ring_index(std::int64_t bucket) noexcept { return static_cast<std::size_t>(bucket) & ring_mask; }

template <class Key>
inline bool earlier(Key const& a, Key const& b) noexcept {
    return a.due_ms != b.due_ms ? a.due_ms < b.due_ms : a.order < b.order;
}

/// std heap functions build max-heaps; ordering by "later" puts the earliest key in front.
struct later {
    template <class Key>
    bool operator()(Key const& a, Key const& b) const noexcept { return earlier(b, a); }
};

/// Sorts the keys of one bucket latest first, as std::sort with `later` would. Their due
/// instants differ only in the low bucket_bits, so two stable counting passes of half of them
/// each (on the complement: latest first) order them by due; keys due at the same instant then
/// go by order, largest first. Such runs are short and arrive mostly in seq order (keys are
/// appended as they are scheduled), so each is reversed and finished by insertion, or sorted
/// when long. Linear where the comparison sort cost a fleet's wakes several percent.
constexpr unsigned digit_bits = bucket_bits / 2;
constexpr std::uint64_t radix = std::uint64_t{1} << digit_bits;
static_assert(digit_bits * 2 == bucket_bits);

template <class Key>
void sort_latest_first(std::vector<Key>& keys, std::vector<Key>& scratch) {
    std::size_t const n = keys.size();
    if (n < 512) {
        std::sort(keys.begin(), keys.end(), later{});
        return;
    }
    scratch.resize(n);
    auto pass = [&](std::vector<Key> const& from, std::vector<Key>& to, unsigned shift) {
        std::array<std::uint32_t, radix> start{};
        auto digit = [shift](Key const& k) -> std::size_t {
            return static_cast<std::size_t>((~static_cast<std::uint64_t>(k.due_ms) >> shift) & (radix - 1));
        };
        for (auto const& k : from) ++start[digit(k)];
        std::uint32_t sum = 0;
        for (auto& c : start) sum += std::exchange(c, sum);
        for (auto const& k : from) to[start[digit(k)]++] = k;
    };
    pass(keys, scratch, 0);
    pass(scratch, keys, digit_bits);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i + 1;
        while (j < n && keys[j].due_ms == keys[i].due_ms) ++j;
        if (j - i > 1) {
            auto const first = keys.begin() + static_cast<std::ptrdiff_t>(i);
            auto const last = keys.begin() + static_cast<std::ptrdiff_t>(j);
            std::reverse(first, last);
            if (j - i > 32) {
                std::sort(first, last, later{});
            } else {
                for (auto it = first + 1; it != last; ++it)
                    for (auto k = it; k != first && later{}(*k, *(k - 1)); --k) std::iter_swap(k, k - 1);
            }
        }
        i = j;
    }
}

}  // namespace

scheduler::queue::queue() : ring(ring_size), ring_bits(ring_size / 64) {}

void scheduler::queue::push(key k) {
    ++size;
    place(k);
}

void scheduler::queue::place(key k) {
    auto const b = bucket_of(k.due_ms);
    if (b <= current) {
        late.push_back(k);
        std::push_heap(late.begin(), late.end(), later{});
    } else if (static_cast<std::uint64_t>(b - current) < ring_size) {
        auto const i = ring_index(b);
        ring[i].push_back(k);
        ring_bits[i / 64] |= std::uint64_t{1} << (i % 64);
        ++in_ring;
    } else {
        far.push_back(k);
        std::push_heap(far.begin(), far.end(), later{});
    }
}

bool scheduler::queue::advance(std::int64_t limit_ms) {
    // `near` and `late` are empty: the next bucket is the first non-empty one in the ring, else far's first.
    std::optional<std::int64_t> next;
    if (in_ring > 0) {
        for (std::size_t step = 1; step < ring_size;) {
            auto const i = ring_index(current + static_cast<std::int64_t>(step));
            auto const bits = ring_bits[i / 64] >> (i % 64);
            if (bits == 0) {
                step += 64 - i % 64;
                continue;
            }
            step += static_cast<std::size_t>(std::countr_zero(bits));
            if (step >= ring_size) break;
            auto const j = ring_index(current + static_cast<std::int64_t>(step));
            if (ring[j].empty()) {  // a bit left by erase_if
                ring_bits[j / 64] &= ~(std::uint64_t{1} << (j % 64));
                ++step;
                continue;
            }
            next = current + static_cast<std::int64_t>(step);
            break;
        }
    }
    if (!next && far.empty()) return false;
    auto const target = next ? *next : bucket_of(far.front().due_ms);
    // Do not move past a step's target: keys scheduled meanwhile would land in `near` in bulk.
    if (target > bucket_of(limit_ms)) return false;

    current = target;
    if (next) {
        auto const i = ring_index(target);
        near.swap(ring[i]);
        // ring[i] now holds the old, empty `near`. Keep a small capacity for the bucket's next
        // turn, but never a large one: thousands of buckets each keeping the largest batch they
        // ever saw grew memory by ~20 bytes per meter per simulated day.
        if (ring[i].capacity() > 256) std::vector<key>().swap(ring[i]);
        in_ring -= near.size();
        ring_bits[i / 64] &= ~(std::uint64_t{1} << (i % 64));
        sort_latest_first(near, scratch);
    }
    // Far keys now within the ring's reach move in (those of the new current bucket into late).
    while (!far.empty() && static_cast<std::uint64_t>(bucket_of(far.front().due_ms) - current) < ring_size) {
        std::pop_heap(far.begin(), far.end(), later{});
        auto const k = far.back();
        far.pop_back();
        place(k);
    }
    return !near.empty() || !late.empty();
}

scheduler::key const* scheduler::queue::peek(std::int64_t limit_ms) {
    if (near.empty() && late.empty() && !advance(limit_ms)) return nullptr;
    head_is_late = near.empty() || (!late.empty() && earlier(late.front(), near.back()));
    return head_is_late ? &late.front() : &near.back();
}

void scheduler::queue::pop() {
    if (head_is_late) {
        std::pop_heap(late.begin(), late.end(), later{});
        late.pop_back();
    } else {
        near.pop_back();
    }
    --size;
}

scheduler::key const* scheduler::queue::ahead(std::size_t n) const noexcept {
    return n < near.size() ? &near[near.size() - 1 - n] : nullptr;
}

template <class Stale>
void scheduler::queue::erase_if(Stale stale) {
    size -= std::erase_if(near, stale);  // keeps near sorted
    size -= std::erase_if(late, stale);
    std::make_heap(late.begin(), late.end(), later{});
    for (auto& bucket : ring) {
        auto const n = std::erase_if(bucket, stale);
        size -= n;
        in_ring -= n;
    }
    size -= std::erase_if(far, stale);
    std::make_heap(far.begin(), far.end(), later{});
}

scheduler::scheduler(sim::clock& clk)
    : clock_(clk), watermark_ms_(meters::to_ms(clk.now())), error_hook_(report_to_stderr) {
    queue_.current = bucket_of(watermark_ms_);
}

scheduler::~scheduler() { detach(); }

bool scheduler::is_stale(key const& k) const noexcept { return slots_[slot_of(k.order)].order != k.order; }

void scheduler::drop_stale_head() {
    while (auto const* k = queue_.peek()) {
        if (!is_stale(*k)) return;
        queue_.pop();
        --stale_;
    }
}

void scheduler::compact() {
    // Lazy deletion leaves cancelled keys queued; drop them once they outnumber live ones.
    queue_.erase_if([this](key const& k) { return is_stale(k); });
    stale_ = 0;
}

scheduler::event_id scheduler::at(meters::instant due, std::function<void()> fn, touch_hint touch) {
    std::uint32_t index;
    if (!free_.empty()) {
        index = free_.back();
        free_.pop_back();
        if (!free_.empty()) __builtin_prefetch(&slots_[free_.back()], 1);  // the next at()'s slot
    } else {
        if (slots_.size() >= max_pending) throw std::length_error("metersim: scheduler: too many pending events");
        index = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    auto const order = (next_seq_++ << slot_bits) | index;
    slots_[index].fn = std::move(fn);
    slots_[index].order = order;
    slots_[index].touch = touch;
    ++live_;
    auto const due_ms = meters::to_ms(due);
    queue_.push(key{due_ms, order});

    // An earlier head needs the timer earlier; while dispatching, the loop re-arms at its end.
    if (timer_ && timer_->timer && !dispatching_ && (!timer_->armed_due_ms || due_ms < *timer_->armed_due_ms)) rearm();
    return order;
}

scheduler::event_id scheduler::after(meters::duration d, std::function<void()> fn) {
    return at(now() + d, std::move(fn));
}

bool scheduler::cancel(event_id id) {
    auto const index = slot_of(id);
    if (id == 0 || index >= slots_.size()) return false;
    auto& s = slots_[index];
    if (s.order != id) return false;  // ran, cancelled, or the slot holds a later event

    // Mark: the key stays in the heap and is skipped when it surfaces. The slot is free at once
    // (a reuse gets a new seq, so the old key cannot match it) and the capture is released now.
    s.fn = nullptr;
    s.order = 0;
    s.touch = {};
    free_.push_back(index);
    --live_;
    ++stale_;
    if (stale_ > 1024 && stale_ > live_) compact();
    return true;
}

meters::instant scheduler::now() const {
    if (!dispatching_) watermark_ms_ = std::max(watermark_ms_, meters::to_ms(clock_.now()));
    return meters::instant_from_ms(watermark_ms_);
}

std::optional<meters::instant> scheduler::next_due() {
    drop_stale_head();
    auto const* head = queue_.peek();
    if (head == nullptr) return std::nullopt;
    return meters::instant_from_ms(head->due_ms);
}

// ---------------------------------------------------------------------------------------------
// Running events.

void scheduler::run_one(key const& k) {
    // Move the callback out first: it may schedule events, which may grow slots_.
    auto const index = slot_of(k.order);
    auto& s = slots_[index];
    std::function<void()> fn = std::move(s.fn);
    s.fn = nullptr;
    s.order = 0;
    free_.push_back(index);
    --live_;

    // Never backwards: a late event runs at the time already reached.
    watermark_ms_ = std::max(watermark_ms_, k.due_ms);
    clock_.step_to(meters::instant_from_ms(watermark_ms_));

    try {
        fn();
    } catch (std::exception const& e) {
        if (error_hook_) error_hook_(e.what());
    } catch (...) {
        if (error_hook_) error_hook_("unknown exception");
    }
}

void scheduler::prefetch_ahead() const noexcept {
    // Slots, and what their events touch, lie in no time order: load them while earlier events
    // run. A slot a few events ahead first, then (its slot now loaded) what a nearer one touches.
    // Last, one event ahead (what it touches loaded by now), what those bytes point to.
    constexpr std::size_t slot_distance = 8;
    constexpr std::size_t touch_distance = 3;
    constexpr std::size_t deeper_distance = 1;
    if (auto const* k = queue_.ahead(slot_distance)) __builtin_prefetch(&slots_[slot_of(k->order)]);
    if (auto const* k = queue_.ahead(touch_distance)) {
        auto const& t = slots_[slot_of(k->order)].touch;
        auto const first = reinterpret_cast<std::uintptr_t>(t.address) & ~std::uintptr_t{63};
        auto const end = reinterpret_cast<std::uintptr_t>(t.address) + t.bytes;
        for (auto line = first; line < end; line += 64) __builtin_prefetch(reinterpret_cast<void const*>(line));
    }
    if (auto const* k = queue_.ahead(deeper_distance)) {
        auto const& t = slots_[slot_of(k->order)].touch;
        if (t.deeper != nullptr && t.address != nullptr) t.deeper(t.address);
    }
}

bool scheduler::dispatch(std::int64_t limit_ms, std::size_t max_events, std::size_t& ran) {
    ran = 0;
    bool done = true;
    dispatching_ = true;
    while (auto const* head = queue_.peek(limit_ms)) {
        if (head->due_ms > limit_ms) break;
        key const k = *head;
        if (ran == max_events && !is_stale(k)) {
            done = false;  // a live event is still due: the budget ends the slice here
            break;
        }
        queue_.pop();
        prefetch_ahead();
        if (is_stale(k)) {  // cancelled
            --stale_;
            continue;
        }
        run_one(k);
        ++ran;
    }
    dispatching_ = false;
    return done;
}

std::size_t scheduler::run_until(meters::instant target) {
    return run_until(target, std::numeric_limits<std::size_t>::max()).ran;
}

scheduler::step_result scheduler::run_until(meters::instant target, std::size_t max_events) {
    if (dispatching_) return {};  // called from inside an event: the outer loop owns the step
    auto limit = meters::to_ms(target);
    bool const stepped = clock_.mode() == clock_mode::stepped;
    if (!stepped) limit = std::min(limit, meters::to_ms(clock_.now()));
    step_result r;
    r.reached = dispatch(limit, max_events, r.ran);
    if (stepped && r.reached) {
        clock_.step_to(target);
        watermark_ms_ = std::max(watermark_ms_, meters::to_ms(target));
    }
    if (timer_) rearm();
    return r;
}

std::size_t scheduler::advance(meters::duration d) {
    return run_until(now() + std::max(d, meters::duration::zero()));
}

// ---------------------------------------------------------------------------------------------
// Realtime / accelerated: one timer for the head of the queue.

void scheduler::attach(net::io_context& io) {
    detach();
    timer_ = std::make_shared<timer_state>(io);
    timer_->owner = this;
    clock_.on_change([this] {
        // The rate changed: the armed wall deadline is wrong now.
        if (timer_) {
            timer_->armed_due_ms.reset();
            rearm();
        }
    });
    rearm();
}

void scheduler::detach() {
    if (!timer_) return;
    clock_.on_change({});
    timer_->owner = nullptr;
    if (timer_->timer) timer_->timer->cancel();  // none once the io_context is gone
    timer_.reset();
}

void scheduler::rearm() {
    if (!timer_ || !timer_->timer) return;  // the io_context is gone: stepped use only
    drop_stale_head();
    auto& st = *timer_;
    auto& timer = *st.timer;
    auto const* head = queue_.peek();
    if (head == nullptr) {
        if (st.armed_due_ms) timer.cancel();
        st.armed_due_ms.reset();
        return;
    }
    auto const head_ms = head->due_ms;
    if (auto deadline = clock_.wall_deadline(meters::instant_from_ms(head_ms))) {
        timer.expires_at(*deadline);
    } else if (head_ms <= meters::to_ms(clock_.now())) {
        timer.expires_after(std::chrono::steady_clock::duration::zero());  // stepped: due now
    } else {
        // Stepped and not yet due: only run_until brings it.
        if (st.armed_due_ms) timer.cancel();
        st.armed_due_ms.reset();
        return;
    }
    st.armed_due_ms = head_ms;
    timer.async_wait([state = timer_, head_ms](boost::system::error_code ec) noexcept {
        if (ec == net::error::operation_aborted || state->owner == nullptr) return;
        state->owner->on_timer(head_ms);
    });
}

void scheduler::on_timer(std::int64_t armed_due_ms) {
    timer_->armed_due_ms.reset();
    auto limit = meters::to_ms(clock_.now());
    max_lag_ms_ = std::max(max_lag_ms_, limit - armed_due_ms);
    // The wall deadline for armed_due_ms has passed; rounding must not leave it undone.
    if (clock_.mode() != clock_mode::stepped) limit = std::max(limit, armed_due_ms);
    std::size_t ran = 0;
    dispatch(limit, std::numeric_limits<std::size_t>::max(), ran);
    if (timer_) rearm();
}

}  // namespace metersim::sim

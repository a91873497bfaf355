#pragma once
/// sim::clock: the one source of virtual time (DESIGN.md "Time").
///
/// Three modes:
/// - `realtime`: virtual time runs at wall speed. A clock *constructed* in realtime mode starts at
///   the wall time (virtual = wall); a clock *switched* to realtime keeps its current virtual time
///   and runs on at wall speed from there (switching never jumps).
/// - `accelerated`: virtual time runs `speed` times faster than wall time (speed > 0, fractional
///   allowed: 0.5 runs at half speed) from the start instant.
/// - `stepped`: virtual time moves only when told (`advance`, `step_to`); the scheduler does
///   this while it runs a step.
///
/// Switching mode or speed re-anchors the clock at its current virtual time, so virtual time is
/// continuous (no jump, never backwards) across changes. Virtual time is `meters::instant`
/// (int64 milliseconds); wall time is read in this class only (sim/clock.cpp), through a
/// `wall_source` that tests may replace. Not thread-safe: one owner thread (the io_context's).

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "meters/instant.hpp"

namespace metersim::sim {

enum class clock_mode { realtime, accelerated, stepped };

/// "realtime", "accelerated", "stepped".
std::string_view to_string(clock_mode m) noexcept;
/// The inverse of to_string; nullopt for anything else.
std::optional<clock_mode> parse_clock_mode(std::string_view text) noexcept;

/// Where wall time comes from. Empty members mean the real std::chrono clocks.
struct wall_source {
    std::function<std::chrono::steady_clock::time_point()> steady;
    std::function<std::chrono::system_clock::time_point()> system;
};

class clock {
public:
    /// `speed` is the accelerated speed (kept while in other modes, used when switching to
    /// accelerated); `start` is the first virtual instant in accelerated and stepped mode.
    /// Preconditions: is_valid_speed(speed).
    clock(clock_mode mode, double speed, meters::instant start, wall_source wall = {});

    /// A speed the clock accepts: finite and > 0 (and at most 1e9, a day in ~0.1 ms).
    static bool is_valid_speed(double speed) noexcept;

    /// The current virtual time. Never goes backwards.
    meters::instant now() const;

    clock_mode mode() const noexcept { return mode_; }
    /// The accelerated speed (also while in another mode).
    double speed() const noexcept { return speed_; }
    /// Virtual milliseconds per wall millisecond right now: 1 realtime, speed accelerated,
    /// 0 stepped.
    double rate() const noexcept;

    /// Switches mode, keeping virtual time continuous.
    void set_mode(clock_mode m);
    /// Sets the accelerated speed, keeping virtual time continuous. Returns false and changes
    /// nothing when !is_valid_speed(speed).
    [[nodiscard]] bool set_speed(double speed);

    /// Stepped mode: moves virtual time to `t` if later than now (never backwards); ignored in
    /// the other modes. Prefer scheduler::run_until, which also runs the events due.
    void step_to(meters::instant t) noexcept;
    /// Stepped mode: step_to(now() + d) for d >= 0.
    void advance(meters::duration d) noexcept;

    /// The steady_clock instant at which virtual time reaches `due` at the current rate (rounded
    /// up, so a timer armed for it never fires early); the current steady time if `due` is not in
    /// the future; nullopt in stepped mode (wall time never brings `due`).
    std::optional<std::chrono::steady_clock::time_point> wall_deadline(meters::instant due) const;

    /// Called after every mode or speed change (the scheduler re-arms its timer). One listener.
    void on_change(std::function<void()> listener) { listener_ = std::move(listener); }

private:
    std::chrono::steady_clock::time_point steady_now() const;
    void reanchor();

    wall_source wall_;
    clock_mode mode_;
    double speed_;
    meters::instant anchor_virtual_;                  ///< virtual time at anchor_wall_
    std::chrono::steady_clock::time_point anchor_wall_;
    std::function<void()> listener_;
};

}  // namespace metersim::sim

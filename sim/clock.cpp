#include "sim/clock.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "meters/enum_names.hpp"

namespace metersim::sim {

namespace {

using steady = std::chrono::steady_clock;
using nanos = std::chrono::nanoseconds;

constexpr meters::enum_name<clock_mode> clock_mode_names[] = {
    {clock_mode::realtime, "realtime"},
    {clock_mode::accelerated, "accelerated"},
    {clock_mode::stepped, "stepped"},
};

}  // namespace

std::string_view to_string(clock_mode m) noexcept { return meters::name_of(clock_mode_names, m, "?"); }

std::optional<clock_mode> parse_clock_mode(std::string_view text) noexcept {
    return meters::value_of(clock_mode_names, text);
}

clock::clock(clock_mode mode, double speed, meters::instant start, wall_source wall)
    : wall_(std::move(wall)), mode_(mode), speed_(speed), anchor_virtual_(start) {
    assert(is_valid_speed(speed));
    anchor_wall_ = steady_now();
    if (mode_ == clock_mode::realtime) {
        // Realtime from construction means virtual = wall: the one read of system time.
        auto sys = wall_.system ? wall_.system() : std::chrono::system_clock::now();
        anchor_virtual_ = meters::instant_from_ms(
            std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count());
    }
}

bool clock::is_valid_speed(double speed) noexcept {
    return std::isfinite(speed) && speed > 0.0 && speed <= 1e9;
}

steady::time_point clock::steady_now() const { return wall_.steady ? wall_.steady() : steady::now(); }

double clock::rate() const noexcept {
    switch (mode_) {
    case clock_mode::realtime: return 1.0;
    case clock_mode::accelerated: return speed_;
    case clock_mode::stepped: return 0.0;
    }
    return 0.0;
}

meters::instant clock::now() const {
    if (mode_ == clock_mode::stepped) return anchor_virtual_;
    auto elapsed = steady_now() - anchor_wall_;
    if (elapsed <= steady::duration::zero()) return anchor_virtual_;
    // Floor keeps now() monotonic: floor(rate * x) never decreases as x grows.
    double elapsed_ms = std::chrono::duration<double, std::milli>(elapsed).count() * rate();
    return anchor_virtual_ + meters::duration{static_cast<std::int64_t>(std::floor(elapsed_ms))};
}

void clock::reanchor() {
    // Take now() before moving the anchor: this is what keeps virtual time continuous.
    auto v = now();
    anchor_wall_ = steady_now();
    anchor_virtual_ = v;
}

void clock::set_mode(clock_mode m) {
    if (m == mode_) return;
    reanchor();
    mode_ = m;
    if (listener_) listener_();
}

bool clock::set_speed(double speed) {
    if (!is_valid_speed(speed)) return false;
    if (speed == speed_) return true;
    reanchor();
    speed_ = speed;
    if (listener_) listener_();
    return true;
}

void clock::step_to(meters::instant t) noexcept {
    if (mode_ == clock_mode::stepped && t > anchor_virtual_) anchor_virtual_ = t;
}

void clock::advance(meters::duration d) noexcept {
    if (d > meters::duration::zero()) step_to(anchor_virtual_ + d);
}

std::optional<steady::time_point> clock::wall_deadline(meters::instant due) const {
    if (mode_ == clock_mode::stepped) return std::nullopt;
    auto wall_now = steady_now();
    auto ahead_ms = meters::to_ms(due) - meters::to_ms(now());
    if (ahead_ms <= 0) return wall_now;
    // Round up to the nanosecond so that the timer never fires before `due`.
    double wall_ns = std::ceil(static_cast<double>(ahead_ms) * 1e6 / rate());
    constexpr double max_ns = 1e17;  // ~3 years of wall time; further is "not soon"
    return wall_now + nanos{static_cast<std::int64_t>(std::min(wall_ns, max_ns))};
}

}  // namespace metersim::sim

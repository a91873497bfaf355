#include "tools/load/load_driver.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "meters/rng.hpp"
#include "sim/fleet.hpp"
#include "sim/outbox.hpp"

namespace metersim::tools::load {

double load_shape::rate_at(double t_s) const noexcept {
    if (t_s <= 0) return 0;
    if (ramp_s <= 0 || t_s >= ramp_s) return rate;
    return rate * t_s / ramp_s;
}

double load_shape::due_by(double t_s) const noexcept {
    if (t_s <= 0) return 0;
    if (ramp_s <= 0) return rate * t_s;
    if (t_s <= ramp_s) return rate * t_s * t_s / (2 * ramp_s);
    return rate * (t_s - ramp_s / 2);
}

load_driver::load_driver(sim::fleet& fleet, sim::outbox& outbox, std::vector<sim::fleet_meter*> meters,
                         load_shape shape, double alarms_percent, std::uint64_t seed, std::size_t max_backlog)
    : fleet_(fleet),
      outbox_(outbox),
      meters_(std::move(meters)),
      alarm_raised_(meters_.size(), false),
      shape_(shape),
      alarms_per_10000_(static_cast<int>(std::lround(std::clamp(alarms_percent, 0.0, 100.0) * 100))),
      max_backlog_(std::max<std::size_t>(max_backlog, 1)) {
    // The seeded order (Fisher-Yates): the same seed drives the same meters in the same order.
    meters::meter_rng rng{meters::mix64(seed)};
    for (std::size_t i = meters_.size(); i > 1; --i) {
        auto const j = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(i - 1)));
        std::swap(meters_[i - 1], meters_[j]);
    }
}

std::uint64_t load_driver::pushes_made() const noexcept {
    auto const c = outbox_.counters();
    return c.delivered + c.pending - baseline_;
}

void load_driver::start() {
    auto const c = outbox_.counters();
    baseline_ = c.delivered + c.pending;
}

void load_driver::tick(double t_s) {
    if (meters_.empty()) return;
    auto const due = static_cast<std::uint64_t>(shape_.due_by(t_s));
    auto made = pushes_made();
    // Each session makes about one push; a meter that makes none (not opened) still takes
    // its turn, so a tick never loops for ever: at most one round of the fleet per tick.
    std::size_t budget = meters_.size();
    while (made < due && budget-- > 0) {
        if (outbox_.counters().pending >= max_backlog_) {
            ++held_back_;
            return;
        }
        auto const index = next_;
        next_ = (next_ + 1) % meters_.size();
        drive(*meters_[index], index);
        made = pushes_made();
    }
}

void load_driver::drive(sim::fleet_meter& m, std::size_t index) {
    ++sessions_;
    if (alarm_raised_[index]) {
        alarm_raised_[index] = false;
        fleet_.inject(m, meters::events::clear_alarm{meters::alarm_code::over_flow});
        return;
    }
    // A quota rather than a roll: this session raises when the raises so far fall short of the
    // share of the sessions so far (this one included). The share holds exactly whether a meter
    // is driven once or many times (a roll would lose the sessions spent clearing: p/(1+p)); the
    // seeded order of the meters decides which meters raise.
    bool const alarm = alarms_per_10000_ > 0 &&
                       alarms_ * 10000 < static_cast<std::uint64_t>(alarms_per_10000_) * sessions_;
    if (alarm) {
        ++alarms_;
        alarm_raised_[index] = true;
        fleet_.inject(m, meters::events::alarm{meters::alarm_code::over_flow});
        return;
    }
    fleet_.inject(m, meters::events::wake{});
}

}  // namespace metersim::tools::load

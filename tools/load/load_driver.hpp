#pragma once
/// load_driver: the load's shape, applied to the fleet. The target is pushes per second over
/// the whole fleet, rising linearly from 0 over the ramp; the driver wakes meters (a radio
/// session: the meter reports, and its platform pushes the report) in a seeded order, round
/// after round, until the pushes made since the start reach what the shape asks for by then:
/// the meters' report schedules compressed to the rate. `alarms_percent` of the sessions raise
/// an alarm instead (0006H 流量超限, which does not close the valve), cleared at the meter's
/// next driven session, so alarm pushes mix in: a quota over the sessions so far, exact to one
/// session as long as the share is feasible (a meter holding an alarm spends its next session
/// clearing it, so when every meter is driven again and again at most half the sessions raise). Pushes made by anything else (a meter's own
/// schedule, command results) count toward the target too. When the outbox holds more than
/// `max_backlog` pushes not yet accepted, the driver waits: the load is bounded in memory, and
/// the run shows it could not hold the rate. Loop thread; no I/O of its own.

#include <cstddef>
#include <cstdint>
#include <vector>


namespace metersim::sim {
class fleet;
class outbox;
struct fleet_meter;
}  // namespace metersim::sim

namespace metersim::tools::load {

/// Target rate over time: linear from 0 to `rate` over `ramp_s`, then flat.
struct load_shape {
    double rate = 0;    ///< pushes per second
    double ramp_s = 0;

    double rate_at(double t_s) const noexcept;
    /// Pushes due by `t_s`: the integral of rate_at from 0.
    double due_by(double t_s) const noexcept;
};

class load_driver {
public:
    load_driver(sim::fleet& fleet, sim::outbox& outbox, std::vector<sim::fleet_meter*> meters,
                load_shape shape, double alarms_percent, std::uint64_t seed, std::size_t max_backlog);

    /// Starts counting pushes from now.
    void start();
    /// Wakes the meters due by `t_s` seconds since start().
    void tick(double t_s);

    /// Pushes made since start() (enqueued in the outbox, whoever made them).
    std::uint64_t pushes_made() const noexcept;
    std::uint64_t sessions() const noexcept { return sessions_; }
    std::uint64_t alarms() const noexcept { return alarms_; }
    /// Ticks at which the backlog held the driver back.
    std::uint64_t held_back() const noexcept { return held_back_; }
    load_shape const& shape() const noexcept { return shape_; }

private:
    void drive(sim::fleet_meter& m, std::size_t index);

    sim::fleet& fleet_;
    sim::outbox& outbox_;
    std::vector<sim::fleet_meter*> meters_;  ///< in the seeded order
    std::vector<bool> alarm_raised_;         ///< by position in meters_
    load_shape shape_;
    int alarms_per_10000_;
    std::size_t max_backlog_;
    std::uint64_t baseline_ = 0;
    std::size_t next_ = 0;
    std::uint64_t sessions_ = 0;
    std::uint64_t alarms_ = 0;
    std::uint64_t held_back_ = 0;
};

}  // namespace metersim::tools::load

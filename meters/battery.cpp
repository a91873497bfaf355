#include "meters/battery.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "meters/fixed4.hpp"

namespace metersim::meters {

namespace {

constexpr std::int64_t day_ms = 86'400'000;

constexpr std::int64_t uv(int mv) noexcept { return static_cast<std::int64_t>(mv) * 1000; }

}  // namespace

battery_state battery::initial_state(battery_params const& params, instant now) noexcept {
    battery_state s;
    s.voltage_uv = uv(params.nominal_mv);
    s.updated_at = now;
    return s;
}

void battery::drain(std::int64_t amount_uv) {
    state_.voltage_uv = std::max<std::int64_t>(0, state_.voltage_uv - std::max<std::int64_t>(0, amount_uv));
}

std::optional<instant> battery::next_crossing() const noexcept {
    std::int64_t const rate = params_.drain_per_day_uv;
    std::optional<instant> first;
    auto consider = [&](bool raised, int threshold_mv) {
        if (raised) return;
        std::int64_t const thr = uv(threshold_mv);
        instant at = state_.updated_at;
        if (state_.voltage_uv >= thr) {
            if (rate <= 0) return;
            // The voltage is below thr once (v - thr + 1) µV have drained:
            // the smallest m with carry + rate * m >= need * day_ms.
            wide_int const need = static_cast<wide_int>(state_.voltage_uv - thr + 1) * day_ms
                                  - state_.drain_carry;
            wide_int const m = need <= 0 ? 0 : wide_quot(need + rate - 1, rate);
            if (m > static_cast<wide_int>(std::numeric_limits<std::int64_t>::max() / 2)) return;
            at = state_.updated_at + duration{static_cast<std::int64_t>(m)};
        }
        if (!first || at < *first) first = at;
    };
    consider(state_.low, params_.low_mv);
    consider(state_.failed, params_.failure_mv);
    return first;
}

battery_outcome battery::advance_to(instant now) {
    battery_outcome out;
    if (now == state_.updated_at) {  // already drained to now (a meter asks at every stop)
        evaluate(now, out);
        return out;
    }
    // Stop at every threshold crossing on the way so each alarm carries its exact instant;
    // the integration is split-exact, so stopping changes nothing in the voltage.
    bool to_now = false;
    for (;;) {
        auto const cross = to_now ? std::nullopt : next_crossing();
        instant const stop = (cross && *cross <= now) ? std::max(*cross, state_.updated_at) : now;
        if (stop > state_.updated_at) {
            std::int64_t const elapsed = (stop - state_.updated_at).count();
            wide_int const total = static_cast<wide_int>(params_.drain_per_day_uv) * elapsed
                                   + state_.drain_carry;
            std::int64_t const drained = total > 0 ? static_cast<std::int64_t>(wide_quot(total, day_ms)) : 0;
            state_.drain_carry = total > 0 ? static_cast<std::int64_t>(wide_rem(total, day_ms)) : 0;
            drain(drained);
            state_.updated_at = stop;
        }
        std::size_t const before = out.alarms.size();
        evaluate(stop, out);
        if (stop >= now) break;
        to_now = out.alarms.size() == before;  // a crossing that raised nothing: finish the step
    }
    return out;
}

void battery::evaluate(instant at, battery_outcome& out) {
    std::int64_t const v = state_.voltage_uv;
    if (!state_.low && v < uv(params_.low_mv)) {
        state_.low = true;
        out.alarms.push_back({alarm_code::battery_low, true, at});
    }
    if (!state_.failed && v < uv(params_.failure_mv)) {
        state_.failed = true;
        out.alarms.push_back({alarm_code::battery_failure, true, at});
        out.close_valve = true;
        out.release_valve = false;
    }
    if (state_.failed && v >= uv(params_.failure_mv + params_.hysteresis_mv)) {
        state_.failed = false;
        out.alarms.push_back({alarm_code::battery_failure, false, at});
        out.release_valve = true;
        out.close_valve = false;
    }
    if (state_.low && v >= uv(params_.low_mv + params_.hysteresis_mv)) {
        state_.low = false;
        out.alarms.push_back({alarm_code::battery_low, false, at});
    }
}

battery_outcome battery::radio_session(instant now) {
    battery_outcome out = advance_to(now);
    ++state_.sessions;
    drain(params_.drain_per_session_uv);
    evaluate(now, out);
    return out;
}

battery_outcome battery::valve_actions(std::uint64_t count, instant now) {
    battery_outcome out = advance_to(now);
    if (count == 0) return out;
    state_.valve_actions += count;
    wide_int const total = static_cast<wide_int>(params_.drain_per_valve_action_uv) * count;
    drain(total > state_.voltage_uv ? state_.voltage_uv : static_cast<std::int64_t>(total));
    evaluate(now, out);
    return out;
}

battery_outcome battery::replace(instant now) {
    battery_outcome out = advance_to(now);
    state_.voltage_uv = uv(params_.nominal_mv);
    state_.drain_carry = 0;
    ++state_.replacements;
    evaluate(now, out);
    return out;
}

battery_outcome battery::set_voltage_mv(int mv, instant now) {
    battery_outcome out = advance_to(now);
    state_.voltage_uv = uv(std::max(0, mv));
    evaluate(now, out);
    return out;
}

}  // namespace metersim::meters

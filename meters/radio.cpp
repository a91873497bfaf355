#include "meters/radio.hpp"

#include <algorithm>
#include <array>

#include "meters/floor_div.hpp"
#include "meters/rng.hpp"

namespace metersim::meters {

namespace {

constexpr std::int64_t day_ms = 86'400'000;

}  // namespace

std::string_view to_string(comm_type c) noexcept { return c == comm_type::gprs ? "gprs" : "nb_iot"; }

std::optional<comm_type> comm_type_from_string(std::string_view text) noexcept {
    if (text == "nb_iot") return comm_type::nb_iot;
    if (text == "gprs") return comm_type::gprs;
    return std::nullopt;
}

signal_info seeded_signal(comm_type comm, std::uint64_t seed) {
    meter_rng rng{mix64(seed ^ 0x5167a1ULL)};
    signal_info s;
    s.csq = static_cast<int>(rng.uniform(12, 31));
    s.cell_id = std::to_string(rng.uniform(10'000'000, 99'999'999));
    if (comm == comm_type::gprs) {
        s.ecl = 0;
        return s;
    }
    // RSRP -115.0..-70.0 dBm and SNR -5.0..20.0 dB, in tenths; most meters at ECL 0.
    s.rsrp = decimal::from_e4(rng.uniform(-1150, -700) * 1000);
    s.snr = decimal::from_e4(rng.uniform(-50, 200) * 1000);
    std::int64_t const coverage = rng.uniform(0, 99);
    s.ecl = coverage < 80 ? 0 : (coverage < 95 ? 1 : 2);
    static constexpr std::array<char const*, 3> earfcn{"2506", "3736", "1825"};
    s.fcn = earfcn[static_cast<std::size_t>(rng.uniform(0, 2))];
    return s;
}

instant radio::slot_instant(std::int64_t k) const noexcept { return compute_slot(k); }

instant radio::compute_slot(std::int64_t k) const noexcept {
    std::int64_t const interval = params_.report_interval.count() > 0
                                      ? params_.report_interval.count() : day_ms;
    std::int64_t const offset_ms = static_cast<std::int64_t>(params_.utc_offset_min) * 60'000;
    std::int64_t const phase = floor_mod(params_.report_time.count() - offset_ms, interval);
    std::int64_t const max_jitter =
        std::clamp<std::int64_t>(params_.max_jitter.count(), 0, interval - 1);
    std::int64_t const jitter =
        uniform_at(state_.seed, static_cast<std::uint64_t>(k), 0, max_jitter);
    return instant_from_ms(k * interval + phase + jitter);
}

instant radio::next_report_after(instant t) const noexcept {
    if (memo_.from <= t && t < memo_.at) return memo_.at;
    std::int64_t const interval = params_.report_interval.count() > 0
                                      ? params_.report_interval.count() : day_ms;
    std::int64_t const offset_ms = static_cast<std::int64_t>(params_.utc_offset_min) * 60'000;
    std::int64_t const phase = floor_mod(params_.report_time.count() - offset_ms, interval);
    // Slot k lies in [k*interval + phase, (k+1)*interval + phase): only k0 and k0+1 can be next.
    std::int64_t const k0 = floor_div(to_ms(t) - phase, interval);
    instant const first = slot_instant(k0);
    instant const next = first > t ? first : slot_instant(k0 + 1);
    memo_ = memo{t, next};
    return next;
}

std::optional<instant> radio::next_session(instant now) const noexcept {
    if (!state_.online) return std::nullopt;
    if (state_.wake_requested) return now;
    instant const from = std::max(now - duration{1}, state_.last_session);
    return next_report_after(from);
}

bool radio::request_wake(instant now) noexcept {
    if (state_.wake_requested) return false;
    state_.wake_requested = true;
    state_.wake_requested_at = now;
    return true;
}

bool radio::set_online(bool online) noexcept {
    if (state_.online == online) return false;
    state_.online = online;
    return true;
}

void radio::session_done(instant now) noexcept {
    ++state_.sessions;
    state_.last_session = now;
    state_.wake_requested = false;
}

}  // namespace metersim::meters

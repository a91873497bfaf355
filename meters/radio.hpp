#pragma once
/// The radio: communication type, signal figures, report schedule, online/offline and wake-ups.
///
/// Report schedule: slot k (any integer) is due at
///     k * interval + phase + jitter(k),   phase = report_time - utc_offset (mod interval),
/// where jitter(k) = uniform_at(seed, k, 0, max_jitter) (meters/rng.hpp). With a daily interval
/// and report_time 02:00 at +08:00 every report falls in 02:00..02:00+max_jitter local time.
/// The schedule is a pure function of (params, seed): the same seed gives the same schedule,
/// whatever happened before. max_jitter must be below interval so slots stay in order.
///
/// Sessions: the meter talks to its platform at each scheduled report and at once when woken
/// (alarms wake the meter: `request_wake`). Commands queued on the platform reach the meter only
/// in a session. Offline (admin `offline`): no sessions at all; a wake request waits until the
/// meter is online again. Signal figures follow the vendors' fields: Xianfeng SignalInfo
/// (spec: xianfeng appendix 2 §5.5: CSQ, RSRP, SNR, ECL, cell id, FCN) and Xintian GetData
/// (spec: xintian §3.5: MeterCSQ, RSRP, SNR, CC = coverage class).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"

namespace metersim::meters {

enum class comm_type : std::uint8_t { nb_iot, gprs };
std::string_view to_string(comm_type c) noexcept;  ///< "nb_iot", "gprs"
std::optional<comm_type> comm_type_from_string(std::string_view text) noexcept;

/// Signal figures as the meter reports them. RSRP (dBm) and SNR (dB) carry decimals; GPRS
/// meters report CSQ only (the NB-IoT figures stay at their defaults and are not sent).
struct signal_info {
    int csq = 31;                                  ///< 0..31, 99 = unknown
    decimal rsrp = decimal::from_e4(-850000);      ///< dBm, e.g. -85.0
    decimal snr = decimal::from_e4(100000);        ///< dB, e.g. 10.0
    int ecl = 0;                                   ///< coverage enhancement level 0..2 (Xintian CC)
    std::string cell_id = "0";                     ///< serving cell id (decimal text)
    std::string fcn = "2506";                      ///< EARFCN, the access frequency point
    bool operator==(signal_info const&) const = default;
};

/// Plausible figures drawn from a seed (good coverage for most meters, some at ECL 1-2).
signal_info seeded_signal(comm_type comm, std::uint64_t seed);

/// Model parameters of the report schedule.
struct radio_params {
    comm_type comm = comm_type::nb_iot;
    std::chrono::milliseconds report_interval{std::chrono::hours{24}};
    std::chrono::milliseconds report_time{std::chrono::hours{2}};  ///< local time of day (phase)
    std::chrono::milliseconds max_jitter{std::chrono::minutes{30}};
    int utc_offset_min = 480;  ///< the zone report_time is read in
};

/// The plain state; every field persists.
struct radio_state {
    std::uint64_t seed = 0;             ///< the meter's seed (seed_for(scenario, meter id))
    signal_info signal;
    bool online = true;
    bool wake_requested = false;        ///< a session is wanted at once (or when back online)
    instant wake_requested_at{};        ///< when the pending wake was asked for
    instant last_session{};             ///< the last session's instant (epoch if none)
    std::uint64_t sessions = 0;         ///< sessions held, ever
    bool operator==(radio_state const&) const = default;
};

class radio {
public:
    radio() = default;
    radio(radio_params params, radio_state state) : params_(params), state_(std::move(state)) {}

    radio_params const& params() const noexcept { return params_; }
    radio_state const& state() const noexcept { return state_; }
    signal_info const& signal() const noexcept { return state_.signal; }
    bool is_online() const noexcept { return state_.online; }

    /// The scheduled report instant of slot k.
    instant slot_instant(std::int64_t k) const noexcept;

    /// The first scheduled report strictly after `t` (whether online or not).
    instant next_report_after(instant t) const noexcept;

    /// When the next session is due, seen from `now`: none while offline; `now` itself when a
    /// wake is pending; otherwise the first scheduled report at or after `now` that is later
    /// than the last session (a report slot missed while offline is skipped, not replayed).
    std::optional<instant> next_session(instant now) const noexcept;

    /// An alarm (or the admin `wake`) asks for a session now. True when this is a new request.
    bool request_wake(instant now) noexcept;

    /// Goes offline (no sessions) or online again; true when it changed. Coming back online with
    /// a pending wake makes the session due at once.
    bool set_online(bool online) noexcept;

    /// A session took place at `now`: counts it and satisfies any pending wake.
    void session_done(instant now) noexcept;

    void set_signal(signal_info s) { state_.signal = std::move(s); }

private:
    instant compute_slot(std::int64_t k) const noexcept;

    radio_params params_;
    radio_state state_;
    /// The last answer of next_report_after: `at` is the first slot after `from`, hence after
    /// every instant in [from, at) (a meter asks the same question several times per wake). A
    /// pure function's memo: not state, never persisted or compared.
    struct memo {
        instant from = instant::max();
        instant at{};
    };
    mutable memo memo_{};
};

}  // namespace metersim::meters

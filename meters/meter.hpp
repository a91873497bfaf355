#pragma once
/// meters/: the virtual meter firmware. Pure and deterministic: no I/O, no clock, no threads,
/// the standard library only. Everything a meter does is a function of its state, its model and
/// the instants and inputs its caller gives it; sim/ owns the clock, the scheduler and the wire.
///
/// `meter` is the aggregate: account, tariff and billing, valve, battery, radio, alarms, frozen
/// records and consumption. It is driven by three calls, each taking the virtual instant `now`
/// (never earlier than the last one; an earlier instant is treated as the last one):
/// - advance_to(now): integrates gas over virtual time (flow profile × time, exact) and does the
///   calendar work at the exact instants it passes: ladder cycle resets, pending price
///   activations, daily/monthly freezes, credit thresholds (000FH, 0012H, 0011H and the valve
///   closing then), valve transits, battery thresholds, idle 'dead meter', scheduled reports;
/// - apply(command, now): advance_to(now), then the command, with its result;
/// - inject(event, now): advance_to(now), then the event.
/// next_wake() is the next instant the meter needs its caller: the next radio session (report or
/// pending wake), the end of a valve transit, the predicted instant its credit crosses a
/// threshold under its current flow (so the valve closes exactly then), a pending price
/// activation or ladder cycle boundary, a battery threshold or the idle alarm. Daily freezes
/// need no wake: they are taken lazily inside advance_to, so a fleet with daily reports costs
/// about one wake per meter-day.
///
/// A meter is a value: copy it, compare its state, persist `state()` (every field is a plain
/// public member, serialized by sim/ to JSON) and rebuild it with meter(model, state). The model
/// must outlive the meter. One thread at a time (STYLE.md §5: a meter belongs to one shard).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "meters/alarms.hpp"
#include "meters/battery.hpp"
#include "meters/billing.hpp"
#include "meters/box.hpp"
#include "meters/calendar.hpp"
#include "meters/commands.hpp"
#include "meters/effects.hpp"
#include "meters/events.hpp"
#include "meters/flow_profile.hpp"
#include "meters/freeze.hpp"
#include "meters/instant.hpp"
#include "meters/model.hpp"
#include "meters/radio.hpp"
#include "meters/tariff.hpp"
#include "meters/valve.hpp"

namespace metersim::meters {

/// Who the meter is on each platform.
struct meter_identity {
    std::string meter_no;   ///< CNMCSP MeterNo/MeterID, Xianfeng deviceNo, Xintian MeterAddr
    std::string user_no;    ///< CNMCSP UserID, Xintian UserCode
    std::string device_id;  ///< Xianfeng platform deviceId (32 hex)
    std::string imei;
    std::string iccid;
    std::string card_no;    ///< Xianfeng cardNo given at account opening
    bool operator==(meter_identity const&) const = default;
};

/// Everything a meter is, as plain data (persisted and restored unchanged).
struct meter_state {
    meter_identity identity;
    utc_offset zone{480};            ///< the meter's local time (freezes, cycles, reports)
    instant now{};                   ///< the meter has advanced up to here
    account_state account = account_state::manufactured;

    tariff active;                   ///< the prices in force
    std::optional<tariff> pending;   ///< delayed prices, activating at pending->effective_at
    instant cycle_end{};             ///< the active cycle's next boundary (instant::max(): none)
    billing_state billing;
    std::optional<price_change_info> price_change;  ///< the last switch, until reported

    valve_state valve;
    battery_state battery;
    radio_state radio;
    alarm_set_state alarms;
    idle_state idle;
    freeze_state freezes;
    flow_profile_state flow;
    flow_remainder flow_carry;       ///< sub-1e-4 m³ carried between integrations

    decimal temperature_c = decimal::from_units(20);  ///< flow meters: gas temperature
    decimal pressure_kpa = decimal::from_units(101);  ///< flow meters: gas pressure
    bool lost_contact = false;       ///< a scheduled session was missed while offline

    bool operator==(meter_state const&) const = default;
};

class meter {
public:
    /// A new meter fresh from the factory: manufactured, valve open (or none), a new battery,
    /// no consumption (a constant zero flow), signal and jitter drawn from `seed`.
    static meter_state manufacture(meter_model const& model, meter_identity identity,
                                   std::uint64_t seed, utc_offset zone, instant now);

    meter(meter_model const& model, meter_state state);

    meter_model const& model() const noexcept { return *model_; }
    meter_identity const& identity() const noexcept { return identity_; }
    /// Meter replacement and device binding change ids; nothing else depends on them.
    void set_identity(meter_identity id) { identity_ = std::move(id); }
    /// A copy of the whole state (for persistence and the admin API).
    meter_state state() const;

    instant now() const noexcept { return core_.now; }
    account_state account() const noexcept { return core_.account; }
    billing_state const& billing() const noexcept { return core_.billing; }
    tariff const& active_tariff() const noexcept { return core_.active; }
    valve_position valve_position_now() const noexcept { return valve_.position(); }
    std::uint16_t valve_causes() const noexcept { return valve_.causes(); }
    int battery_mv() const noexcept { return battery_.voltage_mv(); }
    /// The meter's own seed (seed_for(scenario seed, meter number)): ids derived from it.
    std::uint64_t seed() const noexcept { return radio_.state().seed; }
    bool is_alarm_active(alarm_code c) const noexcept { return alarms_.is_active(c); }
    /// The flow the meter sees now (m³/h), zero when no gas can flow.
    volume flow_rate() const noexcept;

    effects advance_to(instant now);
    effects apply(command const& c, instant now);
    effects inject(event const& e, instant now);
    instant next_wake() const;

    /// What the meter would report at its current instant (does not mark frozen records).
    meter_report snapshot(report_reason reason) const;

    /// Asks the CPU to load the heap memory a wake will touch (callers that prefetch meters).
    void prefetch_heap() const noexcept { freezes_.prefetch(); }

private:
    /// The part of meter_state that is not a device unit's. The pending tariff and the last
    /// price switch are rare and large: boxed, they cost a pointer each while absent.
    struct core {
        utc_offset zone;
        account_state account = account_state::manufactured;
        bool lost_contact = false;
        report_reason wake_reason = report_reason::wake;  ///< why a pending wake was asked for
        instant now{};
        tariff active;
        box<tariff> pending;
        instant cycle_end{};
        billing_state billing;
        box<price_change_info> price_change;
        flow_remainder flow_carry;
        decimal temperature_c;
        decimal pressure_kpa;
    };
    // The advance loop (meter.cpp).
    void run_until(instant target, effects& fx);
    instant next_stop(instant target) const;
    bool draw_gas(instant stop, effects& fx);
    void handle_due(effects& fx);
    void use_gas(volume v, effects& fx);
    std::optional<instant> instant_for_volume(volume v, instant limit) const;

    // Credit watch (meter.cpp).
    bool credit_watched() const noexcept;
    std::optional<volume> volume_to_next_level() const;
    std::optional<volume> volume_to_closing_level() const;
    void evaluate_credit(effects& fx);
    void touch_billing() noexcept { credit_cache_.valid = false; }

    // Consequences that several paths share (meter.cpp).
    void raise_alarm(alarm_code code, instant at, effects& fx);
    void clear_alarm(alarm_code code, effects& fx);
    void take_valve(valve_events const& events, effects& fx);
    void take_battery(battery_outcome const& outcome, effects& fx);
    void request_session(report_reason why);
    void session(effects& fx);
    void activate(tariff next, instant at);
    void reset_cycles_due();

    // Commands and events (meter_commands.cpp), one overload each.
    command_result handle(commands::open_account const& c, effects& fx);
    command_result handle(commands::cancel_account const& c, effects& fx);
    command_result handle(commands::recharge const& c, effects& fx);
    command_result handle(commands::set_ladder_usage const& c, effects& fx);
    command_result handle(commands::set_tariff const& c, effects& fx);
    command_result handle(commands::read_price const& c, effects& fx);
    command_result handle(commands::valve_control const& c, effects& fx);
    command_result handle(commands::sync_balance const& c, effects& fx);
    command_result handle(commands::suspend const& c, effects& fx);
    command_result handle(commands::resume const& c, effects& fx);
    command_result handle(commands::remain_option const& c, effects& fx);
    std::optional<meter_errc> gate(command const& c) const;
    command_result with_surplus(command_result r) const;
    void on(events::consume const& e, effects& fx);
    void on(events::flow const& e, effects& fx);
    void on(events::alarm const& e, effects& fx);
    void on(events::clear_alarm const& e, effects& fx);
    void on(events::battery const& e, effects& fx);
    void on(events::battery_replaced const& e, effects& fx);
    void on(events::button const& e, effects& fx);
    void on(events::offline const& e, effects& fx);
    void on(events::online const& e, effects& fx);
    void on(events::wake const& e, effects& fx);
    void on(events::valve_fault const& e, effects& fx);
    void on(events::valve_repaired const& e, effects& fx);
    void on(events::conditions const& e, effects& fx);

    /// The volume to the next credit level, valid while billing changes only by usage.
    struct credit_cache {
        std::int64_t level_e4 = 0;
        volume usage_at;                 ///< cycle usage when computed
        volume needed;                   ///< from usage_at, when reachable
        bool reachable = false;          ///< false: consumption never takes it there
        bool valid = false;
    };

    meter_model const* model_;
    core core_;
    mutable credit_cache credit_cache_;
    valve valve_;
    battery battery_;
    radio radio_;
    alarm_set alarms_;
    idle_watch idle_;
    freeze_log freezes_;
    flow_profile flow_;
    // Last: a wake never reads the identity, so the lines it fills stay out of the cache
    // (a fleet's wakes are bound by memory traffic, not by instructions).
    meter_identity identity_;

public:
    /// The leading bytes of a meter that a wake works on (all but the identity, which comes
    /// last), for callers that prefetch meters.
    static constexpr std::size_t hot_bytes() noexcept;
};

constexpr std::size_t meter::hot_bytes() noexcept { return sizeof(meter) - sizeof(meter_identity); }

}  // namespace metersim::meters

#pragma once
/// sim/: the engine. It owns time (the virtual clock and the one scheduler), the fleet of meters,
/// the HTTP plumbing, the push outbox and the journal. It knows no vendor: platforms plug in
/// through interfaces declared here (fleet_listener), never the other way round.
///
/// sim::fleet holds every meter with its platform binding, keeps exactly one scheduler event per
/// meter (its next_wake()), and hands everything a meter does to the listener of its platform.
/// A wake is a radio session: the meter advances, its reports go to the listener (on_effects),
/// then the listener delivers the commands queued on its platform (on_session) — commands reach
/// a meter only when it next talks to its platform, in order (DESIGN.md "The meter").
/// Single-threaded: use from the thread that runs the scheduler.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meters/meter.hpp"
#include "meters/result.hpp"
#include "sim/block_store.hpp"
#include "sim/catalogue.hpp"
#include "sim/report_history.hpp"
#include "sim/scheduler.hpp"
#include "sim/string_index.hpp"

namespace metersim::sim {

/// A meter in the fleet. The fleet's fields come first and the meter's identity last, so a
/// wake touches one stretch of memory (meters::meter::hot_bytes).
struct fleet_meter {
    catalogue_entry const* entry;      ///< its model and vendor naming (never null)
    std::uint32_t index = 0;           ///< position in the fleet, stable
    scheduler::event_id wake_event = 0;
    meters::instant wake_at = meters::instant::max();
    meters::meter meter;

    /// The bytes a wake works on, from the start of the object.
    static constexpr std::uint32_t hot_bytes() noexcept {
        return static_cast<std::uint32_t>(sizeof(fleet_meter) - sizeof(meters::meter) + meters::meter::hot_bytes());
    }

    std::string const& meter_no() const { return meter.identity().meter_no; }
    std::string const& platform() const { return entry->platform; }
};

/// What a platform adapter implements to hear its meters.
class fleet_listener {
public:
    virtual ~fleet_listener() = default;
    /// Everything one of the platform's meters did, in order: reports, alarms, valve moves.
    virtual void on_effects(fleet_meter& m, meters::effects const& e) = 0;
    /// The meter holds a radio session with the platform at `now` (it just reported): deliver
    /// the commands queued for it, through fleet::apply.
    virtual void on_session(fleet_meter& m, meters::instant now) = 0;
};

struct manufacture_request {
    std::string model;      ///< catalogue key
    meters::meter_identity identity;  ///< meter_no required; the rest may be empty
};

struct fleet_options {
    std::uint64_t seed = 1;                ///< each meter's seed is seed_for(seed, meter_no)
    meters::utc_offset zone{480};          ///< the meters' local time
    std::size_t history_capacity = 65'536;  ///< reports kept fleet-wide (fleet::history)
};

class fleet {
public:
    fleet(scheduler& sched, catalogue const& cat, fleet_options opts);
    fleet(fleet const&) = delete;
    fleet& operator=(fleet const&) = delete;

    /// Builds a new meter, fresh from the factory, and schedules it. Errors name the problem:
    /// unknown model, empty or duplicate meter number, duplicate device id.
    meters::result<fleet_meter*, std::string> manufacture(manufacture_request const& req);
    /// Adds a meter restored from persisted state.
    meters::result<fleet_meter*, std::string> restore(std::string_view model,
                                                      meters::meter_state state);
    /// Drops a meter for good (its scheduler event is cancelled; pointers to it stay valid but
    /// it is no longer found or listed).
    void remove(fleet_meter& m);

    /// The meter's SIM ICCID: the one it was given, else a stable one derived from its seed
    /// (derived, not stored: 100,000 stored ICCIDs would cost ~5 MB).
    static std::string iccid_of(fleet_meter const& m);

    fleet_meter* find(std::string_view meter_no) noexcept;
    fleet_meter* find_device(std::string_view device_id) noexcept;
    /// Records a (new) platform device id for a meter, so find_device finds it.
    void bind_device(fleet_meter& m, std::string device_id);
    /// Re-keys a meter under a new number (meter replacement keeps the history elsewhere).
    bool rename(fleet_meter& m, std::string new_meter_no);

    /// Meters in manufacture order, optionally of one platform, for paging.
    std::vector<fleet_meter*> list(std::string_view platform, std::size_t offset,
                                   std::size_t limit);
    std::size_t size() const noexcept { return by_no_.size(); }
    std::size_t count(std::string_view platform) const;

    /// The listener of a platform's meters (one per platform; null removes it).
    void set_listener(std::string const& platform, fleet_listener* l);

    /// Applies a command at scheduler now(), dispatches the effects, reschedules the meter.
    meters::effects apply(fleet_meter& m, meters::command const& c);
    /// Injects an event at scheduler now(), dispatches the effects, reschedules the meter.
    meters::effects inject(fleet_meter& m, meters::event const& e);
    /// Advances a meter to now() (before reading its state) and dispatches what it did.
    void touch(fleet_meter& m);

    scheduler& sched() noexcept { return sched_; }
    catalogue const& models() const noexcept { return catalogue_; }
    fleet_options const& options() const noexcept { return opts_; }

    /// Persistence (sim/state/): the indexes of the meters added, changed (woken, commanded,
    /// renumbered, rebound) or removed since the last call, each once, in no order.
    std::vector<std::uint32_t> take_changed();
    /// Marks a meter changed (for a change made to it outside the fleet's own calls).
    void mark_changed(fleet_meter const& m);
    /// Every slot ever filled, removed meters included (is_removed): a meter's index is its slot.
    std::size_t slots() const noexcept { return meters_.size(); }
    fleet_meter& at(std::uint32_t index) noexcept { return meters_[index]; }
    bool is_removed(std::uint32_t index) const noexcept { return removed_[index]; }

    /// Wakes processed and reports produced since start (benchmarks, metrics).
    std::uint64_t wakes() const noexcept { return wakes_; }
    std::uint64_t reports() const noexcept { return reports_; }
    /// A checksum of every meter's reading, balances, cycle usage, battery and valve causes, as
    /// of its last wake (no meter is advanced): equal for equal fleets run over the same
    /// period, whatever drives them (fleet_bench, `metersim serve`: GET /admin/fleet/checksum).
    std::uint64_t state_checksum() const;
    /// The newest reports of every meter (their summaries), for the meters' history charts.
    report_history const& history() const noexcept { return history_; }

private:
    fleet_meter* add(catalogue_entry const& entry, meters::meter_state state);
    void on_wake(std::uint32_t index);
    void dispatch(fleet_meter& m, meters::effects const& e);
    void reschedule(fleet_meter& m);
    fleet_listener* listener_for(fleet_meter const& m) const noexcept;
    static std::string_view meter_no_of(void const* self, std::uint32_t index) noexcept;
    static void prefetch_heap_of(void const* m) noexcept;
    static std::string_view device_id_of(void const* self, std::uint32_t index) noexcept;

    scheduler& sched_;
    catalogue const& catalogue_;
    fleet_options opts_;
    block_store<fleet_meter> meters_;  // stable addresses, huge pages where the kernel allows
    std::vector<bool> removed_;
    std::vector<bool> changed_;               ///< by index: in changed_list_
    std::vector<std::uint32_t> changed_list_;  ///< for take_changed()
    string_index by_no_;      ///< meter number -> index
    string_index by_device_;  ///< platform device id -> index
    std::unordered_map<std::string, fleet_listener*> listeners_;
    std::uint32_t depth_ = 0;  ///< dispatch re-entrancy (a session applying commands)
    std::uint64_t wakes_ = 0;
    std::uint64_t reports_ = 0;
    report_history history_;
};

}  // namespace metersim::sim

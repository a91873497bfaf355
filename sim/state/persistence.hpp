#pragma once
/// sim::state::persistence: what `metersim serve` keeps in its state file (sim/state/store.hpp)
/// and how it comes back.
///
/// Saved: every meter (its JSON form, sim/meter_json.hpp), the virtual clock (mode, speed, now),
/// the outbox's pending pushes (sim/state/outbox_store.hpp), the fault rules and the journal's
/// newest entries (as many as it keeps). Meters are checkpointed
/// incrementally: checkpoint() writes only the meters the fleet reports changed since the last
/// one (fleet::take_changed), with the clock, in one transaction. The outbox's writes are
/// committed at the end of the loop's turn that made them (group commit through the poster),
/// or by the next checkpoint, whichever comes first.
///
/// A meter's row is keyed by a slot the persistence keeps per fleet index: the meters restored
/// keep theirs, new meters take the next free one, a removed meter's row is deleted.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "meters/result.hpp"
#include "sim/state/outbox_store.hpp"
#include "sim/state/store.hpp"

namespace metersim::sim {
class fleet;
class clock;
class fault_registry;
class journal;
}  // namespace metersim::sim

namespace metersim::sim::state {

class persistence {
public:
    explicit persistence(std::shared_ptr<store> s);
    ~persistence();
    persistence(persistence const&) = delete;
    persistence& operator=(persistence const&) = delete;

    store& file() noexcept { return *store_; }
    sqlite_outbox_store& pushes() noexcept { return pushes_; }

    /// Puts the saved meters into `f` (which must hold none yet), in slot order. The error is one
    /// line naming the file and the meter. Marks nothing changed.
    meters::result<std::size_t, std::string> restore_meters(fleet& f);

    /// Saves the meters changed since the last checkpoint, the clock and (when tracked) the
    /// fault rules if they changed, and commits. Returns how many meter rows were written or
    /// deleted.
    std::size_t checkpoint(fleet& f, clock const& c);

    /// Puts the saved fault rules into `r` and saves its rules with every checkpoint from now on.
    void track_faults(fault_registry& r);
    /// Puts the saved journal entries into `j` (empty) and saves its new entries with every
    /// checkpoint from now on, keeping as many rows as it keeps entries.
    void track_journal(journal& j);

    /// Group commit: `post(fn)` runs fn at the end of the current turn of the loop. The first
    /// write of a turn posts one commit for everything written in it.
    void set_poster(std::function<void(std::function<void()>)> post) { post_ = std::move(post); }
    /// Commits what is written so far.
    void commit();

private:
    void on_write();
    void save_faults();
    void save_journal();

    std::shared_ptr<store> store_;
    sqlite_outbox_store pushes_;
    std::vector<std::int64_t> slot_of_;  ///< fleet index -> row slot
    std::int64_t next_slot_ = 0;
    bool commit_posted_ = false;
    clock_record saved_clock_;  ///< the clock as last saved (not written again unchanged)
    fault_registry* faults_ = nullptr;
    std::uint64_t faults_saved_ = 0;  ///< the registry's version() as last saved
    journal* journal_ = nullptr;
    std::uint64_t journal_saved_ = 0;  ///< the id of the newest entry saved
    std::function<void(std::function<void()>)> post_;
};

}  // namespace metersim::sim::state

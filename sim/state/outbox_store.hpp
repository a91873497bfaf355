#pragma once
/// sim::state::sqlite_outbox_store: the outbox's pending pushes in the state file, so a restart
/// or a crash loses none and resends each under its own serial (the body is kept byte for
/// byte) with its count of failed attempts.
///
/// Each write joins the store's open transaction; whoever owns the store commits it (group
/// commit: sim/state/persistence.hpp commits at the end of the loop's turn, before any push of
/// that turn can have its answer).

#include "sim/outbox.hpp"

namespace metersim::sim::state {

class store;

class sqlite_outbox_store final : public outbox_store {
public:
    explicit sqlite_outbox_store(store& s) noexcept : store_(s) {}

    void save_pending(push const& p) override;
    void mark_delivered(std::uint64_t id) override;
    std::vector<push> load_pending() override;
    void save_failures(std::uint64_t id, unsigned failures) override;

    /// Called after every write (the owner schedules the commit).
    void on_write(std::function<void()> hook) { on_write_ = std::move(hook); }

private:
    store& store_;
    std::function<void()> on_write_;
};

}  // namespace metersim::sim::state

#include "sim/state/persistence.hpp"

#include <fmt/format.h>

#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/meter_json.hpp"

namespace metersim::sim::state {

persistence::persistence(std::shared_ptr<store> s) : store_(std::move(s)), pushes_(*store_) {
    pushes_.on_write([this] { on_write(); });
}

persistence::~persistence() = default;

meters::result<std::size_t, std::string> persistence::restore_meters(fleet& f) {
    std::string error;
    std::size_t restored = 0;
    store_->for_each_meter([&](std::int64_t slot, std::string_view model, std::string_view json) {
        auto state = meter_state_from_json(json);
        if (!state) {
            error = fmt::format("state file {}: meter row {}: {}", store_->path(), slot, state.error());
            return false;
        }
        auto made = f.restore(model, std::move(state).value());
        if (!made) {
            error = fmt::format("state file {}: meter row {}: {}", store_->path(), slot, made.error());
            return false;
        }
        auto const index = made.value()->index;
        if (slot_of_.size() <= index) slot_of_.resize(index + 1, -1);
        slot_of_[index] = slot;
        next_slot_ = std::max(next_slot_, slot + 1);
        ++restored;
        return true;
    });
    if (!error.empty()) return error;
    (void)f.take_changed();  // restored as saved: nothing to write back
    return restored;
}

std::size_t persistence::checkpoint(fleet& f, clock const& c) {
    auto changed = f.take_changed();
    for (auto const index : changed) {
        if (slot_of_.size() <= index) slot_of_.resize(index + 1, -1);
        auto& slot = slot_of_[index];
        if (f.is_removed(index)) {
            if (slot >= 0) store_->erase_meter(slot);
            slot = -1;
            continue;
        }
        if (slot < 0) slot = next_slot_++;
        auto& m = f.at(index);
        store_->save_meter(slot, m.entry->key, to_json_text(m.meter.state()));
    }
    clock_record now{std::string(to_string(c.mode())), c.speed(), c.now()};
    if (now.mode != saved_clock_.mode || now.speed != saved_clock_.speed || now.now != saved_clock_.now) {
        store_->save_clock(now);
        saved_clock_ = std::move(now);
    }
    commit();
    return changed.size();
}

void persistence::commit() {
    commit_posted_ = false;
    store_->commit();
}

void persistence::on_write() {
    if (commit_posted_ || !post_) return;
    commit_posted_ = true;
    post_([this] { commit(); });
}

}  // namespace metersim::sim::state

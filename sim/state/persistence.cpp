#include "sim/state/persistence.hpp"

#include <fmt/format.h>

#include "sim/clock.hpp"
#include "sim/faults.hpp"
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
    if (faults_ != nullptr && faults_->version() != faults_saved_) {
        store_->begin();
        store_->prepare("DELETE FROM faults").run();
        auto& q = store_->prepare(
            "INSERT INTO faults(id, target, kind, path, status, body, delay_ms, remaining, until_ms, hits)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        for (auto const& r : faults_->rules()) {
            q.bind(1, static_cast<std::int64_t>(r.id)).bind(2, r.target).bind(3, to_string(r.kind)).bind(4, r.path);
            q.bind(5, std::int64_t{r.status}).bind(6, r.body).bind(7, static_cast<std::int64_t>(r.delay.count()));
            if (r.remaining) q.bind(8, static_cast<std::int64_t>(*r.remaining));
            if (r.until) q.bind(9, meters::to_ms(*r.until));
            q.bind(10, static_cast<std::int64_t>(r.hits)).run();
        }
        faults_saved_ = faults_->version();
    }
    commit();
    return changed.size();
}

void persistence::track_faults(fault_registry& r) {
    auto& q = store_->prepare(
        "SELECT id, target, kind, path, status, body, delay_ms, remaining, until_ms, hits FROM faults ORDER BY id");
    while (q.step()) {
        auto kind = parse_fault_kind(q.text_at(2));
        if (!kind) continue;  // written by this code: a kind it does not know is not one it wrote
        fault_rule f;
        f.id = static_cast<std::uint64_t>(q.int_at(0));
        f.target = q.text_at(1);
        f.kind = *kind;
        f.path = q.text_at(3);
        f.status = static_cast<unsigned>(q.int_at(4));
        f.body = q.text_at(5);
        f.delay = std::chrono::milliseconds{q.int_at(6)};
        if (!q.is_null(7)) f.remaining = static_cast<std::uint64_t>(q.int_at(7));
        if (!q.is_null(8)) f.until = meters::instant_from_ms(q.int_at(8));
        f.hits = static_cast<std::uint64_t>(q.int_at(9));
        r.restore(std::move(f));
    }
    q.reset();
    faults_ = &r;
    faults_saved_ = r.version();
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

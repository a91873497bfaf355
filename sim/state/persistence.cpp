#include "sim/state/persistence.hpp"

#include <fmt/format.h>

#include "sim/clock.hpp"
#include "sim/faults.hpp"
#include "sim/journal.hpp"
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
    save_faults();
    save_journal();
    commit();
    return changed.size();
}

void persistence::save_faults() {
    if (faults_ == nullptr || faults_->version() == faults_saved_) return;
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

void persistence::save_journal() {
    if (journal_ == nullptr || journal_->last_id() == journal_saved_) return;
    store_->begin();
    auto& q = store_->prepare(
        "INSERT OR REPLACE INTO journal(id, wall_ms, virtual_ms, dir, platform, kind, method, target, meter_no,"
        " request_body, status, response_body, latency_us, verdict, error)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    auto& d = store_->prepare(
        "INSERT OR REPLACE INTO journal_deviations(entry_id, seq, field, rule, section) VALUES (?1, ?2, ?3, ?4, ?5)");
    auto const capacity = journal_->capacity();
    journal_query since;
    since.since_id = journal_saved_;
    since.limit = capacity;
    for (auto const& e : journal_->query(since)) {
        auto const id = static_cast<std::int64_t>(e.id);
        auto const wall = std::chrono::duration_cast<std::chrono::milliseconds>(e.wall_time.time_since_epoch());
        q.bind(1, id).bind(2, static_cast<std::int64_t>(wall.count())).bind(3, meters::to_ms(e.virtual_time));
        q.bind(4, to_string(e.dir)).bind(5, e.platform).bind(6, e.kind).bind(7, e.method).bind(8, e.target);
        q.bind(9, e.meter_no).bind(10, e.request_body).bind(11, std::int64_t{e.status}).bind(12, e.response_body);
        q.bind(13, e.latency_us).bind(14, e.verdict).bind(15, e.error).run();
        std::int64_t seq = 0;
        for (auto const& x : e.deviations) d.bind(1, id).bind(2, seq++).bind(3, x.field).bind(4, x.rule).bind(5, x.section).run();
    }
    journal_saved_ = journal_->last_id();
    // As many rows as the journal keeps entries.
    auto const keep_from = static_cast<std::int64_t>(journal_saved_) - static_cast<std::int64_t>(capacity);
    if (keep_from > 0) {
        store_->prepare("DELETE FROM journal WHERE id <= ?1").bind(1, keep_from).run();
        store_->prepare("DELETE FROM journal_deviations WHERE entry_id <= ?1").bind(1, keep_from).run();
    }
}

void persistence::track_journal(journal& j) {
    auto& q = store_->prepare(
        "SELECT id, wall_ms, virtual_ms, dir, platform, kind, method, target, meter_no, request_body, status,"
        " response_body, latency_us, verdict, error FROM journal ORDER BY id");
    auto& d = store_->prepare("SELECT field, rule, section FROM journal_deviations WHERE entry_id = ?1 ORDER BY seq");
    while (q.step()) {
        journal_entry e;
        e.id = static_cast<std::uint64_t>(q.int_at(0));
        e.wall_time = std::chrono::system_clock::time_point{std::chrono::milliseconds{q.int_at(1)}};
        e.virtual_time = meters::instant_from_ms(q.int_at(2));
        e.dir = q.text_at(3) == "out" ? direction::out : direction::in;
        e.platform = q.text_at(4);
        e.kind = q.text_at(5);
        e.method = q.text_at(6);
        e.target = q.text_at(7);
        e.meter_no = q.text_at(8);
        e.request_body = q.text_at(9);
        e.status = static_cast<unsigned>(q.int_at(10));
        e.response_body = q.text_at(11);
        e.latency_us = q.int_at(12);
        e.verdict = q.text_at(13);
        e.error = q.text_at(14);
        d.bind(1, static_cast<std::int64_t>(e.id));
        while (d.step()) e.deviations.push_back({std::string(d.text_at(0)), std::string(d.text_at(1)), std::string(d.text_at(2))});
        d.reset();
        (void)j.restore(e);
    }
    q.reset();
    journal_ = &j;
    journal_saved_ = j.last_id();
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

#pragma once
/// sim::session_item: an item of a pending_store for platforms whose meters also wait for plain
/// commands (CNMCSP, Xintian): the command for the meter's next session, its label for the
/// journal and the admin API, and the vendor's record of it.
///
/// A Record whose key() is empty makes a plain command (phase queued: not counted, gone once
/// the session takes it); one with a key (a TradeNo, a TransId) is waiting until a session
/// takes it (active), then settled once its `settled_at` is set, and is kept for the vendor's
/// lookups within the store's bounds. A Record has
///   std::string_view key() const;
///   std::optional<meters::instant> settled_at;

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "meters/commands.hpp"
#include "meters/instant.hpp"
#include "sim/pending_store.hpp"

namespace metersim::sim {

template <class Record>
struct session_item {
    std::uint32_t seq = 0;
    bool taken = false;  ///< a session took it; the meter's answer settles it
    std::string label;   ///< "recharge", "RemotePay T-1", ... (journal, admin)
    std::unique_ptr<meters::command> command;  ///< until a session takes it
    Record record;

    session_item() = default;
    session_item(meters::command c, std::string what, Record r = {})
        : label(std::move(what)), command(std::make_unique<meters::command>(std::move(c))), record(std::move(r)) {}

    pending_phase phase() const noexcept {
        if (record.key().empty()) return taken ? pending_phase::active : pending_phase::queued;
        if (record.settled_at) return pending_phase::settled;
        return taken ? pending_phase::active : pending_phase::waiting;
    }
    meters::instant settled_at() const noexcept { return record.settled_at.value_or(meters::instant{}); }
    meters::instant deadline() const noexcept { return meters::instant::max(); }
    std::string_view key() const noexcept { return record.key(); }
};

/// The record of `key`, whichever owner holds it, or nullptr.
template <class Record>
Record* find_record(pending_store<session_item<Record>>& s, std::string_view key) {
    auto* x = s.find(key);
    return x != nullptr ? &x->record : nullptr;
}
template <class Record>
Record const* find_record(pending_store<session_item<Record>> const& s, std::string_view key) {
    auto const* x = s.find(key);
    return x != nullptr ? &x->record : nullptr;
}

/// What a session takes from a store of session_items: the command, and the key of the record
/// its answer settles (empty for a plain command).
struct session_work {
    meters::command command;
    std::string label;
    std::string key;
};

/// Takes the owner's next waiting or queued item, if any: a plain command leaves the store, a
/// record stays, taken (active), until the vendor settles it with the meter's answer.
template <class Record>
std::optional<session_work> take_next(pending_store<session_item<Record>>& s,
                                      typename pending_store<session_item<Record>>::owner& o) {
    auto* x = s.next(o);
    if (x == nullptr) return std::nullopt;
    session_work w{std::move(*x->command), x->label, std::string(x->key())};
    if (w.key.empty()) {
        auto const seq = x->seq;
        s.erase_if(o, [seq](session_item<Record> const& y) { return y.seq == seq; });
    } else {
        s.update(o, *x, [](session_item<Record>& y) {
            y.taken = true;
            y.command.reset();
        });
    }
    return w;
}

/// Settles the record of `key` at `now`, `fill` setting the vendor's outcome on it; the owner's
/// settled records past the history bound are forgotten (perhaps this one: do not use it
/// afterwards). False when no record has that key.
template <class Record, class Fill>
bool settle(pending_store<session_item<Record>>& s, std::string_view key, meters::instant now, Fill&& fill) {
    auto const ref = s.locate(key);
    auto* o = ref ? s.owner_at(ref->owner) : nullptr;
    auto* x = o != nullptr ? s.find_in(*o, ref->seq) : nullptr;
    if (x == nullptr) return false;
    s.update(*o, *x, [&](session_item<Record>& y) {
        y.command.reset();
        fill(y.record);
        y.record.settled_at = now;
    });
    s.keep_history(*o);
    return true;
}

}  // namespace metersim::sim

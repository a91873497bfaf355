#pragma once
/// sim::pending_store: the work waiting for meters' next radio sessions, and what became of it,
/// as every platform keeps it (Xianfeng commands, CNMCSP trades, Xintian recharges).
///
/// An owner (a meter or a device, by the platform's key for it) holds its items in arrival
/// order; `seq` numbers them from 0 per owner. In its vendor's terms, an item is in one phase:
///   - waiting: accepted, waiting for the meter's next session; at most `bounds.waiting` per
///     owner and `bounds.waiting_total` over every owner (has_room, no_room: the vendor answers
///     its own error past either);
///   - queued: waiting too, but neither counted nor kept once done (a plain command: a price,
///     a valve order);
///   - active: taken by a session, the meter's answer pending;
///   - settled: done (delivered, refused, cancelled, expired) and kept for the vendor's
///     lookups: at most `bounds.history` per owner (the earliest settled_at goes first; among
///     equal instants, the first to settle) and for `bounds.retention` of virtual time after it
///     settled.
/// The bounds are applied by trim() (or refresh(), forget_settled(), keep_history()), never by
/// add() or update(): a pointer to an item stays valid until the next add, trim, refresh,
/// erase or move on its owner.
///
/// An Item has a member `std::uint32_t seq` (set by add) and
///   sim::pending_phase phase() const;     where it is;
///   meters::instant settled_at() const;   when a settled item settled (history order, retention);
///   meters::instant deadline() const;     when a waiting item's vendor rule settles it unasked
///                                         (refresh hands it to on_due), instant::max(): never;
///   std::string_view key() const;         the vendor's key for it (TradeNo, TransId), or empty.
/// The phase and the times are the item's own (derived from the vendor's state): change them
/// only through update(), which keeps the owner's counters right.
///
/// Lookups: an owner by its key or its slot (stable: owners are never removed); an item by
/// (slot, seq) (a pending_ref: Xianfeng's commandId encodes one), or by its vendor key across
/// every owner. Plain data for persistence: owners() lists every owner with its items in order
/// (and its settle order), restore() puts an item back under its own seq. Single-threaded; nothing here throws but
/// std::bad_alloc.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "meters/instant.hpp"
#include "sim/string_index.hpp"

namespace metersim::sim {

/// A store's bounds (metersim's choices: the specs give none). Config keys, per platform:
/// max_queued_* (waiting), max_queued_*_total (waiting_total), *_history (history),
/// *_retention_s (retention). The per-owner cap is high enough that realistic use (a batch job, a
/// load test sending dozens to one meter) never meets it; the store's memory is bounded by the
/// budget over every owner instead (issue 16).
struct store_bounds {
    std::size_t waiting = 256;  ///< items waiting per owner
    std::size_t history = 16;  ///< settled items kept per owner
    meters::duration retention = std::chrono::hours{24 * 7};  ///< after settling, virtual time
    std::size_t waiting_total = 1'000'000;  ///< items waiting over every owner (the memory bound)
    bool operator==(store_bounds const&) const = default;
};

enum class pending_phase : std::uint8_t { waiting, queued, active, settled };

/// Where an item lives: its owner's slot and its seq there.
struct pending_ref {
    std::uint32_t owner = 0;
    std::uint32_t seq = 0;
    bool operator==(pending_ref const&) const = default;
};

template <class Item>
class pending_store {
public:
    /// One meter's (or device's) items and counters.
    struct owner {
        std::string key;
        std::uint32_t slot = 0;  ///< its place in the store
        std::vector<Item> items;  ///< by seq, oldest first
        std::vector<std::uint32_t> settle_order;  ///< seqs of the settled items, as they settled
        std::uint32_t next_seq = 0;
        std::uint32_t waiting = 0;  ///< items per phase
        std::uint32_t queued = 0;
        std::uint32_t active = 0;
        std::uint32_t settled = 0;
        /// No item reaches its deadline or leaves the retention before this (refresh skips).
        meters::instant next_due = meters::instant::max();
    };

    explicit pending_store(store_bounds b = {}) : bounds_(b), index_(&pending_store::key_of, this) {}
    pending_store(pending_store const&) = delete;
    pending_store& operator=(pending_store const&) = delete;

    store_bounds const& bounds() const noexcept { return bounds_; }
    void set_bounds(store_bounds b) noexcept { bounds_ = b; }

    // ---- owners

    owner* find_owner(std::string_view key) noexcept {
        auto slot = index_.find(key);
        return slot ? &owners_[*slot] : nullptr;
    }
    owner const* find_owner(std::string_view key) const noexcept {
        auto slot = index_.find(key);
        return slot ? &owners_[*slot] : nullptr;
    }
    /// The owner of `key`, created empty when absent.
    owner& ensure_owner(std::string_view key) {
        if (auto* o = find_owner(key)) return *o;
        auto& o = owners_.emplace_back();
        o.key = std::string(key);
        o.slot = static_cast<std::uint32_t>(owners_.size() - 1);
        index_.assign(key, o.slot);
        return o;
    }
    owner* owner_at(std::uint32_t slot) noexcept { return slot < owners_.size() ? &owners_[slot] : nullptr; }
    /// Every owner in slot order (persistence, admin).
    std::deque<owner> const& owners() const noexcept { return owners_; }

    /// Whether the owner may take one more waiting item.
    bool has_room(owner const& o) const noexcept {
        return o.waiting < bounds_.waiting && waiting_total_ < bounds_.waiting_total;
    }
    /// Why the owner may not take one more waiting item (the text after its name, the items
    /// called `what`: "already has 256 commands waiting for its next session (at most 256)"),
    /// or nullopt when it may.
    std::optional<std::string> no_room(owner const& o, std::string_view what) const {
        auto const n = [](std::size_t v) { return std::to_string(v); };
        if (o.waiting >= bounds_.waiting)
            return "already has " + n(o.waiting) + " " + std::string(what) +
                   " waiting for its next session (at most " + n(bounds_.waiting) + ")";
        if (waiting_total_ >= bounds_.waiting_total)
            return "cannot take more: the platform holds " + n(waiting_total_) + " " + std::string(what) +
                   " waiting, all meters together (at most " + n(bounds_.waiting_total) + ")";
        return std::nullopt;
    }
    /// Items waiting, over every owner.
    std::size_t waiting_total() const noexcept { return waiting_total_; }

    // ---- items

    /// Appends `it` (its seq assigned here) and indexes its key; its reference.
    pending_ref add(owner& o, Item it) {
        it.seq = o.next_seq++;
        return restore(o, std::move(it));
    }
    /// Appends `it` under its own seq, which must exceed every seq of the owner (restoring).
    pending_ref restore(owner& o, Item it) {
        o.next_seq = std::max(o.next_seq, it.seq + 1);
        auto& x = o.items.emplace_back(std::move(it));
        count(o, x.phase(), 1);
        if (x.phase() == pending_phase::settled) o.settle_order.push_back(x.seq);
        due(o, x);
        ++size_;
        pending_ref const ref{o.slot, x.seq};
        if (auto k = x.key(); !k.empty()) keys_.insert_or_assign(std::string(k), ref);
        return ref;
    }

    Item* find(pending_ref ref) noexcept {
        auto* o = owner_at(ref.owner);
        return o != nullptr ? find_in(*o, ref.seq) : nullptr;
    }
    /// An item by its vendor key, whichever owner holds it.
    Item* find(std::string_view key) {
        auto ref = locate(key);
        return ref ? find(*ref) : nullptr;
    }
    Item const* find(std::string_view key) const {
        return const_cast<pending_store*>(this)->find(key);
    }
    std::optional<pending_ref> locate(std::string_view key) const {
        auto it = keys_.find(std::string(key));
        if (it == keys_.end()) return std::nullopt;
        return it->second;
    }
    Item* find_in(owner& o, std::uint32_t seq) noexcept {
        // Items are sorted by seq: a binary search.
        auto it = std::lower_bound(o.items.begin(), o.items.end(), seq,
                                   [](Item const& x, std::uint32_t s) { return x.seq < s; });
        return it != o.items.end() && it->seq == seq ? &*it : nullptr;
    }

    /// The oldest item waiting or queued, or nullptr.
    Item* next(owner& o) noexcept {
        if (o.waiting + o.queued == 0) return nullptr;
        for (auto& x : o.items)
            if (auto p = x.phase(); p == pending_phase::waiting || p == pending_phase::queued) return &x;
        return nullptr;
    }

    /// Applies `change(it)` (a vendor transition); the owner's counters follow the item's phase.
    /// Never removes an item: the bounds apply at the next trim.
    template <class Change>
    void update(owner& o, Item& it, Change&& change) {
        auto const before = it.phase();
        count(o, before, -1);
        std::forward<Change>(change)(it);
        auto const after = it.phase();
        count(o, after, 1);
        if (before != after && after == pending_phase::settled) o.settle_order.push_back(it.seq);
        else if (before != after && before == pending_phase::settled) std::erase(o.settle_order, it.seq);
        due(o, it);
    }

    /// Hands every waiting item past its deadline to `on_due(owner&, Item&)` (which settles it
    /// through update), then trims. Cheap when nothing is due.
    template <class OnDue>
    void refresh(owner& o, meters::instant now, OnDue&& on_due) {
        if (now < o.next_due && o.settled <= bounds_.history) return;  // nothing due
        if (o.waiting > 0)
            for (auto& x : o.items)
                if (x.phase() == pending_phase::waiting && x.deadline() <= now) on_due(o, x);
        trim(o, now);
    }

    /// Forgets the settled items past the retention, then those past the history bound.
    void trim(owner& o, meters::instant now) {
        forget_settled(o, now);
        keep_history(o);
    }
    /// Forgets the settled items that settled `retention` or longer before `now`.
    void forget_settled(owner& o, meters::instant now) {
        if (o.settled > 0)
            drop_if(o, [&](Item const& x) {
                return x.phase() == pending_phase::settled && x.settled_at() + bounds_.retention <= now;
            });
        rescan(o);
    }
    /// Forgets the earliest settled items past the history bound.
    void keep_history(owner& o) {
        if (o.settled <= bounds_.history) return;
        while (o.settled > bounds_.history) {
            Item* oldest = nullptr;
            for (auto seq : o.settle_order) {
                auto* x = find_in(o, seq);
                if (oldest == nullptr || x->settled_at() < oldest->settled_at()) oldest = x;
            }
            forget(o, o.items.begin() + (oldest - o.items.data()));
        }
        rescan(o);
    }

    /// Removes the items `pred` holds for, whatever their phase.
    template <class Pred>
    void erase_if(owner& o, Pred pred) {
        drop_if(o, pred);
        rescan(o);
    }

    /// Moves an item to another owner, after its items (a new seq there); its new reference.
    pending_ref move(owner& from, std::uint32_t seq, owner& to) {
        auto it = std::find_if(from.items.begin(), from.items.end(), [&](Item const& x) { return x.seq == seq; });
        unindex(from, *it);  // while it still holds its key and phase
        Item x = std::move(*it);
        from.items.erase(it);
        rescan(from);
        return add(to, std::move(x));
    }

    std::size_t owner_count() const noexcept { return owners_.size(); }
    /// Items held, over every owner.
    std::size_t size() const noexcept { return size_; }

private:
    static std::string_view key_of(void const* ctx, std::uint32_t slot) {
        return static_cast<pending_store const*>(ctx)->owners_[slot].key;
    }

    static std::uint32_t& counter(owner& o, pending_phase p) noexcept {
        switch (p) {
            case pending_phase::waiting: return o.waiting;
            case pending_phase::queued: return o.queued;
            case pending_phase::active: return o.active;
            case pending_phase::settled: break;
        }
        return o.settled;
    }
    void count(owner& o, pending_phase p, int by) noexcept {
        auto& c = counter(o, p);
        c = by > 0 ? c + 1 : c - 1;
        if (p == pending_phase::waiting) waiting_total_ = by > 0 ? waiting_total_ + 1 : waiting_total_ - 1;
    }

    /// Lowers o.next_due to what `x` needs.
    void due(owner& o, Item const& x) const noexcept {
        auto const p = x.phase();
        if (p == pending_phase::waiting) o.next_due = std::min(o.next_due, x.deadline());
        else if (p == pending_phase::settled) o.next_due = std::min(o.next_due, x.settled_at() + bounds_.retention);
    }
    void rescan(owner& o) const noexcept {
        o.next_due = meters::instant::max();
        for (auto const& x : o.items) due(o, x);
    }

    /// Unindexes and uncounts the item at `it` and removes it.
    void forget(owner& o, typename std::vector<Item>::iterator it) {
        unindex(o, *it);
        o.items.erase(it);
    }
    template <class Pred>
    void drop_if(owner& o, Pred const& pred) {
        std::erase_if(o.items, [&](Item const& x) {
            if (!pred(x)) return false;
            unindex(o, x);
            return true;
        });
    }
    void unindex(owner& o, Item const& x) {
        count(o, x.phase(), -1);
        if (x.phase() == pending_phase::settled) std::erase(o.settle_order, x.seq);
        --size_;
        if (auto k = x.key(); !k.empty()) {
            auto e = keys_.find(std::string(k));
            if (e != keys_.end() && e->second == pending_ref{o.slot, x.seq}) keys_.erase(e);
        }
    }

    store_bounds bounds_;
    std::deque<owner> owners_;  ///< never moves an owner
    string_index index_;        ///< owner key -> slot
    std::unordered_map<std::string, pending_ref> keys_;  ///< item key -> where
    std::size_t size_ = 0;
    std::size_t waiting_total_ = 0;  ///< o.waiting summed over the owners
};

}  // namespace metersim::sim

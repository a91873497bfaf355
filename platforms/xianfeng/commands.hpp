#pragma once
/// The Xianfeng command store and the command life cycle (spec: xianfeng §2).
///
/// A command created by creatCmd (§2.1) is pending (0) in its device's queue. When the meter next
/// holds a radio session the platform sends the queue's head: sending (4). The meter's answer
/// comes after the platform's answer delay: success (1) or failure (2), and the next pending
/// command goes out, so commands reach the meter one at a time, in order. A refusal the meter
/// may get over (see is_transient) puts the command back to pending and counts the attempt; at
/// `expire_count` attempts it expires (3), as it does once `expire_at` has passed while pending.
/// cancelCmd (§2.4) cancels (5) a pending command only.
///
/// The records live in a sim::pending_store (pending is its `waiting` phase, sending `active`,
/// the finished states `settled`); this file keeps the Xianfeng payload and life cycle.
///
/// Bounds (the spec gives none: these are metersim's choices, sim::store_bounds, from the serve
/// config; README.md "Command store bounds"):
///   - at most `max_pending` commands wait per device; creatCmd past it answers 500014
///     (生成指令发生异常, the only appendix-7 code that fits) naming deviceId and the limit;
///   - finished commands (1/2/3/5) stay queryable for `retention` of virtual time after they
///     finished, and at most `history` of them per device (the oldest finished go first); past
///     either bound queryCmd answers 500043 as for an id never given.
/// So a device holds at most max_pending + history + 1 (the one being sent) records.
///
/// Expiry by time is lazy: `refresh(device, now)` turns every pending command whose expire_at
/// has passed into expired (3) with commandUpdateTime = expire_at, and drops the finished
/// commands past the bounds. Every read and write of a device's commands refreshes it first, so
/// what a caller sees is exactly what a timer at expire_at would have produced, without one
/// scheduler event per command.
///
/// The commandId (32 hex) encodes the device's slot in the store and the command's sequence
/// number in that device, through a keyed 64-bit bijection plus a 64-bit check: finding a
/// command by id needs no index, and an id the store never gave fails the check (500043).
///
/// Records live in a small vector per device (bounded, see above) inside a std::deque of devices
/// (never moves a device); a record pointer is valid until the next add/refresh of its device:
/// hold a `command_ref` (a sim::pending_ref) across anything that may create or answer commands.
///
/// Plain data, single-threaded: the platform drives the transitions (command_cycle.cpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/instant.hpp"
#include "platforms/xianfeng/methods.hpp"
#include "sim/pending_store.hpp"

namespace metersim::platforms::xianfeng {

/// commandState of §2.2 cmdResultDTO.
enum class command_state : std::uint8_t {
    pending = 0,
    success = 1,
    failure = 2,
    expired = 3,
    sending = 4,
    cancelled = 5,
};

/// A finished state: success, failure, expired or cancelled.
constexpr bool is_finished(command_state s) noexcept {
    return s != command_state::pending && s != command_state::sending;
}

// spec: xianfeng §2.1 and specs/README.md reading notes.
inline constexpr std::int64_t default_expire_time_s = 60 * 60 * 24 * 2;
inline constexpr std::int64_t max_expire_time_s = 60 * 60 * 24 * 31;
inline constexpr std::int64_t default_expire_count = 3;
inline constexpr std::int64_t max_expire_count = 5;

/// What a command holds beyond its record: the validated meters::command of every method but
/// VALVE_CONTROL, and the result fields once answered.
struct command_extra {
    std::unique_ptr<meters::command> other;
    result_fields result;
    bool answered = false;
};

/// One command in 32 bytes: VALVE_CONTROL (the bulk of a CIS's traffic) needs no heap until it
/// is answered; the other methods keep their command in `extra`.
struct command_record {
    std::uint32_t seq = 0;  ///< per device, from 0; with the device's slot, the commandId
    command_state state = command_state::pending;
    method which = method::valve_control;
    std::uint8_t attempts : 3 = 0;      ///< at most max_expire_count (5)
    std::uint8_t expire_count : 3 = default_expire_count;
    bool gas_units : 1 = false;
    bool valve_close : 1 = false;       ///< VALVE_CONTROL's action (controlFlag 1)
    meters::instant updated_at{};  ///< commandUpdateTime
    meters::instant expire_at{};
    std::unique_ptr<command_extra> extra;

    /// Stores `call` compactly.
    void set_call(method_call call);
    /// The call as parse_command made it.
    method_call call() const;
    bool has_result() const noexcept { return extra != nullptr && extra->answered; }
    /// resultDetail / callbackData; has_result() must hold.
    result_fields const& result() const noexcept { return extra->result; }
    void set_result(result_fields r);

    // ---- as a sim::pending_store item
    sim::pending_phase phase() const noexcept {
        if (state == command_state::pending) return sim::pending_phase::waiting;
        return state == command_state::sending ? sim::pending_phase::active : sim::pending_phase::settled;
    }
    meters::instant settled_at() const noexcept { return updated_at; }
    meters::instant deadline() const noexcept { return expire_at; }  ///< spec: xianfeng §2.1 expireTime
    std::string_view key() const noexcept { return {}; }  ///< the commandId is the reference
};
static_assert(max_expire_count < 8, "attempts and expire_count take 3 bits");

/// Where a command lives: its device's slot (`owner`) and its sequence number there.
using command_ref = sim::pending_ref;

/// The commands of one device: `key` is the deviceId; `items` by seq (oldest first), `waiting`
/// pending, `active` sending (0 or 1), `settled` finished.
using device_commands = sim::pending_store<command_record>::owner;

/// The 32-hex commandId of `ref`, and back (nullopt for text the store never made; the text
/// must be 32 lowercase hex characters).
std::string command_id_of(command_ref ref);
void append_command_id(std::string& out, command_ref ref);
std::optional<command_ref> parse_command_id(std::string_view id) noexcept;

class command_store {
public:
    explicit command_store(sim::store_bounds bounds = {}) : store_(bounds) {}

    sim::store_bounds const& limits() const noexcept { return store_.bounds(); }

    /// The commands of a device, or nullptr when it never had one.
    device_commands* find_device(std::string_view device_id) noexcept { return store_.find_owner(device_id); }
    /// The commands of a device, created empty when absent.
    device_commands& ensure_device(std::string_view device_id) { return store_.ensure_owner(device_id); }
    device_commands* device_at(std::uint32_t slot) noexcept { return store_.owner_at(slot); }

    /// Applies lazy expiry and the retention bounds as of `now` (see the file comment). Records
    /// may move or go: pointers into the device are invalid afterwards.
    void refresh(device_commands& d, meters::instant now);

    /// Whether the device may take one more pending command (after refresh).
    bool has_room(device_commands const& d) const noexcept { return store_.has_room(d); }
    /// Why it may not (sim::pending_store::no_room), or nullopt.
    std::optional<std::string> no_room(device_commands const& d) const { return store_.no_room(d, "commands"); }
    /// Appends a pending command (seq assigned here); its reference.
    command_ref add(device_commands& d, command_record r) {
        r.state = command_state::pending;
        return store_.add(d, std::move(r));
    }

    /// A record by reference or by commandId (refreshing its device first); nullptr when the
    /// store does not hold it (never given, or dropped by the bounds).
    command_record* find(command_ref ref, meters::instant now);
    command_record* find(std::string_view command_id, meters::instant now);
    /// The device of a command found by id (for the 500044 check).
    device_commands* device_of(command_ref ref) noexcept { return device_at(ref.owner); }

    /// The oldest pending command of a device, or nullptr.
    command_record* next_pending(device_commands& d) noexcept { return store_.next(d); }

    /// A state transition that keeps the device's counters right (commandUpdateTime = now).
    /// Never removes a record: the bounds apply at the device's next refresh.
    void set_state(device_commands& d, command_record& r, command_state s, meters::instant now);

    /// Every pending command of a device, oldest first (valid until the device changes).
    std::vector<command_record*> pending_of(device_commands& d);

    std::size_t device_count() const noexcept { return store_.owner_count(); }
    /// Records held, over every device.
    std::size_t size() const noexcept { return store_.size(); }

private:
    sim::pending_store<command_record> store_;
};

}  // namespace metersim::platforms::xianfeng

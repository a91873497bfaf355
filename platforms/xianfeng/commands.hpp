#pragma once
/// The Xianfeng command store and the command life cycle (spec: xianfeng §2).
///
/// A command created by creatCmd (§2.1) is pending (0) in its device's queue. When the meter next
/// holds a radio session the platform sends the queue's head: sending (4). The meter's answer
/// comes after the platform's answer delay: success (1) or failure (2), and the next pending
/// command goes out, so commands reach the meter one at a time, in order. A refusal the meter
/// may get over (see is_transient) puts the command back to pending and counts the attempt; at
/// `expire_count` attempts it expires (3), as it does when `expire_at` passes while pending (a
/// scheduler event at that instant). cancelCmd (§2.4) cancels (5) a pending command only.
///
/// The store is plain data: the platform drives the transitions and schedules the events.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meters/instant.hpp"
#include "platforms/xianfeng/methods.hpp"
#include "sim/scheduler.hpp"

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

struct command_record {
    std::string command_id;  ///< 32 hex
    std::string device_id;
    method_call call;
    command_state state = command_state::pending;
    meters::instant created_at{};
    meters::instant updated_at{};  ///< commandUpdateTime
    meters::instant expire_at{};
    std::int64_t expire_count = 3;
    std::int64_t attempts = 0;
    sim::scheduler::event_id expiry_event = 0;
    bool has_result = false;
    result_fields result;    ///< resultDetail / callbackData once answered
};

// spec: xianfeng §2.1 and specs/README.md reading notes.
inline constexpr std::int64_t default_expire_time_s = 60 * 60 * 24 * 2;
inline constexpr std::int64_t max_expire_time_s = 60 * 60 * 24 * 31;
inline constexpr std::int64_t default_expire_count = 3;
inline constexpr std::int64_t max_expire_count = 5;

class command_store {
public:
    /// Stores a new pending command at the tail of its device's queue; assigns its id.
    command_record& add(command_record r);

    command_record* find(std::string_view command_id) noexcept;

    /// The oldest pending command of a device, or nullptr.
    command_record* next_pending(std::string_view device_id) noexcept;
    /// Commands of a device waiting in its queue (pending; the one being sent is not counted).
    std::size_t queued(std::string_view device_id) const noexcept;
    /// Whether a device has a command in state sending.
    bool is_sending(std::string_view device_id) const noexcept;
    /// Every pending command of a device, oldest first.
    std::vector<command_record*> pending_of(std::string_view device_id);

    /// Leaves the pending queue (after sending, cancel or expiry).
    void dequeue(command_record const& r);
    /// Back in the queue at its place (a transient refusal): stays first in line.
    void requeue_front(command_record const& r);

    void set_sending(std::string_view device_id, bool on);

    std::size_t size() const noexcept { return by_id_.size(); }

private:
    std::unordered_map<std::string, command_record> by_id_;
    std::unordered_map<std::string, std::deque<std::string>> queues_;
    std::unordered_map<std::string, bool> sending_;
    std::uint64_t seq_ = 0;
};

}  // namespace metersim::platforms::xianfeng

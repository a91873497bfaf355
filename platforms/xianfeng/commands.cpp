#include "platforms/xianfeng/commands.hpp"

#include <algorithm>

#include "platforms/common/crypto.hpp"

namespace metersim::platforms::xianfeng {

command_record& command_store::add(command_record r) {
    // A new 32-hex id: unique per store (sequence) and per device.
    std::string seed = "xianfeng-command:" + r.device_id + ":" + std::to_string(++seq_);
    r.command_id = crypto::sha256_hex(seed).substr(0, 32);
    queues_[r.device_id].push_back(r.command_id);
    auto [it, _] = by_id_.insert_or_assign(r.command_id, std::move(r));
    return it->second;
}

command_record* command_store::find(std::string_view command_id) noexcept {
    auto it = by_id_.find(std::string(command_id));
    return it == by_id_.end() ? nullptr : &it->second;
}

command_record* command_store::next_pending(std::string_view device_id) noexcept {
    auto q = queues_.find(std::string(device_id));
    if (q == queues_.end()) return nullptr;
    for (auto const& id : q->second) {
        auto* r = find(id);
        if (r != nullptr && r->state == command_state::pending) return r;
    }
    return nullptr;
}

std::size_t command_store::queued(std::string_view device_id) const noexcept {
    auto q = queues_.find(std::string(device_id));
    return q == queues_.end() ? 0 : q->second.size();
}

bool command_store::is_sending(std::string_view device_id) const noexcept {
    auto it = sending_.find(std::string(device_id));
    return it != sending_.end() && it->second;
}

void command_store::set_sending(std::string_view device_id, bool on) {
    if (on) sending_[std::string(device_id)] = true;
    else sending_.erase(std::string(device_id));
}

std::vector<command_record*> command_store::pending_of(std::string_view device_id) {
    std::vector<command_record*> out;
    auto q = queues_.find(std::string(device_id));
    if (q == queues_.end()) return out;
    for (auto const& id : q->second) {
        auto* r = find(id);
        if (r != nullptr && r->state == command_state::pending) out.push_back(r);
    }
    return out;
}

void command_store::dequeue(command_record const& r) {
    auto q = queues_.find(r.device_id);
    if (q == queues_.end()) return;
    auto& ids = q->second;
    ids.erase(std::remove(ids.begin(), ids.end(), r.command_id), ids.end());
    if (ids.empty()) queues_.erase(q);
}

void command_store::requeue_front(command_record const& r) {
    auto& ids = queues_[r.device_id];
    if (std::find(ids.begin(), ids.end(), r.command_id) == ids.end())
        ids.push_front(r.command_id);
}

}  // namespace metersim::platforms::xianfeng

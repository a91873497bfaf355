#include "sim/journal.hpp"

#include <algorithm>

namespace metersim::sim {

std::string_view to_string(direction d) noexcept { return d == direction::in ? "in" : "out"; }

journal::journal(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::uint64_t journal::append(journal_entry e) {
    // Observability time stamp, not simulation time: the virtual instant is the caller's.
    if (e.wall_time == std::chrono::system_clock::time_point{}) e.wall_time = std::chrono::system_clock::now();
    std::lock_guard lock(mutex_);
    e.id = next_id_++;
    auto id = e.id;
    if (ring_.size() < capacity_) {
        ring_.push_back(std::move(e));
    } else {
        ring_[head_] = std::move(e);
        head_ = (head_ + 1) % capacity_;
    }
    return id;
}

std::vector<journal_entry> journal::query(journal_query const& q) const {
    std::vector<journal_entry> out;
    if (q.limit == 0) return out;
    std::lock_guard lock(mutex_);
    auto const n = ring_.size();
    if (n == 0) return out;
    // Ids are consecutive in ring order, so since_id gives the starting offset directly.
    auto const oldest = ring_[head_].id;
    std::size_t start = 0;
    if (q.since_id >= oldest) start = static_cast<std::size_t>(q.since_id - oldest + 1);
    for (std::size_t i = start; i < n && out.size() < q.limit; ++i) {
        auto const& e = ring_[(head_ + i) % n];
        if (!q.platform.empty() && e.platform != q.platform) continue;
        if (!q.meter_no.empty() && e.meter_no != q.meter_no) continue;
        out.push_back(e);
    }
    return out;
}

std::size_t journal::size() const {
    std::lock_guard lock(mutex_);
    return ring_.size();
}

std::uint64_t journal::last_id() const {
    std::lock_guard lock(mutex_);
    return next_id_ - 1;
}

std::uint64_t journal::dropped() const {
    std::lock_guard lock(mutex_);
    return next_id_ - 1 - ring_.size();
}

}  // namespace metersim::sim

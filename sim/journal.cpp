#include "sim/journal.hpp"

#include <algorithm>

namespace metersim::sim {

std::string_view to_string(direction d) noexcept { return d == direction::in ? "in" : "out"; }

journal::journal(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::string_view journal::slot::field(std::size_t i) const noexcept {
    if (i == 5 && shared_request) return *shared_request;
    std::size_t const begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(text).substr(begin, ends[i] - begin);
}

void journal::fill(slot& s, journal_view const& e) {
    bool const shared = e.shared_request_body != nullptr && *e.shared_request_body != nullptr;
    if (shared) s.shared_request = *e.shared_request_body;
    else s.shared_request.reset();
    std::string_view const request_body = shared ? std::string_view{} : e.request_body;
    std::array<std::string_view, 9> const fields{e.platform, e.kind, e.method, e.target, e.meter_no,
                                                 request_body, e.response_body, e.verdict, e.error};
    std::size_t need = 0;
    for (auto f : fields) need += f.size();
    // A slot keeps its storage for the next entry, unless a large entry left far more than needed.
    if (s.text.capacity() > 2 * need + 4096) std::string{}.swap(s.text);
    s.text.clear();
    s.text.reserve(need);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        s.text.append(fields[i]);
        s.ends[i] = static_cast<std::uint32_t>(s.text.size());
    }
    s.wall_time = e.wall_time;
    s.virtual_time = e.virtual_time;
    s.dir = e.dir;
    s.status = e.status;
    s.latency_us = e.latency_us;
    if (e.deviations != nullptr) s.deviations = *e.deviations;
    else s.deviations.clear();
}

journal_entry journal::to_entry(slot const& s) {
    journal_entry e;
    e.id = s.id;
    e.wall_time = s.wall_time;
    e.virtual_time = s.virtual_time;
    e.dir = s.dir;
    e.platform = s.field(0);
    e.kind = s.field(1);
    e.method = s.field(2);
    e.target = s.field(3);
    e.meter_no = s.field(4);
    e.request_body = s.field(5);
    e.status = s.status;
    e.response_body = s.field(6);
    e.latency_us = s.latency_us;
    e.verdict = s.field(7);
    e.deviations = s.deviations;
    e.error = s.field(8);
    return e;
}

std::uint64_t journal::append(journal_entry const& e) {
    return append(journal_view{
        .wall_time = e.wall_time, .virtual_time = e.virtual_time, .dir = e.dir, .platform = e.platform,
        .kind = e.kind, .method = e.method, .target = e.target, .meter_no = e.meter_no,
        .request_body = e.request_body, .status = e.status, .response_body = e.response_body,
        .latency_us = e.latency_us, .verdict = e.verdict, .deviations = &e.deviations, .error = e.error});
}

std::uint64_t journal::append(journal_view const& e) {
    // Observability time stamp, not simulation time: the virtual instant is the caller's.
    auto const wall = e.wall_time == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now()
                                                                             : e.wall_time;
    std::lock_guard lock(mutex_);
    slot* s = nullptr;
    if (ring_.size() < capacity_) {
        s = &ring_.emplace_back();
    } else {
        s = &ring_[head_];
        head_ = (head_ + 1) % capacity_;
    }
    fill(*s, e);
    s->wall_time = wall;
    s->id = next_id_++;
    if (e.dir == direction::in && e.deviations != nullptr && !e.deviations->empty())
        tally_.add(e.platform, e.method, e.target, *e.deviations, s->id);
    return s->id;
}

bool journal::restore(journal_entry const& e) {
    {
        std::lock_guard lock(mutex_);
        if (e.id == 0 || (!ring_.empty() && e.id != next_id_)) return false;
        next_id_ = e.id;
    }
    append(e);  // takes next_id_, which is e.id
    return true;
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
        auto const& s = ring_[(head_ + i) % n];
        if (!q.platform.empty() && s.field(0) != q.platform) continue;
        if (!q.meter_no.empty() && s.field(4) != q.meter_no) continue;
        out.push_back(to_entry(s));
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

std::vector<conformance_row> journal::conformance() const {
    std::lock_guard lock(mutex_);
    return tally_.rows();
}

std::uint64_t journal::deviating_requests() const {
    std::lock_guard lock(mutex_);
    return tally_.requests();
}

}  // namespace metersim::sim

#include "sim/string_index.hpp"

#include <functional>
#include <utility>

namespace metersim::sim {

std::uint32_t string_index::hash_of(std::string_view key) noexcept {
    auto const h = std::hash<std::string_view>{}(key);
    auto const h32 = static_cast<std::uint32_t>(h ^ (h >> 32));
    return h32 == 0 ? 1u : h32;  // never 0: 0 marks an empty slot
}

std::size_t string_index::probe(std::string_view key, std::uint32_t h) const noexcept {
    std::size_t const mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        slot const& s = slots_[i];
        if (s.hash == 0) return i;
        if (s.hash == h && key_of_(ctx_, s.value) == key) return i;
    }
}

std::optional<std::uint32_t> string_index::find(std::string_view key) const noexcept {
    if (size_ == 0) return std::nullopt;
    slot const& s = slots_[probe(key, hash_of(key))];
    if (s.hash == 0) return std::nullopt;
    return s.value;
}

void string_index::assign(std::string_view key, std::uint32_t value) {
    std::uint32_t const h = hash_of(key);
    if (!slots_.empty()) {
        slot& s = slots_[probe(key, h)];
        if (s.hash != 0) {
            s.value = value;
            return;
        }
    }
    if (2 * (size_ + 1) > slots_.size()) grow();
    slots_[probe(key, h)] = slot{value, h};
    ++size_;
}

bool string_index::erase(std::string_view key) noexcept {
    if (size_ == 0) return false;
    std::size_t const mask = slots_.size() - 1;
    std::size_t hole = probe(key, hash_of(key));
    if (slots_[hole].hash == 0) return false;
    // Backward shift: move later entries of the run into the hole when their home allows.
    for (std::size_t i = (hole + 1) & mask; slots_[i].hash != 0; i = (i + 1) & mask) {
        std::size_t const home = slots_[i].hash & mask;
        // The entry at i may move to the hole if its home is not in (hole, i] cyclically.
        bool const stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (stays) continue;
        slots_[hole] = slots_[i];
        hole = i;
    }
    slots_[hole] = slot{};
    --size_;
    return true;
}

void string_index::grow() {
    std::vector<slot> old = std::exchange(slots_, std::vector<slot>(slots_.empty() ? 16 : 2 * slots_.size()));
    std::size_t const mask = slots_.size() - 1;
    for (slot const& s : old) {
        if (s.hash == 0) continue;
        std::size_t i = s.hash & mask;
        while (slots_[i].hash != 0) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

}  // namespace metersim::sim

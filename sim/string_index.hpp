#pragma once
/// sim::string_index: a compact hash index from a string key to a 32-bit value (a position in
/// a container) whose key the container already holds.
///
/// The fleet finds its meters by meter number and by platform device id. Two
/// std::unordered_map<std::string, std::uint32_t> cost about 100 bytes per meter (a node with a
/// copy of the key, its hash and a pointer, plus a bucket); this table stores 8 bytes a slot —
/// the value and the key's 32-bit hash — and asks the container for the key itself through
/// `key_of(ctx, value)` when a hash matches. Open addressing with linear probing, at most half
/// full, and backward-shift deletion (no tombstones).
///
/// key_of must give, for every value in the index, the key it was assigned under, until it is
/// erased: erase a value's key before its owner changes it, assign the new key after.
/// Not thread-safe; nothing here throws except std::bad_alloc when the table grows.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace metersim::sim {

class string_index {
public:
    /// The key of `value` (a view into storage the caller owns).
    using key_fn = std::string_view (*)(void const* ctx, std::uint32_t value);

    string_index(key_fn key_of, void const* ctx) noexcept : key_of_(key_of), ctx_(ctx) {}

    std::optional<std::uint32_t> find(std::string_view key) const noexcept;
    bool contains(std::string_view key) const noexcept { return find(key).has_value(); }
    /// Maps `key` to `value`, replacing the value it had (like unordered_map's operator[]).
    void assign(std::string_view key, std::uint32_t value);
    /// Removes `key`; false when it was not there.
    bool erase(std::string_view key) noexcept;

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    /// Bytes held by the table.
    std::size_t heap_bytes() const noexcept { return slots_.capacity() * sizeof(slot); }

private:
    struct slot {
        std::uint32_t value = 0;
        std::uint32_t hash = 0;  ///< the key's hash (never 0); 0 marks an empty slot
    };
    static std::uint32_t hash_of(std::string_view key) noexcept;
    /// The slot holding `key`, or the empty slot where it would go.
    std::size_t probe(std::string_view key, std::uint32_t h) const noexcept;
    void grow();

    key_fn key_of_;
    void const* ctx_;
    std::vector<slot> slots_;  ///< size a power of two, or empty
    std::size_t size_ = 0;
};

}  // namespace metersim::sim

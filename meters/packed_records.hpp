#pragma once
/// packed_records: one history of frozen records (daily or monthly) in a few bytes per record.
///
/// A fleet holds 100,000 freeze logs of 8 daily and 13 monthly records each: as plain structs
/// (56 bytes each) that was about 1.3 KB per meter, more than the rest of the meter. Here the
/// records are a byte string, newest first: the newest record's fields as they are, each older
/// one as its difference from the next newer record, every field a zigzag varint. Consecutive
/// freezes differ little (a day's gas, a day's money; a whole number of days between their
/// instants, stored as days), so a daily record takes about 12 bytes and a monthly one about 16.
///
/// Lossless for any values: differences wrap around in 64 bits, so restoring any state (say
/// from JSON) and unpacking it gives it back unchanged. period_use is stored as its difference
/// from the reading's difference to the next older record (zero for records the meter made);
/// the oldest record stores it as it is; the surplus as its difference from total_buy -
/// total_use (zero when the balance moves only with purchases and use).
///
/// Every operation the meter does daily (newest(), push(), the unreported tail) decodes only
/// the records it needs, newest first, so a day's freeze reads and writes the front of a short
/// buffer. Records are oldest first outside this class, as in freeze_state.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"

namespace metersim::meters {

struct frozen_record;

/// A byte string and a record count in one heap block sized to fit (a pointer inline; the
/// sizes live in the block). Copies are deep; an empty one holds nothing.
class packed_bytes {
public:
    packed_bytes() = default;
    packed_bytes(packed_bytes const& o);
    packed_bytes(packed_bytes&&) noexcept = default;
    packed_bytes& operator=(packed_bytes const& o);
    packed_bytes& operator=(packed_bytes&&) noexcept = default;
    ~packed_bytes() = default;

    std::uint8_t* data() noexcept { return bytes(); }
    std::uint8_t const* data() const noexcept { return const_cast<packed_bytes*>(this)->bytes(); }
    std::size_t size() const noexcept { return block_ ? block_[0] : 0; }
    std::size_t capacity() const noexcept { return block_ ? block_[1] : 0; }
    std::uint32_t count() const noexcept { return block_ ? block_[2] : 0; }
    void set_count(std::uint32_t n) noexcept {
        if (block_) block_[2] = n;
    }
    /// Resizes; growing past the capacity reallocates to fit (whole malloc chunks), shrinking
    /// keeps the block.
    void resize(std::size_t n);
    /// Makes room for `n` bytes (no-op when there is).
    void reserve(std::size_t n);
    /// Frees the block.
    void clear() noexcept { block_.reset(); }
    /// Heap bytes held.
    std::size_t heap_bytes() const noexcept { return block_ ? header_bytes + capacity() : 0; }

    friend bool operator==(packed_bytes const& a, packed_bytes const& b) noexcept;

private:
    static constexpr std::size_t header_words = 3;  ///< size, capacity, count
    static constexpr std::size_t header_bytes = header_words * sizeof(std::uint32_t);
    std::uint8_t* bytes() noexcept {
        return block_ ? reinterpret_cast<std::uint8_t*>(block_.get() + header_words) : nullptr;
    }
    std::unique_ptr<std::uint32_t[]> block_;
};

class packed_records {
public:
    packed_records() = default;
    /// Packs `oldest_first` as it is (no keep applied).
    explicit packed_records(std::vector<frozen_record> const& oldest_first);
    /// Replaces the records by `oldest_first` (no keep applied), reusing the block when it is
    /// large enough: a holder of one report's records re-packs them without allocating.
    void assign(std::vector<frozen_record> const& oldest_first);

    std::size_t size() const noexcept { return bytes_.count(); }
    bool empty() const noexcept { return bytes_.count() == 0; }
    /// Heap bytes held, for memory figures and tests.
    std::size_t heap_bytes() const noexcept { return bytes_.heap_bytes(); }
    /// Asks the CPU to load the front of the records (the newest ones) ahead of use.
    void prefetch() const noexcept {
        if (auto const* p = bytes_.data()) __builtin_prefetch(p);
    }

    /// The newest record. Requires !empty().
    frozen_record newest() const;
    /// The newest record's instant and reading (cheaper than newest()). Require !empty().
    instant newest_at() const;
    volume newest_reading() const;
    /// Adds `r` as the newest record, then drops the oldest ones beyond `keep` (0 keeps none).
    void push(frozen_record const& r, std::size_t keep);

    /// Every record, oldest first.
    std::vector<frozen_record> unpack() const;
    /// Appends the records with `at` later than `t`, oldest first.
    void append_after(instant t, std::vector<frozen_record>& out) const;
    /// How many records have `at` later than `t`.
    std::size_t count_after(instant t) const;

    friend bool operator==(packed_records const& a, packed_records const& b) noexcept {
        return a.bytes_ == b.bytes_;
    }

private:
    /// Calls fn(record) newest first while it returns true.
    template <class Fn>
    void each_newest_first(Fn&& fn) const;
    void drop_oldest();
    /// Replaces the first `old_len` bytes by [first, last).
    void replace_front(std::size_t old_len, std::uint8_t const* first, std::uint8_t const* last);

    packed_bytes bytes_;
};

}  // namespace metersim::meters

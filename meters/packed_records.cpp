#include "meters/packed_records.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>

#include "meters/freeze.hpp"

namespace metersim::meters {

namespace {

constexpr std::int64_t day_ms = 86'400'000;

// The header byte of a record: its kind, the unit of its `at` field and its length in bytes
// (at most 1 + 6 * 10 = 61), so skipping a record reads one byte.
constexpr std::uint8_t monthly_bit = 1;  ///< freeze_kind::monthly (else daily)
constexpr std::uint8_t days_bit = 2;     ///< the `at` field counts whole days
constexpr unsigned length_shift = 2;

/// Fields in stored order.
enum field : std::size_t { f_at, f_reading, f_buy, f_use, f_surplus, f_period, field_count };

/// The longest record, in bytes.
constexpr std::size_t max_record = 1 + field_count * 10;

/// One record's fields as stored: absolute (newest) or differences (older), before zigzag.
struct raw_record {
    std::uint8_t header = 0;
    std::array<std::uint64_t, field_count> f{};
};

/// A record's values as wrapping 64-bit integers, in field order.
using values = std::array<std::uint64_t, field_count>;

constexpr std::uint64_t zigzag(std::uint64_t x) noexcept {
    return (x << 1) ^ (0 - (x >> 63));
}
constexpr std::uint64_t unzigzag(std::uint64_t z) noexcept { return (z >> 1) ^ (0 - (z & 1)); }

std::uint8_t* put_varint(std::uint64_t v, std::uint8_t* out) noexcept {
    while (v >= 0x80) {
        *out++ = static_cast<std::uint8_t>(v | 0x80);
        v >>= 7;
    }
    *out++ = static_cast<std::uint8_t>(v);
    return out;
}

std::uint64_t get_varint(std::uint8_t const*& p) noexcept {
    std::uint64_t v = *p++;
    if (v < 0x80) return v;
    v &= 0x7F;
    for (unsigned shift = 7;; shift += 7) {
        std::uint8_t const b = *p++;
        v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
        if (b < 0x80) return v;
    }
}

std::size_t length_of(std::uint8_t header) noexcept { return header >> length_shift; }

/// Decodes the first `n` fields of the record at `p` (the rest stay 0).
raw_record get_raw(std::uint8_t const* p, std::size_t n = field_count) noexcept {
    raw_record r;
    r.header = *p++;
    for (std::size_t i = 0; i < n; ++i) r.f[i] = unzigzag(get_varint(p));
    return r;
}

/// Writes a record whose fields are `f` (already differences where they should be) at `out`;
/// returns its end.
std::uint8_t* put_raw(std::uint8_t kind_bits, values const& f, std::uint8_t* out) noexcept {
    auto const at = static_cast<std::int64_t>(f[f_at]);
    bool const days = at % day_ms == 0;
    std::uint8_t* p = out + 1;
    p = put_varint(zigzag(days ? static_cast<std::uint64_t>(at / day_ms) : f[f_at]), p);
    for (std::size_t i = f_reading; i < field_count; ++i) p = put_varint(zigzag(f[i]), p);
    auto const len = static_cast<unsigned>(p - out);
    *out = static_cast<std::uint8_t>(kind_bits | (days ? days_bit : 0) | (len << length_shift));
    return p;
}

/// The `at` field of a raw record, undoing the days unit.
std::uint64_t at_field(raw_record const& r) noexcept {
    if ((r.header & days_bit) == 0) return r.f[f_at];
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(r.f[f_at]) * day_ms);
}

// The surplus is stored as its difference from total_buy - total_use: a meter's balance moves
// with its purchases and use, so that difference rarely changes between records.
values values_of(frozen_record const& r) noexcept {
    auto u = [](std::int64_t x) { return static_cast<std::uint64_t>(x); };
    auto const buy = u(r.values.total_buy.e4());
    auto const use = u(r.values.total_use.e4());
    return {u(to_ms(r.at)), u(r.values.reading.e4()), buy, use, u(r.values.surplus.e4()) - buy + use,
            u(r.period_use.e4())};
}

frozen_record record_of(std::uint8_t header, values const& v) noexcept {
    auto s = [](std::uint64_t x) { return static_cast<std::int64_t>(x); };
    frozen_record r;
    r.kind = (header & monthly_bit) != 0 ? freeze_kind::monthly : freeze_kind::daily;
    r.at = instant_from_ms(s(v[f_at]));
    r.values.reading = volume::from_e4(s(v[f_reading]));
    r.values.total_buy = decimal::from_e4(s(v[f_buy]));
    r.values.total_use = decimal::from_e4(s(v[f_use]));
    r.values.surplus = decimal::from_e4(s(v[f_surplus] + v[f_buy] - v[f_use]));
    r.period_use = volume::from_e4(s(v[f_period]));
    return r;
}

std::uint8_t kind_bits(freeze_kind k) noexcept { return k == freeze_kind::monthly ? monthly_bit : 0; }

}  // namespace

packed_bytes::packed_bytes(packed_bytes const& o) { *this = o; }

packed_bytes& packed_bytes::operator=(packed_bytes const& o) {
    if (this == &o) return *this;
    if (!o.block_) {
        block_.reset();
        return *this;
    }
    auto const words = header_words + (o.capacity() + 3) / 4;
    block_ = std::make_unique_for_overwrite<std::uint32_t[]>(words);
    std::memcpy(block_.get(), o.block_.get(), header_bytes + o.size());
    return *this;
}

void packed_bytes::reserve(std::size_t n) {
    if (n <= capacity()) return;
    // The block fills a malloc chunk: 16-byte steps with 8 bytes of malloc's header.
    std::size_t const total = ((header_bytes + n + 8 + 15) & ~std::size_t{15}) - 8;
    auto next = std::make_unique_for_overwrite<std::uint32_t[]>(total / 4);
    next[0] = static_cast<std::uint32_t>(size());
    next[1] = static_cast<std::uint32_t>(total - header_bytes);
    next[2] = count();
    if (block_) std::memcpy(next.get() + header_words, bytes(), size());
    block_ = std::move(next);
}

void packed_bytes::resize(std::size_t n) {
    reserve(n);
    if (block_) block_[0] = static_cast<std::uint32_t>(n);
}

bool operator==(packed_bytes const& a, packed_bytes const& b) noexcept {
    return a.size() == b.size() && a.count() == b.count() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

packed_records::packed_records(std::vector<frozen_record> const& oldest_first) { assign(oldest_first); }

void packed_records::assign(std::vector<frozen_record> const& oldest_first) {
    bytes_.resize(0);  // keeps the block: a re-assign of as many bytes allocates nothing
    // Newest first; each record relative to its newer neighbour, its period to its older one.
    auto const n = oldest_first.size();
    for (std::size_t k = n; k-- > 0;) {
        values const self = values_of(oldest_first[k]);
        values f = self;
        if (k + 1 < n) {
            values const newer = values_of(oldest_first[k + 1]);
            for (std::size_t i = f_at; i < f_period; ++i) f[i] = newer[i] - self[i];
        }
        if (k > 0) f[f_period] = self[f_period] - (self[f_reading] - values_of(oldest_first[k - 1])[f_reading]);
        std::array<std::uint8_t, max_record> buf;
        std::uint8_t const* end = put_raw(kind_bits(oldest_first[k].kind), f, buf.data());
        auto const at = bytes_.size();
        auto const len = static_cast<std::size_t>(end - buf.data());
        bytes_.resize(at + len);
        std::memcpy(bytes_.data() + at, buf.data(), len);
    }
    bytes_.set_count(static_cast<std::uint32_t>(n));
}

template <class Fn>
void packed_records::each_newest_first(Fn&& fn) const {
    std::uint32_t const count = bytes_.count();
    if (count == 0) return;
    std::uint8_t const* p = bytes_.data();
    raw_record cur = get_raw(p);
    p += length_of(cur.header);
    values abs{};
    abs[f_at] = at_field(cur);
    for (std::size_t i = f_reading; i < f_period; ++i) abs[i] = cur.f[i];
    for (std::uint32_t k = 0; k < count; ++k) {
        // The older record's reading difference completes this one's period; the rest of it
        // is decoded only when the walk goes on.
        bool const has_older = k + 1 < count;
        raw_record next;
        if (has_older) next = get_raw(p, f_reading + 1);
        abs[f_period] = cur.f[f_period] + (has_older ? next.f[f_reading] : 0);
        if (!fn(record_of(cur.header, abs))) return;
        if (!has_older) return;
        next = get_raw(p);
        p += length_of(next.header);
        abs[f_at] -= at_field(next);
        for (std::size_t i = f_reading; i < f_period; ++i) abs[i] -= next.f[i];
        cur = next;
    }
}

frozen_record packed_records::newest() const {
    frozen_record out;
    each_newest_first([&](frozen_record const& r) {
        out = r;
        return false;
    });
    return out;
}

instant packed_records::newest_at() const {
    return instant_from_ms(static_cast<std::int64_t>(at_field(get_raw(bytes_.data(), 1))));
}

volume packed_records::newest_reading() const {
    return volume::from_e4(static_cast<std::int64_t>(get_raw(bytes_.data(), 2).f[f_reading]));
}

void packed_records::push(frozen_record const& r, std::size_t keep) {
    if (keep == 0) {
        bytes_.clear();
        return;
    }
    values f = values_of(r);
    std::array<std::uint8_t, 2 * max_record> front;
    std::uint8_t* end = front.data();
    std::size_t old_len = 0;
    if (!empty()) {
        // The old newest becomes a difference from the new one; its period field stays.
        raw_record const old = get_raw(bytes_.data());
        old_len = length_of(old.header);
        values d{};
        d[f_at] = f[f_at] - at_field(old);
        for (std::size_t i = f_reading; i < f_period; ++i) d[i] = f[i] - old.f[i];
        d[f_period] = old.f[f_period];
        f[f_period] -= d[f_reading];
        end = put_raw(kind_bits(r.kind), f, end);
        end = put_raw(old.header & monthly_bit, d, end);
    } else {
        end = put_raw(kind_bits(r.kind), f, end);
    }
    replace_front(old_len, front.data(), end);
    bytes_.set_count(bytes_.count() + 1);
    while (bytes_.count() > keep) drop_oldest();
}

void packed_records::replace_front(std::size_t old_len, std::uint8_t const* first, std::uint8_t const* last) {
    auto const new_len = static_cast<std::size_t>(last - first);
    auto const rest = bytes_.size() - old_len;
    if (new_len > old_len) bytes_.resize(rest + new_len);  // grows to fit, not by doubling
    std::memmove(bytes_.data() + new_len, bytes_.data() + old_len, rest);
    if (new_len < old_len) bytes_.resize(rest + new_len);
    std::memcpy(bytes_.data(), first, new_len);
}

void packed_records::drop_oldest() {
    std::uint32_t const count = bytes_.count();
    if (count <= 1) {
        bytes_.clear();
        return;
    }
    // Find the last two records: the newer one's period becomes absolute.
    std::uint8_t* const base = bytes_.data();
    std::uint8_t* p = base;
    for (std::uint32_t k = 0; k + 2 < count; ++k) p += length_of(*p);
    raw_record kept = get_raw(p);
    raw_record const oldest = get_raw(p + length_of(kept.header), 2);
    kept.f[f_period] += oldest.f[f_reading];
    values f = kept.f;
    f[f_at] = at_field(kept);
    std::array<std::uint8_t, max_record> buf;
    auto const* end = put_raw(kept.header & monthly_bit, f, buf.data());
    auto const len = static_cast<std::size_t>(end - buf.data());
    auto const at = static_cast<std::size_t>(p - base);
    bytes_.resize(at + len);
    std::memcpy(bytes_.data() + at, buf.data(), len);
    bytes_.set_count(count - 1);
}

std::vector<frozen_record> packed_records::unpack() const {
    std::vector<frozen_record> out;
    out.reserve(size());
    each_newest_first([&](frozen_record const& r) {
        out.push_back(r);
        return true;
    });
    std::reverse(out.begin(), out.end());
    return out;
}

void packed_records::append_after(instant t, std::vector<frozen_record>& out) const {
    // A report's walk: decode each record once, newest first, and stop at the first one not
    // after `t` before completing it (usually the second: one day frozen since the last report).
    std::uint32_t const count = bytes_.count();
    if (count == 0) return;
    std::int64_t const limit = to_ms(t);
    std::uint8_t const* p = bytes_.data();
    raw_record cur = get_raw(p);
    p += length_of(cur.header);
    values abs{};
    abs[f_at] = at_field(cur);
    if (static_cast<std::int64_t>(abs[f_at]) <= limit) return;  // all reported: the usual case
    for (std::size_t i = f_reading; i < f_period; ++i) abs[i] = cur.f[i];
    auto const first = out.size();
    for (std::uint32_t k = 0;; ++k) {
        bool const has_older = k + 1 < count;
        raw_record next;
        if (has_older) {
            next = get_raw(p);
            p += length_of(next.header);
        }
        abs[f_period] = cur.f[f_period] + (has_older ? next.f[f_reading] : 0);
        out.push_back(record_of(cur.header, abs));
        if (!has_older) break;
        abs[f_at] -= at_field(next);
        if (static_cast<std::int64_t>(abs[f_at]) <= limit) break;
        for (std::size_t i = f_reading; i < f_period; ++i) abs[i] -= next.f[i];
        cur = next;
    }
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

std::size_t packed_records::count_after(instant t) const {
    std::size_t n = 0;
    if (empty() || newest_at() <= t) return n;
    each_newest_first([&](frozen_record const& r) {
        if (r.at <= t) return false;
        ++n;
        return true;
    });
    return n;
}

}  // namespace metersim::meters

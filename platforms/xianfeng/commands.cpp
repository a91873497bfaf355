#include "platforms/xianfeng/commands.hpp"

#include <algorithm>

namespace metersim::platforms::xianfeng {

namespace {

// ---- commandId: a keyed bijection of (slot, seq) plus a check -----------------------------------

constexpr std::uint64_t mul1 = 0xff51afd7ed558ccdULL;  // MurmurHash3 fmix64
constexpr std::uint64_t mul2 = 0xc4ceb9fe1a85ec53ULL;
constexpr std::uint64_t key1 = 0x58464e47434d4431ULL;  // "XFNGCMD1": ids look unrelated
constexpr std::uint64_t key2 = 0x636865636b2d7866ULL;

/// The inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct bits).
constexpr std::uint64_t inverse(std::uint64_t a) {
    std::uint64_t x = a;  // correct to 3 bits for odd a
    for (int i = 0; i < 5; ++i) x *= 2 - a * x;
    return x;
}
constexpr std::uint64_t inv1 = inverse(mul1);
constexpr std::uint64_t inv2 = inverse(mul2);
static_assert(mul1 * inv1 == 1 && mul2 * inv2 == 1);

/// fmix64: every step is invertible (x ^= x >> 33 is its own inverse for shifts >= 32).
constexpr std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= mul1;
    x ^= x >> 33;
    x *= mul2;
    x ^= x >> 33;
    return x;
}
constexpr std::uint64_t unmix(std::uint64_t x) {
    x ^= x >> 33;
    x *= inv2;
    x ^= x >> 33;
    x *= inv1;
    x ^= x >> 33;
    return x;
}
static_assert(unmix(mix(0x0123456789abcdefULL)) == 0x0123456789abcdefULL);

void append_hex16(std::string& out, std::uint64_t v) {
    constexpr char digits[] = "0123456789abcdef";
    char buf[16];
    for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = digits[v & 0xf];
    out.append(buf, 16);
}

std::optional<std::uint64_t> parse_hex16(std::string_view s) noexcept {
    std::uint64_t v = 0;
    for (char c : s) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else return std::nullopt;
        v = (v << 4) | static_cast<std::uint64_t>(d);
    }
    return v;
}

}  // namespace

void append_command_id(std::string& out, command_ref ref) {
    std::uint64_t const x = (std::uint64_t{ref.device} << 32) | ref.seq;
    std::uint64_t const y = mix(x ^ key1);
    append_hex16(out, y);
    append_hex16(out, mix(y ^ key2));
}

std::string command_id_of(command_ref ref) {
    std::string out;
    out.reserve(32);
    append_command_id(out, ref);
    return out;
}

std::optional<command_ref> parse_command_id(std::string_view id) noexcept {
    if (id.size() != 32) return std::nullopt;
    auto y = parse_hex16(id.substr(0, 16));
    auto z = parse_hex16(id.substr(16));
    if (!y || !z || mix(*y ^ key2) != *z) return std::nullopt;
    std::uint64_t const x = unmix(*y) ^ key1;
    return command_ref{static_cast<std::uint32_t>(x >> 32), static_cast<std::uint32_t>(x)};
}

// ---- records ----------------------------------------------------------------------------------

void command_record::set_call(method_call c) {
    which = c.which;
    gas_units = c.gas_units;
    if (auto const* v = std::get_if<meters::commands::valve_control>(&c.command);
        v != nullptr && c.which == method::valve_control) {
        valve_close = v->action == meters::commands::valve_action::close;
        extra.reset();
    } else {
        extra = std::make_unique<command_extra>();
        extra->other = std::make_unique<meters::command>(std::move(c.command));
    }
}

void command_record::set_result(result_fields r) {
    if (!extra) extra = std::make_unique<command_extra>();
    extra->result = std::move(r);
    extra->answered = true;
}

method_call command_record::call() const {
    method_call c;
    c.which = which;
    c.gas_units = gas_units;
    if (extra && extra->other) {
        c.command = *extra->other;
    } else {
        meters::commands::valve_control v;
        v.action = valve_close ? meters::commands::valve_action::close
                               : meters::commands::valve_action::open;
        c.command = v;
    }
    return c;
}

// ---- the store --------------------------------------------------------------------------------

command_store::command_store(command_limits limits)
    : limits_(limits), index_(&command_store::key_of, this) {}

std::string_view command_store::key_of(void const* ctx, std::uint32_t slot) {
    return static_cast<command_store const*>(ctx)->devices_[slot].device_id;
}

device_commands* command_store::find_device(std::string_view device_id) noexcept {
    auto slot = index_.find(device_id);
    return slot ? &devices_[*slot] : nullptr;
}

device_commands& command_store::ensure_device(std::string_view device_id) {
    if (auto* d = find_device(device_id)) return *d;
    auto const slot = static_cast<std::uint32_t>(devices_.size());
    auto& d = devices_.emplace_back();
    d.device_id = std::string(device_id);
    d.slot = slot;
    index_.assign(device_id, slot);
    return d;
}

device_commands* command_store::device_at(std::uint32_t slot) noexcept {
    return slot < devices_.size() ? &devices_[slot] : nullptr;
}

void command_store::refresh(device_commands& d, meters::instant now) {
    if (now < d.next_due && d.finished <= limits_.history) return;  // nothing due
    if (d.pending > 0) {
        for (auto& r : d.records) {
            if (r.state != command_state::pending || r.expire_at > now) continue;
            // spec: xianfeng §2.1 expireTime: past it the command is void (3), as of expire_at.
            set_state(d, r, command_state::expired, std::max(r.expire_at, r.updated_at));
        }
    }
    trim(d, now);
    d.next_due = meters::instant::max();
    for (auto const& r : d.records) due(d, r);
}

void command_store::due(device_commands& d, command_record const& r) const noexcept {
    if (r.state == command_state::pending) d.next_due = std::min(d.next_due, r.expire_at);
    else if (is_finished(r.state))
        d.next_due = std::min(d.next_due, r.updated_at + limits_.retention);
}

void command_store::trim(device_commands& d, meters::instant now) {
    if (d.finished == 0) return;
    auto const before = d.records.size();
    // Retention in virtual time, then the count bound (the oldest finished go first).
    std::erase_if(d.records, [&](command_record const& r) {
        return is_finished(r.state) && r.updated_at + limits_.retention <= now;
    });
    d.finished -= static_cast<std::uint32_t>(before - d.records.size());
    while (d.finished > limits_.history) {
        auto oldest = d.records.end();
        for (auto it = d.records.begin(); it != d.records.end(); ++it)
            if (is_finished(it->state) &&
                (oldest == d.records.end() || it->updated_at < oldest->updated_at))
                oldest = it;
        d.records.erase(oldest);
        --d.finished;
    }
    records_ -= before - d.records.size();
}

command_ref command_store::add(device_commands& d, command_record r) {
    r.seq = d.next_seq++;
    r.state = command_state::pending;
    d.records.push_back(std::move(r));
    due(d, d.records.back());
    ++d.pending;
    ++records_;
    return command_ref{d.slot, d.records.back().seq};
}

command_record* command_store::find(command_ref ref, meters::instant now) {
    auto* d = device_at(ref.device);
    if (d == nullptr) return nullptr;
    refresh(*d, now);
    // Records are sorted by seq: a binary search.
    auto it = std::lower_bound(d->records.begin(), d->records.end(), ref.seq,
                               [](command_record const& r, std::uint32_t s) { return r.seq < s; });
    return it != d->records.end() && it->seq == ref.seq ? &*it : nullptr;
}

command_record* command_store::find(std::string_view command_id, meters::instant now) {
    auto ref = parse_command_id(command_id);
    return ref ? find(*ref, now) : nullptr;
}

command_record* command_store::next_pending(device_commands& d) noexcept {
    if (d.pending == 0) return nullptr;
    for (auto& r : d.records)
        if (r.state == command_state::pending) return &r;
    return nullptr;
}

void command_store::set_state(device_commands& d, command_record& r, command_state s,
                              meters::instant now) {
    if (r.state == command_state::pending) --d.pending;
    else if (r.state == command_state::sending) d.sending = false;
    else --d.finished;
    if (s == command_state::pending) ++d.pending;
    else if (s == command_state::sending) d.sending = true;
    else ++d.finished;
    r.state = s;
    r.updated_at = now;
    due(d, r);
}

std::vector<command_record*> command_store::pending_of(device_commands& d) {
    std::vector<command_record*> out;
    for (auto& r : d.records)
        if (r.state == command_state::pending) out.push_back(&r);
    return out;
}

}  // namespace metersim::platforms::xianfeng

#include "platforms/xianfeng/commands.hpp"

#include <algorithm>
#include <vector>

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

/// fmix64 with the multipliers given: every step is invertible (x ^= x >> 33 is its own
/// inverse for shifts >= 32), so (a, b) = (inv2, inv1) undoes (mul1, mul2).
constexpr std::uint64_t fmix(std::uint64_t x, std::uint64_t a, std::uint64_t b) {
    x ^= x >> 33;
    x *= a;
    x ^= x >> 33;
    x *= b;
    x ^= x >> 33;
    return x;
}
constexpr std::uint64_t mix(std::uint64_t x) { return fmix(x, mul1, mul2); }
constexpr std::uint64_t unmix(std::uint64_t x) { return fmix(x, inv2, inv1); }
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
    std::uint64_t const x = (std::uint64_t{ref.owner} << 32) | ref.seq;
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

void command_store::refresh(device_commands& d, meters::instant now) {
    store_.refresh(d, now, [&](device_commands& o, command_record& r) {
        // spec: xianfeng §2.1 expireTime: past it the command is void (3), as of expire_at.
        set_state(o, r, command_state::expired, std::max(r.expire_at, r.updated_at));
    });
}

command_record* command_store::find(command_ref ref, meters::instant now) {
    auto* d = device_at(ref.owner);
    if (d == nullptr) return nullptr;
    refresh(*d, now);
    return store_.find_in(*d, ref.seq);
}

command_record* command_store::find(std::string_view command_id, meters::instant now) {
    auto ref = parse_command_id(command_id);
    return ref ? find(*ref, now) : nullptr;
}

void command_store::set_state(device_commands& d, command_record& r, command_state s,
                              meters::instant now) {
    store_.update(d, r, [&](command_record& x) {
        x.state = s;
        x.updated_at = now;
    });
}

std::vector<command_record*> command_store::pending_of(device_commands& d) {
    std::vector<command_record*> out;
    for (auto& r : d.items)
        if (r.state == command_state::pending) out.push_back(&r);
    return out;
}

}  // namespace metersim::platforms::xianfeng

#include "sim/json/text.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "meters/calendar.hpp"

namespace metersim::sim::json {

namespace {

/// Writes `v` in decimal, at least `min_digits` digits (zero padded), ending at `end`; returns
/// where it starts.
char* write_uint(char* end, std::uint64_t v, int min_digits) {
    char* p = end;
    do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
        --min_digits;
    } while (v != 0 || min_digits > 0);
    return p;
}

void append_uint(std::string& out, std::uint64_t v, int min_digits = 1) {
    char buf[24];
    char* const p = write_uint(buf + sizeof buf, v, min_digits);
    out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

std::uint64_t magnitude(std::int64_t v) noexcept {
    // In unsigned, so INT64_MIN has a magnitude.
    return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

bool plain(std::string_view s) noexcept {
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') return false;
    }
    return true;
}

// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 if malformed.
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
    auto const b = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) return 1;
    if (b >= 0xc2 && b <= 0xdf) { extra = 1; cp = b & 0x1fu; }
    else if (b >= 0xe0 && b <= 0xef) { extra = 2; cp = b & 0x0fu; }
    else if (b >= 0xf0 && b <= 0xf4) { extra = 3; cp = b & 0x07u; }
    else return 0;
    if (i + extra >= s.size()) return 0;
    for (std::size_t k = 1; k <= extra; ++k) {
        auto const c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xc0u) != 0x80u) return 0;
        cp = (cp << 6) | (c & 0x3fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return 0;
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
    return extra + 1;
}

/// Copies runs of bytes that need no escaping (printable ASCII but '"' and '\\', and valid UTF-8
/// sequences) in one append each and escapes the rest. At a byte that starts no valid sequence:
/// per_byte writes U+FFFD for it; as_nlohmann answers false (the caller lets nlohmann write the
/// whole string: its replacement is per sequence, and copying its rules would be a second copy).
bool escape_into(std::string& out, std::string_view s, bad_utf8 policy) {
    out += '"';
    std::size_t run = 0;  // where the bytes not yet copied start
    std::size_t i = 0;
    auto const flush = [&] { out.append(s.data() + run, i - run); };
    while (i < s.size()) {
        auto const u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u < 0x80 && u != '"' && u != '\\') {
            ++i;
            continue;
        }
        if (u >= 0x80) {
            if (std::size_t const n = utf8_sequence(s, i); n != 0) {
                i += n;
                continue;
            }
            if (policy == bad_utf8::as_nlohmann) return false;
            flush();
            out += "\xEF\xBF\xBD";  // U+FFFD
            run = ++i;
            continue;
        }
        flush();
        switch (u) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default: out += fmt::format("\\u{:04x}", static_cast<unsigned>(u)); break;
        }
        run = ++i;
    }
    flush();
    out += '"';
    return true;
}

/// The text of a fixed-point figure with `places` decimals (format_e4 / format_e4_places).
struct e4_digits {
    char buf[48];
    char* begin;
    char* end = buf + sizeof buf;

    e4_digits(std::int64_t e4, int places) {
        if (places > 4) places = 4;
        if (places < 0) places = 0;
        std::uint64_t div = 1;
        for (int p = places; p < 4; ++p) div *= 10;
        std::uint64_t mag = magnitude(e4);
        if (div > 1) mag = (mag + div / 2) / div;  // half away from zero
        std::uint64_t scale = 1;
        for (int p = 0; p < places; ++p) scale *= 10;
        char* p = end;
        if (places > 0) {
            p = write_uint(p, mag % scale, places);
            *--p = '.';
        }
        p = write_uint(p, mag / scale, 1);
        if (e4 < 0 && mag != 0) *--p = '-';
        begin = p;
    }
    std::string_view text() const { return {begin, static_cast<std::size_t>(end - begin)}; }
};

/// yyyyMMddHHmmss into `p` (14 bytes).
void write_compact(char* p, meters::instant t, std::chrono::minutes utc_offset) {
    auto const c = meters::to_civil(t, meters::utc_offset{static_cast<std::int32_t>(utc_offset.count())});
    int const y = c.year < 0 ? 0 : (c.year > 9999 ? 9999 : c.year);  // as format_civil clamps
    write_uint(p + 4, static_cast<std::uint64_t>(y), 4);
    p += 4;
    for (std::uint32_t part : {c.month, c.day, c.hour, c.minute, c.second}) {
        write_uint(p + 2, static_cast<std::uint64_t>(part), 2);
        p += 2;
    }
}

}  // namespace

void append_e4(std::string& out, std::int64_t e4) { out += e4_digits(e4, 4).text(); }

void append_e4_places(std::string& out, std::int64_t e4, int places) {
    out += e4_digits(e4, places).text();
}

void append_int(std::string& out, std::int64_t v) {
    if (v < 0) out += '-';
    append_uint(out, magnitude(v));
}

void append_compact_time(std::string& out, meters::instant t, std::chrono::minutes utc_offset) {
    char buf[14];
    write_compact(buf, t, utc_offset);
    out.append(buf, sizeof buf);
}

void append_json_string(std::string& out, std::string_view s, bad_utf8 policy) {
    std::size_t const at = out.size();
    if (escape_into(out, s, policy)) return;
    out.resize(at);
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_string(out, s, bad_utf8::per_byte);
    return out;
}

// ---- json_text -------------------------------------------------------------------------------

json_text::json_text(std::string& out, bad_utf8 policy) : out_(out), policy_(policy) {
    // Room ahead: what the string's capacity already gives (a reused buffer), at least 256 bytes
    // and at most 4 KiB (resize zero-fills it).
    std::size_t const at = out_.size();
    out_.resize(std::max(at + 256, std::min(out_.capacity(), at + 4096)));
    pos_ = out_.data() + at;
    end_ = out_.data() + out_.size();
}

void json_text::finish() {
    if (done_) return;
    done_ = true;
    out_.resize(static_cast<std::size_t>(pos_ - out_.data()));
}

void json_text::grow(std::size_t n) {
    std::size_t const at = static_cast<std::size_t>(pos_ - out_.data());
    out_.resize(std::max(out_.size() * 2, at + n + 256));
    pos_ = out_.data() + at;
    end_ = out_.data() + out_.size();
}

void json_text::quoted(std::string_view s) {
    if (!plain(s)) {
        std::string escaped;
        append_json_string(escaped, s, policy_);
        put(escaped);
        return;
    }
    char* p = room(s.size() + 2);
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    pos_ = p;
}

void json_text::digits(std::uint64_t v) {
    char buf[24];
    char* const p = write_uint(buf + sizeof buf, v, 1);
    put(std::string_view(p, static_cast<std::size_t>(buf + sizeof buf - p)));
}

void json_text::quoted_int(std::int64_t v) {
    put('"');
    if (v < 0) put('-');
    digits(magnitude(v));
    put('"');
    comma_ = true;
}

void json_text::plain_int(std::int64_t v) {
    if (v < 0) put('-');
    digits(magnitude(v));
    comma_ = true;
}

void json_text::quoted_time(meters::instant t, std::chrono::minutes utc_offset) {
    char* p = room(16);
    *p = '"';
    write_compact(p + 1, t, utc_offset);
    p[15] = '"';
    pos_ = p + 16;
    comma_ = true;
}

void json_text::e4_value(std::int64_t v, int places, bool quote) {
    e4_digits const d(v, places);
    auto const t = d.text();
    char* p = room(t.size() + 2);
    if (quote) *p++ = '"';
    std::memcpy(p, t.data(), t.size());
    p += t.size();
    if (quote) *p++ = '"';
    pos_ = p;
    comma_ = true;
}

}  // namespace metersim::sim::json

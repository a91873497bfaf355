#include "platforms/common/json_text.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "platforms/common/timestamp.hpp"

namespace metersim::platforms {

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

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

bool plain(std::string_view s) noexcept {
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') return false;
    }
    return true;
}

/// Control characters, quotes, backslashes, UTF-8 (valid or not): nlohmann's own rules.
std::string escaped(std::string_view s) {
    return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
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
    auto const c = from_epoch_seconds(floor_div(meters::to_ms(t), 1000), utc_offset);
    int const y = c.year < 0 ? 0 : (c.year > 9999 ? 9999 : c.year);  // as format_civil clamps
    write_uint(p + 4, static_cast<std::uint64_t>(y), 4);
    p += 4;
    for (int part : {c.month, c.day, c.hour, c.minute, c.second}) {
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

void append_json_string(std::string& out, std::string_view s) {
    if (!plain(s)) {
        out += escaped(s);
        return;
    }
    out += '"';
    out += s;
    out += '"';
}

// ---- json_text -------------------------------------------------------------------------------

json_text::json_text(std::string& out) : out_(out) {
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
        put(escaped(s));
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

void json_text::quoted_e4(std::int64_t v, int places) {
    e4_digits const d(v, places);
    auto const t = d.text();
    char* p = room(t.size() + 2);
    *p++ = '"';
    std::memcpy(p, t.data(), t.size());
    p += t.size();
    *p++ = '"';
    pos_ = p;
    comma_ = true;
}

}  // namespace metersim::platforms

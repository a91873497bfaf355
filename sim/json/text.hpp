#pragma once
/// json::json_text: writes compact JSON text straight into a caller's string: every body metersim
/// writes by hand (push bodies, answers, error answers) goes through it (no tree, no allocation
/// beyond the string's growth). `append_json_string` is the one string escaper.
///
/// The output is byte-identical to nlohmann::ordered_json's `dump(-1, ' ', false,
/// error_handler_t::replace)` of the same members in the same order: no spaces, strings escaped
/// the way nlohmann escapes them (\" \\ \b \f \n \r \t, other control characters as \u00xx,
/// everything else, UTF-8 included, as is; invalid UTF-8 replaced by U+FFFD). Strings of plain
/// printable ASCII, the common case, are copied at once; valid UTF-8 is copied in runs; a string
/// with invalid UTF-8 goes through nlohmann's own serializer, so rare inputs cannot drift from it
/// (or, with bad_utf8::per_byte, gets one U+FFFD per byte that starts no valid sequence).
///
/// Commas are placed automatically: open an object or array, then write keys and values; the
/// writer does not check nesting (the callers are a few fixed shapes, covered by tests).
///
/// Fixed-point figures are written from their e4 count exactly as meters::format_e4 and
/// format_e4_places do; timestamps as platforms::format_instant does (through meters::to_civil).
///
/// A writer appends at the end of its string and owns it until finish() (or its destruction):
/// it writes through a pointer into room it makes ahead, so the string's size is only right
/// once it finished. Do not touch the string meanwhile (the append_* functions below included).

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "meters/instant.hpp"

namespace metersim::sim::json {

/// How invalid UTF-8 in a string is replaced by U+FFFD (valid UTF-8 is written as it is).
enum class bad_utf8 : std::uint8_t {
    as_nlohmann,  ///< as nlohmann's dump(error_handler_t::replace) replaces it
    per_byte,     ///< one U+FFFD per byte that starts no valid sequence
};

/// Appends `e4` with exactly 4 decimals (meters::format_e4: 150000 -> "15.0000").
void append_e4(std::string& out, std::int64_t e4);
/// Appends `e4` with `places` decimals, half away from zero (meters::format_e4_places).
void append_e4_places(std::string& out, std::int64_t e4, int places);
/// Appends an integer in decimal (std::to_string).
void append_int(std::string& out, std::int64_t v);
/// Appends `t` as yyyyMMddHHmmss at `utc_offset` (format_instant(t, compact, utc_offset)).
void append_compact_time(std::string& out, meters::instant t, std::chrono::minutes utc_offset);
/// Appends `s` as a JSON string, quotes included, escaped as nlohmann escapes them
/// (\" \\ \b \f \n \r \t, other control characters as \u00xx); the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s,
                        bad_utf8 policy = bad_utf8::as_nlohmann);
/// The same with bad_utf8::per_byte.
inline void append_json_quoted(std::string& out, std::string_view s) {
    append_json_string(out, s, bad_utf8::per_byte);
}
/// A JSON string literal for the text, quotes included (bad_utf8::per_byte).
std::string json_quote(std::string_view s);

class json_text {
public:
    explicit json_text(std::string& out, bad_utf8 policy = bad_utf8::as_nlohmann);
    ~json_text() { finish(); }
    json_text(json_text const&) = delete;
    json_text& operator=(json_text const&) = delete;

    /// Gives the string its final size (what was written); the writer is done with it.
    void finish();

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    /// A member name; the value written next belongs to it. Names given as string literals
    /// (the template overloads) are written as they are: they must be plain ASCII without
    /// quotes or backslashes, which every literal name of a vendor's spec is. Other names
    /// (std::string_view) are escaped like values.
    template <std::size_t N>
    void key(char const (&k)[N]) {
        char* p = room(N + 3);
        if (comma_) *p++ = ',';
        *p++ = '"';
        std::memcpy(p, k, N - 1);
        p += N - 1;
        *p++ = '"';
        *p++ = ':';
        pos_ = p;
        comma_ = false;
    }
    void key(std::string_view k) {
        separate();
        quoted(k);
        put(':');
        comma_ = false;
    }
    /// Opens the object or array value of member `k`.
    template <std::size_t N>
    void object(char const (&k)[N]) { key(k); begin_object(); }
    template <std::size_t N>
    void array(char const (&k)[N]) { key(k); begin_array(); }

    void string(std::string_view v) {
        separate();
        quoted(v);
        comma_ = true;
    }
    /// Text already valid JSON (a nested message, a number).
    void raw(std::string_view v) {
        separate();
        put(v);
        comma_ = true;
    }

    template <std::size_t N>
    void field(char const (&k)[N], std::string_view v) { key(k); string(v); }
    void field(std::string_view k, std::string_view v) { key(k); string(v); }
    /// "0" / "1".
    template <std::size_t N>
    void flag(char const (&k)[N], bool b) {
        key(k);
        char* p = room(3);
        p[0] = '"';
        p[1] = b ? '1' : '0';
        p[2] = '"';
        pos_ = p + 3;
        comma_ = true;
    }
    /// A fixed-point figure as a JSON string with 4 decimals: "12.3456".
    template <class K>
    void e4(K const& k, std::int64_t v) { key(k); quoted_e4(v, 4); }
    /// The same with `places` decimals (0..4).
    template <class K>
    void e4_places(K const& k, std::int64_t v, int places) { key(k); quoted_e4(v, places); }
    /// A fixed-point figure as a JSON number with `places` decimals (0..4): 12.3456.
    template <class K>
    void decimal(K const& k, std::int64_t v, int places = 4) { key(k); plain_e4(v, places); }
    /// An integer as a JSON string: "19".
    template <class K>
    void int_string(K const& k, std::int64_t v) { key(k); quoted_int(v); }
    /// An integer as a JSON number: 19.
    template <class K>
    void number(K const& k, std::int64_t v) { key(k); plain_int(v); }
    /// A time as a JSON string yyyyMMddHHmmss.
    template <class K>
    void compact_time(K const& k, meters::instant t, std::chrono::minutes utc_offset) {
        key(k);
        quoted_time(t, utc_offset);
    }

private:
    /// At least `n` bytes of room at pos_.
    char* room(std::size_t n) {
        if (static_cast<std::size_t>(end_ - pos_) < n) grow(n);
        return pos_;
    }
    void grow(std::size_t n);
    void put(char c) { *room(1) = c; ++pos_; }
    void put(std::string_view s) {
        std::memcpy(room(s.size()), s.data(), s.size());
        pos_ += s.size();
    }
    /// `s` quoted and escaped.
    void quoted(std::string_view s);
    void separate() {
        if (comma_) put(',');
    }
    void open(char c) {
        separate();
        put(c);
        comma_ = false;
    }
    void close(char c) {
        put(c);
        comma_ = true;
    }
    // Values after their key: they set comma_.
    void quoted_e4(std::int64_t v, int places) { e4_value(v, places, true); }
    void plain_e4(std::int64_t v, int places) { e4_value(v, places, false); }
    void e4_value(std::int64_t v, int places, bool quote);
    void quoted_int(std::int64_t v);
    void plain_int(std::int64_t v);
    void quoted_time(meters::instant t, std::chrono::minutes utc_offset);
    void digits(std::uint64_t v);

    std::string& out_;
    char* pos_ = nullptr;  ///< where the next byte goes (inside out_'s room)
    char* end_ = nullptr;  ///< the end of the room made (out_.data() + out_.size() while writing)
    bool comma_ = false;
    bool done_ = false;
    bad_utf8 policy_;
};

}  // namespace metersim::sim::json

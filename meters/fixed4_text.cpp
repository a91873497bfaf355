#include "meters/fixed4_text.hpp"

namespace metersim::meters {

namespace {
constexpr std::size_t max_integer_digits = 12;
constexpr std::size_t max_decimals = 4;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

result<std::int64_t, parse_error> parse_fixed4(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && text[i] == '-') {
        negative = true;
        ++i;
    }
    std::size_t const int_start = i;
    std::int64_t units = 0;
    while (i < text.size() && is_digit(text[i])) {
        if (i - int_start == max_integer_digits)
            return parse_error{i, "more than 12 integer digits"};
        units = units * 10 + (text[i] - '0');
        ++i;
    }
    if (i == int_start) {
        if (i == text.size()) return parse_error{i, "expected a digit"};
        return parse_error{i, std::string("expected a digit, found '") + text[i] + "'"};
    }
    std::int64_t frac = 0;
    std::size_t places = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && is_digit(text[i])) {
            if (places == max_decimals) return parse_error{i, "more than 4 decimals"};
            frac = frac * 10 + (text[i] - '0');
            ++places;
            ++i;
        }
        if (places == 0) return parse_error{i, "expected a digit after the decimal point"};
    }
    if (i != text.size())
        return parse_error{i, std::string("unexpected character '") + text[i] + "'"};
    for (std::size_t p = places; p < max_decimals; ++p) frac *= 10;
    std::int64_t const e4 = units * 10000 + frac;
    return negative ? -e4 : e4;
}

std::string format_e4(std::int64_t e4) {
    // Work in unsigned so INT64_MIN has a magnitude.
    bool const negative = e4 < 0;
    std::uint64_t const mag = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(e4)
                                       : static_cast<std::uint64_t>(e4);
    std::string frac = std::to_string(mag % 10000);
    frac.insert(0, 4 - frac.size(), '0');
    return (negative ? "-" : "") + std::to_string(mag / 10000) + "." + frac;
}

std::string format_e4_places(std::int64_t e4, int places) {
    if (places >= 4) return format_e4(e4);
    if (places < 0) places = 0;
    std::int64_t div = 1;
    for (int p = places; p < 4; ++p) div *= 10;
    bool const negative = e4 < 0;
    std::uint64_t mag = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(e4)
                                 : static_cast<std::uint64_t>(e4);
    auto const udiv = static_cast<std::uint64_t>(div);
    mag = (mag + udiv / 2) / udiv;  // half away from zero
    std::uint64_t scale = 1;
    for (int p = 0; p < places; ++p) scale *= 10;
    std::string out = (negative && mag != 0 ? "-" : "") + std::to_string(mag / scale);
    if (places > 0) {
        std::string frac = std::to_string(mag % scale);
        frac.insert(0, static_cast<std::size_t>(places) - frac.size(), '0');
        out += "." + frac;
    }
    return out;
}

}  // namespace metersim::meters

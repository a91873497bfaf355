#pragma once
/// Fixed-point decimals with exactly four places: money (yuan), volume (m³), price (yuan/m³).
///
/// Each is an int64 count of 1e-4 units behind a distinct type, so money cannot be added to
/// volume by mistake. + - and comparisons work within one type; there is no operator* between
/// types: `charge_for(volume, price)` is the one place where units meet, and it rounds once.
/// There is no constructor from double and no conversion to it, by design (DESIGN.md "The meter").

#include <compare>
#include <cstdint>
#include <limits>

namespace metersim::meters {

/// 128-bit intermediate for products (g++/clang extension; __extension__ keeps -Wpedantic quiet).
__extension__ typedef __int128 wide_int;

/// Whether a value fits in 64 bits; a / b and a % b truncating like the built-in operators (the
/// 128-bit division is a library call: when the simulator's values fit in 64 bits, as they almost
/// always do, the 64-bit instruction gives the same result).
constexpr bool fits_int64(wide_int a) noexcept {
    return a >= std::numeric_limits<std::int64_t>::min() && a <= std::numeric_limits<std::int64_t>::max();
}
constexpr wide_int wide_quot(wide_int a, wide_int b) noexcept {
    if (fits_int64(a) && fits_int64(b) && b != -1)
        return static_cast<std::int64_t>(a) / static_cast<std::int64_t>(b);
    return a / b;
}
constexpr wide_int wide_rem(wide_int a, wide_int b) noexcept {
    if (fits_int64(a) && fits_int64(b) && b != -1)
        return static_cast<std::int64_t>(a) % static_cast<std::int64_t>(b);
    return a % b;
}

template <class Tag>
class fixed4 {
public:
    static constexpr std::int64_t scale = 10000;

    constexpr fixed4() noexcept = default;
    static constexpr fixed4 from_e4(std::int64_t e4) noexcept { fixed4 f; f.e4_ = e4; return f; }
    /// Whole units (e.g. 12 yuan). The caller keeps |units| within the spec's 12 integer digits.
    static constexpr fixed4 from_units(std::int64_t units) noexcept { return from_e4(units * scale); }
    static constexpr fixed4 zero() noexcept { return fixed4{}; }

    constexpr std::int64_t e4() const noexcept { return e4_; }
    constexpr bool is_zero() const noexcept { return e4_ == 0; }
    constexpr bool is_negative() const noexcept { return e4_ < 0; }
    constexpr bool is_positive() const noexcept { return e4_ > 0; }

    constexpr auto operator<=>(fixed4 const&) const noexcept = default;
    constexpr fixed4 operator-() const noexcept { return from_e4(-e4_); }
    constexpr fixed4 operator+(fixed4 o) const noexcept { return from_e4(e4_ + o.e4_); }
    constexpr fixed4 operator-(fixed4 o) const noexcept { return from_e4(e4_ - o.e4_); }
    constexpr fixed4& operator+=(fixed4 o) noexcept { e4_ += o.e4_; return *this; }
    constexpr fixed4& operator-=(fixed4 o) noexcept { e4_ -= o.e4_; return *this; }

private:
    std::int64_t e4_ = 0;
};

struct money_tag {};
struct volume_tag {};
struct price_tag {};
struct decimal_tag {};

using money = fixed4<money_tag>;      ///< yuan, 1e-4
using volume = fixed4<volume_tag>;    ///< cubic metres, 1e-4
using price = fixed4<price_tag>;      ///< yuan per cubic metre, 1e-4
using decimal = fixed4<decimal_tag>;  ///< a unitless 4-place figure (temperature, pressure, ...)

template <class T, class U>
constexpr T fixed4_cast(U x) noexcept { return T::from_e4(x.e4()); }

/// Rounds an e8-scaled value back to e4, half away from zero (四舍五入, the rounding every
/// vendor document's examples imply; none of the three states another rule).
constexpr std::int64_t round_e8_to_e4(wide_int e8) noexcept {
    wide_int const q = wide_quot(e8, 10000);
    wide_int const r = wide_rem(e8, 10000);
    wide_int rounded = q;
    if (r >= 5000) rounded = q + 1;
    else if (r <= -5000) rounded = q - 1;
    return static_cast<std::int64_t>(rounded);
}

/// The charge for `v` at `p`, computed in 128 bits and rounded once. Volumes and prices within
/// the specs' 12+4 digits cannot overflow the intermediate; a result past int64 saturates.
constexpr money charge_for(volume v, price p) noexcept {
    wide_int const e8 = static_cast<wide_int>(v.e4()) * p.e4();
    wide_int const lim = static_cast<wide_int>(std::numeric_limits<std::int64_t>::max()) * 10000;
    if (e8 > lim) return money::from_e4(std::numeric_limits<std::int64_t>::max());
    if (e8 < -lim) return money::from_e4(std::numeric_limits<std::int64_t>::min());
    return money::from_e4(round_e8_to_e4(e8));
}

/// The volume that `m` buys at `p` (gas-prepaid meters converting money), rounded down so a
/// customer is never credited gas they did not pay for. p must be positive.
constexpr volume volume_for(money m, price p) noexcept {
    if (p.e4() <= 0) return volume::zero();
    wide_int const e8 = static_cast<wide_int>(m.e4()) * 10000;
    return volume::from_e4(static_cast<std::int64_t>(e8 / p.e4()));
}

}  // namespace metersim::meters

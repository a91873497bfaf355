#include "platforms/common/crypto.hpp"

// The digests use OpenSSL's low-level MD5_* / SHA256_* functions (deprecated in OpenSSL 3, still
// shipped, the same SHA-NI/assembly code): going through EVP initialises OpenSSL's providers,
// which maps about 2 MiB more of libcrypto into `metersim serve` (issue 3's memory goal) for the
// two hashes every request and push needs. EVP stays for 3DES and the MAC (the CNMCSP envelope,
// off by default). crypto_test's RFC 1321 / FIPS 180-2 vectors guard the digests.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <array>
#include <memory>
#include <new>

namespace metersim::platforms::crypto {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Ciphers are fetched once: OpenSSL 3's implicit fetch (EVP_des_ede3_cbc() passed to
// EVP_CipherInit_ex) looks the provider up on every call.
struct cipher_deleter { void operator()(EVP_CIPHER* p) const noexcept { EVP_CIPHER_free(p); } };
struct ctx_deleter { void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); } };
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, ctx_deleter>;

EVP_CIPHER const* des_ede3_cbc() {
    static std::unique_ptr<EVP_CIPHER, cipher_deleter> const c{
        EVP_CIPHER_fetch(nullptr, "DES-EDE3-CBC", nullptr)};
    return c ? c.get() : EVP_des_ede3_cbc();
}

EVP_CIPHER const* des_ede_cbc() {
    static std::unique_ptr<EVP_CIPHER, cipher_deleter> const c{
        EVP_CIPHER_fetch(nullptr, "DES-EDE-CBC", nullptr)};
    return c ? c.get() : EVP_des_ede_cbc();
}

EVP_CIPHER const* des_ede3_ecb() {
    static std::unique_ptr<EVP_CIPHER, cipher_deleter> const c{
        EVP_CIPHER_fetch(nullptr, "DES-EDE3-ECB", nullptr)};
    return c ? c.get() : EVP_des_ede3_ecb();
}

template <std::size_t N>
std::string hex_of(std::array<unsigned char, N> const& digest) {
    return to_hex(std::string_view(reinterpret_cast<char const*>(digest.data()), N));
}

unsigned char const* bytes(std::string_view s) {
    return reinterpret_cast<unsigned char const*>(s.data());
}

// One EVP cipher pass. `pad` turns PKCS#7 on; without it the input must be whole blocks.
crypto_result<std::string> run_cipher(EVP_CIPHER const* cipher, std::string_view key,
                                      std::string_view iv, std::string_view in, bool encrypt,
                                      bool pad) {
    if (in.size() > static_cast<std::size_t>(1) << 30)
        return crypto_error{"input longer than 1 GiB"};
    cipher_ctx ctx{EVP_CIPHER_CTX_new()};
    if (!ctx) return crypto_error{"cannot allocate a cipher context"};
    if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, bytes(key),
                          iv.empty() ? nullptr : bytes(iv), encrypt ? 1 : 0) != 1)
        return crypto_error{"cipher initialisation failed"};
    EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0);
    std::string out(in.size() + 8, '\0');
    int n1 = 0;
    int n2 = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (EVP_CipherUpdate(ctx.get(), o, &n1, bytes(in), static_cast<int>(in.size())) != 1)
        return crypto_error{"cipher update failed"};
    if (EVP_CipherFinal_ex(ctx.get(), o + n1, &n2) != 1)
        return crypto_error{encrypt ? "cipher finalisation failed" : "bad padding or wrong key"};
    out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
    return out;
}

crypto_result<std::string> check_des3_args(std::string_view key, std::string_view iv) {
    if (key.size() != 16 && key.size() != 24)
        return crypto_error{"3DES key must be 16 or 24 bytes, got " + std::to_string(key.size())};
    if (iv.size() != 8) return crypto_error{"IV must be 8 bytes, got " + std::to_string(iv.size())};
    return std::string{};
}

// Single DES through 3DES with K1 = K2 = K3 (E_K(D_K(E_K(x))) = E_K(x)).
std::string single_des_key(std::string_view k) {
    std::string k3;
    k3.reserve(24);
    for (int i = 0; i < 3; ++i) k3.append(k);
    return k3;
}

// A digit alphabet as runs of consecutive characters: `first`..`last` stand for `value`, value+1, ...
struct digit_run {
    char first;
    char last;
    int value;
};
constexpr digit_run hex_ranges[] = {{'0', '9', 0}, {'a', 'f', 10}, {'A', 'F', 10}};
constexpr digit_run base64_ranges[] = {{'A', 'Z', 0}, {'a', 'z', 26}, {'0', '9', 52}, {'+', '+', 62}, {'/', '/', 63}};

/// The digit `c` stands for in `alphabet`, or -1.
template <std::size_t N>
int digit_value(char c, digit_run const (&alphabet)[N]) noexcept {
    for (auto const& r : alphabet)
        if (c >= r.first && c <= r.last) return r.value + (c - r.first);
    return -1;
}

}  // namespace

std::string to_hex(std::string_view b) {
    std::string out(b.size() * 2, '\0');
    for (std::size_t i = 0; i < b.size(); ++i) {
        auto const c = static_cast<unsigned char>(b[i]);
        out[2 * i] = hex_digits[c >> 4];
        out[2 * i + 1] = hex_digits[c & 0x0f];
    }
    return out;
}

crypto_result<std::string> from_hex(std::string_view hex) {
    auto nibble = [](char c) { return digit_value(c, hex_ranges); };
    if (hex.size() % 2 != 0) return crypto_error{"odd number of hex digits"};
    std::string out(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int const hi = nibble(hex[i]);
        int const lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return crypto_error{"not a hex digit at position " + std::to_string(hi < 0 ? i : i + 1)};
        out[i / 2] = static_cast<char>((hi << 4) | lo);
    }
    return out;
}

namespace {

// One low-level digest pass (see the note at the top: no EVP on this path).
template <std::size_t N, class Ctx>
std::string digest_hex(std::string_view data, int (*init)(Ctx*), int (*update)(Ctx*, void const*, std::size_t),
                       int (*final)(unsigned char*, Ctx*)) {
    Ctx ctx;
    std::array<unsigned char, N> out{};
    init(&ctx);
    update(&ctx, data.data(), data.size());
    final(out.data(), &ctx);
    return hex_of(out);
}

}  // namespace

std::string md5_hex(std::string_view data) {
    return digest_hex<MD5_DIGEST_LENGTH>(data, MD5_Init, MD5_Update, MD5_Final);
}

std::string sha256_hex(std::string_view data) {
    return digest_hex<SHA256_DIGEST_LENGTH>(data, SHA256_Init, SHA256_Update, SHA256_Final);
}

std::string base64_encode(std::string_view data) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(data[k])); };
    for (; i + 3 <= data.size(); i += 3) {
        std::uint32_t const v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    std::size_t const rest = data.size() - i;
    if (rest == 1) {
        std::uint32_t const v = at(i) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        std::uint32_t const v = (at(i) << 16) | (at(i + 1) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

crypto_result<std::string> base64_decode(std::string_view text) {
    auto value = [](char c) { return digit_value(c, base64_ranges); };
    if (text.size() % 4 != 0)
        return crypto_error{"Base64 length " + std::to_string(text.size()) + " is not a multiple of 4"};
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') ++padding;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool const last = i + 4 == text.size();
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            std::size_t const pos = i + k;
            bool const pad_slot = last && k >= 4 - padding;
            int const d = pad_slot ? 0 : value(text[pos]);
            if (d < 0)
                return crypto_error{"not a Base64 character at position " + std::to_string(pos)};
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        out += static_cast<char>((v >> 16) & 0xff);
        if (!(last && padding == 2)) out += static_cast<char>((v >> 8) & 0xff);
        if (!(last && padding >= 1)) out += static_cast<char>(v & 0xff);
    }
    return out;
}

crypto_result<std::string> des3_cbc_encrypt(std::string_view key, std::string_view iv,
                                            std::string_view plaintext) {
    if (auto ok = check_des3_args(key, iv); !ok) return ok;
    return run_cipher(key.size() == 16 ? des_ede_cbc() : des_ede3_cbc(), key, iv, plaintext,
                      true, true);
}

crypto_result<std::string> des3_cbc_decrypt(std::string_view key, std::string_view iv,
                                            std::string_view ciphertext) {
    if (auto ok = check_des3_args(key, iv); !ok) return ok;
    if (ciphertext.empty() || ciphertext.size() % 8 != 0)
        return crypto_error{"ciphertext length " + std::to_string(ciphertext.size()) +
                            " is not a positive multiple of 8"};
    return run_cipher(key.size() == 16 ? des_ede_cbc() : des_ede3_cbc(), key, iv, ciphertext,
                      false, true);
}

crypto_result<std::string> retail_mac(std::string_view key, std::string_view data,
                                      std::string_view iv) {
    if (key.size() != 16)
        return crypto_error{"retail MAC key must be 16 bytes, got " + std::to_string(key.size())};
    if (iv.size() != 8) return crypto_error{"IV must be 8 bytes, got " + std::to_string(iv.size())};
    std::string const k1 = single_des_key(key.substr(0, 8));
    std::string const k2 = single_des_key(key.substr(8, 8));

    // Padding method 2: 0x80, then zeros to a whole block.
    std::string padded(data);
    padded += static_cast<char>(0x80);
    padded.append((8 - padded.size() % 8) % 8, '\0');

    // Single-DES CBC with K1; the last cipher block is the chaining value H_q.
    auto chained = run_cipher(des_ede3_cbc(), k1, iv, padded, true, false);
    if (!chained) return chained;
    std::string_view const h = std::string_view(chained.value()).substr(chained.value().size() - 8);

    // Output transformation 3: D_K2 then E_K1 on the last block.
    auto d = run_cipher(des_ede3_ecb(), k2, {}, h, false, false);
    if (!d) return d;
    return run_cipher(des_ede3_ecb(), k1, {}, d.value(), true, false);
}

crypto_result<std::string> retail_mac_hex(std::string_view key, std::string_view data,
                                          std::string_view iv) {
    auto mac = retail_mac(key, data, iv);
    if (!mac) return mac;
    return to_hex(mac.value());
}

bool equal_constant_time(std::string_view a, std::string_view b, bool ignore_case) noexcept {
    if (a.size() != b.size()) return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = static_cast<unsigned char>(a[i]);
        auto y = static_cast<unsigned char>(b[i]);
        if (ignore_case) {
            // Branch-free ASCII fold of 'A'..'Z'.
            x = static_cast<unsigned char>(x | (static_cast<unsigned>(x - 65u < 26u) << 5));
            y = static_cast<unsigned char>(y | (static_cast<unsigned>(y - 65u < 26u) << 5));
        }
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

}  // namespace metersim::platforms::crypto

#pragma once
/// Digests, Base64, 3DES-CBC and the ISO/IEC 9797-1 "retail MAC", over OpenSSL 3 (EVP for the
/// ciphers; the low-level MD5/SHA-256 functions for the digests, see crypto.cpp).
///
/// Data is bytes held in std::string / std::string_view (the vendors sign and encrypt text).
/// Hex output is lowercase. Every function is safe on any input: nothing throws, failures
/// (a bad key length, malformed Base64, a ciphertext with bad padding) come back as
/// `crypto_error` values. Only EVP algorithms of OpenSSL's default provider are used (MD5,
/// SHA-256, DES-EDE-CBC, DES-EDE3-CBC/ECB), so the legacy provider is never needed: single DES,
/// which the MAC requires, is 3DES with K1 = K2 = K3. Thread-safe (no shared state).

#include <cstdint>
#include <string>
#include <string_view>

#include "meters/result.hpp"

namespace metersim::platforms::crypto {

struct crypto_error {
    std::string reason;  ///< e.g. "3DES key must be 16 or 24 bytes, got 10"
};

template <class T>
using crypto_result = meters::result<T, crypto_error>;

/// Lowercase hex of the bytes: "\x01\xab" -> "01ab".
std::string to_hex(std::string_view bytes);
/// Bytes from hex text (either case, even length); an error names the offending position.
crypto_result<std::string> from_hex(std::string_view hex);

/// MD5 of the bytes as 32 lowercase hex characters (CNMCSP and Xintian AccessToken).
std::string md5_hex(std::string_view data);
/// SHA-256 of the bytes as 64 lowercase hex characters (Xianfeng Authorization, API_TOKEN).
std::string sha256_hex(std::string_view data);

/// Standard Base64 (RFC 4648 §4, '+' '/' and '=' padding), no line breaks.
std::string base64_encode(std::string_view data);
/// Strict decoding: the standard alphabet, length a multiple of 4, padding only at the end,
/// no whitespace. Anything else is an error with the offending position.
crypto_result<std::string> base64_decode(std::string_view text);

/// 3DES-CBC with PKCS#7 padding. `key` is 16 bytes (K1 K2, two-key EDE: K3 = K1) or 24 bytes
/// (K1 K2 K3); `iv` is 8 bytes. DES parity bits are ignored, as OpenSSL does.
crypto_result<std::string> des3_cbc_encrypt(std::string_view key, std::string_view iv,
                                            std::string_view plaintext);
/// The inverse; a ciphertext that is empty, not a multiple of 8 bytes, or whose padding does
/// not check is an error (never a partial plaintext).
crypto_result<std::string> des3_cbc_decrypt(std::string_view key, std::string_view iv,
                                            std::string_view ciphertext);

/// ISO/IEC 9797-1 MAC algorithm 3 (the ANSI X9.19 "retail MAC"), with padding method 2:
/// append 0x80 then zeros up to a multiple of 8 bytes (always at least the 0x80 byte);
/// single-DES CBC over the padded data with K1 from `iv` (8 bytes, zeros by default); then the
/// last block is decrypted with K2 and encrypted again with K1. `key` is 16 bytes (K1 K2).
/// Returns the 8-byte MAC.
crypto_result<std::string> retail_mac(std::string_view key, std::string_view data,
                                      std::string_view iv = std::string_view("\0\0\0\0\0\0\0\0", 8));
/// The same MAC as 16 lowercase hex characters.
crypto_result<std::string> retail_mac_hex(std::string_view key, std::string_view data,
                                          std::string_view iv = std::string_view("\0\0\0\0\0\0\0\0", 8));

/// Compares in time that depends only on the lengths (tokens, MACs), ASCII case-insensitively
/// when `ignore_case` (hex digests whose case the vendor leaves open).
bool equal_constant_time(std::string_view a, std::string_view b, bool ignore_case = false) noexcept;

}  // namespace metersim::platforms::crypto

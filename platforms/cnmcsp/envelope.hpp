#pragma once
/// The optional body envelope of spec: cnmcsp §4.2 (数据加密, 3DES + MAC). Off by default.
///
/// The document names the algorithms (3DES + MAC) but not the scheme (the vendor ships a
/// registration code and a library). metersim's documented scheme, the usual one in this
/// industry:
///   - the JSON text of a request, an answer or a push is encrypted with 3DES-CBC (two-key
///     EDE with a 16-byte key, or three-key with 24 bytes), PKCS#7 padding, the configured 8-byte
///     IV (zeros by default);
///   - the MAC is ISO/IEC 9797-1 MAC algorithm 3 (ANSI X9.19 retail MAC, padding method 2) with
///     a 16-byte MAC key over the ciphertext bytes (encrypt-then-MAC), zero IV;
///   - the body on the wire is {"Data":"<Base64 of the ciphertext>","Mac":"<16 hex digits>"}.
/// The receiver verifies the MAC (hex case ignored, constant time) before it decrypts. Any
/// failure (not that shape, bad Base64, wrong MAC, bad padding) is refused with 80003002.
/// Keys are given as hex text in the options. Pure functions, thread-safe.

#include <string>
#include <string_view>

#include "platforms/common/api_error.hpp"

namespace metersim::platforms::cnmcsp {

struct envelope_options {
    bool enabled = false;
    std::string des3_key_hex;  ///< 32 or 48 hex digits
    std::string mac_key_hex;   ///< 32 hex digits
    std::string iv_hex = "0000000000000000";
};

/// Keys decoded and checked once.
struct envelope_keys {
    std::string des3_key;
    std::string mac_key;
    std::string iv;
};

/// Decodes and checks the hex keys; the error names the option at fault.
api_result<envelope_keys> make_envelope_keys(envelope_options const& o);

/// The wire body for `plaintext`.
api_result<std::string> seal(envelope_keys const& k, std::string_view plaintext);
/// The plaintext of a wire body.
api_result<std::string> open(envelope_keys const& k, std::string_view body);

}  // namespace metersim::platforms::cnmcsp

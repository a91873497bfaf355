#include "platforms/common/crypto.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace metersim::platforms::crypto;

namespace {
std::string unhex(std::string_view h) { return from_hex(h).value(); }
}  // namespace

TEST_SUITE("platforms/common/crypto") {

TEST_CASE("md5_hex matches the RFC 1321 test suite") {
    CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
    CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
    CHECK(md5_hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
    CHECK(md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");  // several blocks
}

TEST_CASE("sha256_hex matches the FIPS 180-2 examples") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");  // many blocks
}

TEST_CASE("sha256_hex of key, merchantId and transId gives the Xianfeng appendix 8 token") {
    CHECK(sha256_hex(std::string("0a155959379dc684bfa11f199734b01d") + "43516709" +
                     "2017072514484582299619") ==
          "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1");
}

TEST_CASE("base64 encodes and decodes the RFC 4648 vectors") {
    struct v { char const* plain; char const* coded; };
    for (auto [plain, coded] : {v{"", ""}, v{"f", "Zg=="}, v{"fo", "Zm8="}, v{"foo", "Zm9v"},
                                v{"foob", "Zm9vYg=="}, v{"fooba", "Zm9vYmE="},
                                v{"foobar", "Zm9vYmFy"}}) {
        CAPTURE(plain);
        CHECK(base64_encode(plain) == coded);
        auto d = base64_decode(coded);
        REQUIRE(d.has_value());
        CHECK(d.value() == plain);
    }
}

TEST_CASE("base64 round-trips every byte value") {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    CHECK(base64_decode(base64_encode(all)).value() == all);
    CHECK(base64_encode("appToken:20240101120000") == "YXBwVG9rZW46MjAyNDAxMDExMjAwMDA=");
}

TEST_CASE("base64 decoding reports malformed text instead of guessing") {
    for (char const* bad : {"Zg=", "Zm9v!A==", "Zg==Zg==", "=Zg=", "Zm 9v", "Z===", "Zm9vYg=a"}) {
        CAPTURE(bad);
        auto d = base64_decode(bad);
        REQUIRE_FALSE(d.has_value());
        CHECK_FALSE(d.error().reason.empty());
    }
}

TEST_CASE("hex conversion is lowercase and checks its input") {
    CHECK(to_hex(std::string("\x01\xab\xff", 3)) == "01abff");
    CHECK(from_hex("01ABff").value() == std::string("\x01\xab\xff", 3));
    CHECK_FALSE(from_hex("abc").has_value());
    CHECK_FALSE(from_hex("zz").has_value());
}

// NIST SP 800-67 Rev. 1, appendix B example: keys 0123456789ABCDEF 23456789ABCDEF01
// 456789ABCDEF0123, plaintext "The qufck brown fox jump", ECB ciphertext A826FD8CE53B855F
// CCE21C8112256FE6 68D5C05DD9B6B900. With a zero IV the first CBC block equals the first ECB
// block; the rest (and the PKCS#7 block) was derived on the build machine with
// `printf 'The qufck brown fox jump' | openssl enc -des-ede3-cbc -K <keys> -iv 0000000000000000`.
TEST_CASE("3DES-CBC with a 24-byte key matches the SP 800-67 example and openssl enc") {
    std::string const key = unhex("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123");
    std::string const zero_iv(8, '\0');
    auto c = des3_cbc_encrypt(key, zero_iv, "The qufck brown fox jump");
    REQUIRE(c.has_value());
    CHECK(to_hex(c.value()).substr(0, 16) == "a826fd8ce53b855f");
    CHECK(to_hex(c.value()) ==
          "a826fd8ce53b855f854b649a0a3903c970d563820afe8b35c45f55a7a0480ad8");
    CHECK(des3_cbc_decrypt(key, zero_iv, c.value()).value() == "The qufck brown fox jump");

    // `... | openssl enc -des-ede3-cbc -K <keys> -iv 0102030405060708`
    auto c2 = des3_cbc_encrypt(key, unhex("0102030405060708"), "The qufck brown fox jump");
    CHECK(to_hex(c2.value()) ==
          "7920860dd6fb33216af29cd167ed0e0c78908d359a1e6ddd568eb4cfc4ae5c21");
    // An empty plaintext is one whole padding block.
    CHECK(to_hex(des3_cbc_encrypt(key, zero_iv, "").value()) == "832846b52f9e213d");
}

// `printf 'Hello, 3DES!' | openssl enc -des-ede-cbc -K 0123456789ABCDEFFEDCBA9876543210
//  -iv 1234567890ABCDEF`
TEST_CASE("3DES-CBC with a 16-byte key is two-key EDE as openssl enc computes it") {
    std::string const key = unhex("0123456789ABCDEFFEDCBA9876543210");
    std::string const iv = unhex("1234567890ABCDEF");
    auto c = des3_cbc_encrypt(key, iv, "Hello, 3DES!");
    REQUIRE(c.has_value());
    CHECK(to_hex(c.value()) == "d5069bef94a0660e0830de3bf8462ed0");
    CHECK(des3_cbc_decrypt(key, iv, c.value()).value() == "Hello, 3DES!");
}

TEST_CASE("3DES refuses bad keys, IVs, lengths and padding without throwing") {
    std::string const key = unhex("0123456789ABCDEFFEDCBA9876543210");
    std::string const iv(8, '\0');
    CHECK_FALSE(des3_cbc_encrypt("short", iv, "x").has_value());
    CHECK_FALSE(des3_cbc_encrypt(key, "1234", "x").has_value());
    CHECK_FALSE(des3_cbc_decrypt(key, iv, "").has_value());
    CHECK_FALSE(des3_cbc_decrypt(key, iv, "1234567").has_value());
    // A block that decrypts to garbage padding (wrong key) is an error, not a short plaintext.
    auto c = des3_cbc_encrypt(key, iv, "secret").value();
    std::string const other_key = unhex("1111111111111111FEDCBA9876543210");
    auto d = des3_cbc_decrypt(other_key, iv, c);
    if (d.has_value()) CHECK(d.value() != "secret");  // 1 in 256 wrong keys pad "correctly"
    else CHECK_FALSE(d.error().reason.empty());
}

// ISO/IEC 9797-1 annex B publishes A1C72E74EA3FA9B6 for MAC algorithm 3 over "Now is the time
// for all " with K = 0123456789ABCDEF, K' = FEDCBA9876543210 and padding method 1; the same
// construction with padding method 2 was derived step by step with openssl's single DES
// (legacy provider):
//   H=$(openssl enc -des-cbc -K $K1 -iv 0000000000000000 -nopad -in padded | tail -c 8)
//   D=$(echo $H | openssl enc -d -des-ecb -K $K2 -nopad); MAC = openssl enc -des-ecb -K $K1 of D
TEST_CASE("retail MAC with padding method 2 matches a step-by-step openssl computation") {
    std::string const key = unhex("0123456789ABCDEFFEDCBA9876543210");
    CHECK(retail_mac_hex(key, "Now is the time for all ").value() == "e9086230ca3be796");
    CHECK(retail_mac_hex(key, "Now is the time for it").value() == "5a692ce64f404145");
    CHECK(retail_mac_hex(key, "").value() == "f1fbcf2a56d19ba7");
    CHECK(retail_mac_hex(unhex("404142434445464748494A4B4C4D4E4F"),
                         R"({"MeterNo":"07602190100007116"})")
              .value() == "1f340863c31a080b");
    CHECK(retail_mac(key, "x").value().size() == 8);
}

// The published annex value uses padding method 1, which the API does not offer (it adds no
// block to 24 bytes, method 2 always adds one); the same three steps, built from 3DES with
// K1 = K2 = K3 (single DES), reproduce it and so check the construction retail_mac uses.
TEST_CASE("the retail MAC steps reproduce the ISO/IEC 9797-1 annex value for padding method 1") {
    std::string const zero_iv(8, '\0');
    std::string const k1 = unhex("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");
    std::string const k2 = unhex("FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210");
    // Single-DES CBC with K1; block 3 of 4 is H_q (block 4 is PKCS#7's and is dropped).
    std::string const h = des3_cbc_encrypt(k1, zero_iv, "Now is the time for all ").value().substr(16, 8);
    // D_K2(H): append the block E_K2(H xor 08..08) (an empty plaintext with IV H) so that the
    // PKCS#7 check passes and exactly D_K2(H) comes out.
    std::string const d = des3_cbc_decrypt(k2, zero_iv, h + des3_cbc_encrypt(k2, h, "").value()).value();
    REQUIRE(d.size() == 8);
    // E_K1 of that block: the first block of a CBC encryption with a zero IV.
    std::string const mac = des3_cbc_encrypt(k1, zero_iv, d).value().substr(0, 8);
    CHECK(to_hex(mac) == "a1c72e74ea3fa9b6");
}

TEST_CASE("retail MAC refuses a key that is not 16 bytes") {
    CHECK_FALSE(retail_mac(std::string(8, 'k'), "data").has_value());
    CHECK_FALSE(retail_mac(std::string(24, 'k'), "data").has_value());
    CHECK_FALSE(retail_mac(std::string(16, 'k'), "data", "iv").has_value());
}

TEST_CASE("constant-time comparison compares whole strings, optionally ignoring hex case") {
    CHECK(equal_constant_time("abc", "abc"));
    CHECK_FALSE(equal_constant_time("abc", "abd"));
    CHECK_FALSE(equal_constant_time("abc", "abcd"));
    CHECK_FALSE(equal_constant_time("ABC", "abc"));
    CHECK(equal_constant_time("70235129E6", "70235129e6", true));
    CHECK_FALSE(equal_constant_time("7023@", "7023`", true));
}

}  // TEST_SUITE

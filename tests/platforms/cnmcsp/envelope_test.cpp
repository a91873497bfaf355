#include "platforms/cnmcsp/envelope.hpp"

#include <doctest/doctest.h>

#include "platforms/cnmcsp/errors.hpp"

using namespace metersim::platforms::cnmcsp;

namespace {

envelope_keys keys() {
    envelope_options o;
    o.enabled = true;
    o.des3_key_hex = "0123456789abcdeffedcba9876543210";
    o.mac_key_hex = "00112233445566778899aabbccddeeff";
    return make_envelope_keys(o).value();
}

// Computed independently with the openssl command line:
//   printf '{"ReturnCode":"0"}' | openssl enc -des-ede-cbc -K 0123456789abcdeffedcba9876543210
//     -iv 0000000000000000  -> 5a9542fb1ca9a71b426c6d5c615cfaf7ab59a0e16afc96eb
//   MAC: CBC with K1 (des-ede3-cbc K1K1K1 -nopad) over ciphertext || 8000000000000000, last
//   block decrypted with K2 and encrypted with K1 (des-ede3-ecb) -> 8c48baa54053c282.
constexpr char const* vector_plain = R"({"ReturnCode":"0"})";
constexpr char const* vector_body = R"({"Data":"WpVC+xyppxtCbG1cYVz696tZoOFq/Jbr","Mac":"8c48baa54053c282"})";

}  // namespace

TEST_SUITE("platforms/cnmcsp/envelope") {

TEST_CASE("sealing matches the independently computed vector") {
    auto body = seal(keys(), vector_plain);
    REQUIRE(body.has_value());
    CHECK(body.value() == vector_body);
}

TEST_CASE("opening the vector gives the plaintext back") {
    auto plain = open(keys(), vector_body);
    REQUIRE(plain.has_value());
    CHECK(plain.value() == vector_plain);
}

TEST_CASE("a wrong MAC, a plain body or bad Base64 is refused with 80003002") {
    auto check = [](std::string_view body, std::string_view field) {
        auto r = open(keys(), body);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == codes::envelope_failed);
        CHECK(r.error().field == field);
    };
    check(R"({"Data":"WpVC+xyppxtCbG1cYVz696tZoOFq/Jbr","Mac":"8c48baa54053c283"})", "Mac");
    check(R"({"UserID":"x"})", "Data");
    check(R"({"Data":"###","Mac":"8c48baa54053c282"})", "Data");
    check("not json", "");
}

TEST_CASE("keys of the wrong length are refused naming the option") {
    envelope_options o;
    o.des3_key_hex = "0123";
    o.mac_key_hex = "00112233445566778899aabbccddeeff";
    auto k = make_envelope_keys(o);
    REQUIRE_FALSE(k.has_value());
    CHECK(k.error().field == "des3_key");
}

}  // TEST_SUITE

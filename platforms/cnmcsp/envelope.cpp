#include "platforms/cnmcsp/envelope.hpp"

#include "platforms/cnmcsp/errors.hpp"
#include "platforms/common/crypto.hpp"
#include "platforms/common/json_reader.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

api_error refuse(std::string_view field, std::string message) {
    return make_api_error(codes::envelope_failed, field, std::move(message));
}

api_result<std::string> key_of(std::string_view option, std::string_view hex,
                               std::size_t len_a, std::size_t len_b) {
    auto bytes = crypto::from_hex(hex);
    if (!bytes) return refuse(option, std::string(option) + ": " + bytes.error().reason);
    auto const n = bytes.value().size();
    if (n != len_a && n != len_b)
        return refuse(option, std::string(option) + " must be " + std::to_string(len_a) +
                                  (len_b != len_a ? " or " + std::to_string(len_b) : std::string()) +
                                  " bytes, got " + std::to_string(n));
    return std::move(bytes.value());
}

}  // namespace

api_result<envelope_keys> make_envelope_keys(envelope_options const& o) {
    auto des = key_of("des3_key", o.des3_key_hex, 16, 24);
    if (!des) return des.error();
    auto mac = key_of("mac_key", o.mac_key_hex, 16, 16);
    if (!mac) return mac.error();
    auto iv = key_of("iv", o.iv_hex, 8, 8);
    if (!iv) return iv.error();
    return envelope_keys{std::move(des.value()), std::move(mac.value()), std::move(iv.value())};
}

// spec: cnmcsp §4.2 (3DES + MAC); the scheme is metersim's, see the header.
api_result<std::string> seal(envelope_keys const& k, std::string_view plaintext) {
    auto cipher = crypto::des3_cbc_encrypt(k.des3_key, k.iv, plaintext);
    if (!cipher) return refuse("Data", cipher.error().reason);
    auto mac = crypto::retail_mac_hex(k.mac_key, cipher.value());
    if (!mac) return refuse("Mac", mac.error().reason);
    std::string body = R"({"Data":")";
    body += crypto::base64_encode(cipher.value());
    body += R"(","Mac":")";
    body += mac.value();
    body += R"("})";
    return body;
}

api_result<std::string> open(envelope_keys const& k, std::string_view body) {
    auto parsed = parse_json(body);
    if (!parsed || !parsed.value().is_object())
        return refuse("", "the body must be an envelope {\"Data\":...,\"Mac\":...}");
    auto const* data = parsed.value().find("Data");
    auto const* mac = parsed.value().find("Mac");
    if (data == nullptr || !data->is_string()) return refuse("Data", "Data must be a Base64 string");
    if (mac == nullptr || !mac->is_string()) return refuse("Mac", "Mac must be 16 hex digits");
    auto cipher = crypto::base64_decode(data->text());
    if (!cipher) return refuse("Data", "Data is not Base64: " + cipher.error().reason);
    auto expected = crypto::retail_mac_hex(k.mac_key, cipher.value());
    if (!expected) return refuse("Mac", expected.error().reason);
    if (!crypto::equal_constant_time(mac->text(), expected.value(), true))
        return refuse("Mac", "Mac does not verify");
    auto plain = crypto::des3_cbc_decrypt(k.des3_key, k.iv, cipher.value());
    if (!plain) return refuse("Data", "Data does not decrypt: " + plain.error().reason);
    return std::move(plain.value());
}

}  // namespace metersim::platforms::cnmcsp

#include "platforms/common/token_auth.hpp"

#include <doctest/doctest.h>

#include "platforms/common/crypto.hpp"

using namespace metersim::platforms;

namespace {

constexpr token_scheme scheme{"appId", "AUTH", "TIME"};

token_config config(std::string id = "app01") {
    token_config c;
    c.id = std::move(id);
    c.secret = "s3cret";
    c.window = std::chrono::seconds{300};
    c.utc_offset = std::chrono::minutes{480};
    return c;
}

/// 2026-03-01 12:00:00 +08:00 as wall time.
wall_time noon() { return wall_time{std::chrono::seconds{1'772'337'600}}; }

token_request as_request(token_headers const& h) { return {h.access_token, h.authorization}; }

/// The refusal of `req` at noon under config(); an empty error when it passed.
api_error refusal(token_request const& req, token_config const& c = config()) {
    auto r = verify_token(scheme, c, req, noon());
    return r ? api_error{} : r.error();
}

}  // namespace

TEST_SUITE("platforms/common/token_auth") {

TEST_CASE("headers made for the configured id verify and give their timestamp") {
    auto r = verify_token(scheme, config(), as_request(make_token_headers("app01", "s3cret", "20260301120000")), noon());
    REQUIRE(r.has_value());
    CHECK(r.value() == "20260301120000");
}

TEST_CASE("Authorization is split at its first colon, so a timestamp sent with colons is a timestamp error") {
    // spec: cnmcsp §4.1.1 / xintian §2 give the timestamp as yyyyMMddHHmmss; the vendors' other
    // format, yyyy-MM-dd HH:mm:ss, has colons: it must be refused as a timestamp, not as the id.
    auto const e = refusal(as_request(make_token_headers("app01", "s3cret", "2026-03-01 12:00:00")));
    CHECK(e.code == "TIME");
    CHECK(e.field == "Authorization");
}

TEST_CASE("the id and the AccessToken are compared whole, the token's hex case ignored") {
    auto h = make_token_headers("app01", "s3cret", "20260301120000");
    for (auto& ch : h.access_token) ch = static_cast<char>(ch >= 'a' && ch <= 'f' ? ch - 'a' + 'A' : ch);
    CHECK(verify_token(scheme, config(), as_request(h), noon()).has_value());
    auto const e = refusal(as_request(make_token_headers("app0", "s3cret", "20260301120000")));
    CHECK(e.code == "AUTH");
    CHECK(e.field == "Authorization");
}

TEST_CASE("each header fault answers the scheme's auth code naming the header") {
    auto const h = make_token_headers("app01", "s3cret", "20260301120000");
    auto check = [](token_request req, std::string_view header) {
        auto const e = refusal(req);
        CHECK(e.code == "AUTH");
        CHECK(e.field == header);
    };
    SUBCASE("AccessToken missing") { check({std::nullopt, h.authorization}, "AccessToken"); }
    SUBCASE("Authorization empty") { check({h.access_token, ""}, "Authorization"); }
    SUBCASE("Authorization not Base64") { check({h.access_token, "%%%"}, "Authorization"); }
    SUBCASE("no colon") { check({h.access_token, crypto::base64_encode("app0120260301120000")}, "Authorization"); }
    SUBCASE("a wrong secret") {
        check(as_request(make_token_headers("app01", "other", "20260301120000")), "AccessToken");
    }
}

TEST_CASE("a timestamp outside the window answers the time code, and a zero window turns the check off") {
    auto h = make_token_headers("app01", "s3cret", noon() - std::chrono::seconds{301}, std::chrono::minutes{480});
    CHECK(refusal(as_request(h)).code == "TIME");
    auto c = config();
    c.window = std::chrono::seconds{0};
    CHECK(refusal(as_request(h), c).code.empty());
}

}

#include "platforms/cnmcsp/auth.hpp"

#include <doctest/doctest.h>

#include "platforms/cnmcsp/errors.hpp"

using namespace metersim::platforms;
using namespace metersim::platforms::cnmcsp;

namespace {

// Vector computed independently: printf 'cis-demo-tokencis-demo-secret20191002123422' | md5sum,
// printf 'cis-demo-token:20191002123422' | base64.
constexpr char const* vector_token = "a4b4a33ca3964b4b15edc5e7b23f85a9";
constexpr char const* vector_auth = "Y2lzLWRlbW8tdG9rZW46MjAxOTEwMDIxMjM0MjI=";

auth_config config() {
    auth_config c;
    c.id = "cis-demo-token";
    c.secret = "cis-demo-secret";
    c.window = std::chrono::seconds{300};
    c.utc_offset = std::chrono::minutes{480};
    return c;
}

wall_time at(std::string_view stamp) {
    return parse_wall(stamp, timestamp_format::compact, std::chrono::minutes{480}).value();
}

}  // namespace

TEST_SUITE("platforms/cnmcsp/auth") {

TEST_CASE("the headers are MD5 and Base64 of the spec's concatenations") {
    auto h = make_auth_headers(credentials{"cis-demo-token", "cis-demo-secret"}, "20191002123422");
    CHECK(h.access_token == vector_token);
    CHECK(h.authorization == vector_auth);
}

TEST_CASE("valid headers within the window pass") {
    CHECK_FALSE(verify(config(), request_auth{vector_token, vector_auth}, at("20191002123422")));
    CHECK_FALSE(verify(config(), request_auth{vector_token, vector_auth}, at("20191002123900")));
}

TEST_CASE("the AccessToken's hex case does not matter") {
    CHECK_FALSE(verify(config(), request_auth{"A4B4A33CA3964B4B15EDC5E7B23F85A9", vector_auth},
                       at("20191002123422")));
}

TEST_CASE("each failure answers 80003001 naming the header") {
    auto const now = at("20191002123422");
    auto check = [&](request_auth h, std::string_view header) {
        auto e = verify(config(), h, now);
        REQUIRE(e);
        CHECK(e->code == codes::auth_failed);
        CHECK(e->field == header);
    };
    SUBCASE("missing AccessToken") { check({std::nullopt, vector_auth}, "AccessToken"); }
    SUBCASE("missing Authorization") { check({vector_token, std::nullopt}, "Authorization"); }
    SUBCASE("Authorization not Base64") { check({vector_token, "%%%"}, "Authorization"); }
    SUBCASE("Authorization without a colon") { check({vector_token, "YWJj"}, "Authorization"); }
    SUBCASE("another appToken") {
        auto h = make_auth_headers(credentials{"x", "cis-demo-secret"}, "20191002123422");
        check({h.access_token, h.authorization}, "Authorization");
    }
    SUBCASE("a bad timestamp") {
        auto h = make_auth_headers(credentials{"cis-demo-token", "cis-demo-secret"}, "20191302123422");
        check({h.access_token, h.authorization}, "Authorization");
    }
    SUBCASE("a wrong AccessToken") { check({"00000000000000000000000000000000", vector_auth}, "AccessToken"); }
}

TEST_CASE("a timestamp outside the window is refused, and a zero window turns the check off") {
    auto const late = at("20191002124000");  // 5 min 38 s later
    CHECK(verify(config(), request_auth{vector_token, vector_auth}, late));
    auto c = config();
    c.window = std::chrono::seconds{0};
    CHECK_FALSE(verify(c, request_auth{vector_token, vector_auth}, late));
}

TEST_CASE("an authentication failure answers HTTP 401 with its own code") {
    auto r = to_response(make_api_error(codes::auth_failed, "AccessToken", "AccessToken is wrong"));
    CHECK(r.status == 401);
    CHECK(r.body.find(R"("returnCode":"80003001")") != std::string::npos);
}

}  // TEST_SUITE

#include "platforms/xianfeng/auth.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "platforms/xianfeng/errors.hpp"

using namespace metersim::platforms;
using namespace metersim::platforms::xianfeng;
using namespace std::chrono_literals;

namespace {

company const gas_co{"000000", "0a155959379dc684bfa11f199734b01d", "43516709"};
company const other_co{"666666", "ffffffffffffffffffffffffffffffff", "11111111"};

// 2017-07-25 14:48:45 at +08:00, the time of the appendix's transId.
wall_time const appendix_time{std::chrono::seconds{1500965325}};

std::string const appendix_code = "2017072514484582299619";
std::string const appendix_token = "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1";

auth_config config(std::chrono::seconds window, std::size_t capacity = 1000,
                   bool replay_check = true) {
    auth_config c;
    c.companies = {gas_co, other_co};
    c.freshness_window = window;
    c.replay_capacity = capacity;
    c.utc_offset = 480min;
    c.replay_check = replay_check;
    return c;
}

/// `e` is a 500003 refusal naming `field`, whose message contains `says`.
void check_500003(std::optional<api_error> const& e, std::string_view field, std::string_view says = {}) {
    REQUIRE(e.has_value());
    CHECK(e->code == "500003");
    CHECK(e->field == field);
    INFO(e->message);
    CHECK(e->message.find(says) != std::string::npos);
}

constexpr bool replay_on = true;
constexpr bool replay_off = false;

request_auth headers(std::string const& code, std::string const& token) {
    return request_auth{std::string_view(code), std::string_view(token)};
}

// The headers a well-behaved CIS would send at `t` with this random number.
struct signed_headers {
    std::string code;
    std::string token;
    request_auth view() const { return request_auth{code, token}; }
};
signed_headers sign(company const& c, wall_time t, std::uint64_t random) {
    std::string code = make_trans_id(t, 480min, random);
    std::string token = make_token(c, code);
    return {std::move(code), std::move(token)};
}

}  // namespace

TEST_SUITE("platforms/xianfeng/auth") {

TEST_CASE("the appendix credentials authenticate a request") {
    authenticator a(config(0s));
    auto c = a.authenticate("000000", headers(appendix_code, appendix_token), appendix_time);
    REQUIRE(c.has_value());
    CHECK(c.value()->code == "000000");
}

TEST_CASE("an unknown companyCode answers 500002 naming companyCode") {
    authenticator a(config(0s));
    auto c = a.authenticate("123456", headers(appendix_code, appendix_token), appendix_time);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().code == "500002");
    CHECK(c.error().field == "companyCode");
    CHECK(a.find_company("").error().code == "500002");
    CHECK(a.find_company("666666").value()->merchant_id == "11111111");
}

TEST_CASE("a missing RandomCode or Authorization answers 500003 naming the header") {
    authenticator a(config(0s));
    auto no_code = a.verify(request_auth{std::nullopt, std::string_view(appendix_token)}, gas_co, appendix_time);
    check_500003(no_code, "RandomCode");
    CHECK(no_code->message == "RandomCode is required");
    auto no_auth = a.verify(request_auth{std::string_view(appendix_code), std::nullopt}, gas_co, appendix_time);
    check_500003(no_auth, "Authorization");
    CHECK(a.verify(headers("", appendix_token), gas_co, appendix_time)->field == "RandomCode");
}

TEST_CASE("a wrong Authorization answers 500003") {
    authenticator a(config(0s));
    std::string wrong = appendix_token;
    wrong[0] = '8';
    auto e = a.verify(headers(appendix_code, wrong), gas_co, appendix_time);
    check_500003(e, "Authorization");
    // Another company's key does not verify this company's request.
    auto c = a.authenticate("666666", headers(appendix_code, appendix_token), appendix_time);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().code == "500003");
}

TEST_CASE("an uppercase Authorization is accepted") {
    authenticator a(config(0s));
    std::string upper = appendix_token;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    CHECK_FALSE(a.verify(headers(appendix_code, upper), gas_co, appendix_time).has_value());
}

TEST_CASE("a malformed RandomCode answers 500003 with the reason") {
    authenticator a(config(0s));
    for (std::string code : {"2017072514484572299619", "201707251448458229961", "2017022914484582299619",
                             "20170725144845822996190", "abc"}) {
        CAPTURE(code);
        auto e = a.verify(headers(code, make_token(gas_co, code)), gas_co, appendix_time);
        check_500003(e, "RandomCode", "80000000");
    }
}

TEST_CASE("a RandomCode outside the freshness window answers 500003") {
    authenticator a(config(300s));
    CHECK_FALSE(a.verify(headers(appendix_code, appendix_token), gas_co, appendix_time + 300s).has_value());
    authenticator b(config(300s));
    auto late = b.verify(headers(appendix_code, appendix_token), gas_co, appendix_time + 301s);
    check_500003(late, "RandomCode");
    auto early = b.verify(headers(appendix_code, appendix_token), gas_co, appendix_time - 301s);
    REQUIRE(early.has_value());
    CHECK(early->code == "500003");
}

TEST_CASE("the RandomCode's time is read in the configured zone") {
    auth_config cfg = config(60s);
    cfg.utc_offset = 0min;  // the same text now means 8 hours later
    authenticator a(std::move(cfg));
    CHECK(a.verify(headers(appendix_code, appendix_token), gas_co, appendix_time).has_value());
    CHECK_FALSE(a.verify(headers(appendix_code, appendix_token), gas_co, appendix_time + 8h).has_value());
}

TEST_CASE("a replayed RandomCode within the window answers 500003") {
    authenticator a(config(300s));
    auto h = headers(appendix_code, appendix_token);
    CHECK_FALSE(a.verify(h, gas_co, appendix_time).has_value());
    auto again = a.verify(h, gas_co, appendix_time + 10s);
    check_500003(again, "RandomCode", "already used");
}

TEST_CASE("a refused request does not burn its RandomCode") {
    authenticator a(config(300s));
    CHECK(a.verify(headers(appendix_code, "bad"), gas_co, appendix_time).has_value());
    CHECK(a.replay_entries() == 0);
    CHECK_FALSE(a.verify(headers(appendix_code, appendix_token), gas_co, appendix_time).has_value());
}

TEST_CASE("the same RandomCode is independent per company") {
    authenticator a(config(300s));
    auto mine = sign(gas_co, appendix_time, 1);
    std::string theirs_token = make_token(other_co, mine.code);
    CHECK_FALSE(a.verify(mine.view(), gas_co, appendix_time).has_value());
    CHECK_FALSE(a.verify(headers(mine.code, theirs_token), other_co, appendix_time).has_value());
}

TEST_CASE("with the window and the replay check off, fixed headers stay valid and nothing is remembered") {
    authenticator a(config(0s, 1000, replay_off));
    auto h = headers(appendix_code, appendix_token);
    for (int i = 0; i < 5; ++i) CHECK_FALSE(a.verify(h, gas_co, appendix_time + std::chrono::hours(24 * 365 * i)).has_value());
    CHECK(a.replay_entries() == 0);
}

TEST_CASE("with the replay check off and the window on, a stale RandomCode is still refused") {
    authenticator a(config(300s, 1000, replay_off));
    auto stale = a.verify(headers(appendix_code, appendix_token), gas_co, appendix_time + 301s);
    check_500003(stale, "RandomCode", "more than 300 s");
}

TEST_CASE("with the replay check off and the window on, a replay within the window is accepted") {
    authenticator a(config(300s, 1000, replay_off));
    auto h = headers(appendix_code, appendix_token);
    CHECK_FALSE(a.verify(h, gas_co, appendix_time).has_value());
    CHECK_FALSE(a.verify(h, gas_co, appendix_time + 10s).has_value());
    CHECK(a.authenticate_any(h, appendix_time + 20s).has_value());
    CHECK(a.replay_entries() == 0);
}

TEST_CASE("with the window off and the replay check on, an old RandomCode passes once and its replay is refused") {
    authenticator a(config(0s, 1000, replay_on));
    auto h = headers(appendix_code, appendix_token);
    auto const years_later = appendix_time + std::chrono::hours(24 * 365 * 3);
    CHECK_FALSE(a.verify(h, gas_co, years_later).has_value());
    auto again = a.verify(h, gas_co, years_later + std::chrono::hours(24 * 30));
    check_500003(again, "RandomCode", "already used");
    CHECK(a.replay_entries() == 1);
}

TEST_CASE("with the window off and the replay check on, only the capacity forgets a RandomCode") {
    authenticator a(config(0s, 3, replay_on));
    for (std::uint64_t r = 0; r < 4; ++r)
        CHECK_FALSE(a.verify(sign(gas_co, appendix_time, r).view(), gas_co, appendix_time).has_value());
    CHECK(a.replay_entries() == 3);
    // Code 0 was pushed out by code 3; codes 1-3 are still refused.
    CHECK_FALSE(a.verify(sign(gas_co, appendix_time, 0).view(), gas_co, appendix_time).has_value());
    CHECK(a.verify(sign(gas_co, appendix_time, 3).view(), gas_co, appendix_time).has_value());
}

TEST_CASE("remembered RandomCodes are forgotten once they can no longer be fresh") {
    authenticator a(config(60s));
    for (std::uint64_t r = 0; r < 50; ++r)
        CHECK_FALSE(a.verify(sign(gas_co, appendix_time, r).view(), gas_co, appendix_time).has_value());
    CHECK(a.replay_entries() == 50);
    auto later = appendix_time + 121s;
    CHECK_FALSE(a.verify(sign(gas_co, later, 99).view(), gas_co, later).has_value());
    CHECK(a.replay_entries() == 1);
}

TEST_CASE("the replay cache never grows past its capacity") {
    authenticator a(config(300s, 10));
    for (std::uint64_t r = 0; r < 100; ++r)
        CHECK_FALSE(a.verify(sign(gas_co, appendix_time, r).view(), gas_co, appendix_time).has_value());
    CHECK(a.replay_entries() == 10);
    // The most recent codes are still refused.
    CHECK(a.verify(sign(gas_co, appendix_time, 99).view(), gas_co, appendix_time).has_value());
}

TEST_CASE("a deviceId-only request finds the company whose key verifies it") {
    authenticator a(config(300s));
    auto theirs = sign(other_co, appendix_time, 7);
    auto c = a.authenticate_any(theirs.view(), appendix_time);
    REQUIRE(c.has_value());
    CHECK(c.value()->code == "666666");
    auto replay = a.authenticate_any(theirs.view(), appendix_time);
    REQUIRE_FALSE(replay.has_value());
    CHECK(replay.error().code == "500003");
    auto nobody = a.authenticate_any(headers(appendix_code, std::string(64, '0')), appendix_time);
    REQUIRE_FALSE(nobody.has_value());
    CHECK(nobody.error().field == "Authorization");
}

TEST_CASE("errors render through the Xianfeng response") {
    authenticator a(config(0s));
    auto c = a.authenticate("000000", headers(appendix_code, "x"), appendix_time);
    REQUIRE_FALSE(c.has_value());
    auto r = to_response(c.error());
    CHECK(r.body.find(R"("responseCode":"500003")") != std::string::npos);
    CHECK(r.body.find("Token校验未通过") != std::string::npos);
}

}  // TEST_SUITE

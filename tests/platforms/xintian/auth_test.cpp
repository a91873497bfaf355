#include "platforms/xintian/auth.hpp"

#include <doctest/doctest.h>

#include "platforms/common/crypto.hpp"
#include "platforms/xintian/errors.hpp"

namespace xt = metersim::platforms::xintian;
using metersim::platforms::format_wall;
using metersim::platforms::timestamp_format;
using metersim::platforms::wall_time;

namespace {

constexpr std::chrono::minutes zone{480};

xt::auth_config config(std::chrono::seconds window = std::chrono::seconds{300}) {
    xt::auth_config c;
    c.id = "app01";
    c.secret = "s3cret";
    c.window = window;
    c.utc_offset = zone;
    return c;
}

/// 2026-03-01 12:00:00 +08:00 as wall time.
wall_time noon() { return wall_time{std::chrono::seconds{1'772'337'600}}; }

xt::request_auth as_request(xt::auth_headers const& h) { return {h.access_token, h.authorization}; }

}  // namespace

TEST_SUITE("platforms/xintian/auth") {
    TEST_CASE("headers are MD5(appId + appSecret + timestamp) and Base64(appId:timestamp)") {
        auto h = xt::make_headers("app01", "s3cret", "20260301120000");
        CHECK(h.access_token == metersim::platforms::crypto::md5_hex("app01s3cret20260301120000"));
        CHECK(h.authorization == metersim::platforms::crypto::base64_encode("app01:20260301120000"));
        CHECK(h.timestamp == "20260301120000");
    }

    TEST_CASE("fresh, correct headers pass and the timestamp is remembered") {
        xt::authenticator a(config());
        auto h = xt::make_headers("app01", "s3cret", noon(), zone);
        CHECK_FALSE(a.verify(as_request(h), noon()).has_value());
        CHECK(a.replay_entries() == 1);
    }

    TEST_CASE("the MD5 hex is compared ignoring case") {
        xt::authenticator a(config());
        auto h = xt::make_headers("app01", "s3cret", noon(), zone);
        for (auto& ch : h.access_token) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        CHECK_FALSE(a.verify(as_request(h), noon()).has_value());
    }

    TEST_CASE("a repeated timestamp answers -201") {
        xt::authenticator a(config());
        auto h = xt::make_headers("app01", "s3cret", noon(), zone);
        REQUIRE_FALSE(a.verify(as_request(h), noon()).has_value());
        auto e = a.verify(as_request(h), noon() + std::chrono::seconds{1});
        REQUIRE(e.has_value());
        CHECK(e->code == xt::codes::timestamp_invalid);
        CHECK(e->message.find("already used") != std::string::npos);
    }

    TEST_CASE("a timestamp outside the window answers -201, inside passes") {
        xt::authenticator a(config());
        auto old = xt::make_headers("app01", "s3cret", noon() - std::chrono::seconds{301}, zone);
        auto e = a.verify(as_request(old), noon());
        REQUIRE(e.has_value());
        CHECK(e->code == xt::codes::timestamp_invalid);
        auto ahead = xt::make_headers("app01", "s3cret", noon() + std::chrono::seconds{300}, zone);
        CHECK_FALSE(a.verify(as_request(ahead), noon()).has_value());
    }

    TEST_CASE("a malformed timestamp answers -201 naming Authorization") {
        xt::authenticator a(config());
        for (auto ts : {"2026-03-01 12:00:00", "20261301120000", "2026030112000", "abc"}) {
            CAPTURE(ts);
            auto h = xt::make_headers("app01", "s3cret", ts);
            auto e = a.verify(as_request(h), noon());
            REQUIRE(e.has_value());
            CHECK(e->code == xt::codes::timestamp_invalid);
            CHECK(e->field == "Authorization");
        }
    }

    TEST_CASE("a wrong secret, another appId or a broken header answers -202") {
        xt::authenticator a(config());
        SUBCASE("wrong secret") {
            auto e = a.verify(as_request(xt::make_headers("app01", "other", noon(), zone)), noon());
            REQUIRE(e.has_value());
            CHECK(e->code == xt::codes::auth_failed);
            CHECK(e->field == "AccessToken");
        }
        SUBCASE("another appId") {
            auto e = a.verify(as_request(xt::make_headers("app02", "s3cret", noon(), zone)), noon());
            REQUIRE(e.has_value());
            CHECK(e->code == xt::codes::auth_failed);
            CHECK(e->field == "Authorization");
        }
        SUBCASE("Authorization not Base64") {
            auto h = xt::make_headers("app01", "s3cret", noon(), zone);
            h.authorization = "%%%";
            auto e = a.verify(as_request(h), noon());
            REQUIRE(e.has_value());
            CHECK(e->code == xt::codes::auth_failed);
        }
        SUBCASE("Authorization without a colon") {
            auto h = xt::make_headers("app01", "s3cret", noon(), zone);
            h.authorization = metersim::platforms::crypto::base64_encode("app0120260301120000");
            auto e = a.verify(as_request(h), noon());
            REQUIRE(e.has_value());
            CHECK(e->code == xt::codes::auth_failed);
        }
        SUBCASE("headers missing") {
            auto e = a.verify(xt::request_auth{}, noon());
            REQUIRE(e.has_value());
            CHECK(e->code == xt::codes::auth_failed);
            CHECK(e->field == "AccessToken");
            auto h = xt::make_headers("app01", "s3cret", noon(), zone);
            e = a.verify(xt::request_auth{h.access_token, std::nullopt}, noon());
            REQUIRE(e.has_value());
            CHECK(e->field == "Authorization");
        }
    }

    TEST_CASE("a refused request does not consume its timestamp") {
        xt::authenticator a(config());
        REQUIRE(a.verify(as_request(xt::make_headers("app01", "bad", noon(), zone)), noon()).has_value());
        CHECK_FALSE(a.verify(as_request(xt::make_headers("app01", "s3cret", noon(), zone)), noon()).has_value());
    }

    // Issue 16 item 12: the window and the replay check were one switch.
    TEST_CASE("a zero window turns the window off and keeps the replay check, replay_check turns it off") {
        xt::authenticator a(config(std::chrono::seconds{0}));
        auto h = xt::make_headers("app01", "s3cret", "20200101000000");
        CHECK_FALSE(a.verify(as_request(h), noon()).has_value());
        auto again = a.verify(as_request(h), noon() + std::chrono::hours{24 * 400});
        REQUIRE(again.has_value());
        CHECK(again->code == "-201");
        auto c = config(std::chrono::seconds{0});
        c.replay_check = false;
        xt::authenticator open(c);
        CHECK_FALSE(open.verify(as_request(h), noon()).has_value());
        CHECK_FALSE(open.verify(as_request(h), noon()).has_value());
    }

    TEST_CASE("the replay cache is bounded") {
        auto c = config();
        c.replay_capacity = 3;
        xt::authenticator a(c);
        for (int i = 0; i < 10; ++i)
            REQUIRE_FALSE(a.verify(as_request(xt::make_headers("app01", "s3cret", noon() - std::chrono::seconds{i}, zone)),
                                   noon()).has_value());
        CHECK(a.replay_entries() == 3);
    }
    TEST_CASE("the platform's own requests never repeat a timestamp, running ahead at most max_lead") {
        using std::chrono::seconds;
        xt::push_signer signer("app01", "s3cret", zone, seconds{5});
        xt::authenticator cis(config());  // a CIS enforcing §2's replay rule
        auto const t = noon() + std::chrono::milliseconds{250};
        auto a = signer.sign(t);
        auto b = signer.sign(t + std::chrono::milliseconds{500});  // the same wall second
        auto c = signer.sign(t - seconds{1});                        // the wall clock stepped back
        CHECK(a.timestamp == "20260301120000");
        CHECK(b.timestamp == "20260301120001");
        CHECK(c.timestamp == "20260301120002");
        for (auto const& h : {a, b, c}) CHECK_FALSE(cis.verify(as_request(h), noon()).has_value());
        CHECK(b.access_token == xt::make_headers("app01", "s3cret", "20260301120001").access_token);

        // A burst: each request a second further ahead, up to wall time + max_lead, no further
        // (from there timestamps repeat).
        for (auto expected : {"20260301120003", "20260301120004", "20260301120005", "20260301120006", "20260301120006"})
            CHECK(signer.sign(t + seconds{1}).timestamp == expected);
        // Once wall time catches up, each request gets its own second again.
        CHECK(signer.sign(t + seconds{10}).timestamp == "20260301120010");
        CHECK(signer.sign(t + seconds{10}).timestamp == "20260301120011");
    }
}

#include "platforms/xianfeng/token.hpp"

#include <doctest/doctest.h>

#include "tests/support/parse_checks.hpp"

#include <chrono>
#include <string>
#include <unordered_set>

using namespace metersim::platforms;
using namespace metersim::platforms::xianfeng;
using namespace std::chrono_literals;

namespace {
company const appendix{"999999", "0a155959379dc684bfa11f199734b01d", "43516709"};
}

TEST_SUITE("platforms/xianfeng/token") {

TEST_CASE("the appendix 8 test vector gives the published token") {
    CHECK(make_token("0a155959379dc684bfa11f199734b01d", "43516709", "2017072514484582299619") ==
          "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1");
    CHECK(make_token(appendix, "2017072514484582299619") ==
          "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1");
}

TEST_CASE("a token matches in either hex case and nothing else") {
    CHECK(token_matches(appendix, "2017072514484582299619",
                        "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1"));
    CHECK(token_matches(appendix, "2017072514484582299619",
                        "70235129E6240134C5C15F2C7420EEAD971372E67A7F99F5E4C19203361411A1"));
    CHECK_FALSE(token_matches(appendix, "2017072514484582299618",
                              "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1"));
    CHECK_FALSE(token_matches(appendix, "2017072514484582299619", ""));
    CHECK_FALSE(token_matches(appendix, "2017072514484582299619",
                              "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a"));
}

TEST_CASE("the appendix transId parses into its time and random number") {
    auto p = parse_trans_id("2017072514484582299619");
    REQUIRE(p.has_value());
    CHECK(p->time == civil_time{2017, 7, 25, 14, 48, 45});
    CHECK(p->random == 82299619);
    CHECK(parse_trans_id("2024022923595980000000").has_value());
    CHECK(parse_trans_id("2024022923595989999999").has_value());
}

TEST_CASE("malformed transIds are refused with the position of the fault") {
    struct bad { char const* text; std::size_t position; };
    for (auto [text, position] :
         {bad{"", 0}, bad{"20170725144845", 14}, bad{"201707251448458229961", 21},
          bad{"20170725144845822996190", 22}, bad{"2017072514484579999999", 14},
          bad{"2017072514484590000000", 14}, bad{"2017022914484582299619", 6},
          bad{"2017-07-25144845822996", 4}, bad{"20170725144845822a9619", 17},
          bad{"20170725246845822996190", 8}}) {
        CAPTURE(text);
        metersim::test::check_refused_at(parse_trans_id(text), position);
    }
}

TEST_CASE("made transIds have the format and stay in range for any random number") {
    civil_time const t{2019, 8, 19, 17, 59, 39};
    CHECK(make_trans_id(t, 0) == "2019081917593980000000");
    CHECK(make_trans_id(t, 9999999) == "2019081917593989999999");
    CHECK(make_trans_id(t, 10000000) == "2019081917593980000000");
    for (std::uint64_t r : {std::uint64_t{1}, std::uint64_t{123456789}, UINT64_MAX}) {
        auto id = make_trans_id(t, r);
        CAPTURE(id);
        CHECK(parse_trans_id(id).has_value());
    }
}

TEST_CASE("a transId from wall time is written in the vendor zone") {
    // 1500965325 s = 2017-07-25 06:48:45 UTC = 14:48:45 at +08:00.
    wall_time const now{std::chrono::seconds{1500965325} + 700ms};
    CHECK(make_trans_id(now, 480min, 2299619) == "2017072514484582299619");
    CHECK(make_trans_id(now, 0min, 2299619) == "2017072506484582299619");
}

TEST_CASE("push headers carry the company code, the transId and its token") {
    auto h = make_push_headers(appendix, "2017072514484582299619");
    CHECK(h.org_num == "999999");
    CHECK(h.trans_id == "2017072514484582299619");
    CHECK(h.token == "70235129e6240134c5c15f2c7420eead971372e67a7f99f5e4c19203361411a1");
    CHECK(header_org_num == "API_ORG_NUM");
    CHECK(header_trans_id == "API_TRANS_ID");
    CHECK(header_token == "API_TOKEN");
}

TEST_CASE("a push signer signs as make_push_headers(make_trans_id(...)) does, second after second") {
    std::uint64_t random = 12345;
    for (auto const offset : {480min, 0min, -330min}) {
        push_signer signer(appendix, offset);
        wall_time t{std::chrono::seconds{1500965325}};
        // Steps within a second, across seconds, across midnight, and back in time.
        for (std::chrono::milliseconds const step : {0ms, 1ms, 998ms, 1ms, 5000ms, 0ms, -7000ms, 86400000ms, 250ms, -1ms, 3600000ms}) {
            t += step;
            random = random * 6364136223846793005ull + 1442695040888963407ull;
            auto const want = make_push_headers(appendix, make_trans_id(t, offset, random));
            auto const got = signer.sign(t, random);
            CHECK(got.org_num == want.org_num);
            CHECK(got.trans_id == want.trans_id);
            CHECK(got.token == want.token);
        }
    }
    // An empty key and merchant sign the transId alone.
    push_signer bare(company{"1", "", ""}, 480min);
    wall_time const now{std::chrono::seconds{1500965325}};
    CHECK(bare.sign(now, 2299619).token == make_token("", "", "2017072514484582299619"));
}

}  // TEST_SUITE

TEST_SUITE("platforms/xianfeng/token unique transIds") {

TEST_CASE("a push signer's transIds never repeat within a second, and each is a valid transId") {
    push_signer signer(appendix, 480min, 42);
    wall_time const t{std::chrono::seconds{1500965325}};
    std::unordered_set<std::string> seen;
    for (int i = 0; i < 200'000; ++i) {
        auto id = signer.next_trans_id(t + std::chrono::microseconds{i});  // all in the same second
        auto parts = parse_trans_id(id);
        REQUIRE(parts.has_value());
        CHECK(id.starts_with("20170725144845"));
        REQUIRE(seen.insert(std::move(id)).second);
    }
}

TEST_CASE("a push signer's transId numbers start afresh each second, and its time never goes back") {
    push_signer signer(appendix, 480min, 7);
    wall_time t{std::chrono::seconds{1500965325}};
    auto const first = signer.next_trans_id(t);
    auto const next_second = signer.next_trans_id(t + 1s);
    CHECK(next_second.starts_with("20170725144846"));
    CHECK(next_second.substr(14) != first.substr(14));  // a new starting place (seed 7)
    // The wall clock steps back: the time part stays at the last second, still without repeats.
    std::unordered_set<std::string> seen{next_second};
    for (int i = 0; i < 1000; ++i) {
        auto id = signer.next_trans_id(t - 5s);
        CHECK(id.starts_with("20170725144846"));
        REQUIRE(seen.insert(std::move(id)).second);
    }
    // Two signers seeded alike make the same sequence (deterministic runs); seeded apart, not.
    push_signer a(appendix, 480min, 1);
    push_signer b(appendix, 480min, 1);
    push_signer c(appendix, 480min, 2);
    auto const ida = a.next_trans_id(t);
    CHECK(ida == b.next_trans_id(t));
    CHECK(ida != c.next_trans_id(t));
}

}  // TEST_SUITE

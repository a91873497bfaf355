#include "tests/e2e/xintian_fixture.hpp"

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

TEST_SUITE("e2e/xintian accounts") {

TEST_CASE_FIXTURE(xintian_fixture, "good headers pass, a wrong secret answers -202 and a replayed timestamp -201") {
    create_price();
    auto ts = fresh_timestamp();
    auto ok = call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"nope"})", headers_for(ts));
    CHECK(code(ok) == -1);  // authenticated: the lookup itself answered
    auto replay = call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"nope"})", headers_for(ts));
    CHECK(code(replay) == -201);
    CHECK(replay.at("Message").get<std::string>().find("already used") != std::string::npos);
    auto bad = call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"nope"})", headers_for(fresh_timestamp(), "wrong"));
    CHECK(code(bad) == -202);
    CHECK(bad.at("Message").get<std::string>().find("AccessToken") != std::string::npos);
}

TEST_CASE_FIXTURE(xintian_fixture, "a malformed or stale timestamp answers -201, missing headers -202") {
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", headers_for("2026-01-01 10:00"))) == -201);
    auto stale = platforms::format_wall(std::chrono::system_clock::now() - std::chrono::hours{48},
                                        platforms::timestamp_format::compact, xt_zone);
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", headers_for(stale))) == -201);
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", header_list{{"Accept", "application/json"}})) ==
          -202);
}

// Issue 16 item 12: auth_window_s 0 turned the replay check off with the window.
TEST_CASE("the window and the replay check are separate switches") {
    auto o = xintian_fixture::default_options();
    o.auth_window_s = 0;  // the window off: a stale timestamp passes, once
    xintian_fixture f{o};
    auto const old = f.headers_for("20200101000000");
    CHECK(xintian_fixture::code(f.call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", old)) == -1);
    CHECK(xintian_fixture::code(f.call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", old)) == -201);

    auto p = xintian_fixture::default_options();
    p.replay_check = false;  // the replay off: the window still holds
    xintian_fixture g{p};
    auto const ts = g.headers_for(g.fresh_timestamp());
    CHECK(xintian_fixture::code(g.call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", ts)) == -1);
    CHECK(xintian_fixture::code(g.call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", ts)) == -1);
    CHECK(xintian_fixture::code(g.call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"x"})", old)) == -201);
}

TEST_CASE_FIXTURE(xintian_fixture, "a body that is not JSON answers -200 and an unknown path -999") {
    CHECK(code(call_json("/api/Users/GetUserInfo", "{MeterAddr:1}")) == -200);
    auto a = call("/api/Users/Nothing", "{}");
    CHECK(a.status == 404);
    CHECK(json::parse(a.body).at("ResultCode") == -999);
}

TEST_CASE_FIXTURE(xintian_fixture, "CreateMeter creates the user and the meter, GetUserInfo finds them by either key") {
    create_price();
    create_meter("XT0001", "U001");
    create_meter("XT0003", "U003", "6", "");
    auto by_user = call_json("/api/Users/GetUserInfo", R"({"UserCode":"U001"})");
    REQUIRE(code(by_user) == 1);
    REQUIRE(by_user.at("DataList").size() == 1);
    auto const& u = by_user.at("DataList")[0];
    CHECK(u.at("MeterAddr") == "XT0001");
    CHECK(u.at("UserName") == "张三");
    CHECK(u.at("Doorplate") == "1-101");
    CHECK(u.at("Address") == "幸福路1号");
    CHECK(u.at("Phone") == "13800000000");
    CHECK(u.at("PayType") == 1);
    auto third = call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"XT0003"})");
    CHECK(third.at("DataList")[0].at("PayType") == 2);
    CHECK(state("XT0001").account == meters::account_state::opened);
    CHECK(state("XT0001").active.code == "P1");
}

TEST_CASE_FIXTURE(xintian_fixture, "GetUserInfo answers 0, -1 and -2") {
    create_price();
    create_meter("XT0001", "U001");
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"UserCode":"U999"})")) == 0);
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"XT9999"})")) == -1);
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"UserCode":"","MeterAddr":""})")) == -2);
    CHECK(code(call_json("/api/Users/GetUserInfo", R"({"UserCode":"U002","MeterAddr":"XT0001"})")) == 0);
}

TEST_CASE_FIXTURE(xintian_fixture, "CreateMeter refuses an unknown price, a taken meter number and bad fields") {
    create_price();
    auto unknown = call_json("/api/Meters/CreateMeter", meter_body("XT0001", "U001", "1", "P9"));
    CHECK(code(unknown) == -203);
    CHECK(unknown.at("Message").get<std::string>().find("PriceTypeCode") != std::string::npos);
    create_meter("XT0001", "U001");
    CHECK(code(call_json("/api/Meters/CreateMeter", meter_body("XT0001", "U002"))) == -203);
    auto no_name = meter_body("XT0002", "U002");
    no_name.erase("UserName");
    auto j = call_json("/api/Meters/CreateMeter", no_name);
    CHECK(code(j) == -200);
    CHECK(j.at("Message").get<std::string>().find("UserName is required") != std::string::npos);
    auto bad_type = meter_body("XT0002", "U002");
    bad_type["MeterTypeID"] = "99";
    CHECK(code(call_json("/api/Meters/CreateMeter", bad_type)) == -200);
}

TEST_CASE_FIXTURE(xintian_fixture, "numbers sent as strings and keys in another case pass in lenient mode and are journaled") {
    create_price();
    auto body = meter_body("XT0001", "U001");
    body["PayType"] = 1;      // declared String, sent as a number
    body.erase("UserName");
    body["username"] = "李四";  // key case
    auto j = call_json("/api/Meters/CreateMeter", body);
    REQUIRE_MESSAGE(code(j) == 1, j.dump());
    check_deviations(journaled(sim::journal_query{"xintian", "XT0001", 0, 100}).back(), 2);
}

TEST_CASE("strict mode refuses a number sent as a string with -200") {
    xintian_fixture f(xintian_fixture::strict_options());
    auto body = xintian_fixture::price_body("P1");
    body["Price1"] = "2.5";
    auto j = f.call_json("/api/Meters/CreatePrice", body);
    CHECK(xintian_fixture::code(j) == -200);
    CHECK(j.at("Message").get<std::string>().find("Price1") != std::string::npos);
}

TEST_CASE_FIXTURE(xintian_fixture, "CreatePrice: 1 creates, 2 modifies, each refusing the other case with -203") {
    create_price("P1");
    CHECK(code(call_json("/api/Meters/CreatePrice", price_body("P1", 1))) == -203);
    CHECK(code(call_json("/api/Meters/CreatePrice", price_body("P2", 2))) == -203);
    CHECK(code(call_json("/api/Meters/CreatePrice", price_body("P1", 2))) == 1);
    auto day = price_body("P3");
    day["FreezeDay"] = 29;
    auto j = call_json("/api/Meters/CreatePrice", day);
    CHECK(code(j) == -200);
    CHECK(j.at("Message").get<std::string>().find("FreezeDay") != std::string::npos);
}

TEST_CASE_FIXTURE(xintian_fixture, "a modified price with a future ExeDate becomes active at that virtual instant") {
    create_price("P1");
    create_meter("XT0001", "U001");
    auto mod = price_body("P1", 2, "2026-01-03 00:00:00");
    mod["Price1"] = 9.9;
    REQUIRE(code(call_json("/api/Meters/CreatePrice", mod)) == 1);
    wake("XT0001");  // the pending tariff reaches the meter
    auto s = state("XT0001");
    CHECK(s.active.prices[0] == meters::price::from_e4(25000));
    REQUIRE(s.pending.has_value());
    advance(48h);  // 2026-01-03 00:00 +08:00
    CHECK(state("XT0001").active.prices[0] == meters::price::from_e4(99000));
}

TEST_CASE_FIXTURE(xintian_fixture, "SetPrice moves a meter to another price, -1 for an unknown meter") {
    create_price("P1");
    auto p2 = price_body("P2");
    p2["Price1"] = 3.3;
    REQUIRE(code(call_json("/api/Meters/CreatePrice", p2)) == 1);
    create_meter("XT0001", "U001");
    CHECK(code(call_json("/api/Meters/SetPrice", R"({"MeterAddr":"XT0009","PriceTypeCode":"P2"})")) == -1);
    CHECK(code(call_json("/api/Meters/SetPrice", R"({"MeterAddr":"XT0001","PriceTypeCode":"P7"})")) == -203);
    CHECK(code(call_json("/api/Meters/SetPrice", R"({"MeterAddr":"XT0001"})")) == -200);
    REQUIRE(code(call_json("/api/Meters/SetPrice", R"({"MeterAddr":"XT0001","PriceTypeCode":"P2"})")) == 1);
    CHECK(state("XT0001").active.code == "P1");  // not before the meter's next session
    wake("XT0001");
    CHECK(state("XT0001").active.code == "P2");
}

TEST_CASE_FIXTURE(xintian_fixture, "ChangeMeter moves the user to a new meter and cancels the old one") {
    create_price();
    create_meter("XT0001", "U001");
    CHECK(code(call_json("/api/Meters/ChangeMeter", R"({"MeterAddr":"XT0009","NewMeterAddr":"XT0002","PeriodDosage":0})")) == -1);
    CHECK(code(call_json("/api/Meters/ChangeMeter", R"({"MeterAddr":"XT0001","NewMeterAddr":"XT0002"})")) == -200);
    REQUIRE(code(call_json("/api/Meters/ChangeMeter",
                           R"({"MeterAddr":"XT0001","NewMeterAddr":"XT0002","NewIMEI":"864000000000001","PeriodDosage":12.5})")) == 1);
    wake("XT0001");
    wake("XT0002");
    CHECK(state("XT0001").account == meters::account_state::cancelled);
    auto s = state("XT0002");
    CHECK(s.account == meters::account_state::opened);
    CHECK(s.billing.cycle_usage == meters::volume::from_e4(125000));
    auto u = call_json("/api/Users/GetUserInfo", R"({"UserCode":"U001"})");
    REQUIRE(u.at("DataList").size() == 1);
    CHECK(u.at("DataList")[0].at("MeterAddr") == "XT0002");
}

TEST_CASE_FIXTURE(xintian_fixture, "a DataList and the unknown-path answers are written byte for byte as always") {
    create_price();
    create_meter("XT0001", "U001");
    create_meter("XT0002", "U001", "6", "");
    CHECK(call("/api/Users/GetUserInfo", R"({"UserCode":"U001"})").body ==
          R"({"ResultCode":1,"Message":"请求成功","DataList":[)"
          R"({"UserCode":"U001","UserName":"张三","Doorplate":"1-101","Address":"幸福路1号","Phone":"13800000000","MeterAddr":"XT0001","PayType":1},)"
          R"({"UserCode":"U001","UserName":"张三","Doorplate":"1-101","Address":"幸福路1号","Phone":"13800000000","MeterAddr":"XT0002","PayType":2}]})");
    CHECK(call("/api/Users/GetPayList", R"({"TransId":"T-none"})").body ==
          R"({"ResultCode":1,"Message":"请求成功","DataList":[]})");
    CHECK(call("/api/Users/Nothing", "{}").body == R"({"ResultCode":-999,"Message":"未知接口: no endpoint /api/Users/Nothing"})");
    CHECK(request("GET", "/api/Users/GetUserInfo", "", {}).body ==
          R"({"ResultCode":-999,"Message":"未知接口: use POST for /api/Users/GetUserInfo"})");
}

}  // TEST_SUITE

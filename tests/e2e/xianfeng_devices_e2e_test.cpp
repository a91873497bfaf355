#include "tests/e2e/xianfeng_fixture.hpp"

using namespace metersim;
using namespace metersim::test;

namespace {

constexpr char const* reg = "/iotcloud/app/devices/v1.0.0/register?companyCode=000000";
constexpr char const* query = "/iotcloud/app/devices/v1.0.0/query?companyCode=000000";

}  // namespace

TEST_SUITE("e2e/xianfeng devices") {

TEST_CASE_FIXTURE(xianfeng_fixture, "register answers a 32-hex deviceId and query shows the device opened") {
    manufacture("07602190100007116");
    auto id = register_device("07602190100007116");
    CHECK(id.size() == 32);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);

    auto j = call_json("GET", query, R"({"deviceNo":"07602190100007116"})");
    REQUIRE(code(j) == "100000");
    auto const& dto = j.at("result");
    CHECK(dto.at("deviceId") == id);
    CHECK(dto.at("deviceState") == 2);
    CHECK(dto.at("manuId") == 1);
    CHECK(dto.at("userNo") == "0000000001");
    CHECK(dto.at("syncFlag") == 0);
    // The fleet's IMEI (15 digits) and derived ICCID (20 digits, China's 8986 prefix).
    std::string const imei = dto.at("imeiCode");
    std::string const iccid = dto.at("iccidCode");
    CHECK(imei.size() == 15);
    CHECK(imei.find_first_not_of("0123456789") == std::string::npos);
    CHECK(iccid.size() == 20);
    CHECK(iccid.find_first_not_of("0123456789") == std::string::npos);
    CHECK(iccid.starts_with("8986"));
    auto const fleet_ids = loop.call([&] {
        auto const* m = fleet.find("07602190100007116");
        return std::pair{m->meter.identity().imei, sim::fleet::iccid_of(*m)};
    });
    CHECK(imei == fleet_ids.first);
    CHECK(iccid == fleet_ids.second);
    // The same figures on every query.
    auto again = call_json("GET", query, R"({"deviceNo":"07602190100007116"})").at("result");
    CHECK(again.at("iccidCode") == iccid);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "query answers the IMEI and ICCID a meter was manufactured with") {
    meters::meter_identity given;
    given.imei = "864814042227339";
    given.iccid = "89860111825900679193";
    manufacture("07602190100007117", "xf-nb-money", given);
    auto dto = call_json("GET", query, R"({"deviceNo":"07602190100007117"})").at("result");
    CHECK(dto.at("imeiCode") == "864814042227339");
    CHECK(dto.at("iccidCode") == "89860111825900679193");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "a manufactured meter not yet registered queries as deviceState 1") {
    manufacture("07602190100000001");
    auto j = call_json("GET", query, R"({"deviceNo":"07602190100000001"})");
    REQUIRE(code(j) == "100000");
    CHECK(j.at("result").at("deviceState") == 1);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "the query quirk: POST with deviceNo in the query string is accepted and journaled") {
    manufacture("07602190100000002");
    auto j = call_json("POST", std::string(query) + "&deviceNo=07602190100000002");
    REQUIRE(code(j) == "100000");
    check_deviations(journaled({"xianfeng", "07602190100000002", 0, 100}).back(), 2);
}

TEST_CASE("the query quirk is refused in strict mode") {
    xianfeng_fixture f{xianfeng_fixture::strict_options()};
    f.manufacture("07602190100000003");
    auto j = f.call_json("POST", std::string(query) + "&deviceNo=07602190100000003");
    CHECK(xianfeng_fixture::code(j) == "101001");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "register refuses unknown meters, meters of other platforms and a second registration") {
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"999"})")) == "500001");
    manufacture("CN0001", "cn-nb-money");
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"CN0001"})")) == "500012");
    manufacture("07602190100000004");
    register_device("07602190100000004");
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"07602190100000004"})")) == "500005");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "register answers 500011 for a meter whose model has no protocol code") {
    loop.call([&] {
        auto e = *cat.find("xf-nb-money");
        e.key = "xf-nb-noproto";
        e.model.name = "xf-nb-noproto";
        e.model.protocol.clear();
        REQUIRE(cat.add(std::move(e)));
    });
    manufacture("07602190100000030", "xf-nb-noproto");
    auto j = call_json("POST", reg, R"({"manuId":1,"deviceNo":"07602190100000030"})");
    CHECK(code(j) == "500011");
    CHECK(j.at("message").get<std::string>().find("deviceNo") != std::string::npos);
}

TEST_CASE("register auto-provisions an unknown meter when the options allow") {
    auto o = xianfeng_fixture::default_options();
    o.auto_provision = true;
    xianfeng_fixture f{o};
    auto id = f.register_device("07602190199999999");
    CHECK(id.size() == 32);
    CHECK(f.loop.call([&] { return f.fleet.find("07602190199999999") != nullptr; }));
}

TEST_CASE_FIXTURE(xianfeng_fixture, "register validates its body, naming the field") {
    auto j = call_json("POST", reg, R"({"manuId":2,"deviceNo":"1"})");
    CHECK(code(j) == "101001");
    CHECK(j.at("message").get<std::string>().find("manuId") != std::string::npos);
    j = call_json("POST", reg, R"({"manuId":1})");
    CHECK(code(j) == "101001");
    CHECK(j.at("message").get<std::string>().find("deviceNo") != std::string::npos);
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"1","userNo":""})")) == "101001");
    CHECK(code(call_json("POST", reg, R"({"manuId":1,)")) == "101001");
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"1","syncFlag":2})")) == "101001");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "authentication: bad token 500003, unknown company 500002, wrong version 500000") {
    manufacture("07602190100000005");
    auto h = auth_headers();
    h[1].second = std::string(64, '0');
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"07602190100000005"})", h)) == "500003");
    header_list none{{"Content-Type", "application/json"}};
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"07602190100000005"})", none)) == "500003");
    CHECK(code(call_json("POST", "/iotcloud/app/devices/v1.0.0/register?companyCode=123456",
                         R"({"manuId":1,"deviceNo":"07602190100000005"})")) == "500002");
    CHECK(code(call_json("POST", "/iotcloud/app/devices/v2.0.0/register?companyCode=000000",
                         R"({"manuId":1,"deviceNo":"07602190100000005"})")) == "500000");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "a replayed RandomCode is refused") {
    manufacture("07602190100000006");
    auto h = auth_headers();
    CHECK(code(call_json("GET", query, R"({"deviceNo":"07602190100000006"})", h)) == "100000");
    CHECK(code(call_json("GET", query, R"({"deviceNo":"07602190100000006"})", h)) == "500003");
}

namespace {

/// Signed headers whose RandomCode carries the wall time `age` ago.
header_list headers_from(std::chrono::seconds age, std::uint64_t random) {
    auto trans = xf::make_trans_id(std::chrono::system_clock::now() - age, std::chrono::minutes{480}, random);
    return {{"RandomCode", trans},
            {"Authorization", xf::make_token(xf_key, xf_merchant, trans)},
            {"Content-Type", "application/json"}};
}

}  // namespace

TEST_CASE("with replay_check off a repeated RandomCode is accepted and a stale one still refused") {
    auto o = xianfeng_fixture::default_options();
    o.replay_check = false;
    xianfeng_fixture f{o};
    f.manufacture("07602190100000020");
    std::string const body = R"({"deviceNo":"07602190100000020"})";
    auto h = f.auth_headers();
    CHECK(xianfeng_fixture::code(f.call_json("GET", query, body, h)) == "100000");
    CHECK(xianfeng_fixture::code(f.call_json("GET", query, body, h)) == "100000");
    auto stale = f.call_json("GET", query, body, headers_from(std::chrono::seconds{3600}, 1));
    CHECK(xianfeng_fixture::code(stale) == "500003");
    CHECK(stale.at("message").get<std::string>().find("RandomCode") != std::string::npos);
}

TEST_CASE("with the freshness window off an old RandomCode passes once and its replay is refused") {
    auto o = xianfeng_fixture::default_options();
    o.freshness_window = std::chrono::seconds{0};
    xianfeng_fixture f{o};
    f.manufacture("07602190100000021");
    std::string const body = R"({"deviceNo":"07602190100000021"})";
    auto old = headers_from(std::chrono::seconds{86400 * 30}, 2);
    CHECK(xianfeng_fixture::code(f.call_json("GET", query, body, old)) == "100000");
    CHECK(xianfeng_fixture::code(f.call_json("GET", query, body, old)) == "500003");
}

TEST_CASE("with both checks off fixed headers stay valid, the token is still verified") {
    auto o = xianfeng_fixture::default_options();
    o.freshness_window = std::chrono::seconds{0};
    o.replay_check = false;
    xianfeng_fixture f{o};
    f.manufacture("07602190100000022");
    std::string const body = R"({"deviceNo":"07602190100000022"})";
    auto fixed = headers_from(std::chrono::seconds{86400 * 365}, 3);
    for (int i = 0; i < 3; ++i) CHECK(xianfeng_fixture::code(f.call_json("GET", query, body, fixed)) == "100000");
    fixed[1].second = std::string(64, '0');
    CHECK(xianfeng_fixture::code(f.call_json("GET", query, body, fixed)) == "500003");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "update changes the user data, unknown and malformed deviceIds are refused") {
    manufacture("07602190100000007");
    auto id = register_device("07602190100000007");
    auto j = call_json("PUT", "/iotcloud/app/devices/v1.0.0/update?deviceId=" + id,
                       R"({"userName":"杭州先锋","userAddress":"滨安路1186-1号","syncFlag":1})");
    REQUIRE(code(j) == "100000");
    CHECK(j.at("result").is_null());
    auto dto = call_json("GET", query, R"({"deviceNo":"07602190100000007"})").at("result");
    CHECK(dto.at("userName") == "杭州先锋");
    CHECK(dto.at("syncFlag") == 1);
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/update?deviceId=" + std::string(32, 'a'),
                         "{}")) == "500001");
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/update?deviceId=xyz", "{}")) == "101001");
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/update", "{}")) == "101001");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "cancel: an unopened device cannot be cancelled, a cancelled one refuses everything") {
    manufacture("07602190100000008");
    auto dto = call_json("GET", query, R"({"deviceNo":"07602190100000008"})").at("result");
    std::string id = dto.at("deviceId");
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/cancel?deviceId=" + id)) == "500008");
    register_device("07602190100000008");
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/cancel?deviceId=" + id)) == "100000");
    CHECK(call_json("GET", query, R"({"deviceNo":"07602190100000008"})").at("result").at("deviceState") == 3);
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/cancel?deviceId=" + id)) == "500004");
    CHECK(code(call_json("PUT", "/iotcloud/app/devices/v1.0.0/update?deviceId=" + id, "{}")) == "500004");
    CHECK(code(call_json("POST", reg, R"({"manuId":1,"deviceNo":"07602190100000008"})")) == "500004");
    CHECK(code(call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id,
                         R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}}})")) == "500004");
    CHECK(code(call_json("GET", "/iotcloud/app/msg/v1.0.0/queryReportData?msgType=0&deviceId=" + id)) == "500004");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "authDevices lists the known devices with platId and productTime") {
    manufacture("3333000001");
    manufacture("3333000002");
    auto j = call_json("POST", "/iotcloud/app/devices/v1.0.0/authDevices?companyCode=000000",
                       R"({"deviceNos":["3333000002","3333000009","3333000001"]})");
    REQUIRE(code(j) == "100000");
    REQUIRE(j.at("result").size() == 2);
    CHECK(j.at("result")[0].at("deviceNum") == "3333000002");
    CHECK(j.at("result")[0].at("platId").get<std::string>().size() == 32);
    CHECK(j.at("result")[0].at("productTime") == "2026-01-01 00:00:00");
    CHECK(code(call_json("POST", "/iotcloud/app/devices/v1.0.0/authDevices?companyCode=000000",
                         R"({"deviceNos":[]})")) == "101001");
    CHECK(code(call_json("POST", "/iotcloud/app/devices/v1.0.0/authDevices?companyCode=000000",
                         R"({"deviceNos":[{}]})")) == "101001");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "queryReportData answers the latest report, 500050 before any, 500049 for a bad msgType") {
    manufacture("07602190100000010");
    auto id = register_device("07602190100000010");
    auto const base = "/iotcloud/app/msg/v1.0.0/queryReportData?deviceId=" + id;
    CHECK(code(call_json("GET", base + "&msgType=0")) == "500050");
    CHECK(code(call_json("GET", base + "&msgType=1")) == "500050");
    CHECK(code(call_json("GET", base + "&msgType=7")) == "500049");
    CHECK(code(call_json("GET", base)) == "500049");
    wake("07602190100000010");
    auto j = call_json("GET", base + "&msgType=0");
    REQUIRE(code(j) == "100000");
    CHECK(j.at("result").at("deviceId") == id);
    CHECK(j.at("result").at("callbackData").at("meterNo") == "07602190100000010");
    CHECK(j.at("result").at("callbackData").at("data")[0].at("serviceId") == "GeneralDataInfo");
}

}  // TEST_SUITE

// CNMCSP uploads to the CIS over loopback (spec: cnmcsp §6.1 realtime data, §6.2 alarms) and
// the §4.1 authentication and §4.2 envelope of requests.

#include <set>

#include "platforms/cnmcsp/envelope.hpp"
#include "platforms/common/token_auth.hpp"
#include "tests/e2e/cnmcsp_examples.hpp"
#include "tests/e2e/cnmcsp_fixture.hpp"
#include "tests/support/field_checks.hpp"

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

TEST_SUITE("e2e/cnmcsp uploads") {

TEST_CASE_FIXTURE(cnmcsp_fixture, "every report of a registered meter is uploaded as realtime data") {
    manufacture("M1");
    wake("M1");  // not registered yet: nothing is uploaded
    CHECK(cis.request_count() == 0);
    open_meter("U1", "M1");
    inject("M1", meters::events::consume{meters::volume::from_units(2)});
    wake("M1");
    auto ups = pushes("/cis/realtime");
    REQUIRE(ups.size() >= 2);
    auto const& last = ups.back();
    check_fields(last, {{"cmdCode", "RealTimeData"},
                        {"DataFrom", "苍南仪表集团"},
                        {"userNo", "U1"},
                        {"meterNo", "M1"},
                        {"CreateDate", "2026-01-01 00:00:00"},
                        {"Reading", "2.0000"},
                        {"ValveState", "01"}});
    CHECK(last.at("RemainMoney").dump() == "95.0");
    std::set<std::string> serials;
    for (auto const& u : ups) serials.insert(u.at("requestSerialNo").get<std::string>());
    CHECK(serials.size() == ups.size());
    CHECK(cis.requests().front().header("Content-Type").find("application/json") != std::string::npos);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "an alarm is uploaded at once with the mapped type and message") {
    open_meter("U1", "M1");
    inject("M1", meters::events::alarm{meters::alarm_code::magnetic_interference});
    auto alarms = pushes("/cis/alarm");
    REQUIRE(alarms.size() == 1);
    CHECK(alarms[0].at("cmdCode") == "AlarmData");
    CHECK(alarms[0].at("AlarmType") == "0009H");
    CHECK(alarms[0].at("AlarmMessage") == "强磁干扰");
    CHECK(alarms[0].at("AlarmTime") == "2026-01-01 00:00:00");
    CHECK(alarms[0].at("userNo") == "U1");
    CHECK(alarms[0].at("meterNo") == "M1");
    CHECK(!alarms[0].at("requestSerialNo").get<std::string>().empty());
}

TEST_CASE("the alarm map renames alarms and can silence one") {
    auto o = cnmcsp_fixture::default_options();
    o.alarm_map[meters::alarm_code::magnetic_interference] = cn::alarm_mapping{"A09", "magnet"};
    o.alarm_map[meters::alarm_code::cover_open] = cn::alarm_mapping{};
    cnmcsp_fixture f(o);
    f.open_meter("U1", "M1");
    f.inject("M1", meters::events::alarm{meters::alarm_code::cover_open});
    f.inject("M1", meters::events::alarm{meters::alarm_code::magnetic_interference});
    auto alarms = f.pushes("/cis/alarm");
    REQUIRE(alarms.size() == 1);
    CHECK(alarms[0].at("AlarmType") == "A09");
    CHECK(alarms[0].at("AlarmMessage") == "magnet");
}

TEST_CASE("with upload_cleared_alarms an alarm's clearing is uploaded too") {
    auto o = cnmcsp_fixture::default_options();
    o.upload_cleared_alarms = true;
    cnmcsp_fixture f(o);
    f.open_meter("U1", "M1");
    f.inject("M1", meters::events::alarm{meters::alarm_code::small_flow});
    f.advance(std::chrono::minutes{5});
    f.inject("M1", meters::events::clear_alarm{meters::alarm_code::small_flow});
    auto alarms = f.pushes("/cis/alarm");
    REQUIRE(alarms.size() == 2);
    CHECK(alarms[1].at("AlarmType") == "0013H");
    CHECK(alarms[1].at("AlarmMessage") == "小流量解除");
    CHECK(alarms[1].at("AlarmTime") == "2026-01-01 00:05:00");
}

// Issue 16 item 6: uploads carried no §4.1 headers, so a CIS could not verify them.
TEST_CASE_FIXTURE(cnmcsp_fixture, "uploads carry §4.1 AccessToken and Authorization that verify with appToken and appSecret") {
    open_meter("U1", "M1");
    inject("M1", meters::events::alarm{meters::alarm_code::small_flow});
    REQUIRE(!pushes("/cis/alarm").empty());
    REQUIRE(!pushes("/cis/realtime").empty());
    auto const cfg = platforms::make_token_config(cn_token, cn_secret, 300, std::chrono::minutes{480});
    static constexpr platforms::token_scheme scheme{"appToken", "80003001", "80003001"};
    for (auto const& r : cis.requests()) {
        CAPTURE(r.target);
        auto const token = r.header("AccessToken");
        auto const auth = r.header("Authorization");
        REQUIRE(!token.empty());
        auto ok = platforms::verify_token(scheme, cfg, platforms::token_request{token, auth},
                                          std::chrono::system_clock::now());
        CHECK_MESSAGE(ok.has_value(), (ok.has_value() ? "" : ok.error().message));
    }
}

TEST_CASE("sign_uploads false sends the uploads without the §4.1 headers") {
    auto o = cnmcsp_fixture::default_options();
    o.sign_uploads = false;
    cnmcsp_fixture f{o};
    f.open_meter("U1", "M1");
    REQUIRE(f.cis.request_count() > 0);
    for (auto const& r : f.cis.requests()) {
        CHECK(r.header("AccessToken").empty());
        CHECK(r.header("Authorization").empty());
    }
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "uploads are retried while the CIS is down, with the same serial, and none is lost") {
    open_meter("U1", "M1");
    auto const before = cis.request_count();
    cis.down();
    inject("M1", meters::events::alarm{meters::alarm_code::small_flow});  // alarm + its report
    wake("M1");                                                                      // another report
    advance(3s);  // each tried more than once, all refused
    auto const waiting = outbox->counters().pending;
    CHECK(waiting == 3);
    CHECK(outbox->counters().failures >= 6);
    CHECK(cis.request_count() == before);
    cis.up();
    advance(10s);
    REQUIRE(outbox->counters().pending == 0);
    auto reqs = cis.requests();
    REQUIRE(reqs.size() >= before + waiting);  // at least once: none lost (a retry may repeat one)
    std::set<std::string> serials;
    for (std::size_t i = before; i < reqs.size(); ++i)
        serials.insert(json::parse(reqs[i].body).at("requestSerialNo").get<std::string>());
    CHECK(serials.size() == waiting);
    auto alarms = pushes("/cis/alarm");
    REQUIRE(alarms.size() == 1);
    CHECK(alarms[0].at("AlarmType") == "0013H");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "an upload the CIS answers with a non-zero ReturnCode is sent again with the same serial") {
    open_meter("U1", "M1");
    auto const before = cis.request_count();
    cis.enqueue(scripted_answer{200, R"({"ReturnCode":"80002032","ReturnMessage":"busy"})"});
    wake("M1");
    advance(2s);
    auto reqs = cis.requests();
    REQUIRE(reqs.size() == before + 2);
    auto first = json::parse(reqs[before].body);
    auto second = json::parse(reqs[before + 1].body);
    CHECK(first.at("requestSerialNo") == second.at("requestSerialNo"));
    CHECK(outbox->counters().pending == 0);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "a system-billed meter uploads its reading without money figures") {
    open_meter("U1", "S1", "CNMCNBXT", "0");
    auto ups = pushes("/cis/realtime");
    REQUIRE(!ups.empty());
    CHECK(!ups.back().contains("RemainMoney"));
    CHECK(ups.back().at("Reading") == "0.0000");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "requests without valid §4.1 headers answer 80003001") {
    auto h = auth_headers();
    SUBCASE("no AccessToken") { h.erase(h.begin() + 2); }
    SUBCASE("a wrong AccessToken") { h[2].second = std::string(32, '0'); }
    SUBCASE("an unknown appToken") {
        auto other = cn::make_auth_headers(cn::credentials{"other", cn_secret}, std::chrono::system_clock::now(),
                                           std::chrono::minutes{480});
        h[2].second = other.access_token;
        h[3].second = other.authorization;
    }
    SUBCASE("a timestamp an hour old") {
        auto old = cn::make_auth_headers(cn::credentials{cn_token, cn_secret},
                                         std::chrono::system_clock::now() - std::chrono::hours{1},
                                         std::chrono::minutes{480});
        h[2].second = old.access_token;
        h[3].second = old.authorization;
    }
    auto a = call("meter/meteradd", meter_add_body("U1", "M1"), h);
    CHECK(a.status == 401);
    CHECK(code(json::parse(a.body)) == "80003001");
    CHECK(loop.call([&] { return platform->records().accounts.size(); }) == 0);
}

TEST_CASE("with the §4.2 envelope on, requests and answers are 3DES-encrypted and MACed") {
    auto o = cnmcsp_fixture::default_options();
    o.envelope.enabled = true;
    o.envelope.des3_key_hex = "0123456789abcdeffedcba9876543210";
    o.envelope.mac_key_hex = "00112233445566778899aabbccddeeff";
    cnmcsp_fixture f(o);
    auto keys = cn::make_envelope_keys(o.envelope);
    REQUIRE(keys.has_value());
    auto sealed = cn::seal(keys.value(), cnmcsp_fixture::meter_add_body("U1", "M1"));
    REQUIRE(sealed.has_value());
    auto a = f.call("meter/meteradd", sealed.value());
    auto plain = cn::open(keys.value(), a.body);
    REQUIRE(plain.has_value());
    CHECK(cnmcsp_fixture::code(json::parse(plain.value())) == "0");
    // A plain body, or a tampered MAC, is refused with 80003002.
    auto b = f.call("meter/meteradd", cnmcsp_fixture::meter_add_body("U2", "M2"));
    auto bplain = cn::open(keys.value(), b.body);
    REQUIRE(bplain.has_value());
    CHECK(cnmcsp_fixture::code(json::parse(bplain.value())) == "80003002");
    // Uploads are sealed too.
    f.wake("M1");
    auto reqs = f.cis.requests();
    REQUIRE(!reqs.empty());
    auto up = cn::open(keys.value(), reqs.back().body);
    REQUIRE(up.has_value());
    CHECK(json::parse(up.value()).at("meterNo") == "M1");
}

}  // TEST_SUITE

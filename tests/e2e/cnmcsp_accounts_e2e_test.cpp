// CNMCSP account endpoints over loopback (spec: cnmcsp §4.1, §5.3.1-§5.3.7), the document's
// own example requests sent verbatim.

#include "tests/e2e/cnmcsp_examples.hpp"
#include "tests/e2e/cnmcsp_fixture.hpp"

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace ex = metersim::test::cn_examples;

namespace {

constexpr char const* example_meter = "012345678912";  ///< the meter of the meteradd example

/// The meteradd example accepted and its meter opened by its next session.
void add_example_meter(cnmcsp_fixture& f) {
    REQUIRE(f.post_code("meter/meteradd", ex::meter_add) == "0");
    f.wake(example_meter);
}

/// `path` on the example's meter answers 0, and the same request again answers `again`.
void check_done_once(cnmcsp_fixture& f, std::string const& path, std::string const& again) {
    CHECK(f.post_code(path, ex::meter_ref) == "0");
    CHECK(f.post_code(path, ex::meter_ref) == again);
}

meters::account_state account_of(cnmcsp_fixture& f, std::string const& no) {
    return f.with_meter(no, [](auto& m) { return m.account(); });
}

}  // namespace

TEST_SUITE("e2e/cnmcsp accounts") {

TEST_CASE_FIXTURE(cnmcsp_fixture, "the meteradd example registers and opens the meter at its next session") {
    auto j = call_json("meter/meteradd", ex::meter_add);
    CHECK(j.at("ReturnCode") == "0");
    CHECK(j.at("ReturnMessage") == "接口功能执行成功");
    // Not yet on the meter: it opens when it next talks to the platform.
    CHECK(account_of(*this, example_meter) == meters::account_state::manufactured);
    wake("012345678912");
    CHECK(account_of(*this, example_meter) == meters::account_state::opened);
    CHECK(with_meter("012345678912", [](auto& m) { return m.billing().balance; }) ==
          meters::money::from_units(1000));
    CHECK(with_meter("012345678912", [](auto& m) { return m.active_tariff().price_count; }) == 3);
    // The example's quirks were accepted and journaled (lenient mode).
    check_deviations(journaled(sim::journal_query{"cnmcsp", "", 0, 100}).front(), 4);
}

TEST_CASE("strict mode refuses the meteradd example's quirks") {
    cnmcsp_fixture f(cnmcsp_fixture::strict_options());
    auto j = f.call_json("meter/meteradd", ex::meter_add);
    CHECK(f.code(j) == "80002005");  // UserType "1" is not §8's "001"
    CHECK(j.at("returnMessage").get<std::string>().find("UserType") != std::string::npos);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "a meter or user registered twice answers 80002009") {
    REQUIRE(post_code("meter/meteradd", meter_add_body("U1", "M1")) == "0");
    CHECK(post_code("meter/meteradd", meter_add_body("U2", "M1")) == "80002009");
    CHECK(post_code("meter/meteradd", meter_add_body("U1", "M2")) == "80002009");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "an unknown model answers 80002028 and an unknown protocol 80002029") {
    CHECK(post_code("meter/meteradd", meter_add_body("U1", "M1", "NOSUCH")) == "80002028");
    auto body = meter_add_body("U1", "M1");
    body.replace(body.find("CNModbusV61"), 11, "CNModbusV99");
    CHECK(post_code("meter/meteradd", body) == "80002029");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "an unknown path answers 404 in the vendor's shape") {
    auto a = call("meter/nosuch", "{}");
    CHECK(a.status == 404);
    CHECK(code(json::parse(a.body)) == "80002003");
    auto g = http_request("GET", "127.0.0.1", port, "/rest/Standard/meter/meteradd", auth_headers());
    CHECK(g.status == 405);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "a missing required field answers 80002003 naming it") {
    auto j = call_json("meter/meteradd", R"({"UserID":"U1","UserName":"U1","PreSaving":0,"MeterID":"M1"})");
    CHECK(code(j) == "80002003");
    CHECK(j.at("returnMessage").get<std::string>().find("MeterNo") != std::string::npos);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "invalid price data answers 80002004") {
    auto body = meter_add_body("U1", "M1");
    body.replace(body.find(R"("Level2":400)"), 12, R"("Level2":100)");  // below Level1
    CHECK(post_code("meter/meteradd", body) == "80002004");
    body = meter_add_body("U1", "M1");
    body.replace(body.find(R"("Price1":2.5)"), 12, R"("Price1":"x")");
    CHECK(post_code("meter/meteradd", body) == "80002004");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "a field of the wrong type answers 80002002") {
    auto body = recharge_body("U1", "M1", "T1", "100");
    body.replace(body.find(R"("TradeNo":"T1")"), 14, R"("TradeNo":{"a":1})");
    CHECK(post_code("fee/recharge", body) == "80002002");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "the unquoted-key examples answer 80002001") {
    CHECK(post_code("reading/ReadCurrentData", ex::read_current) == "80002001");
    CHECK(post_code("price/batchChangePrice", ex::batch_change_price) == "80002001");
    CHECK(post_code("meter/meteradd", "not json") == "80002001");
    CHECK(post_code("meter/meteradd", "[1,2]") == "80002001");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "the metermodify example changes the user's data") {
    REQUIRE(post_code("meter/meteradd", ex::meter_add) == "0");
    CHECK(post_code("meter/metermodify", ex::meter_modify) == "0");
    auto building = loop.call([&] {
        return platform->records().accounts.at("012345678912").user.building_name;
    });
    CHECK(building == "3 单元 3栋");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "metermodify of an unknown user and meter answers 80002011") {
    CHECK(post_code("meter/metermodify", ex::meter_modify) == "80002011");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "a meter of another user answers 80002013") {
    REQUIRE(post_code("meter/meteradd", meter_add_body("U1", "M1")) == "0");
    REQUIRE(post_code("meter/meteradd", meter_add_body("U2", "M2")) == "0");
    CHECK(post_code("meter/metermodify", ref_body("U2", "M1")) == "80002013");
    CHECK(post_code("meter/meterSuspend", ref_body("U1", "M9")) == "80002013");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "the meterSuspend and meterResume examples close and reopen the valve") {
    add_example_meter(*this);
    check_done_once(*this, "meter/meterSuspend", "80002025");
    CHECK(post_code("fee/recharge", ex::recharge) == "80002023");
    wake("012345678912");
    advance(30s);
    CHECK(account_of(*this, example_meter) == meters::account_state::suspended);
    CHECK(with_meter("012345678912", [](auto& m) { return m.valve_position_now(); }) == meters::valve_position::closed);
    check_done_once(*this, "meter/meterResume", "80002026");
    wake("012345678912");
    advance(30s);
    CHECK(with_meter("012345678912", [](auto& m) { return m.valve_position_now(); }) == meters::valve_position::open);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "the meterDelete example cancels the account and later requests answer 80002023") {
    add_example_meter(*this);
    check_done_once(*this, "meter/meterDelete", "80002023");
    CHECK(post_code("valve/controlValve", ex::control_valve) == "80002023");
    wake("012345678912");
    CHECK(account_of(*this, example_meter) == meters::account_state::cancelled);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "the meterChange example moves money and user to the new meter and cancels the old") {
    add_example_meter(*this);
    REQUIRE(post_code("fee/recharge", ex::recharge) == "0");  // not yet on the old meter
    CHECK(post_code("meter/meterChange", ex::meter_change) == "0");
    CHECK(account_of(*this, example_meter) == meters::account_state::cancelled);
    wake("012345678919");
    // PreSaving 1500 moved, and the recharge that had not reached the old meter followed.
    CHECK(with_meter("012345678919", [](auto& m) { return m.billing().balance; }) ==
          meters::money::from_units(1500 + 50000));
    CHECK(with_meter("012345678919", [](auto& m) { return m.active_tariff().price_count; }) == 3);
    CHECK(post_code("reading/ReadCurrentData",
                    read_body("KYNYN144860", "012345678919")) == "0");
    CHECK(post_code("fee/recharge", recharge_body("KYNYN144860", "012345678912", "T9", "1")) == "80002023");
    // The old meter's account is over: changing it again is refused.
    CHECK(post_code("meter/meterChange", ex::meter_change) == "80002023");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "meterChange to a meter already registered answers 80002015") {
    open_meter("U1", "M1");
    open_meter("U2", "M2");
    auto body = std::string(ex::meter_change);
    body.replace(body.find("KYNYN144860"), 11, "U1");
    body.replace(body.find("012345678912"), 12, "M1");
    body.replace(body.find("012345678919"), 12, "M2");
    body.replace(body.find("012345678919"), 12, "M2");
    CHECK(post_code("meter/meterChange", body) == "80002015");
}

// Issue 16 item 2: "转移表内金额 (不输入默认为 0)" — absent PreSaving moved the old balance before.
TEST_CASE_FIXTURE(cnmcsp_fixture, "meterChange without PreSaving opens the new meter at 0 and leaves the old balance on the old meter") {
    open_meter("U1", "M1", "CNMCPUJE", "80");
    inject("M1", meters::events::consume{meters::volume::from_units(10)});  // 10 m³ at 2.5
    auto body = std::string(ex::meter_change);
    body.replace(body.find("KYNYN144860"), 11, "U1");
    body.replace(body.find("012345678912"), 12, "M1");
    body.replace(body.find(R"(,"PreSaving":1500)"), 17, "");
    CHECK(post_code("meter/meterChange", body) == "0");
    wake("012345678919");
    CHECK(with_meter("012345678919", [](auto& m) { return m.billing().balance; }) == meters::money{});
    CHECK(with_meter("M1", [](auto& m) { return m.billing().balance; }) == meters::money::from_units(55));
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "meteradd of a meter already opened answers 80002010") {
    manufacture("M1");
    loop.call([&] {
        auto* m = fleet.find("M1");
        REQUIRE(m != nullptr);
        fleet.apply(*m, meters::commands::open_account{});
    });
    CHECK(post_code("meter/meteradd", meter_add_body("U1", "M1")) == "80002010");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "meterChange to a meter of another billing mode answers 80002016") {
    open_meter("U1", "M1");
    auto body = std::string(ex::meter_change);
    body.replace(body.find("KYNYN144860"), 11, "U1");
    body.replace(body.find("012345678912"), 12, "M1");
    body.replace(body.find(R"("NewMeterParamModel":"CNMCPUJE")"), 31, R"("NewMeterParamModel":"CNMCNBXT")");
    CHECK(post_code("meter/meterChange", body) == "80002016");
}

TEST_CASE("strict mode refuses the recharge example's amount sent as a string with 80002002") {
    cnmcsp_fixture f(cnmcsp_fixture::strict_options());
    f.open_meter("KYNYN144860", "012345678912");
    auto j = f.call_json("fee/recharge", ex::recharge);
    CHECK(f.code(j) == "80002002");
    CHECK(j.at("returnMessage").get<std::string>().find("RechargeAmt") != std::string::npos);
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "ReadCurrentData answers from each meter's last report") {
    open_meter("U1", "M1");
    open_meter("U2", "M2", "CNMCNBXT", "0");
    inject("M1", meters::events::consume{meters::volume::from_units(4)});
    wake("M1");
    auto j = call_json("reading/ReadCurrentData",
                       R"({"Meters":[{"UserID":"U1","MeterID":"M1"},{"UserID":"U2","MeterID":"M2"}]})");
    REQUIRE(code(j) == "0");
    auto const& data = j.at("ReadingData");
    REQUIRE(data.size() == 2);
    CHECK(data[0].at("UserID") == "U1");
    CHECK(data[0].at("MeterID") == "M1");
    CHECK(data[0].at("ReadTime") == "2026-01-01 00:00:00");
    CHECK(data[0].at("Reading").dump() == "4.0");
    CHECK(data[0].at("ValveState") == "01");
    CHECK(data[0].at("RemainMoney").dump() == "90.0");
    CHECK(data[0].at("TotalBuyMoney").dump() == "100.0");
    CHECK(data[0].at("TotalUsedGas").dump() == "4.0");
    CHECK(data[0].at("Price").dump() == "2.5");
    // A system-billed meter carries no money figures.
    CHECK(!data[1].contains("RemainMoney"));
    CHECK(data[1].at("Reading").dump() == "0.0");
}

TEST_CASE_FIXTURE(cnmcsp_fixture, "ReadCurrentData of a meter that never reported answers 80002014") {
    REQUIRE(post_code("meter/meteradd", meter_add_body("U1", "M1")) == "0");
    auto j = call_json("reading/ReadCurrentData", read_body("U1", "M1"));
    CHECK(code(j) == "80002014");
    CHECK(post_code("reading/ReadCurrentData", read_body("U1", "M7")) == "80002013");
}

// Issue 16 item 7: one unknown or never-reported meter failed the whole batch.
TEST_CASE_FIXTURE(cnmcsp_fixture, "ReadCurrentData answers the meters that can be read and leaves the others out") {
    open_meter("U1", "M1");
    open_meter("U3", "M3");
    REQUIRE(post_code("meter/meteradd", meter_add_body("U2", "M2")) == "0");  // never reported
    auto j = call_json("reading/ReadCurrentData",
                       R"({"Meters":[{"UserID":"U1","MeterID":"M1"},{"UserID":"U2","MeterID":"M2"},)"
                       R"({"UserID":"U9","MeterID":"M404"},{"UserID":"U1","MeterID":"M3"},)"
                       R"({"UserID":"U3","MeterID":"M3"}]})");
    REQUIRE(code(j) == "0");
    CHECK(j.at("ReturnMessage") == "接口功能执行成功");
    auto const& data = j.at("ReadingData");
    REQUIRE(data.size() == 2);
    CHECK(data[0].at("MeterID") == "M1");
    CHECK(data[1].at("UserID") == "U3");
    CHECK(data[1].at("MeterID") == "M3");
    // None readable: the first meter's own error, as a one-meter request gets.
    CHECK(post_code("reading/ReadCurrentData",
                    R"({"Meters":[{"UserID":"U2","MeterID":"M2"},{"UserID":"U9","MeterID":"M404"}]})") == "80002014");
}

}  // TEST_SUITE

#include "platforms/xintian/codec.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "platforms/xintian/errors.hpp"

namespace xt = metersim::platforms::xintian;
namespace pf = metersim::platforms;
using metersim::meters::money;
using metersim::meters::price;
using metersim::meters::volume;

namespace {

constexpr std::chrono::minutes zone{480};

/// Parses `body` and runs `fn` on its reader, in the given mode.
template <class F>
auto with_body(std::string const& body, F fn, pf::conformance mode = pf::conformance::lenient) {
    auto v = pf::parse_json(body);
    REQUIRE(v.has_value());
    pf::reader_context ctx{mode, std::string(xt::codes::bad_format), "xintian §3", {}};
    auto r = pf::object_reader::from(*v, ctx);
    REQUIRE(r.has_value());
    auto out = fn(*r);
    return std::make_pair(std::move(out), ctx.deviations);
}

std::string pay(std::string const& extra_or_override) {
    return R"({"MeterAddr":"M1","Money":50.5,"PayDate":"2026-03-01 10:00:00","TransId":"T1","PayWay":4)" +
           extra_or_override + "}";
}

std::string const price_body =
    R"({"OperationType":1,"PriceTypeCode":"P1","PriceTypeName":"居民","Divid1":100.5,"Divid2":200,"Divid3":300,)"
    R"("Divid4":400,"Divid5":500,"Price1":2.5,"Price2":3,"Price3":3.5,"Price4":4,"Price5":4.5,"Price6":5.25,)"
    R"("StairType":3,"FreezeMonth":1,"FreezeDay":15,"ExeDate":"2026-04-01 00:00:00")";

}  // namespace

TEST_SUITE("platforms/xintian/codec") {
    TEST_CASE("a complete RemotePay is read exactly") {
        auto [q, devs] = with_body(pay(""), [](auto const& r) { return xt::parse_remote_pay(r, zone); });
        REQUIRE(q.has_value());
        CHECK(q->who.meter_addr == "M1");
        CHECK(q->money == money::from_e4(505000));
        CHECK(q->trans_id == "T1");
        CHECK(q->pay_way == 4);
        CHECK(devs.empty());
    }

    TEST_CASE("RemotePay answers each field's own code, naming the field") {
        struct row {
            std::string body;
            std::string_view code;
            std::string field;
        };
        std::vector<row> rows = {
            {R"({"Money":1,"PayDate":"2026-03-01 10:00:00","TransId":"T","PayWay":1})", xt::codes::no_user_or_meter, "MeterAddr"},
            {R"({"MeterAddr":"M1","PayDate":"2026-03-01 10:00:00","TransId":"T","PayWay":1})", xt::codes::pay_money_invalid, "Money"},
            {pay(R"(,"Money":0)"), xt::codes::pay_money_invalid, "Money"},
            {pay(R"(,"Money":-3)"), xt::codes::pay_money_invalid, "Money"},
            {pay(R"(,"Money":"abc")"), xt::codes::bad_format, "Money"},
            {pay(R"(,"Money":1.23456)"), xt::codes::bad_format, "Money"},
            {pay(R"(,"TransId":"")"), xt::codes::pay_trans_id_empty, "TransId"},
            {pay(R"(,"PayDate":"")"), xt::codes::pay_date_empty, "PayDate"},
            {pay(R"(,"PayDate":"2026/03/01")"), xt::codes::bad_format, "PayDate"},
            {pay(R"(,"PayWay":6)"), xt::codes::pay_way_invalid, "PayWay"},
            {pay(R"(,"PayWay":"cash")"), xt::codes::pay_way_invalid, "PayWay"},
        };
        for (auto const& r : rows) {
            CAPTURE(r.body);
            // Later keys repeat earlier ones: the reader refuses duplicates, so rebuild cleanly.
            auto j = nlohmann::json::parse(r.body, nullptr, true, false);
            auto [q, devs] = with_body(j.dump(), [](auto const& rd) { return xt::parse_remote_pay(rd, zone); });
            REQUIRE_FALSE(q.has_value());
            CHECK(q.error().code == r.code);
            CHECK(q.error().field == r.field);
            CHECK(q.error().message.find(r.field) != std::string::npos);
        }
    }

    TEST_CASE("Money sent as a string is a recorded deviation in lenient mode and refused in strict") {
        auto body = nlohmann::json::parse(pay(""));
        body["Money"] = "50.50";
        auto [q, devs] = with_body(body.dump(), [](auto const& r) { return xt::parse_remote_pay(r, zone); });
        REQUIRE(q.has_value());
        CHECK(q->money == money::from_e4(505000));
        REQUIRE(devs.size() == 1);
        CHECK(devs[0].field == "Money");
        auto [q2, devs2] = with_body(body.dump(), [](auto const& r) { return xt::parse_remote_pay(r, zone); },
                                     pf::conformance::strict);
        REQUIRE_FALSE(q2.has_value());
        CHECK(q2.error().code == xt::codes::bad_format);
    }

    TEST_CASE("a misnamed key is journaled as unknown and the field counts as missing") {
        auto body = nlohmann::json::parse(pay(""));
        body.erase("TransId");
        body["Trans_Id"] = "T1";
        auto [q, devs] = with_body(body.dump(), [](auto const& r) { return xt::parse_remote_pay(r, zone); });
        REQUIRE_FALSE(q.has_value());
        CHECK(q.error().code == xt::codes::pay_trans_id_empty);
        REQUIRE_FALSE(devs.empty());
        CHECK(devs[0].field == "Trans_Id");
        CHECK(devs[0].rule == "unknown key");
    }

    TEST_CASE("GetPayList needs dates without TransId, and begin not after end") {
        auto run = [](std::string const& b) {
            return with_body(b, [](auto const& r) { return xt::parse_pay_list(r, zone); }).first;
        };
        CHECK(run(R"({"TransId":"T1"})").has_value());
        CHECK(run(R"({})").error().code == xt::codes::no_user_or_meter);
        CHECK(run(R"({"TransId":""})").error().code == xt::codes::list_trans_id_empty);
        CHECK(run(R"({"MeterAddr":"M1","EndDate":"2026-03-01"})").error().code == xt::codes::begin_date_empty);
        CHECK(run(R"({"MeterAddr":"M1","BeginDate":"2026-03-01"})").error().code == xt::codes::end_date_empty);
        CHECK(run(R"({"MeterAddr":"M1","BeginDate":"2026-03-02","EndDate":"2026-03-01"})").error().code ==
              xt::codes::begin_after_end);
        CHECK(run(R"({"MeterAddr":"M1","BeginDate":"2026-3-1","EndDate":"2026-03-01"})").error().field == "BeginDate");
        auto ok = run(R"({"MeterAddr":"M1","BeginDate":"2026-03-01","EndDate":"2026-03-01"})");
        REQUIRE(ok.has_value());
        CHECK(*ok->end - *ok->begin == std::chrono::hours{24} - std::chrono::milliseconds{1});
    }

    TEST_CASE("ControlValve: -3 when ValveMode is absent, -4 when it is not 1, 2 or 3") {
        auto run = [](std::string const& b) {
            return with_body(b, [](auto const& r) { return xt::parse_control_valve(r); }).first;
        };
        CHECK(run(R"({"MeterAddr":"M1","ValveMode":3})")->valve_mode == 3);
        CHECK(run(R"({"MeterAddr":"M1"})").error().code == xt::codes::valve_mode_empty);
        CHECK(run(R"({"MeterAddr":"M1","ValveMode":4})").error().code == xt::codes::valve_mode_invalid);
        CHECK(run(R"({"MeterAddr":"M1","ValveMode":"x"})").error().code == xt::codes::valve_mode_invalid);
    }

    TEST_CASE("CreatePrice reads five dividers, six prices and the settlement cycle") {
        auto [q, devs] = with_body(price_body + "}", [](auto const& r) { return xt::parse_create_price(r, zone); });
        REQUIRE(q.has_value());
        CHECK(q->tariff.thresholds[0] == volume::from_e4(1005000));
        CHECK(q->tariff.prices[5] == price::from_e4(52500));
        CHECK(q->tariff.cycle.kind == metersim::meters::cycle_kind::yearly);
        CHECK(q->tariff.cycle.settle_day == 15);
        CHECK(q->tariff.code == "P1");
    }

    TEST_CASE("CreatePrice refuses what its table forbids, naming the field") {
        struct row {
            std::string patch;
            std::string field;
        };
        std::vector<row> rows = {
            {R"({"Divid1":100.55})", "Divid1"},        {R"({"Price3":3.555})", "Price3"},
            {R"({"FreezeDay":29})", "FreezeDay"},      {R"({"FreezeMonth":13})", "FreezeMonth"},
            {R"({"StairType":4})", "StairType"},       {R"({"OperationType":3})", "OperationType"},
            {R"({"ExeDate":"2026-04-01"})", "ExeDate"}, {R"({"Divid3":150})", "Divid3"},
            {R"({"Price6":null})", "Price6"},          {R"({"PriceTypeName":""})", "PriceTypeName"},
        };
        for (auto const& r : rows) {
            CAPTURE(r.patch);
            auto j = nlohmann::json::parse(price_body + "}");
            j.merge_patch(nlohmann::json::parse(r.patch));
            auto [q, devs] = with_body(j.dump(), [](auto const& rd) { return xt::parse_create_price(rd, zone); });
            REQUIRE_FALSE(q.has_value());
            CHECK(q.error().code == xt::codes::bad_format);
            CHECK(q.error().field == r.field);
        }
    }

    TEST_CASE("CreateMeter needs PriceTypeCode except for PayType 6 and defaults InstallDate") {
        std::string base = R"({"UserCode":"U1","UserName":"张三","DeptId":"D1","DeptName":"东区","DoorPlate":"1-101",)"
                           R"("Address":"路1号","MeterAddr":"M1","MeterTypeID":"51")";
        auto run = [](std::string const& b) {
            return with_body(b, [](auto const& r) { return xt::parse_create_meter(r, "2026-03-01"); }).first;
        };
        auto missing = run(base + R"(,"PayType":"1"})");
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error().field == "PriceTypeCode");
        auto third = run(base + R"(,"PayType":"6"})");
        REQUIRE(third.has_value());
        CHECK(third->install_date == "2026-03-01");
        CHECK(third->meter_base.is_zero());
        CHECK(run(base + R"(,"PayType":"2","PriceTypeCode":"P1"})").error().field == "PayType");
        CHECK(run(base + R"(,"PayType":"1","PriceTypeCode":"P1","MeterBase":"x"})").error().field == "MeterBase");
        auto with_base = run(base + R"(,"PayType":"1","PriceTypeCode":"P1","MeterBase":"12.5"})");
        REQUIRE(with_base.has_value());
        CHECK(with_base->meter_base == volume::from_e4(125000));
    }

    TEST_CASE("CreateMeter names each missing required field") {
        for (std::string field : {"UserCode", "UserName", "DeptId", "DeptName", "DoorPlate", "Address", "MeterAddr"}) {
            CAPTURE(field);
            auto j = nlohmann::json::parse(R"({"UserCode":"U1","UserName":"N","DeptId":"D1","DeptName":"E",)"
                                           R"("DoorPlate":"1","Address":"A","MeterAddr":"M1","MeterTypeID":"51","PayType":"6"})");
            j.erase(field);
            auto [q, devs] = with_body(j.dump(), [](auto const& r) { return xt::parse_create_meter(r, "2026-03-01"); });
            REQUIRE_FALSE(q.has_value());
            CHECK(q.error().field == field);
            CHECK(q.error().message == field + " is required");
        }
    }

    TEST_CASE("ValveState maps the valve: open 1, closed 2, abnormal 3") {
        using vp = metersim::meters::valve_position;
        CHECK(xt::valve_state_of(vp::open) == 1);
        CHECK(xt::valve_state_of(vp::closed) == 2);
        CHECK(xt::valve_state_of(vp::abnormal) == 3);
        CHECK(xt::valve_state_of(vp::damaged) == 3);
    }

    TEST_CASE("a GetData entry carries every field of §3.5.2") {
        xt::meter_archive a;
        a.user_code = "U1";
        a.user_name = "张三";
        a.meter_addr = "M1";
        metersim::meters::meter_report rep;
        rep.reading = volume::from_e4(123456);
        rep.balance = money::from_units(88);
        rep.current_price = price::from_e4(25000);
        rep.battery_mv = 3250;
        rep.active_alarms = {metersim::meters::alarm_code::battery_low};
        auto const text = xt::data_entry(a, xt::to_reading(rep), zone);
        auto j = nlohmann::json::parse(text);
        for (auto k : {"UserCode", "UserName", "MeterAddr", "ReadNumber", "Voltage", "ValveState", "MeterCSQ", "RSRP",
                       "SNR", "CC", "MeterStatus", "BatteryState", "Remnant", "ReadDate", "PeriodDosage", "CurPrice"})
            CHECK_MESSAGE(j.contains(k), k);
        CHECK(text.find(R"("ReadNumber":12.3456)") != std::string::npos);
        CHECK(text.find(R"("Voltage":3.25)") != std::string::npos);
        CHECK(j.at("BatteryState") == 1);
        CHECK(j.at("MeterStatus") == "0007H");
        CHECK(text.find(R"("CurPrice":2.50)") != std::string::npos);
    }
}

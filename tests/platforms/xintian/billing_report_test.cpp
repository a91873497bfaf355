#include "platforms/xintian/billing_report.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace xt = metersim::platforms::xintian;
namespace pf = metersim::platforms;
using metersim::meters::money;
using metersim::meters::price;

namespace {
constexpr std::chrono::minutes zone{480};

auto parse(std::string const& body, pf::conformance mode = pf::conformance::lenient) {
    std::vector<pf::deviation> devs;
    auto r = xt::parse_billing_answer(body, "M1", mode, zone, devs);
    return std::make_pair(r, devs);
}

std::string const good =
    R"({"ResultCode":1,"Message":"ok","DataList":[{"MeterAddr":"M1","UnitPrice":3.2,"Remnant":120.5,)"
    R"("RemnantTime":"2026-03-01 10:00:00","ValveMode":1,"LastPayMoney":100,"LastPayTime":"2026-02-01 09:00:00"}]})";
}  // namespace

TEST_SUITE("platforms/xintian/billing_report") {
    TEST_CASE("the report body carries every field of §3.6.1") {
        xt::meter_archive a;
        a.user_code = "U1";
        a.meter_addr = "M1";
        xt::meter_reading r;
        r.remnant = money::from_units(12);
        auto const text = xt::billing_report_body(a, r, zone);
        auto j = nlohmann::json::parse(text);
        for (auto k : {"UserCode", "UserName", "MeterAddr", "ReadNumber", "Voltage", "ValveState", "MeterCSQ", "RSRP",
                       "SNR", "CC", "MeterStatus", "BatteryState", "ReadDate", "PeriodDosage", "Reserve"})
            CHECK_MESSAGE(j.contains(k), k);
        CHECK(text.find(R"("Reserve":12.0000)") != std::string::npos);
    }

    TEST_CASE("a good answer gives price, remaining money and valve mode") {
        auto [r, devs] = parse(good);
        REQUIRE(r.has_value());
        CHECK(r->unit_price == price::from_e4(32000));
        CHECK(r->remnant == money::from_e4(1205000));
        CHECK(r->valve_mode == 1);
        CHECK(r->remnant_time.has_value());
        CHECK(r->last_pay_money == money::from_units(100));
        CHECK(devs.empty());
    }

    TEST_CASE("ResultCode \"1\" and a DataList object are lenient deviations, strict refuses them") {
        auto j = nlohmann::json::parse(good);
        j["ResultCode"] = "1";
        j["DataList"] = j["DataList"][0];
        auto [r, devs] = parse(j.dump());
        REQUIRE(r.has_value());
        CHECK(devs.size() == 2);
        CHECK_FALSE(parse(j.dump(), pf::conformance::strict).first.has_value());
    }

    TEST_CASE("bad answers are refused, naming what is wrong") {
        struct row {
            std::string patch;
            std::string field;
        };
        std::vector<row> rows = {
            {R"({"ResultCode":0})", "ResultCode"},
            {R"({"DataList":null})", "DataList"},
            {R"({"DataList":[{"MeterAddr":"M1","UnitPrice":"x","Remnant":1,"ValveMode":1}]})", "DataList[0].UnitPrice"},
            {R"({"DataList":[{"MeterAddr":"M1","UnitPrice":1,"ValveMode":1}]})", "DataList[0].Remnant"},
            {R"({"DataList":[{"MeterAddr":"M1","UnitPrice":1,"Remnant":1,"ValveMode":4}]})", "DataList[0].ValveMode"},
            {R"({"DataList":[{"MeterAddr":"M2","UnitPrice":1,"Remnant":1,"ValveMode":1}]})", "DataList"},
        };
        for (auto const& r : rows) {
            CAPTURE(r.patch);
            auto j = nlohmann::json::parse(good);
            j.merge_patch(nlohmann::json::parse(r.patch));
            auto [res, devs] = parse(j.dump());
            REQUIRE_FALSE(res.has_value());
            CHECK(res.error().field == r.field);
        }
        CHECK_FALSE(parse("not json").first.has_value());
        CHECK_FALSE(parse("[]").first.has_value());
    }

    TEST_CASE("the answer's entry for the reported meter is the one read, another meter's never") {
        auto j = nlohmann::json::parse(good);
        auto other = j["DataList"][0];
        other["MeterAddr"] = "M2";
        other["UnitPrice"] = 9.99;
        j["DataList"] = nlohmann::json::array({other, j["DataList"][0]});
        auto [r, devs] = parse(j.dump());
        REQUIRE(r.has_value());
        CHECK(r->meter_addr == "M1");
        CHECK(r->unit_price == price::from_e4(32000));

        j["DataList"] = nlohmann::json::array({other});
        auto only_other = parse(j.dump()).first;
        REQUIRE_FALSE(only_other.has_value());
        CHECK(only_other.error().field == "DataList");

        j["DataList"] = other;  // lenient: one object, but another meter's
        auto one_other = parse(j.dump()).first;
        REQUIRE_FALSE(one_other.has_value());
        CHECK(one_other.error().field == "DataList");
    }
}

#include "sim/catalogue.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace metersim;
using meters::billing_mode;

namespace {

struct expected_model {
    char const* key;
    char const* platform;
    char const* vendor_model;
    billing_mode billing;
};

}  // namespace

TEST_SUITE("sim/catalogue") {

TEST_CASE("every built-in model is present with its platform and vendor names") {
    auto const cat = sim::catalogue::builtin();
    expected_model const expected[] = {
        {"cn-nb-money", "cnmcsp", "CNMCPUJE", billing_mode::money_prepaid},
        {"cn-nb-system", "cnmcsp", "CNMCNBXT", billing_mode::backend},
        {"xf-nb-money", "xianfeng", "", billing_mode::money_prepaid},
        {"xf-nb-gas", "xianfeng", "", billing_mode::gas_prepaid},
        {"xf-nb-backend", "xianfeng", "", billing_mode::backend},
        {"xf-flow", "xianfeng", "", billing_mode::backend},
        {"xt-nb-meter", "xintian", "51", billing_mode::money_prepaid},
        {"xt-nb-postpaid", "xintian", "51", billing_mode::money_prepaid},
        {"xt-nb-thirdparty", "xintian", "51", billing_mode::backend},
    };
    for (auto const& x : expected) {
        CAPTURE(x.key);
        auto const* e = cat.find(x.key);
        REQUIRE(e != nullptr);
        CHECK(e->key == x.key);
        CHECK(e->platform == x.platform);
        CHECK(e->vendor_model == x.vendor_model);
        CHECK(e->model.billing == x.billing);
        CHECK(e->model.name == x.key);
        CHECK_FALSE(e->description.empty());
    }
    CHECK(cat.entries().size() >= std::size(expected));
}

TEST_CASE("the CNMCSP money meter speaks CNModbusV61 and is found by its vendor model") {
    auto const cat = sim::catalogue::builtin();
    auto const* e = cat.find_vendor_model("cnmcsp", "CNMCPUJE");
    REQUIRE(e != nullptr);
    CHECK(e->key == "cn-nb-money");
    CHECK(e->model.protocol == "CNModbusV61");
    CHECK(cat.find_vendor_model("xintian", "CNMCPUJE") == nullptr);
}

TEST_CASE("Xianfeng meter types and Xintian pay types follow the specs") {
    auto const cat = sim::catalogue::builtin();
    CHECK(cat.find("xf-nb-money")->xianfeng_meter_type == "0");
    CHECK(cat.find("xf-flow")->xianfeng_meter_type == "1");
    CHECK(cat.find("xt-nb-meter")->xintian_pay_type == 1);
    CHECK(cat.find("xt-nb-thirdparty")->xintian_pay_type == 2);
    CHECK(cat.find("xt-nb-postpaid")->xintian_pay_type == 1);
    CHECK(cat.find("xt-nb-postpaid")->model.close_on == meters::credit_close::stays_open);
}

TEST_CASE("the flow meter reports conditions and has no valve") {
    auto const cat = sim::catalogue::builtin();  // kept: a reference into a temporary dangled (ASan, issue #18)
    auto const& m = cat.find("xf-flow")->model;
    CHECK(m.flow_meter);
    CHECK_FALSE(m.valve.has_valve);
    CHECK(m.comm == meters::comm_type::gprs);
}

TEST_CASE("models carry realistic defaults: daily report, 3.6 V cell, a valve taking seconds") {
    auto const cat = sim::catalogue::builtin();
    auto const& m = cat.find("xf-nb-money")->model;
    CHECK(m.report_interval == std::chrono::hours{24});
    CHECK(m.battery.nominal_mv == 3600);
    CHECK(m.battery.failure_mv < m.battery.low_mv);
    CHECK(m.valve.has_valve);
    CHECK(m.valve.transit > std::chrono::seconds{0});
}

TEST_CASE("lookups by mode and adding entries") {
    auto cat = sim::catalogue::builtin();
    CHECK(cat.find_by_mode("xianfeng", billing_mode::gas_prepaid)->key == "xf-nb-gas");
    CHECK(cat.find_by_mode("cnmcsp", billing_mode::gas_prepaid) == nullptr);
    sim::catalogue_entry dup;
    dup.key = "xf-nb-money";
    CHECK_FALSE(cat.add(dup));
    sim::catalogue_entry fresh;
    fresh.key = "test-model";
    fresh.platform = "xianfeng";
    CHECK(cat.add(fresh));
    CHECK(cat.find("test-model") != nullptr);
    CHECK(cat.find("nope") == nullptr);
}

}  // TEST_SUITE

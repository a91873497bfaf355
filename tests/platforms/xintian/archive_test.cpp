#include "platforms/xintian/archive.hpp"

#include <doctest/doctest.h>

#include <chrono>

namespace xt = metersim::platforms::xintian;
using metersim::meters::instant_from_ms;
using metersim::meters::money;

namespace {
xt::meter_archive meter(std::string no, std::string user) {
    xt::meter_archive a;
    a.meter_addr = std::move(no);
    a.user_code = std::move(user);
    return a;
}
}  // namespace

TEST_SUITE("platforms/xintian/archive") {
    TEST_CASE("a user's meters are listed in creation order") {
        xt::archive ar;
        ar.put_meter(meter("M2", "U1"));
        ar.put_meter(meter("M1", "U1"));
        ar.put_meter(meter("M3", "U2"));
        auto list = ar.meters_of("U1");
        REQUIRE(list.size() == 2);
        CHECK(list[0]->meter_addr == "M2");
        CHECK(list[1]->meter_addr == "M1");
        CHECK(ar.has_user("U2"));
        CHECK_FALSE(ar.has_user("U9"));
    }

    TEST_CASE("moving a meter to another user removes it from the first") {
        xt::archive ar;
        ar.put_meter(meter("M1", "U1"));
        ar.put_meter(meter("M1", "U2"));
        CHECK(ar.meters_of("U1").empty());
        CHECK(ar.meters_of("U2").size() == 1);
    }

    TEST_CASE("recharges get growing PayIDs and are found by TransId and by date") {
        xt::archive ar;
        xt::pay_record p;
        p.trans_id = "T1";
        p.meter_addr = "M1";
        p.money = money::from_units(50);
        p.pay_date = instant_from_ms(1000);
        CHECK(ar.add_pay(p).pay_id == 1);
        p.trans_id = "T2";
        p.pay_date = instant_from_ms(5000);
        CHECK(ar.add_pay(p).pay_id == 2);
        CHECK(ar.find_pay("T2")->pay_id == 2);
        CHECK(ar.find_pay("T3") == nullptr);
        CHECK(ar.find_pay_id(1)->trans_id == "T1");
        CHECK(ar.find_pay_id(3) == nullptr);
        CHECK(ar.pays_of("M1", instant_from_ms(0), instant_from_ms(2000)).size() == 1);
        CHECK(ar.pays_of("M1", instant_from_ms(0), instant_from_ms(9000)).size() == 2);
        CHECK(ar.pays_of("M2", instant_from_ms(0), instant_from_ms(9000)).empty());
    }

    TEST_CASE("settled recharges are kept per meter up to the history and for the retention") {
        xt::archive ar;
        ar.set_pay_bounds(metersim::sim::store_bounds{16, 2, std::chrono::hours{1}});
        xt::pay_record p;
        p.meter_addr = "M1";
        p.pay_date = instant_from_ms(0);
        for (auto const* t : {"T1", "T2", "T3", "T4"}) {
            p.trans_id = t;
            ar.add_pay(p);
        }
        auto const t0 = instant_from_ms(1000);
        for (auto const* t : {"T2", "T1", "T3"})
            ar.settle_pay(*ar.find_pay(t), xt::pay_result::success, t0);
        CHECK(ar.find_pay("T2") == nullptr);  // settled first: forgotten first
        CHECK(ar.find_pay("T1") != nullptr);
        CHECK(ar.find_pay("T3") != nullptr);
        CHECK(ar.find_pay("T4")->result == xt::pay_result::waiting);
        CHECK(ar.pays_of("M1", instant_from_ms(0), instant_from_ms(0)).size() == 3);
        ar.forget_pays("M1", t0 + std::chrono::minutes{59});
        CHECK(ar.pay_count() == 3);
        ar.forget_pays("M1", t0 + std::chrono::hours{1});
        CHECK(ar.pay_count() == 1);  // the waiting one is never forgotten
        CHECK(ar.find_pay("T4") != nullptr);
        CHECK(ar.find_pay_id(4)->trans_id == "T4");
        p.trans_id = "T5";
        CHECK(ar.add_pay(p).pay_id == 5);  // PayIDs keep growing
    }

    TEST_CASE("meters using a price code are found") {
        xt::archive ar;
        auto a = meter("M1", "U1");
        a.price_type_code = "P1";
        ar.put_meter(a);
        ar.put_meter(meter("M2", "U1"));
        CHECK(ar.meters_with_price("P1") == std::vector<std::string>{"M1"});
    }

    TEST_CASE("renaming a meter keeps its user and refuses a taken number") {
        xt::archive ar;
        ar.put_meter(meter("M1", "U1"));
        ar.put_meter(meter("M2", "U1"));
        CHECK_FALSE(ar.rename_meter("M1", "M2"));
        CHECK(ar.rename_meter("M1", "M9"));
        CHECK(ar.find_meter("M1") == nullptr);
        CHECK(ar.find_meter("M9")->user_code == "U1");
        CHECK(ar.meters_of("U1").size() == 2);
    }
}

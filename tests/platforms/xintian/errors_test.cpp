#include "platforms/xintian/errors.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace xt = metersim::platforms::xintian;
using metersim::platforms::make_api_error;

TEST_SUITE("platforms/xintian/errors") {
    TEST_CASE("an error answers HTTP 200 with ResultCode as a number and the field in the message") {
        auto r = xt::to_response(xt::endpoint::remote_pay,
                                 make_api_error(xt::codes::pay_money_invalid, "Money", "Money is required"));
        CHECK(r.status == 200);
        auto j = nlohmann::json::parse(r.body);
        CHECK(j.at("ResultCode") == -4);
        CHECK(j.at("Message") == "充值金额必须大于0: Money is required");
    }

    TEST_CASE("the same code means what its section says") {
        CHECK(xt::meaning_of(xt::endpoint::remote_pay, "-3") == "充值流水号不能为空");
        CHECK(xt::meaning_of(xt::endpoint::control_valve, "-3") == "控阀类型不能为空");
        CHECK(xt::meaning_of(xt::endpoint::get_pay_list, "-4") == "开始日期不能为空");
        CHECK(xt::meaning_of(xt::endpoint::create_price, "-201") == "时间戳重复或错误");
    }

    TEST_CASE("each section lists only its own codes") {
        CHECK(xt::is_listed(xt::endpoint::remote_pay, "-7"));
        CHECK_FALSE(xt::is_listed(xt::endpoint::control_valve, "-7"));
        CHECK(xt::is_listed(xt::endpoint::set_price, "-1"));
        CHECK_FALSE(xt::is_listed(xt::endpoint::set_price, "0"));
        CHECK_FALSE(xt::is_listed(xt::endpoint::create_meter, "-1"));
        CHECK(xt::is_listed(xt::endpoint::create_meter, "-203"));
    }

    TEST_CASE("a code the section does not list is answered as -999") {
        auto r = xt::to_response(xt::endpoint::create_meter, make_api_error("-1", "MeterAddr", "x"));
        CHECK(nlohmann::json::parse(r.body).at("ResultCode") == -999);
    }

    TEST_CASE("a success body carries ResultCode 1 and the DataList verbatim") {
        auto j = nlohmann::json::parse(xt::success_body(R"([{"a":1}])"));
        CHECK(j.at("ResultCode") == 1);
        CHECK(j.at("Message") == "请求成功");
        CHECK(j.at("DataList").at(0).at("a") == 1);
        CHECK_FALSE(nlohmann::json::parse(xt::success_body()).contains("DataList"));
    }
}

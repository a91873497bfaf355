#include "platforms/xianfeng/methods.hpp"

#include <doctest/doctest.h>

#include <string>
#include <variant>

using namespace metersim;
using namespace metersim::platforms;
using namespace metersim::platforms::xianfeng;

namespace {

api_result<method_call> parse(std::string const& text, meter_traits t = {}) {
    auto v = parse_json(text);
    REQUIRE(v.has_value());
    reader_context ctx{conformance::lenient, "101001", "xianfeng §2.1", {}};
    auto r = object_reader::from(v.value(), ctx, "command");
    REQUIRE(r.has_value());
    return parse_command(r.value(), t);
}

std::string code_of(std::string const& text, meter_traits t = {}) {
    auto r = parse(text, t);
    return r ? std::string("ok") : r.error().code;
}

std::string const prices =
    R"("priceOne":2.5,"ladderGasOne":100,"priceTwo":3,"ladderGasTwo":200,"priceThree":3.5,)"
    R"("ladderGasThree":300,"priceFour":4,"ladderGasFour":400,"priceFive":4.5,"priceVer":1,)"
    R"("pricePeriod":12,"priceTime":"20260101000000","ladderTime":"20260101000000",)"
    R"("clearMark":1,"gasType":1)";

std::string price_change(std::string const& override_field) {
    std::string p = prices;
    auto const name = override_field.substr(0, override_field.find(':'));
    auto const at = p.find(name);
    auto const end = p.find_first_of(",", at);
    p.replace(at, end == std::string::npos ? std::string::npos : end - at, override_field);
    return R"({"method":"PRICE_CHANGE","paras":{)" + p + "}}";
}

}  // namespace

TEST_SUITE("platforms/xianfeng/methods") {

TEST_CASE("VALVE_CONTROL becomes a valve command") {
    auto r = parse(R"({"method":"VALVE_CONTROL","paras":{"controlFlag":1}})");
    REQUIRE(r.has_value());
    auto const* v = std::get_if<meters::commands::valve_control>(&r.value().command);
    REQUIRE(v != nullptr);
    CHECK(v->action == meters::commands::valve_action::close);
}

TEST_CASE("each parameter of appendix 1 answers its own code") {
    meter_traits money;
    meter_traits backend;
    backend.mode = meters::billing_mode::backend;
    CHECK(code_of(R"({"method":"VALVE_CONTROL","paras":{"controlFlag":"x"}})") == "500015");
    CHECK(code_of(R"({"method":"VALVE_CONTROL"})") == "500015");
    CHECK(code_of(price_change(R"("priceOne":31)")) == "500020");
    CHECK(code_of(price_change(R"("priceOne":2.555)")) == "500020");
    CHECK(code_of(price_change(R"("ladderGasOne":-1)")) == "500025");
    CHECK(code_of(price_change(R"("ladderGasTwo":50)")) == "500026");
    CHECK(code_of(price_change(R"("priceTime":"20260230000000")")) == "500027");
    CHECK(code_of(price_change(R"("priceVer":0)")) == "500028");
    CHECK(code_of(price_change(R"("pricePeriod":256)")) == "500029");
    CHECK(code_of(price_change(R"("ladderTime":"2026")")) == "500030");
    CHECK(code_of(price_change(R"("clearMark":2)")) == "500031");
    CHECK(code_of(price_change(R"("gasType":0)")) == "500035");
    CHECK(code_of(price_change(R"("priceOne":2.5)")) == "ok");
    std::string const open = R"({"method":"ACCOUNT_OPEN","paras":{"prepaidType":0,)" + prices;
    CHECK(code_of(open + R"(,"billNo":1,"rechargeValue":10,"cardNo":"0000000001"}})") == "ok");
    CHECK(code_of(open + R"(,"billNo":65536,"rechargeValue":10,"cardNo":"0000000001"}})") == "500032");
    CHECK(code_of(open + R"(,"billNo":1,"rechargeValue":-1,"cardNo":"0000000001"}})") == "500033");
    CHECK(code_of(open + R"(,"billNo":1,"rechargeValue":10,"cardNo":"00000001"}})") == "500034");
    CHECK(code_of(open + R"(,"billNo":1,"rechargeValue":10,"cardNo":"000000000x"}})") == "500034");
    CHECK(code_of(R"({"method":"ACCOUNT_OPEN","paras":{"prepaidType":1}})") == "500018");
    CHECK(code_of(R"({"method":"RECHARGE_REMOTE","paras":{"prepaidType":0,"billNo":1,"rechargeValue":0}})") == "500033");
    CHECK(code_of(R"({"method":"RECHARGE_REMOTE","paras":{"prepaidType":0,"billNo":1,"rechargeValue":-5}})") == "ok");
    CHECK(code_of(R"({"method":"LADDER_VALUE_CHANGE","paras":{"ladderValue":1.25}})") == "500039");
    CHECK(code_of(R"({"method":"LADDER_VALUE_CHANGE","paras":{"ladderValue":1.2}})") == "ok");
    CHECK(code_of(R"({"method":"PRICE_READ","paras":{"priceType":2}})") == "500042");
    CHECK(code_of(R"({"method":"ACCOUNT_CANCEL"})") == "ok");
    CHECK(code_of(R"({"method":"ACCOUNT_OPEN","paras":{"billingMethod":2}})", backend) == "500017");
    std::string const terms = R"("prepaidType":0,"surplusValue":1,"price":2,"ladderNo":1,"accountDate":"20260101000000")";
    CHECK(code_of(R"({"method":"ACCOUNT_OPEN","paras":{"billingMethod":1,)" + terms + "}}", backend) == "ok");
    CHECK(code_of(R"({"method":"BALANCE_SYNC","paras":{"prepaidType":1,"surplusValue":1,"price":2,"accountDate":"20260101000000"}})", backend) == "500018");
    CHECK(code_of(R"({"method":"BALANCE_SYNC","paras":{"prepaidType":0,"surplusValue":9999999,"price":2,"accountDate":"20260101000000"}})", backend) == "500019");
    CHECK(code_of(R"({"method":"BALANCE_SYNC","paras":{"prepaidType":0,"surplusValue":1,"price":31,"accountDate":"20260101000000"}})", backend) == "500020");
    CHECK(code_of(R"({"method":"BALANCE_SYNC","paras":{"prepaidType":0,"surplusValue":1,"price":2,"ladderNo":8,"accountDate":"20260101000000"}})", backend) == "500021");
    CHECK(code_of(R"({"method":"BALANCE_SYNC","paras":{"prepaidType":0,"surplusValue":1,"price":2,"accountDate":"x"}})", backend) == "500022");
    CHECK(code_of(R"({"method":"BALANCE_SYNC","paras":{}})", money) == "500013");
    CHECK(code_of(R"({"method":"PRICE_CHANGE","paras":{}})", backend) == "500013");
}

TEST_CASE("ACCOUNT_OPEN means §4.8 for a backend-billed meter") {
    meter_traits backend;
    backend.mode = meters::billing_mode::backend;
    auto r = parse(R"({"method":"ACCOUNT_OPEN","paras":{"billingMethod":0}})", backend);
    REQUIRE(r.has_value());
    CHECK(r.value().which == method::backend_open);
    auto const* open = std::get_if<meters::commands::open_account>(&r.value().command);
    REQUIRE(open != nullptr);
    REQUIRE(open->backend.has_value());
    CHECK(!open->backend->prepaid);
}

TEST_CASE("a numeric parameter sent as a string is accepted in lenient mode") {
    CHECK(code_of(R"({"method":"VALVE_CONTROL","paras":{"controlFlag":"1"}})") == "ok");
}

TEST_CASE("a failed command answers commandResult 1 and nothing else") {
    method_call call;
    call.which = method::recharge_remote;
    meters::command_result r;
    r.error = meters::meter_errc::account_not_opened;
    auto f = make_result_fields(call, r, std::chrono::minutes{480});
    REQUIRE(f.size() == 1);
    CHECK(f[0].second == "1");
}

}  // TEST_SUITE

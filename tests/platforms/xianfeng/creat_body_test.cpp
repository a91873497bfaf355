#include "platforms/xianfeng/creat_body.hpp"

#include <doctest/doctest.h>

#include <string>

#include "platforms/common/json_reader.hpp"
#include "platforms/xianfeng/commands.hpp"

using namespace metersim;
using namespace metersim::platforms;
using namespace metersim::platforms::xianfeng;

namespace {

/// What the general path (DOM + readers, as routes_commands.cpp reads a body) makes of a body:
/// "ok close=1 time=... count=..." or the error code; deviations make it "deviations".
std::string general(std::string const& body) {
    auto v = parse_json(body);
    if (!v) return "parse error";
    reader_context ctx{conformance::lenient, "101001", "xianfeng §2.1", {}};
    auto b = object_reader::from(v.value(), ctx);
    if (!b) return b.error().code;
    auto command = b.value().object_field("command");
    if (!command) return command.error().code;
    auto t = b.value().optional_integer_field("expireTime", int_range{1, max_expire_time_s});
    if (!t) return t.error().code;
    auto n = b.value().optional_integer_field("expireCount", int_range{1, max_expire_count});
    if (!n) return n.error().code;
    auto call = parse_command(command.value(), meter_traits{});
    if (!call) return call.error().code;
    if (!ctx.deviations.empty()) return "deviations";
    if (call.value().which != method::valve_control) return "other method";
    auto const& vc = std::get<meters::commands::valve_control>(call.value().command);
    return "ok close=" + std::to_string(vc.action == meters::commands::valve_action::close) +
           " time=" + (t.value() ? std::to_string(*t.value()) : "-") +
           " count=" + (n.value() ? std::to_string(*n.value()) : "-");
}

std::string fast(std::string const& body) {
    auto r = read_valve_body(body);
    if (!r) return "general";
    return "ok close=" + std::to_string(r->close) +
           " time=" + (r->expire_time_s ? std::to_string(*r->expire_time_s) : "-") +
           " count=" + (r->expire_count ? std::to_string(*r->expire_count) : "-");
}

}  // namespace

TEST_SUITE("platforms/xianfeng creatCmd body") {

TEST_CASE("the §2.1 example and its variants are read without a DOM, as the DOM reads them") {
    for (std::string const body : {
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":172800,"expireCount":3})",
             R"({"command": {"method": "VALVE_CONTROL", "paras": {"controlFlag": 0}}})",
             "{\n  \"expireCount\": 5,\n  \"command\": {\"paras\": {\"controlFlag\": 1}, \"method\": \"VALVE_CONTROL\"}\n}\n",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":2678400})",
             R"(  {"expireTime":1,"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":0}}}  )",
         }) {
        CAPTURE(body);
        auto const f = fast(body);
        CHECK(f != "general");
        CHECK(f == general(body));
    }
}

TEST_CASE("every other body is left to the general path") {
    for (std::string const body : {
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":2}}})",      // 500015
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":"1"}}})",    // quirk
             R"({"command":{"method":"VALVE_CONTROL","paras":{"ControlFlag":1}}})",      // key case
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1.0}}})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":01}}})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1,"x":1}}})",
             R"({"command":{"method":"VALVE_CONTROL"}})",                               // no paras
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":0})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":2678401})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireCount":6})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireCount":-1})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireCount":null})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireCount":3,"expireCount":3})",
             R"({"command":{"method":"VALVE_\u0043ONTROL","paras":{"controlFlag":1}}})",
             R"({"command":{"method":"PRICE_READ","paras":{"priceType":0}}})",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}}} x)",
             R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},})",
             R"({"expireTime":60})",
             R"({})",
             R"([])",
             "",
         }) {
        CAPTURE(body);
        CHECK(fast(body) == "general");
    }
}

}  // TEST_SUITE

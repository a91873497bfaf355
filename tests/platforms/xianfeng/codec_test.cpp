// The endpoint results of platforms/xianfeng/codec.cpp, written by sim::json::json_text, are
// byte-identical to the nlohmann::ordered_json dumps they replaced (kept below as the reference),
// for plain, UTF-8, escaped and invalid UTF-8 strings.

#include "platforms/xianfeng/platform_impl.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "platforms/common/timestamp.hpp"

using namespace metersim;
using namespace metersim::platforms;
using namespace metersim::platforms::xianfeng;

namespace {

namespace reference {

using json = nlohmann::ordered_json;

std::string text(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string json_string(std::string_view s) { return text(json(std::string(s))); }

std::string device_dto(device_record const& d, std::string_view imei, std::string_view iccid) {
    json j{{"manuId", d.manu_id},
           {"deviceNo", d.device_no},
           {"deviceId", d.device_id},
           {"userNo", d.user_no},
           {"userName", d.user_name},
           {"userAddress", d.user_address}};
    if (!imei.empty()) j["imeiCode"] = std::string(imei);
    if (!iccid.empty()) j["iccidCode"] = std::string(iccid);
    j["deviceState"] = static_cast<int>(d.state);
    j["syncFlag"] = d.sync_flag;
    return text(j);
}

std::string auth_devices_result(std::vector<device_record const*> const& found, std::chrono::minutes utc_offset) {
    json list = json::array();
    for (auto const* d : found)
        list.push_back(json{{"deviceNum", d->device_no},
                            {"platId", d->device_id},
                            {"productTime", format_instant(d->product_time, timestamp_format::spaced, utc_offset)}});
    return text(list);
}

}  // namespace reference

/// Strings a CIS or an admin may hand the platform.
std::vector<std::string> const texts = {
    "",
    "07602190000001",
    "张三",
    "杭州市 西湖区 \"3\" 幢\\2 单元",
    std::string("tab\there\nline\r\x01\x1f end"),
    "bad \xff\xfe utf-8 \xe4\xb8",
    "\xc3\x28 overlong \xc0\xaf",
};

device_record a_device(std::size_t i) {
    device_record d;
    d.device_no = texts[i % texts.size()];
    d.device_id = derive_device_id(d.device_no);
    d.manu_id = static_cast<std::int64_t>(i) * 7 - 3;
    d.user_no = texts[(i + 1) % texts.size()];
    d.user_name = texts[(i + 2) % texts.size()];
    d.user_address = texts[(i + 3) % texts.size()];
    d.state = static_cast<device_state>(1 + i % 3);
    d.sync_flag = static_cast<std::int64_t>(i % 2);
    d.product_time = meters::instant_from_ms(1'700'000'000'000 + static_cast<std::int64_t>(i) * 86'399'123);
    return d;
}

}  // namespace

TEST_SUITE("platforms/xianfeng/codec") {
    TEST_CASE("a string result is the JSON string nlohmann wrote") {
        for (auto const& s : texts) CHECK(json_string(s) == reference::json_string(s));
    }

    TEST_CASE("a DeviceDTO is byte for byte the ordered_json dump it replaced") {
        for (std::size_t i = 0; i < texts.size(); ++i) {
            auto const d = a_device(i);
            for (auto const& [imei, iccid] : {std::pair<std::string, std::string>{"", ""},
                                              {"868888888888888", ""},
                                              {"", "89860000000000000000"},
                                              {texts[i], texts[(i + 4) % texts.size()]}}) {
                CAPTURE(i);
                CHECK(device_dto(d, imei, iccid) == reference::device_dto(d, imei, iccid));
            }
        }
    }

    TEST_CASE("the devices list of an authorisation is byte for byte the ordered_json dump it replaced") {
        std::vector<device_record> devices;
        for (std::size_t i = 0; i < texts.size(); ++i) devices.push_back(a_device(i));
        std::vector<device_record const*> found;
        for (auto const zone : {std::chrono::minutes{480}, std::chrono::minutes{0}, std::chrono::minutes{-330}}) {
            CHECK(auth_devices_result(found, zone) == reference::auth_devices_result(found, zone));
            for (auto const& d : devices) {
                found.push_back(&d);
                CHECK(auth_devices_result(found, zone) == reference::auth_devices_result(found, zone));
            }
            found.clear();
        }
    }

    TEST_CASE("an array of JSON texts lists them in order, comma separated") {
        CHECK(json_array({}) == "[]");
        CHECK(json_array({"1"}) == "[1]");
        CHECK(json_array({R"({"a":"b"})", "\"x\"", "null"}) == R"([{"a":"b"},"x",null])");
    }
}

// The `result` members of the endpoints' answers (spec: xianfeng §1.3 DeviceDTO, §1.5, §2.2
// cmdResultDTO), as JSON text written by sim::json::json_text (byte-identical to the
// nlohmann::ordered_json dumps they replaced: tests/platforms/xianfeng/codec_test.cpp).

#include <string_view>
#include <utility>

#include "platforms/common/timestamp.hpp"
#include "platforms/xianfeng/platform_impl.hpp"
#include "sim/json/text.hpp"

namespace metersim::platforms::xianfeng {

using sim::json::json_text;

std::string json_string(std::string_view s) {
    std::string out;
    sim::json::append_json_string(out, s);
    return out;
}

std::string device_dto(device_record const& d, std::string_view imei, std::string_view iccid) {
    std::string out;
    json_text w(out);
    w.begin_object();
    w.number("manuId", d.manu_id);
    // The text members every DeviceDTO carries (§1.3); the SIM's codes only when known.
    std::pair<std::string_view, std::string_view> const texts[] = {
        {"deviceNo", d.device_no}, {"deviceId", d.device_id}, {"userNo", d.user_no},
        {"userName", d.user_name}, {"userAddress", d.user_address}};
    for (auto const& [k, v] : texts) w.field(k, v);
    if (!imei.empty()) w.field("imeiCode", imei);
    if (!iccid.empty()) w.field("iccidCode", iccid);
    w.number("deviceState", static_cast<int>(d.state));
    w.number("syncFlag", d.sync_flag);
    w.end_object();
    w.finish();
    return out;
}

std::string auth_devices_result(std::vector<device_record const*> const& found,
                                std::chrono::minutes utc_offset) {
    std::string out;
    json_text w(out);
    w.begin_array();
    for (auto const* d : found) {
        w.begin_object();
        w.field("deviceNum", d->device_no);
        w.field("platId", d->device_id);
        w.field("productTime", format_instant(d->product_time, timestamp_format::spaced, utc_offset));
        w.end_object();
    }
    w.end_array();
    w.finish();
    return out;
}

std::string json_array(std::vector<std::string> const& items) {
    std::string out;
    json_text w(out);
    w.begin_array();
    for (auto const& item : items) w.raw(item);
    w.end_array();
    w.finish();
    return out;
}

}  // namespace metersim::platforms::xianfeng

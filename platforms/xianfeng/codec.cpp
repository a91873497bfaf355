// The `result` members of the endpoints' answers (spec: xianfeng §1.3 DeviceDTO, §1.5, §2.2
// cmdResultDTO), as JSON text.

#include <nlohmann/json.hpp>

#include "platforms/common/timestamp.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

using json = nlohmann::ordered_json;

std::string text(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

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

std::string auth_devices_result(std::vector<device_record const*> const& found,
                                std::chrono::minutes utc_offset) {
    json list = json::array();
    for (auto const* d : found)
        list.push_back(json{{"deviceNum", d->device_no},
                            {"platId", d->device_id},
                            {"productTime", format_instant(d->product_time, timestamp_format::spaced,
                                                           utc_offset)}});
    return text(list);
}

std::string json_array(std::vector<std::string> const& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += items[i];
    }
    out += ']';
    return out;
}

}  // namespace metersim::platforms::xianfeng

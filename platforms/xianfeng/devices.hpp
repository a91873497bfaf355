#pragma once
/// The Xianfeng platform's device registry (spec: xianfeng §1).
///
/// A device is what the platform knows about one meter or concentrator: its deviceId (32 lowercase
/// hex characters, derived from the device number so that it is stable across restarts), the
/// user data the CIS registered, and the platform-side device state of §1.3 DeviceDTO:
/// 1 待开户 (known, not registered), 2 已开户 (registered: §1.1 turns 1 into 2), 3 已注销
/// (cancelled for good: §1.4 "注销后的设备不允许重新使用"). This is not the meter's prepaid account
/// (ACCOUNT_OPEN, accountFlag): that one lives in the meter.
///
/// Records are created lazily, the first time the platform looks a device up, so a fleet of
/// 100,000 meters costs nothing here until the CIS touches them. Plain data; single-threaded.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meters/instant.hpp"

namespace metersim::platforms::xianfeng {

enum class device_state : std::uint8_t { unopened = 1, opened = 2, cancelled = 3 };

/// What a device is on the wire (msgDeviceType of §3.1: 0 meter, 1 concentrator).
enum class device_kind : std::uint8_t { meter = 0, concentrator = 1 };

struct device_record {
    std::string device_id;      ///< 32 hex
    std::string device_no;      ///< the meter number or concentrator number
    device_kind kind = device_kind::meter;
    device_state state = device_state::unopened;
    std::int64_t manu_id = 1;   ///< manuId: 1 杭州先锋
    std::string user_no;
    std::string user_name;
    std::string user_address;
    std::int64_t sync_flag = 0; ///< syncFlag: backend-prepaid meters, 0 or 1
    meters::instant product_time{};  ///< when the platform first knew the device (productTime)
};

/// The stable deviceId of a device number: the first 32 hex characters of
/// SHA-256("xianfeng-device:" + device_no).
std::string derive_device_id(std::string_view device_no);

class device_registry {
public:
    device_record* find_id(std::string_view device_id) noexcept;
    device_record* find_no(std::string_view device_no) noexcept;

    /// The record of `device_no`, created (unopened, with the derived id, or `preset_id` when the
    /// fleet already holds one) when absent.
    device_record& ensure(std::string_view device_no, device_kind kind, meters::instant now,
                          std::string_view preset_id = {});

    std::size_t size() const noexcept { return by_id_.size(); }

private:
    std::unordered_map<std::string, device_record> by_id_;
    std::unordered_map<std::string, std::string> id_of_no_;
};

}  // namespace metersim::platforms::xianfeng

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
///
/// Memory (issue 3: 10,000 registered meters): records live in fixed chunks (stable addresses,
/// no node per record) and are found through two sim::string_index tables that read their keys
/// from the records (8 bytes a slot, no key copies): about 315 bytes a device (3.1 MB for
/// 10,000), against about 435 with the two unordered_maps keyed by std::string it replaced.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meters/instant.hpp"
#include "sim/string_index.hpp"

namespace metersim::platforms::xianfeng {

enum class device_state : std::uint8_t { unopened = 1, opened = 2, cancelled = 3 };

/// What a device is on the wire (msgDeviceType of §3.1: 0 meter, 1 concentrator).
enum class device_kind : std::uint8_t { meter = 0, concentrator = 1 };

/// A pushed message as its push body, "[" msgDTO "]", shared with the push that carried it (and
/// the journal), so the platform's copy of a device's last message costs no second buffer.
using shared_body = std::shared_ptr<std::string const>;

/// The msgDTO inside a push body: the text between the brackets (empty for a null body).
std::string_view message_in(shared_body const& body) noexcept;

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
    /// A concentrator's last business report (queryReportData msgType 0) and alarm report
    /// (msgType 1), or null. A meter's are kept as data in the platform's meter_slot (issue 13).
    shared_body last_report;
    shared_body last_alarm;
    /// The device's slot in the platform's command store, once it has one (a device's slot and
    /// its deviceId never change): saves a lookup by deviceId per command request.
    std::uint32_t command_slot = no_command_slot;
    static constexpr std::uint32_t no_command_slot = 0xFFFFFFFFu;
};

/// The stable deviceId of a device number: the first 32 hex characters of
/// SHA-256("xianfeng-device:" + device_no).
std::string derive_device_id(std::string_view device_no);

class device_registry {
public:
    device_registry() noexcept;
    device_registry(device_registry const&) = delete;
    device_registry& operator=(device_registry const&) = delete;

    device_record* find_id(std::string_view device_id) noexcept;
    device_record* find_no(std::string_view device_no) noexcept;

    /// The record of `device_no`, created (unopened, with the derived id, or `preset_id` when the
    /// fleet already holds one) when absent. References stay valid for the registry's life.
    device_record& ensure(std::string_view device_no, device_kind kind, meters::instant now,
                          std::string_view preset_id = {});

    std::size_t size() const noexcept { return size_; }

private:
    static constexpr std::size_t chunk_size = 256;  ///< records per chunk (about 57 KB)

    device_record& at(std::uint32_t i) noexcept { return chunks_[i / chunk_size][i % chunk_size]; }
    device_record const& at(std::uint32_t i) const noexcept {
        return chunks_[i / chunk_size][i % chunk_size];
    }
    static std::string_view id_key(void const* self, std::uint32_t i) noexcept;
    static std::string_view no_key(void const* self, std::uint32_t i) noexcept;

    std::vector<std::unique_ptr<device_record[]>> chunks_;  ///< never move: records are referenced
    std::size_t size_ = 0;
    sim::string_index by_id_;  ///< device_id -> position
    sim::string_index by_no_;  ///< device_no -> position
};

}  // namespace metersim::platforms::xianfeng

#include "platforms/xianfeng/devices.hpp"

#include "platforms/common/crypto.hpp"

namespace metersim::platforms::xianfeng {

std::string derive_device_id(std::string_view device_no) {
    std::string seed = "xianfeng-device:";
    seed += device_no;
    return crypto::sha256_hex(seed).substr(0, 32);
}

device_record* device_registry::find_id(std::string_view device_id) noexcept {
    auto it = by_id_.find(std::string(device_id));
    return it == by_id_.end() ? nullptr : &it->second;
}

device_record* device_registry::find_no(std::string_view device_no) noexcept {
    auto it = id_of_no_.find(std::string(device_no));
    return it == id_of_no_.end() ? nullptr : find_id(it->second);
}

device_record& device_registry::ensure(std::string_view device_no, device_kind kind,
                                       meters::instant now, std::string_view preset_id) {
    if (auto* d = find_no(device_no)) return *d;
    device_record r;
    r.device_no = std::string(device_no);
    r.device_id = preset_id.empty() ? derive_device_id(device_no) : std::string(preset_id);
    r.kind = kind;
    r.product_time = now;
    id_of_no_[r.device_no] = r.device_id;
    auto [it, _] = by_id_.insert_or_assign(r.device_id, std::move(r));
    return it->second;
}

}  // namespace metersim::platforms::xianfeng

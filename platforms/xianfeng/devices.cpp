#include "platforms/xianfeng/devices.hpp"

#include "platforms/common/crypto.hpp"

namespace metersim::platforms::xianfeng {

std::string derive_device_id(std::string_view device_no) {
    std::string seed = "xianfeng-device:";
    seed += device_no;
    return crypto::sha256_hex(seed).substr(0, 32);
}

std::string_view message_in(shared_body const& body) noexcept {
    if (!body || body->size() < 2) return {};
    return std::string_view(*body).substr(1, body->size() - 2);
}

device_registry::device_registry() noexcept : by_id_(&id_key, this), by_no_(&no_key, this) {}

std::string_view device_registry::id_key(void const* self, std::uint32_t i) noexcept {
    return static_cast<device_registry const*>(self)->at(i).device_id;
}

std::string_view device_registry::no_key(void const* self, std::uint32_t i) noexcept {
    return static_cast<device_registry const*>(self)->at(i).device_no;
}

device_record* device_registry::find_id(std::string_view device_id) noexcept {
    auto i = by_id_.find(device_id);
    return i ? &at(*i) : nullptr;
}

device_record* device_registry::find_no(std::string_view device_no) noexcept {
    auto i = by_no_.find(device_no);
    return i ? &at(*i) : nullptr;
}

device_record& device_registry::ensure(std::string_view device_no, device_kind kind,
                                       meters::instant now, std::string_view preset_id) {
    if (auto* d = find_no(device_no)) return *d;
    std::string id = preset_id.empty() ? derive_device_id(device_no) : std::string(preset_id);
    if (size_ % chunk_size == 0) chunks_.push_back(std::make_unique<device_record[]>(chunk_size));
    auto const i = static_cast<std::uint32_t>(size_);
    device_record& r = at(i);
    r.device_no = std::string(device_no);
    r.device_id = std::move(id);
    r.kind = kind;
    r.product_time = now;
    ++size_;
    // A preset id already taken by another number: the id now finds this record (as before).
    by_id_.assign(r.device_id, i);
    by_no_.assign(r.device_no, i);
    return r;
}

}  // namespace metersim::platforms::xianfeng

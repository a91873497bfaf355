#pragma once
/// The built-in catalogue of meter models: what a CIS can register or metersim can manufacture.
///
/// Each entry pairs a meters::meter_model (firmware behaviour) with how its vendor platform names
/// it: CNMCSP's MeterParamModel/MeterProtocol (§5.3.1), Xianfeng's commType/chargeType/meterType
/// (§3.1), Xintian's PayType/MeterTypeID (§3.1, §3.8). The figures are realistic defaults for
/// NB-IoT diaphragm meters with a lithium thionyl chloride cell (3.6 V nominal): a daily report
/// at 02:00 local time with up to 30 minutes of jitter, a motor valve taking 6 s.
/// Entries are immutable once the fleet runs: meters keep a pointer to their model.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meters/model.hpp"

namespace metersim::sim {

struct catalogue_entry {
    std::string key;           ///< catalogue key used in config and admin API, e.g. "xf-nb-money"
    std::string platform;      ///< "cnmcsp", "xianfeng" or "xintian"
    std::string vendor_model{};  ///< CNMCSP MeterParamModel; empty where the vendor has none
    std::string description{};
    std::string xianfeng_meter_type{};  ///< §3.1 meterType: "0" diaphragm, "1" flow meter
    int xintian_pay_type = 0;         ///< §3.1 PayType: 1 meter-side billing, 2 third party
    meters::meter_model model;
};

class catalogue {
public:
    /// The built-in models.
    static catalogue builtin();

    catalogue_entry const* find(std::string_view key) const noexcept;
    /// CNMCSP looks models up by MeterParamModel and protocol name (§5.3.1).
    catalogue_entry const* find_vendor_model(std::string_view platform,
                                             std::string_view vendor_model) const noexcept;
    /// The first entry of a platform with that billing mode (auto-provisioned devices).
    catalogue_entry const* find_by_mode(std::string_view platform,
                                        meters::billing_mode mode) const noexcept;
    std::vector<catalogue_entry const*> entries() const;

    /// Adds an entry (tests, config). Returns false when the key exists.
    bool add(catalogue_entry entry);

private:
    // unique_ptr: meters keep pointers to models, which must not move as the catalogue grows.
    std::vector<std::unique_ptr<catalogue_entry>> entries_;
};

}  // namespace metersim::sim

// Signing the runner's calls as a CIS does, per vendor.
#include "scenarios/cis_auth.hpp"

#include <charconv>

#include "platforms/cnmcsp/auth.hpp"
#include "platforms/xianfeng/token.hpp"
#include "platforms/xintian/auth.hpp"

namespace metersim::scenarios {

struct cis_signer::xintian_state {
    platforms::xintian::push_signer signer;
};

cis_signer::cis_signer(setting_fn setting, std::chrono::minutes zone, std::uint64_t seed)
    : setting_(std::move(setting)), zone_(zone), counter_(seed * 7919) {}

cis_signer::~cis_signer() = default;

named_texts cis_signer::headers_for(std::string_view platform) {
    auto const now = std::chrono::system_clock::now();
    if (platform == "cnmcsp") {
        platforms::cnmcsp::credentials c{setting_("cnmcsp", "app_token"), setting_("cnmcsp", "app_secret")};
        auto h = platforms::cnmcsp::make_auth_headers(c, now, zone_);
        // spec: cnmcsp §4.1.1: Accept is a required header, as Content-Type (the client's).
        return {{"AccessToken", h.access_token}, {"Authorization", h.authorization}, {"Accept", "application/json"}};
    }
    if (platform == "xianfeng") {
        auto trans = platforms::xianfeng::make_trans_id(now, zone_, ++counter_);
        auto token = platforms::xianfeng::make_token(setting_("xianfeng", "key"), setting_("xianfeng", "merchant_id"), trans);
        return {{"RandomCode", trans}, {"Authorization", token}, {"Content-Type", "application/json"}};
    }
    if (platform == "xintian") {
        if (!xintian_) {
            // A lead that stays inside the platform's window (300 s by default).
            std::int64_t window = 300;
            auto w = setting_("xintian", "auth_window_s");
            std::from_chars(w.data(), w.data() + w.size(), window);
            auto lead = std::chrono::seconds{window > 90 ? window - 30 : 60};
            xintian_ = std::make_unique<xintian_state>(xintian_state{platforms::xintian::push_signer{
                setting_("xintian", "app_id"), setting_("xintian", "app_secret"), zone_, lead}});
        }
        auto h = xintian_->signer.sign(now);
        // spec: xintian §2: Accept application/json is required, as Content-Type (the client's).
        return {{"AccessToken", h.access_token}, {"Authorization", h.authorization}, {"Accept", "application/json"}};
    }
    return {};
}

}  // namespace metersim::scenarios

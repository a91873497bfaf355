// libFuzzer target: Xianfeng's request decoding and validation, the route handlers end to end in
// process, with RandomCode and Authorization (appendix 8) computed so that the input gets past
// them.
#include "platforms/xianfeng/platform.hpp"
#include "tests/fuzz/platform_world.hpp"

namespace {

using namespace metersim;

std::string setting(std::string_view key) {
    if (key == "key") return "0a155959379dc684bfa11f199734b01d";
    if (key == "merchant_id") return "43516709";
    if (key == "company_code") return "000000";
    return "0";
}

fuzz::vendor const xianfeng{"xianfeng",
                            {{"xf-nb-money", "07602190000001", "0123456789abcdef0123456789abcdef"},
                             {"xf-nb-gas", "07602190000002", "fedcba9876543210fedcba9876543210"}},
                            &setting};

platforms::xianfeng::options make_options() {
    platforms::xianfeng::options o;
    o.company_code = setting("company_code");
    o.key = setting("key");
    o.merchant_id = setting("merchant_id");
    o.freshness_window = std::chrono::seconds{0};
    o.replay_check = false;
    o.report_url = "http://127.0.0.1:9/deviceReportData";
    o.response_url = "http://127.0.0.1:9/deviceResponseData";
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    return fuzz::fuzz_one<platforms::xianfeng::platform>(xianfeng, &make_options, data, size);
}

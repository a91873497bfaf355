// libFuzzer target: CNMCSP's request decoding and validation, the route handlers end to end in
// process, with §4.1 AccessToken/Authorization computed so that the input gets past them.
#include "platforms/cnmcsp/platform.hpp"
#include "tests/fuzz/platform_world.hpp"

namespace {

using namespace metersim;

std::string setting(std::string_view key) {
    if (key == "app_token") return "cis-demo-token";
    if (key == "app_secret") return "cis-demo-secret";
    return "0";
}

fuzz::vendor const cnmcsp{"cnmcsp",
                          {{"cn-nb-money", "20260000000001", ""}, {"cn-nb-money", "20260000000002", ""}},
                          &setting};

platforms::cnmcsp::options make_options() {
    platforms::cnmcsp::options o;
    o.app_token = setting("app_token");
    o.app_secret = setting("app_secret");
    o.auth_window_s = 0;
    o.realtime_url = "http://127.0.0.1:9/cis/realtime";
    o.alarm_url = "http://127.0.0.1:9/cis/alarm";
    o.serial_prefix = "20260101000000";
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    return fuzz::fuzz_one<platforms::cnmcsp::platform>(cnmcsp, &make_options, data, size);
}

// libFuzzer target: Xintian's request decoding and validation, the route handlers end to end in
// process, with AccessToken/Authorization (spec: xintian §2) computed so that the input gets
// past them (timestamp window and replay check off: every run signs afresh).
#include "platforms/xintian/platform.hpp"
#include "tests/fuzz/platform_world.hpp"

namespace {

using namespace metersim;

std::string setting(std::string_view key) {
    if (key == "app_id") return "xt-app-01";
    if (key == "app_secret") return "xt-secret-0123456789";
    return "0";
}

fuzz::vendor const xintian{"xintian",
                           {{"xt-nb-meter", "20260000000101", ""}, {"xt-nb-thirdparty", "20260000000102", ""}},
                           &setting};

platforms::xintian::options make_options() {
    platforms::xintian::options o;
    o.app_id = setting("app_id");
    o.app_secret = setting("app_secret");
    o.auth_window_s = 0;
    o.report_url = "http://127.0.0.1:9/api/Meters/GetData";
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    return fuzz::fuzz_one<platforms::xintian::platform>(xintian, &make_options, data, size);
}

// `metersim cert` (issue #18): a self-signed pair for local HTTPS, and `metersim serve` with
// tls: { cert, key } under admin and a platform serving HTTPS with it.
#include "tools/cmd_cert.hpp"
#include "tools/config.hpp"
#include "tools/exit_codes.hpp"

#include "sim/http/tls.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/tls_client.hpp"
#include "tests/tools/serve_harness.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using namespace metersim;
namespace fs = std::filesystem;

TEST_SUITE("tools/cert") {

TEST_CASE("metersim cert writes a pair that loads, keeps the key private and overwrites only when told") {
    test::temp_cert scratch;  // a fresh temporary directory
    tools::cert_command_options o;
    o.out_dir = scratch.dir + "/out";
    o.hosts = {"cis.local", "127.0.0.1"};
    REQUIRE(tools::run_cert(o) == tools::exit_code::ok);
    auto const cert = o.out_dir + "/cert.pem";
    auto const key = o.out_dir + "/key.pem";
    CHECK_FALSE(sim::http::check_tls_files({cert, key}).has_value());
    auto const perms = fs::status(key).permissions();
    CHECK((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);

    CHECK(tools::run_cert(o) == tools::exit_code::bad_input);  // there already
    o.force = true;
    CHECK(tools::run_cert(o) == tools::exit_code::ok);

    tools::cert_command_options bad;
    bad.out_dir = scratch.cert + "/under-a-file";  // cert.pem is a file, not a directory
    CHECK(tools::run_cert(bad) == tools::exit_code::bad_input);
    bad.out_dir = scratch.dir + "/other";
    bad.hosts = {"two words"};
    CHECK(tools::run_cert(bad) == tools::exit_code::bad_input);
}

TEST_CASE("tls under admin and a platform: both listeners serve HTTPS, the others stay plain") {
    test::temp_cert pair;
    auto c = test::loopback_serve_config();
    c.admin.tls = {pair.cert, pair.key};
    c.platforms.xianfeng->tls = {pair.cert, pair.key};
    test::serve_thread s(c);
    auto const health = test::https_request("GET", s.app.admin_port(), "/admin/health", pair.cert);
    CHECK(health.error == "");
    CHECK(health.status == 200);
    CHECK(health.body.find("\"status\"") != std::string::npos);
    // Xianfeng answers its own error shape over HTTPS (no auth headers: refused, but answered).
    auto const xf = test::https_request("POST", s.app.port_of("xianfeng"), "/iotcloud/app/devices/v1.0.0/query", pair.cert);
    CHECK(xf.status != 0);
    CHECK(xf.body.find("responseCode") != std::string::npos);
    // CNMCSP was given no tls: plain HTTP as before.
    CHECK(test::http_request("POST", "127.0.0.1", s.app.port_of("cnmcsp"), "/rest/Standard/meter/meteradd").status != 0);
    CHECK(s.app.summary().find("(https)") != std::string::npos);
}

}  // TEST_SUITE

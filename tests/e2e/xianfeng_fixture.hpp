#pragma once
/// The Xianfeng platform on 127.0.0.1:0: the real sim::http server with the platform's routes, a
/// real fleet on a stepped clock, the outbox pushing to a cis_receiver standing in for the CIS.
/// Everything that lives on the loop is created, used and destroyed through loop.call().

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "platforms/common/timestamp.hpp"
#include "platforms/xianfeng/platform.hpp"
#include "platforms/xianfeng/token.hpp"
#include "tests/support/platform_harness.hpp"

namespace metersim::test {

namespace xf = platforms::xianfeng;

inline constexpr char const* xf_key = "0a155959379dc684bfa11f199734b01d";
inline constexpr char const* xf_merchant = "43516709";
inline constexpr char const* xf_company = "000000";

inline meters::instant xf_start() { return harness_start(); }

/// ACCOUNT_OPEN (appendix 1) for a money-prepaid meter: five ladders, 100 yuan credited.
inline std::string const account_open_money =
    R"({"method":"ACCOUNT_OPEN","paras":{"prepaidType":0,"priceOne":2.5,"ladderGasOne":100,)"
    R"("priceTwo":3.0,"ladderGasTwo":200,"priceThree":3.5,"ladderGasThree":300,"priceFour":4,)"
    R"("ladderGasFour":400,"priceFive":4.5,"priceVer":1,"pricePeriod":12,)"
    R"("priceTime":"20260101000000","ladderTime":"20260101000000","clearMark":1,"gasType":1,)"
    R"("billNo":1,"rechargeValue":100.00,"cardNo":"0000000001"}})";

struct xianfeng_fixture : platform_harness<xianfeng_fixture, xf::platform, xf::options> {
    static constexpr char const* default_model = "xf-nb-money";

    std::unique_ptr<sim::http::server> admin_server;  ///< the platform's admin routes
    std::uint16_t admin_port = 0;
    std::atomic<std::uint64_t> random{0};

    explicit xianfeng_fixture(xf::options o = default_options()) : platform_harness(xf_start()) {
        start(std::move(o));
    }
    ~xianfeng_fixture() {
        loop.call([&] { admin_server.reset(); });
    }

    static xf::options default_options() {
        xf::options o;
        o.company_code = xf_company;
        o.key = xf_key;
        o.merchant_id = xf_merchant;
        return o;
    }

    void start(xf::options o) {
        if (o.report_url.empty()) o.report_url = cis.url("/deviceReportData");
        if (o.response_url.empty()) o.response_url = cis.url("/deviceResponseData");
        start_platform(std::move(o), [&] {
            // The admin listener is another port in `metersim serve`: here too.
            sim::http::router admin;
            platform->add_admin_routes(admin);
            admin_server = std::make_unique<sim::http::server>(loop.io(), std::move(admin));
            admin_port = admin_server->port();
        });
    }

    /// Fresh, valid authentication headers (a new RandomCode each time).
    header_list auth_headers() {
        auto trans = xf::make_trans_id(std::chrono::system_clock::now(), std::chrono::minutes{480},
                                       random.fetch_add(1) + 1);
        return {{"RandomCode", trans},
                {"Authorization", xf::make_token(xf_key, xf_merchant, trans)},
                {"Content-Type", "application/json"}};
    }

    http_answer call(std::string const& method, std::string const& target,
                     std::string const& body = {}, header_list headers = {}) {
        return request(method, target, body, std::move(headers));
    }
    /// The answer body as JSON (every Xianfeng answer is 200 + JSON).
    json call_json(std::string const& method, std::string const& target,
                   std::string const& body = {}, header_list headers = {}) {
        auto a = call(method, target, body, std::move(headers));
        REQUIRE(a.status == 200);
        return json::parse(a.body);
    }
    /// A request to the platform's admin routes (no authentication).
    http_answer admin(std::string const& method, std::string const& target,
                      std::string const& body = {}) {
        return http_request(method, "127.0.0.1", admin_port, target,
                            {{"Content-Type", "application/json"}}, body);
    }
    static std::string code(json const& j) { return j.at("responseCode").get<std::string>(); }

    std::string register_device(std::string const& no) {
        auto j = call_json("POST", "/iotcloud/app/devices/v1.0.0/register?companyCode=000000",
                           R"({"manuId":1,"deviceNo":")" + no + R"(","userNo":"0000000001"})");
        REQUIRE(code(j) == "100000");
        return j.at("result").get<std::string>();
    }

    /// A meter manufactured and registered: its deviceId.
    std::string registered_device(std::string const& no) {
        manufacture(no);
        return register_device(no);
    }

    /// A meter manufactured, registered and woken, whose first report the CIS has received.
    std::string reporting_device(std::string const& no) {
        auto id = registered_device(no);
        wake(no);
        REQUIRE(cis.wait_for_requests(1));
        settle();
        return id;
    }

    std::string create_command(std::string const& device_id, std::string const& command_json,
                               std::string const& extra = {}) {
        auto j = call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + device_id,
                           R"({"command":)" + command_json + extra + "}");
        REQUIRE_MESSAGE(code(j) == "100000", j.dump());
        return j.at("result").get<std::string>();
    }

    json query_command(std::string const& device_id, std::string const& command_id) {
        auto j = call_json("GET", "/iotcloud/app/cmd/v1.0.0/queryCmd?deviceId=" + device_id +
                                      "&commandId=" + command_id);
        REQUIRE_MESSAGE(code(j) == "100000", j.dump());
        return j.at("result");
    }
};

}  // namespace metersim::test

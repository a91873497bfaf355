#pragma once
/// The CNMCSP platform on 127.0.0.1:0: the real sim::http server with the platform's routes, a
/// real fleet on a stepped clock, the outbox uploading to a cis_receiver standing in for the CIS.
/// Everything that lives on the loop is created, used and destroyed through loop.call().

#include <chrono>
#include <string>

#include "platforms/cnmcsp/auth.hpp"
#include "platforms/cnmcsp/platform.hpp"
#include "tests/support/platform_harness.hpp"

namespace metersim::test {

namespace cn = platforms::cnmcsp;

inline constexpr char const* cn_token = "cis-demo-token";
inline constexpr char const* cn_secret = "cis-demo-secret";

struct cnmcsp_fixture : platform_harness<cnmcsp_fixture, cn::platform, cn::options> {
    static constexpr char const* default_model = "cn-nb-money";

    explicit cnmcsp_fixture(cn::options o = default_options()) : platform_harness(harness_start()) {
        start(std::move(o));
    }

    static cn::options default_options() {
        cn::options o;
        o.app_token = cn_token;
        o.app_secret = cn_secret;
        o.serial_prefix = "20260101000000";
        return o;
    }

    void start(cn::options o) {
        if (o.realtime_url.empty()) o.realtime_url = cis.url("/cis/realtime");
        if (o.alarm_url.empty()) o.alarm_url = cis.url("/cis/alarm");
        start_platform(std::move(o));
    }

    /// Fresh, valid §4.1 headers at wall time.
    static header_list auth_headers() {
        auto h = cn::make_auth_headers(cn::credentials{cn_token, cn_secret},
                                       std::chrono::system_clock::now(), std::chrono::minutes{480});
        return {{"Accept", "application/json"},
                {"Content-Type", "application/json;charset=utf-8"},
                {"AccessToken", h.access_token},
                {"Authorization", h.authorization}};
    }

    http_answer call(std::string const& path, std::string const& body, header_list headers = {}) {
        return request("POST", "/rest/Standard/" + path, body, std::move(headers));
    }
    json call_json(std::string const& path, std::string const& body, header_list headers = {}) {
        auto a = call(path, body, std::move(headers));
        return json::parse(a.body);
    }
    /// The code of an answer: ReturnCode of a success, returnCode of an error.
    static std::string code(json const& j) {
        if (j.contains("ReturnCode")) return j.at("ReturnCode").get<std::string>();
        return j.at("returnCode").get<std::string>();
    }
    std::string post_code(std::string const& path, std::string const& body) {
        return code(call_json(path, body));
    }

    static std::string meter_add_body(std::string const& user, std::string const& meter,
                                      std::string const& model = "CNMCPUJE",
                                      std::string const& presaving = "100") {
        return R"({"UserID":")" + user + R"(","UserName":")" + user + R"(","UserType":"002",)" +
               R"("PreSaving":)" + presaving + R"(,"MeterID":")" + meter + R"(","MeterNo":")" + meter +
               R"(","MeterParamModel":")" + model + R"(","MeterProtocol":"CNModbusV61",)" +
               R"("MeterReading":0,"PriceID":"5021","Version":"309","IniDate":"2026-01-01 00:00:00",)" +
               R"("PriceMode":"101","MonthCount":12,"Price1":2.5,"Price2":3.0,"Price3":3.5,)" +
               R"("Level1":200,"Level2":400,"DataFrom":"苍南仪表集团"})";
    }
    static std::string ref_body(std::string const& user, std::string const& meter) {
        return R"({"UserID":")" + user + R"(","MeterID":")" + meter + R"(","DataFrom":"苍南仪表集团"})";
    }
    static std::string recharge_body(std::string const& user, std::string const& meter,
                                     std::string const& trade, std::string const& amount) {
        return R"({"UserID":")" + user + R"(","MeterID":")" + meter + R"(","TradeNo":")" + trade +
               R"(","RechargeTime":"2026-01-01 08:00:00","RechargeAmt":)" + amount +
               R"(,"DataFrom":"苍南仪表集团"})";
    }
    static std::string read_body(std::string const& user, std::string const& meter) {
        return R"({"Meters":[{"UserID":")" + user + R"(","MeterID":")" + meter + R"("}]})";
    }

    /// Registers a meter (manufactured by meteradd) and lets it open at a session.
    void open_meter(std::string const& user, std::string const& meter,
                    std::string const& model = "CNMCPUJE", std::string const& presaving = "100") {
        REQUIRE(post_code("meter/meteradd", meter_add_body(user, meter, model, presaving)) == "0");
        wake(meter);
    }
};

}  // namespace metersim::test

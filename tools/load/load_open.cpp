#include "tools/load/load_open.hpp"

#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "scenarios/cis_auth.hpp"
#include "sim/fleet.hpp"
#include "sim/http/client.hpp"
#include "tools/load/load_stats.hpp"
#include "tools/serve_platforms.hpp"

namespace metersim::tools::load {

namespace net = boost::asio;

std::string user_id_for(std::string const& platform, std::string const& meter_no) {
    // xianfeng's userNo is 10 digits in the spec's examples; the others are free text.
    auto digits = meter_no.size() > 10 ? meter_no.substr(meter_no.size() - 10) : meter_no;
    if (platform == "cnmcsp") return "L" + digits;
    if (platform == "xintian") return "U" + digits;
    return digits;
}

namespace {

struct open_request {
    std::string path;
    std::string body;
    std::string ok_code;  ///< the vendor's success code
};

open_request request_for(std::string const& platform, sim::fleet_meter const& m, config const& cfg) {
    auto const& no = m.meter_no();
    auto const user = user_id_for(platform, no);
    if (platform == "xianfeng")  // spec: xianfeng §1.1
        return {"/iotcloud/app/devices/v1.0.0/register?companyCode=" + cfg.platforms.xianfeng->company_code,
                fmt::format(R"({{"manuId":1,"deviceNo":"{}","userNo":"{}","userName":"load","userAddress":"load"}})",
                            no, user),
                "100000"};
    if (platform == "cnmcsp")  // spec: cnmcsp §5.3.1 (the example's ladder: 2.5/3.0/3.5 at 200/400 m³)
        return {"/rest/Standard/meter/meteradd",
                fmt::format(R"({{"UserID":"{}","UserName":"load","UserType":"001","Phone":"13500000000",)"
                            R"("FullAddrDetail":"load","PreSaving":100,"MeterID":"{}","MeterNo":"{}",)"
                            R"("MeterParamModel":"{}","MeterProtocol":"{}","MeterReading":0,"PriceID":"1",)"
                            R"("Version":"1","IniDate":"2026-01-01 00:00:00","PriceMode":"101","MonthCount":12,)"
                            R"("Price1":2.5,"Price2":3.0,"Price3":3.5,"Level1":200,"Level2":400,"DataFrom":"metersim load"}})",
                            user, no, no, m.entry->vendor_model, m.entry->model.protocol),
                "0"};
    // xintian, spec: xintian §3.7.1 (PayType 6: third-party billing, the meters that push)
    return {"/api/Meters/CreateMeter",
            fmt::format(R"({{"UserCode":"{}","UserName":"load","Phone":"13500000000","DeptId":"D01",)"
                        R"("DeptName":"load","DoorPlate":"1","Address":"load","MeterAddr":"{}","PayType":"{}",)"
                        R"("MeterTypeID":"{}"}})",
                        user, no, m.entry->xintian_pay_type == 2 ? "6" : "1",
                        m.entry->vendor_model.empty() ? "51" : m.entry->vendor_model),
            "1"};
}

struct opener : std::enable_shared_from_this<opener> {
    opener(net::io_context& io, config const& c, std::string p, std::uint16_t port_,
           std::vector<sim::fleet_meter*> ms, std::function<void(open_outcome)> d)
        : cfg(c),
          platform(std::move(p)),
          port(port_),
          meters(std::move(ms)),
          done(std::move(d)),
          client(io, sim::http::client_options{}),
          signer([this](std::string_view pl, std::string_view k) { return platform_setting(cfg, pl, k); },
                 std::chrono::minutes{c.zone.minutes}, 1) {}

    void next() {
        if (next_index >= meters.size()) {
            if (in_flight == 0 && done) std::exchange(done, nullptr)(outcome);
            return;
        }
        auto* m = meters[next_index++];
        auto r = request_for(platform, *m, cfg);
        sim::http::client_request req;
        req.url = fmt::format("http://127.0.0.1:{}{}", port, r.path);
        req.body = std::move(r.body);
        for (auto& [k, v] : signer.headers_for(platform)) req.headers.emplace_back(std::move(k), std::move(v));
        ++in_flight;
        client.send(std::move(req), [self = shared_from_this(), m, ok = r.ok_code](sim::http::client_reply reply) {
            --self->in_flight;
            bool const good = reply.ok() && reply.status == 200 && answer_code(reply.body) == ok;
            if (good) {
                ++self->outcome.opened;
            } else if (self->outcome.failed++ == 0) {
                self->outcome.first_error = fmt::format("{} {}: {}", self->platform, m->meter_no(),
                                                        reply.ok() ? fmt::format("HTTP {} {}", reply.status, reply.body)
                                                                   : reply.error);
            }
            self->next();
        });
    }

    config const& cfg;
    std::string platform;
    std::uint16_t port;
    std::vector<sim::fleet_meter*> meters;
    std::function<void(open_outcome)> done;
    sim::http::client client;
    scenarios::cis_signer signer;
    std::size_t next_index = 0;
    std::size_t in_flight = 0;
    open_outcome outcome;
};

}  // namespace

std::shared_ptr<void> open_meters(net::io_context& io, config const& cfg, std::string const& platform, std::uint16_t port,
                 std::vector<sim::fleet_meter*> meters, std::function<void(open_outcome)> done,
                 std::size_t window) {
    auto o = std::make_shared<opener>(io, cfg, platform, port, std::move(meters), std::move(done));
    if (o->meters.empty()) {
        std::exchange(o->done, nullptr)(o->outcome);
        return o;
    }
    for (std::size_t i = 0; i < window && i < o->meters.size(); ++i) o->next();
    return o;
}

}  // namespace metersim::tools::load

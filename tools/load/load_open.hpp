#pragma once
/// `metersim load --open`: opens every meter of the load fleet on its platform before the load
/// starts, the way a CIS does it (and the way a scenario's `call` steps do), through the
/// platform's own HTTP API on its listener, signed by scenarios::cis_signer:
///   - xianfeng: devices/v1.0.0/register (spec: xianfeng §1.1; the device is then opened);
///   - cnmcsp: meter/meteradd with a default tariff and a 100 yuan deposit (spec: cnmcsp §5.3.1);
///   - xintian: Meters/CreateMeter (spec: xintian §3.7.1).
/// At most `window` requests are in flight at once. Loop thread; Asio stays in the .cpp.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/config.hpp"

namespace boost::asio {
class io_context;
}
namespace metersim::sim {
struct fleet_meter;
}

namespace metersim::tools::load {

/// The user id --open gives a meter (and --meters-csv lists): xianfeng userNo, the meter
/// number's last 10 digits; cnmcsp UserID and xintian UserCode, those digits after "L" / "U".
std::string user_id_for(std::string const& platform, std::string const& meter_no);

struct open_outcome {
    std::size_t opened = 0;
    std::size_t failed = 0;
    std::string first_error;  ///< the first refusal, with the meter and the platform's answer
};

/// Opens `meters` on `platform` (listening on 127.0.0.1:`port`), then calls `done` on the loop.
/// The meters must outlive the call; keep the handle returned until the run ends.
std::shared_ptr<void> open_meters(boost::asio::io_context& io, config const& cfg, std::string const& platform,
                 std::uint16_t port, std::vector<sim::fleet_meter*> meters,
                 std::function<void(open_outcome)> done, std::size_t window = 64);

}  // namespace metersim::tools::load

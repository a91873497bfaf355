// The platform's admin endpoints (platform.hpp add_admin_routes): concentrators, which are
// devices of the platform itself and so have no place in the fleet's admin API. JSON in and out,
// answers shaped as sim/admin's ({"message": "<field>: <why>", "field": "<field>"}).

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platforms/xianfeng/platform_impl.hpp"
#include "sim/admin/admin_body.hpp"

namespace metersim::platforms::xianfeng {

namespace {

using ojson = nlohmann::ordered_json;
using sim::admin::body_object;
using sim::admin::body_reader;
using sim::admin::guarded;
using sim::admin::refusal;
using sim::admin::refuse;

constexpr std::size_t max_no_length = 32;  // spec: xianfeng §1.1 deviceNo String(1-32)
constexpr std::size_t max_meters = 10000;  // a concentrator serves hundreds, not millions

sim::http::response answer(ojson const& body, unsigned status = 200) {
    sim::http::response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, ojson::error_handler_t::replace);
    return r;
}

std::optional<refusal> device_no(json_value const& v, std::string const& field, std::string& out) {
    if (!v.is_string())
        return refusal{400, field, "expected a string, found " + std::string(describe(v))};
    out = v.text();
    if (out.empty() || out.size() > max_no_length)
        return refusal{400, field, "must be 1 to 32 characters"};
    return std::nullopt;
}

/// The create body: {concentratorNo, meterNos?, mainsPowered?}.
meters::result<concentrator_spec, refusal> read_spec(json_value const& body) {
    concentrator_spec spec;
    body_reader in(body);
    auto const* no = in.member("concentratorNo", true);
    if (no == nullptr) return meters::unexpected{in.problem()};
    if (auto r = device_no(*no, "concentratorNo", spec.concentrator_no)) return meters::unexpected{*r};
    if (auto const* list = in.member("meterNos", false)) {
        if (!list->is_array())
            return meters::unexpected{refusal{
                400, "meterNos", "expected an array, found " + std::string(describe(*list))}};
        if (list->size() > max_meters)
            return meters::unexpected{refusal{400, "meterNos", "at most 10000 meters"}};
        for (std::size_t i = 0; i < list->size(); ++i) {
            std::string const field = "meterNos[" + std::to_string(i) + "]";
            std::string meter_no;
            if (auto r = device_no(list->at(i), field, meter_no)) return meters::unexpected{*r};
            if (meter_no == spec.concentrator_no)
                return meters::unexpected{refusal{400, field, "a concentrator is not behind itself"}};
            spec.meter_nos.push_back(std::move(meter_no));
        }
    }
    spec.mains_powered = in.flag("mainsPowered", false).value_or(spec.mains_powered);
    if (!in.ok()) return meters::unexpected{in.problem()};
    return spec;
}

ojson status_json(concentrator_status const& s) {
    return ojson{{"mainsPowered", s.mains_powered},   {"mainsPresent", s.mains_present},
                 {"lowVoltage", s.low_voltage},       {"batteryVoltageMv", s.battery_mv},
                 {"storeFault", s.store_fault},       {"meterFault", s.meter_fault},
                 {"updateState", s.update_state}};
}

}  // namespace

void platform::add_admin_routes(sim::http::router& r) {
    auto& p = *impl_;
    auto view = [&p](concentrator const& c) {
        auto const* d = p.devices.find_no(c.spec.concentrator_no);
        return ojson{{"concentratorNo", c.spec.concentrator_no},
                     {"deviceId", d != nullptr ? d->device_id : std::string()},
                     {"deviceState", d != nullptr ? static_cast<int>(d->state) : 1},
                     {"meterNos", c.spec.meter_nos},
                     {"status", status_json(c.status)}};
    };
    // The concentrator named in the path, or a 404.
    auto find = [&p](sim::http::request const& req) -> meters::result<concentrator*, refusal> {
        std::string const no(req.path_param("no").value_or(""));
        auto it = p.concentrators.find(no);
        if (it == p.concentrators.end())
            return meters::unexpected{refusal{404, "concentratorNo", "no concentrator \"" + no + "\""}};
        return &it->second;
    };
    auto registered = [&p](std::string const& no) {
        auto const* d = p.devices.find_no(no);
        return d != nullptr && d->state == device_state::opened;
    };

    r.get("/admin/xianfeng/concentrators", guarded([&p, view](sim::http::request const&) {
              std::vector<std::string> nos;
              for (auto const& [no, c] : p.concentrators) nos.push_back(no);
              std::sort(nos.begin(), nos.end());
              ojson list = ojson::array();
              for (auto const& no : nos) list.push_back(view(p.concentrators.at(no)));
              return answer(ojson{{"concentrators", std::move(list)}});
          }));

    r.post("/admin/xianfeng/concentrators", guarded([this, &p, view](sim::http::request const& req) {
               auto body = body_object(req);
               if (!body) return refuse(body.error());
               auto spec = read_spec(body.value());
               if (!spec) return refuse(spec.error());
               auto const& no = spec.value().concentrator_no;
               if (p.concentrators.contains(no))
                   return refuse({409, "concentratorNo", "concentrator \"" + no + "\" exists"});
               if (p.fleet.find(no) != nullptr)
                   return refuse({409, "concentratorNo", "\"" + no + "\" is a meter of the fleet"});
               for (std::size_t i = 0; i < spec.value().meter_nos.size(); ++i) {
                   auto const& meter_no = spec.value().meter_nos[i];
                   auto const* m = p.fleet.find(meter_no);
                   if (m != nullptr && !p.is_ours(*m))
                       return refuse({400, "meterNos[" + std::to_string(i) + "]",
                                      "meter \"" + meter_no + "\" belongs to platform " + m->platform()});
                   if (p.concentrators.contains(meter_no))
                       return refuse({400, "meterNos[" + std::to_string(i) + "]",
                                      "\"" + meter_no + "\" is a concentrator"});
               }
               if (!add_concentrator(spec.value()))
                   return refuse({409, "concentratorNo", "concentrator \"" + no + "\" cannot be added"});
               return answer(view(p.concentrators.at(no)), 201);
           }));

    r.post("/admin/xianfeng/concentrators/{no}/alarm",
           guarded([this, find, registered](sim::http::request const& req) {
               auto c = find(req);
               if (!c) return refuse(c.error());
               auto body = body_object(req);
               if (!body) return refuse(body.error());
               body_reader in(body.value());
               auto const* code_v = in.member("code", true);
               if (code_v == nullptr) return refuse(in.problem());
               if (!code_v->is_string())
                   return refuse({400, "code", "expected \"1000H\" or \"1001H\", found " +
                                                   std::string(describe(*code_v))});
               auto code = meters::parse_alarm_code(code_v->text());
               if (!code || (*code != meters::alarm_code::concentrator_low_voltage &&
                             *code != meters::alarm_code::concentrator_mains_lost))
                   return refuse({400, "code", "expected \"1000H\" (low voltage) or \"1001H\" "
                                               "(mains lost), found \"" +
                                                   code_v->text() + "\""});
               auto& spec = c.value()->spec;
               if (*code == meters::alarm_code::concentrator_mains_lost && !spec.mains_powered)
                   return refuse({400, "code", "1001H is for mains-powered concentrators; \"" +
                                                   spec.concentrator_no + "\" runs on its battery"});
               auto const raised_v = in.flag("raised", true);
               if (!raised_v) return refuse(in.problem());
               bool const raised = *raised_v;
               std::string const no = spec.concentrator_no;
               if (!concentrator_alarm(no, *code, raised))
                   return refuse({404, "concentratorNo", "no concentrator \"" + no + "\""});
               return answer(ojson{{"concentratorNo", no},
                                   {"code", std::string(meters::to_string(*code))},
                                   {"raised", raised},
                                   {"pushed", registered(no)}});
           }));

    r.post("/admin/xianfeng/concentrators/{no}/report",
           guarded([this, find, registered](sim::http::request const& req) {
               auto c = find(req);
               if (!c) return refuse(c.error());
               std::string const no = c.value()->spec.concentrator_no;
               concentrator_report(no);
               return answer(ojson{{"concentratorNo", no}, {"reported", true},
                                   {"pushed", registered(no)}});
           }));
}

}  // namespace metersim::platforms::xianfeng

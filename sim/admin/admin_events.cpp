// POST /admin/meters/{meterNo}/events: what happens to a meter physically (DESIGN.md events).
//
//   {"type": "consume", "m3": "1.5"}            a lump of gas, m3 >= 0
//   {"type": "flow", "m3_per_hour": "0.2"}      a constant flow override; null/absent: back to
//                                               the meter's own profile
//   {"type": "alarm", "code": "0009H"}          raise (code as "0009H" or its English name)
//   {"type": "clear_alarm", "code": "0009H"}    clear
//   {"type": "battery", "volts": "3.1"}         set the voltage (0..10 V, millivolt steps)
//   {"type": "battery_replaced"}                a new battery
//   {"type": "button"} {"type": "offline"} {"type": "online"} {"type": "wake"}
//   {"type": "valve_fault", "kind": "damaged|open_fails|close_fails"}   (default damaged)
//   {"type": "valve_repaired"}
//   {"type": "conditions", "temperature_c": "21.5", "pressure_kpa": "101.3"}   flow meters
//
// The event is parsed and checked in full before the meter is touched: bad input changes
// nothing. The answer is the meter's new summary plus what the event made it do.
#include "sim/admin/admin_internal.hpp"

#include <fmt/format.h>

namespace metersim::sim::admin {

namespace {

namespace ev = meters::events;

meters::result<meters::event, refusal> failed(body_reader& in) {
    return meters::unexpected{in.problem()};
}

std::optional<meters::alarm_code> alarm_of(std::string const& text) {
    if (auto c = meters::parse_alarm_code(text)) return c.value();
    return meters::alarm_from_name(text);
}

meters::result<meters::event, refusal> read_alarm(body_reader& in, bool raise) {
    auto text = in.text("code", true);
    if (!in.ok()) return failed(in);
    auto code = alarm_of(*text);
    if (!code) {
        in.fail("code", "expected an alarm code such as \"0009H\" or a name such as \"magnetic_interference\", found \"" +
                            *text + "\"");
        return failed(in);
    }
    if (raise) return meters::event{ev::alarm{*code}};
    return meters::event{ev::clear_alarm{*code}};
}

meters::result<meters::event, refusal> read_volume_event(body_reader& in, bool is_flow) {
    char const* key = is_flow ? "m3_per_hour" : "m3";
    auto e4 = in.decimal_e4(key, !is_flow);
    if (!in.ok()) return failed(in);
    if (e4 && *e4 < 0) {
        in.fail(key, "must not be negative");
        return failed(in);
    }
    if (!is_flow) return meters::event{ev::consume{meters::volume::from_e4(*e4)}};
    if (!e4) return meters::event{ev::flow{std::nullopt}};
    return meters::event{ev::flow{meters::volume::from_e4(*e4)}};
}

meters::result<meters::event, refusal> read_battery(body_reader& in) {
    auto e4 = in.decimal_e4("volts", true);
    if (!in.ok()) return failed(in);
    if (*e4 < 0 || *e4 > 100'000) in.fail("volts", "must be between 0 and 10");
    else if (*e4 % 10 != 0) in.fail("volts", "finer than a millivolt");
    if (!in.ok()) return failed(in);
    return meters::event{ev::battery{static_cast<int>(*e4 / 10)}};
}

meters::result<meters::event, refusal> read_valve_fault(body_reader& in) {
    auto kind = in.text("kind", false).value_or("damaged");
    if (!in.ok()) return failed(in);
    if (kind == "damaged") return meters::event{ev::valve_fault{meters::valve_fault::damaged}};
    if (kind == "open_fails") return meters::event{ev::valve_fault{meters::valve_fault::open_fails}};
    if (kind == "close_fails") return meters::event{ev::valve_fault{meters::valve_fault::close_fails}};
    in.fail("kind", "expected damaged, open_fails or close_fails, found \"" + kind + "\"");
    return failed(in);
}

meters::result<meters::event, refusal> read_conditions(body_reader& in) {
    auto t = in.decimal_e4("temperature_c", true);
    auto p = in.decimal_e4("pressure_kpa", true);
    if (!in.ok()) return failed(in);
    return meters::event{ev::conditions{meters::decimal::from_e4(*t), meters::decimal::from_e4(*p)}};
}

/// The event a body describes, or the refusal naming the field.
meters::result<meters::event, refusal> read_event(json_value const& body) {
    body_reader in(body);
    auto type = in.text("type", true);
    if (!in.ok()) return failed(in);
    std::string const& t = *type;
    if (t == "consume") return read_volume_event(in, false);
    if (t == "flow") return read_volume_event(in, true);
    if (t == "alarm") return read_alarm(in, true);
    if (t == "clear_alarm") return read_alarm(in, false);
    if (t == "battery") return read_battery(in);
    if (t == "battery_replaced") return meters::event{ev::battery_replaced{}};
    if (t == "button") return meters::event{ev::button{}};
    if (t == "offline") return meters::event{ev::offline{}};
    if (t == "online") return meters::event{ev::online{}};
    if (t == "wake") return meters::event{ev::wake{}};
    if (t == "valve_fault") return read_valve_fault(in);
    if (t == "valve_repaired") return meters::event{ev::valve_repaired{}};
    if (t == "conditions") return read_conditions(in);
    in.fail("type",
            "unknown event type \"" + t +
                "\" (expected consume, flow, alarm, clear_alarm, battery, battery_replaced, button, offline, "
                "online, wake, valve_fault, valve_repaired or conditions)");
    return failed(in);
}

ojson effects_view(meters::effects const& fx, meters::utc_offset zone) {
    ojson alarms = ojson::array();
    for (auto const& a : fx.alarms) {
        alarms.push_back(ojson{{"code", meters::to_string(a.code)},
                               {"name", meters::info(a.code).name_en},
                               {"raised", a.raised},
                               {"at", local_text(a.at, zone)}});
    }
    ojson valve = ojson::array();
    for (auto const& v : fx.valve)
        valve.push_back(ojson{{"event", meters::to_string(v.kind)}, {"at", local_text(v.at, zone)}});
    return ojson{{"consumed", meters::to_string(fx.consumed)},
                 {"reports", fx.reports.size()},
                 {"alarms", std::move(alarms)},
                 {"valve", std::move(valve)}};
}

http::response post_event(admin_context& ctx, http::request const& req) {
    auto no = req.path_param("meterNo").value_or("");
    auto* m = ctx.fleet.find(no);
    if (m == nullptr) return refuse({404, "meterNo", "no meter \"" + std::string(no) + "\""});
    auto body = body_object(req);
    if (!body) return refuse(body.error());
    auto event = read_event(body.value());
    if (!event) return refuse(event.error());
    auto const fx = ctx.fleet.inject(*m, event.value());
    ojson out = meter_summary(ctx, *m);
    out["effects"] = effects_view(fx, ctx.fleet.options().zone);
    return answer(out);
}

}  // namespace

void add_event_routes(http::router& r, admin_context& ctx) {
    r.post("/admin/meters/{meterNo}/events", guarded(ctx, post_event));
}

}  // namespace metersim::sim::admin

// Steps: the step map itself (one kind key, name, expect, save) and the kinds that act: call,
// advance, event, set, and the blocks repeat and for_each_meter. The faults and the expectations
// are in loader_expect.cpp.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "meters/alarms.hpp"
#include "scenarios/loader_internal.hpp"

namespace metersim::scenarios::detail {

namespace {

constexpr std::array<std::string_view, 12> step_kinds = {
    "call", "advance", "event", "fault", "cis_answer", "expect_push", "expect_no_push", "expect_request",
    "expect_meter", "set", "repeat", "for_each_meter"};
constexpr std::array<std::string_view, 15> step_keys = {
    "name", "expect", "save", "call", "advance", "event", "fault", "cis_answer", "expect_push", "expect_no_push",
    "expect_request", "expect_meter", "set", "repeat", "for_each_meter"};
constexpr int max_block_depth = 16;

bool is_step_kind(std::string_view k) { return std::find(step_kinds.begin(), step_kinds.end(), k) != step_kinds.end(); }

/// The fields an admin API event type takes (sim/admin/admin_events.cpp), required first.
struct event_fields {
    std::vector<std::string_view> required;
    std::vector<std::string_view> optional;
};

std::optional<event_fields> fields_of(std::string_view type) {
    if (type == "consume") return event_fields{{"m3"}, {}};
    if (type == "flow") return event_fields{{}, {"m3_per_hour"}};
    if (type == "alarm" || type == "clear_alarm") return event_fields{{"code"}, {}};
    if (type == "battery") return event_fields{{"volts"}, {}};
    if (type == "valve_fault") return event_fields{{}, {"kind"}};
    if (type == "conditions") return event_fields{{"temperature_c", "pressure_kpa"}, {}};
    for (std::string_view bare : {"battery_replaced", "button", "offline", "online", "wake", "valve_repaired"})
        if (type == bare) return event_fields{{}, {}};
    return std::nullopt;
}

constexpr std::string_view event_types =
    "consume, flow, alarm, clear_alarm, battery, battery_replaced, button, offline, online, wake, valve_fault, "
    "valve_repaired or conditions";

}  // namespace

std::vector<step> reader::read_steps(field const& f, int depth) {
    std::vector<step> out;
    if (depth > max_block_depth) {
        wrong(f, fmt::format("blocks nested at most {} deep", max_block_depth));
        return out;
    }
    if (f.value.IsNull() || (f.value.IsSequence() && f.value.size() == 0)) {
        wrong(f, "a list of at least one step");
        return out;
    }
    for (auto const& item : items(f, "a list of steps")) {
        if (exhausted_) break;
        if (auto s = read_step(item, depth)) out.push_back(std::move(*s));
    }
    return out;
}

std::optional<step> reader::read_step(field const& f, int depth) {
    constexpr std::string_view shape = "a step: a map with one step kind (call, advance, event, ...)";
    if (!f.value.IsDefined() || !f.value.IsMap()) {
        wrong(f, shape);
        return std::nullopt;
    }
    step s;
    s.at = pos(f.mark());
    field const *kind = nullptr, *name = nullptr, *expect = nullptr, *save = nullptr;
    auto const errors_before = errors.size();
    auto got = entries(f, step_keys, shape);
    for (auto const& g : got) {
        if (g.key == "name") name = &g;
        else if (g.key == "expect") expect = &g;
        else if (g.key == "save") save = &g;
        else if (kind)
            error_at(g.where, fmt::format("{}: found a second step kind \"{}\" beside \"{}\", expected exactly one "
                                          "step kind per step", f.path, g.key, kind->key));
        else kind = &g;
    }
    if (!kind) {
        if (errors.size() > errors_before) return std::nullopt;  // an unknown key said it already
        error_at(f.mark(), fmt::format("{}: found no step kind, expected one of: {}", f.path, one_of(step_kinds)));
        return std::nullopt;
    }
    if (name && name->value.IsDefined() && !name->value.IsNull()) s.name = text(*name).value_or("");
    if (expect && kind->key != "call")
        error_at(expect->where, fmt::format("{}: found expect beside {}, expected expect only with call (the "
                                            "expect_* step kinds say what they expect themselves)", f.path, kind->key));
    if (save && kind->key != "call" && kind->key != "expect_push")
        error_at(save->where, fmt::format("{}: found save beside {}, expected save only with call or expect_push",
                                          f.path, kind->key));
    bool ok = read_kind(*kind, s, depth);
    if (ok && expect && kind->key == "call") read_call_expect(*expect, std::get<call_step>(s.what));
    if (save && (kind->key == "call" || kind->key == "expect_push")) read_save(*save, s);
    if (!ok) return std::nullopt;
    return s;
}

bool reader::read_kind(field const& kind, step& s, int depth) {
    auto const& k = kind.key;
    if (!is_step_kind(k)) return false;
    if (k == "call") s.what = read_call(kind);
    else if (k == "advance") s.what = read_advance(kind);
    else if (k == "event") s.what = read_event(kind);
    else if (k == "fault") s.what = read_fault(kind);
    else if (k == "cis_answer") s.what = read_cis_answer(kind);
    else if (k == "expect_push") s.what = read_expect_push(kind);
    else if (k == "expect_no_push") s.what = read_expect_no_push(kind);
    else if (k == "expect_request") s.what = read_expect_request(kind);
    else if (k == "expect_meter") s.what = read_expect_meter(kind);
    else if (k == "set") s.what = read_set(kind);
    else if (k == "repeat") s.what = read_repeat(kind, depth);
    else s.what = read_for_each(kind, depth);
    return true;
}

void reader::read_save(field const& f, step& s) {
    std::vector<std::string> names;
    for (auto const& e : map_entries(f, "a map of variable name -> field path")) {
        auto name = var_name(e);
        auto path = field_path(e);
        if (!name || !path) continue;
        s.save.emplace_back(*name, *path);
        names.push_back(*name);
    }
    // Saved after the step ran: the step itself cannot use them.
    for (auto const& n : names) define(n);
}

call_step reader::read_call(field const& f) {
    call_step c;
    auto got = entries(f, {"platform", "method", "path", "query", "headers", "auth", "body"},
                       "a map {platform, method, path, query, headers, auth, body}");
    require(f, got, "platform", "the platform to call");
    require(f, got, "path", "the endpoint's path, such as /iotcloud/app/devices/v1.0.0/register");
    for (auto const& g : got) {
        auto const& k = g.key;
        if (read_request_line(g, c.platform, c.method, c.path, "POST")) continue;
        if (k == "query") c.query = texts(g);
        else if (k == "headers") c.headers = texts(g);
        else if (k == "auth") c.signed_auth = word(g, {"signed", "none"}).value_or("signed") == "signed";
        else if (g.value.IsNull()) wrong(g, "a map, a list or a text");
        else c.body = to_value(g);
    }
    return c;
}

void reader::read_call_expect(field const& f, call_step& c) {
    for (auto const& g : entries(f, {"status", "body"}, "a map {status, body}")) {
        if (g.key == "status") c.expect_status = status(g);
        else c.expect_body = expectations(g);
    }
}

advance_step reader::read_advance(field const& f) {
    advance_step a;
    constexpr std::string_view shape = "a duration such as 2h, or a map {to: \"yyyy-MM-dd HH:mm:ss\"}";
    if (f.value.IsDefined() && f.value.IsScalar()) {
        a.by = duration(f);
        return a;
    }
    if (!f.value.IsDefined() || !f.value.IsMap()) {
        wrong(f, shape);
        return a;
    }
    auto got = entries(f, {"to"}, shape);
    require(f, got, "to", "a time \"yyyy-MM-dd HH:mm:ss\"");
    for (auto const& g : got) {
        a.to = time(g);
        if (a.to && *a.to < start_) {
            wrong(g, "a time at or after the scenario's start");
            a.to.reset();
        }
    }
    return a;
}

event_step reader::read_event(field const& f) {
    event_step e;
    e.event.at = pos(f.mark());
    auto got = map_entries(f, "a map {meter, type, ...the event's fields}");
    require(f, got, "meter", "the meter's number");
    require(f, got, "type", event_types);
    std::string type;
    for (auto const& g : got) {
        if (g.key == "type") {
            if (!scalar(g, event_types)) continue;
            type = g.value.Scalar();
            if (!fields_of(type)) {
                wrong(g, event_types);
                type.clear();
            }
        }
    }
    e.event.k = value::kind::map;
    for (auto const& g : got) {
        if (g.key == "meter") e.meter = meter(g).value_or("");
        else e.event.fields.emplace_back(g.key, to_value(g));
    }
    if (!type.empty()) check_event_fields(f, type, got);
    return e;
}

void reader::check_event_fields(field const& f, std::string const& type, std::vector<field> const& got) {
    auto spec = *fields_of(type);
    for (auto r : spec.required) require(f, got, r, "a decimal or a code, as the admin API takes it");
    for (auto const& g : got) {
        auto const& k = g.key;
        if (k == "meter" || k == "type") continue;
        bool known = std::find(spec.required.begin(), spec.required.end(), k) != spec.required.end() ||
                     std::find(spec.optional.begin(), spec.optional.end(), k) != spec.optional.end();
        if (!known) {
            std::string allowed = "meter, type";
            for (auto n : spec.required) allowed += fmt::format(", {}", n);
            for (auto n : spec.optional) allowed += fmt::format(", {}", n);
            error_at(g.where, fmt::format("{}: found unknown key \"{}\" for a {} event, expected one of: {}", f.path,
                                          shown(k), type, allowed));
            continue;
        }
        if (g.value.IsScalar() && has_var(g.value.Scalar())) continue;  // checked when the step runs
        if (k == "code") {
            constexpr std::string_view expected = "an alarm code such as \"0009H\" or a name such as magnetic_interference";
            if (scalar(g, expected) && !meters::parse_alarm_code(g.value.Scalar()) &&
                !meters::alarm_from_name(g.value.Scalar()))
                wrong(g, expected);
        } else if (k == "kind") {
            word(g, {"damaged", "open_fails", "close_fails"});
        } else if (k == "m3_per_hour" && g.value.IsNull()) {
            continue;  // back to the meter's own profile
        } else if (auto d = decimal(g)) {
            if (k == "volts" && (*d < 0 || *d > 100'000 || *d % 10 != 0))
                wrong(g, "volts from 0 to 10 in millivolt steps");
            else if ((k == "m3" || k == "m3_per_hour") && *d < 0) wrong(g, "a volume not below 0");
        }
    }
}

set_step reader::read_set(field const& f) {
    set_step s;
    for (auto const& e : map_entries(f, "a map of variable name -> text")) {
        auto name = var_name(e);
        auto t = text(e, "a text");
        if (!name || !t) continue;
        s.vars.emplace_back(*name, *t);
        define(*name);
    }
    return s;
}

repeat_step reader::read_repeat(field const& f, int depth) {
    repeat_step r;
    auto got = entries(f, {"times", "steps"}, "a map {times, steps}");
    require(f, got, "times", "how many times, 1 or more");
    require(f, got, "steps", "a list of steps");
    locals_.push_back("i");
    for (auto const& g : got) {
        if (g.key == "times") r.times = integer(g, 1, 1'000'000).value_or(1);
        else r.steps = read_steps(g, depth + 1);
    }
    locals_.pop_back();
    return r;
}

for_each_meter_step reader::read_for_each(field const& f, int depth) {
    for_each_meter_step x;
    auto got = entries(f, {"platform", "model", "steps"}, "a map {platform, model, steps}");
    require(f, got, "steps", "a list of steps");
    locals_.push_back("meter");
    for (auto const& g : got) {
        if (g.key == "platform") x.platform = platform(g).value_or("");
        else if (g.key == "model") x.model = model(g).value_or("");
        else x.steps = read_steps(g, depth + 1);
    }
    locals_.pop_back();
    return x;
}

}  // namespace metersim::scenarios::detail

// Commands (spec: xianfeng §2.1-§2.4).

#include "platforms/common/field_check.hpp"
#include "sim/json/text.hpp"
#include "platforms/xianfeng/creat_body.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

constexpr std::size_t batch_limit = 10;  // spec: xianfeng §2.3 "最多10条"

std::string lower_hex(std::string_view s) {
    std::string out(s);
    for (auto& ch : out) ch = static_cast<char>(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
    return out;
}

/// The parts of a creatCmd body the store needs.
struct creat_request {
    method_call call;
    std::optional<std::int64_t> expire_time_s;
    std::optional<std::int64_t> expire_count;
};

/// The body through the DOM and the checked readers (every shape, every error).
api_result<creat_request> read_general(api_result<object_reader> body, meter_traits const& traits) {
    if (!body) return body.error();
    auto const& b = body.value();
    auto command = b.object_field("command");
    if (!command) return command.error();
    // spec: xianfeng §2.1 and the reading notes: expireTime 1 s..31 days (default 2 days),
    // expireCount 1..5 (default 3; the type column's 1-3 is the narrower misprint).
    auto time_s = b.optional_integer_field("expireTime", int_range{1, max_expire_time_s});
    if (!time_s) return time_s.error();
    auto count = b.optional_integer_field("expireCount", int_range{1, max_expire_count});
    if (!count) return count.error();
    auto call = parse_command(command.value(), traits);
    if (!call) return call.error();
    return creat_request{std::move(call.value()), time_s.value(), count.value()};
}

/// The command a queryCmd / cancelCmd query names: its device (checked as every endpoint checks
/// it), the commandId as sent and in lower case, and the command and its device (null when the
/// store does not hold it).
struct named_command {
    device_ref device;
    std::string_view id;
    std::string lower;
    command_record* command = nullptr;
    device_commands* owner = nullptr;
};

api_result<named_command> command_from_query(platform::impl& p, exchange& ex) {
    auto ref = p.device_from_query(ex, false);
    if (!ref) return ref.error();
    auto const id = ex.req.query("commandId");
    if (!id || id->empty()) return missing_field(codes::bad_parameter, "commandId");
    if (auto e = check_hex32("commandId", codes::bad_parameter, *id)) return *e;
    named_command n{ref.value(), *id, lower_hex(*id)};
    if (auto const cref = parse_command_id(n.lower)) {
        n.command = p.commands.find(*cref, p.sched.now());
        n.owner = p.commands.device_of(*cref);
    }
    return n;
}

bool json_content_type(sim::http::request const& req) {
    auto const type = req.header("Content-Type");
    return type && type->find("application/json") != std::string_view::npos;
}

}  // namespace

api_result<device_commands*> platform::impl::command_device(device_record& d) {
    auto* known = commands.device_at(d.command_slot);
    auto& dc = known != nullptr ? *known : commands.ensure_device(d.device_id);
    d.command_slot = dc.slot;
    commands.refresh(dc, sched.now());
    auto why = commands.no_room(dc);
    if (!why) return &dc;
    // spec: appendix 7 500014 生成指令发生异常; the bounds are metersim's (commands.hpp).
    return make_api_error(codes::command_create_failed, "deviceId", "deviceId " + d.device_id + " " + *why);
}

endpoint_result platform::impl::do_creat_cmd(exchange& ex) {
    auto ref = device_from_query(ex, false);
    if (!ref) return ref.error();
    auto* m = ref.value().meter;
    auto& d = *ref.value().device;
    if (m == nullptr)
        return make_api_error(codes::command_unsupported, "deviceId",
                              "a concentrator takes no command of appendix 1");
    if (auto e = check_concentrator(d.device_no)) return *e;
    meter_traits traits;
    traits.mode = m->meter.model().billing;
    traits.has_valve = m->meter.model().valve.has_valve;
    traits.utc_offset = opts.utc_offset;
    // The §2.1 example's shape goes without a DOM (creat_body.hpp); anything else, the DOM.
    std::optional<valve_body> fast;
    if (traits.has_valve && json_content_type(ex.req)) fast = read_valve_body(ex.req.body);
    creat_request req;
    if (fast) {
        req.call.which = method::valve_control;
        req.call.command = meters::commands::valve_control{
            fast->close ? meters::commands::valve_action::close
                        : meters::commands::valve_action::open};
        req.call.gas_units = traits.mode == meters::billing_mode::gas_prepaid;
        req.expire_time_s = fast->expire_time_s;
        req.expire_count = fast->expire_count;
    } else {
        auto general = read_general(read_object(ex), traits);
        if (!general) return general.error();
        req = std::move(general.value());
    }
    auto dc = command_device(d);
    if (!dc) return dc.error();

    auto const now = sched.now();
    command_record r;
    r.set_call(std::move(req.call));
    r.updated_at = now;
    r.expire_at = now + std::chrono::seconds{req.expire_time_s.value_or(default_expire_time_s)};
    r.expire_count = static_cast<std::uint8_t>(req.expire_count.value_or(default_expire_count) & 7);
    auto const cref = commands.add(*dc.value(), std::move(r));
    std::string out;
    out.reserve(34);
    out += '"';
    append_command_id(out, cref);
    out += '"';
    return out;
}

endpoint_result platform::impl::do_query_cmd(exchange& ex) {
    auto named = command_from_query(*this, ex);
    if (!named) return named.error();
    auto const& n = named.value();
    if (n.command == nullptr)
        return make_api_error(codes::command_not_found, "commandId",
                                                "commandId " + std::string(n.id) + " is not known");
    if (n.owner->key != n.device.device->device_id)
        return make_api_error(codes::command_result_not_found, "commandId",
                                                "command " + n.lower + " is not for this device");
    return cmd_result_dto(n.lower, *n.command, opts.utc_offset);
}

endpoint_result platform::impl::do_batch_query_cmd(exchange& ex) {
    auto body = read_json(ex);
    if (!body) return body.error();
    auto list = array_reader::from(*body.value(), ex.ctx, "body",
                                   codes::batch_query_ids_invalid, batch_limit);
    if (!list) return list.error();
    if (list.value().empty())
        return invalid_field(codes::batch_query_ids_invalid, "body",
                             "must list 1 to 10 commandIds");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < list.value().size(); ++i) {
        auto id = list.value().string_at(i, length_limits{32, 32});
        if (!id) return id.error();
        std::string const where = "[" + std::to_string(i) + "]";
        if (auto e = check_hex32(where, codes::batch_query_ids_invalid, id.value()))
            return *e;
        auto const lower = lower_hex(id.value());
        auto* c = commands.find(lower, sched.now());
        if (c == nullptr)
            return make_api_error(codes::command_not_found, where,
                                  "commandId " + id.value() + " is not known");
        items.push_back(cmd_result_dto(lower, *c, opts.utc_offset));
    }
    return json_array(items);
}

endpoint_result platform::impl::do_cancel_cmd(exchange& ex) {
    auto named = command_from_query(*this, ex);
    if (!named) return named.error();
    auto const& n = named.value();
    auto* c = n.command;
    auto* dc = n.owner;
    auto const& lower = n.lower;
    if (c == nullptr || dc->key != n.device.device->device_id)
        return make_api_error(codes::command_not_found, "commandId",
                                                "commandId " + std::string(n.id) +
                                                    " is not a command of this device");
    if (c->state != command_state::pending)  // spec: xianfeng §2.4 only 待发送 commands
        return make_api_error(
            codes::command_not_cancellable, "commandId",
            "command " + lower + " is in state " + std::to_string(static_cast<int>(c->state)) +
                ", not pending (0)");
    commands.set_state(*dc, *c, command_state::cancelled, sched.now());
    return std::string("null");
}

/// cmdResultDTO (spec: xianfeng §2.2), written directly.
std::string cmd_result_dto(std::string_view command_id, command_record const& c,
                           std::chrono::minutes utc_offset) {
    std::string out;
    out.reserve(c.has_result() ? 160 : 96);
    json_text j(out);
    j.begin_object();
    j.field("commandId", command_id);
    j.number("commandState", static_cast<int>(c.state));
    j.compact_time("commandUpdateTime", c.updated_at, utc_offset);
    if (c.has_result()) {
        j.key("resultDetail");
        std::string detail;
        append_result_object(detail, c.result());
        j.raw(detail);
    } else {
        j.field("resultDetail", "");  // spec: xianfeng §2.3 example, a command not yet answered
    }
    j.end_object();
    return out;
}

}  // namespace metersim::platforms::xianfeng

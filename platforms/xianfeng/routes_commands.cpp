// Commands (spec: xianfeng §2.1-§2.4).

#include "platforms/common/field_check.hpp"
#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

namespace {

template <class T>
api_result<T> fail(api_error e) {
    return meters::unexpected{std::move(e)};
}

constexpr std::size_t batch_limit = 10;  // spec: xianfeng §2.3 "最多10条"

std::string lower_hex(std::string_view s) {
    std::string out(s);
    for (auto& ch : out) ch = static_cast<char>(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
    return out;
}

}  // namespace

endpoint_result platform::impl::do_creat_cmd(exchange& ex) {
    auto ref = device_from_query(ex, false);
    if (!ref) return fail<std::string>(ref.error());
    auto* m = ref.value().meter;
    auto& d = *ref.value().device;
    if (m == nullptr)
        return fail<std::string>(make_api_error(codes::command_unsupported, "deviceId",
                                                "a concentrator takes no command of appendix 1"));
    if (auto e = check_concentrator(d.device_no)) return fail<std::string>(*e);
    auto body = read_body(ex);
    if (!body) return fail<std::string>(body.error());
    auto const& b = body.value();
    auto command = b.object_field("command");
    if (!command) return fail<std::string>(command.error());
    // spec: xianfeng §2.1 and the reading notes: expireTime 1 s..31 days (default 2 days),
    // expireCount 1..5 (default 3; the type column's 1-3 is the narrower misprint).
    auto time_s = b.optional_integer_field("expireTime", int_range{1, max_expire_time_s});
    if (!time_s) return fail<std::string>(time_s.error());
    auto count = b.optional_integer_field("expireCount", int_range{1, max_expire_count});
    if (!count) return fail<std::string>(count.error());
    meter_traits traits;
    traits.mode = m->meter.model().billing;
    traits.has_valve = m->meter.model().valve.has_valve;
    traits.utc_offset = opts.utc_offset;
    auto call = parse_command(command.value(), traits);
    if (!call) return fail<std::string>(call.error());
    if (commands.queued(d.device_id) >= opts.max_queued_commands)  // spec: appendix 7 500014
        return fail<std::string>(make_api_error(
            codes::command_create_failed, "deviceId",
            "deviceId " + d.device_id + " already has " + std::to_string(opts.max_queued_commands) +
                " commands waiting for its next session"));

    auto const now = sched.now();
    command_record r;
    r.device_id = d.device_id;
    r.call = std::move(call.value());
    r.created_at = now;
    r.updated_at = now;
    r.expire_at = now + std::chrono::seconds{time_s.value().value_or(default_expire_time_s)};
    r.expire_count = count.value().value_or(default_expire_count);
    auto& stored = commands.add(std::move(r));
    std::string id = stored.command_id;
    stored.expiry_event = schedule(stored.expire_at, [this, id] { expire(id); });
    return json_string(id);
}

endpoint_result platform::impl::do_query_cmd(exchange& ex) {
    auto ref = device_from_query(ex, false);
    if (!ref) return fail<std::string>(ref.error());
    auto const id = ex.req.query("commandId");
    if (!id || id->empty()) return fail<std::string>(missing_field(codes::bad_parameter, "commandId"));
    if (auto e = check_hex32("commandId", codes::bad_parameter, *id)) return fail<std::string>(*e);
    auto* c = commands.find(lower_hex(*id));
    if (c == nullptr)
        return fail<std::string>(make_api_error(codes::command_not_found, "commandId",
                                                "commandId " + std::string(*id) + " is not known"));
    if (c->device_id != ref.value().device->device_id)
        return fail<std::string>(make_api_error(codes::command_result_not_found, "commandId",
                                                "command " + c->command_id + " is not for this device"));
    return cmd_result_dto(*c, opts.utc_offset);
}

endpoint_result platform::impl::do_batch_query_cmd(exchange& ex) {
    auto body = parse_body(ex);
    if (!body) return fail<std::string>(body.error());
    auto list = array_reader::from(*body.value(), ex.ctx, "body",
                                   codes::batch_query_ids_invalid, batch_limit);
    if (!list) return fail<std::string>(list.error());
    if (list.value().empty())
        return fail<std::string>(invalid_field(codes::batch_query_ids_invalid, "body",
                                               "must list 1 to 10 commandIds"));
    std::vector<std::string> items;
    for (std::size_t i = 0; i < list.value().size(); ++i) {
        auto id = list.value().string_at(i, length_limits{32, 32});
        if (!id) return fail<std::string>(id.error());
        std::string const where = "[" + std::to_string(i) + "]";
        if (auto e = check_hex32(where, codes::batch_query_ids_invalid, id.value()))
            return fail<std::string>(*e);
        auto* c = commands.find(lower_hex(id.value()));
        if (c == nullptr)
            return fail<std::string>(make_api_error(codes::command_not_found, where,
                                                    "commandId " + id.value() + " is not known"));
        items.push_back(cmd_result_dto(*c, opts.utc_offset));
    }
    return json_array(items);
}

endpoint_result platform::impl::do_cancel_cmd(exchange& ex) {
    auto ref = device_from_query(ex, false);
    if (!ref) return fail<std::string>(ref.error());
    auto const id = ex.req.query("commandId");
    if (!id || id->empty()) return fail<std::string>(missing_field(codes::bad_parameter, "commandId"));
    if (auto e = check_hex32("commandId", codes::bad_parameter, *id)) return fail<std::string>(*e);
    auto* c = commands.find(lower_hex(*id));
    if (c == nullptr || c->device_id != ref.value().device->device_id)
        return fail<std::string>(make_api_error(codes::command_not_found, "commandId",
                                                "commandId " + std::string(*id) +
                                                    " is not a command of this device"));
    if (c->state != command_state::pending)  // spec: xianfeng §2.4 only 待发送 commands
        return fail<std::string>(make_api_error(
            codes::command_not_cancellable, "commandId",
            "command " + c->command_id + " is in state " +
                std::to_string(static_cast<int>(c->state)) + ", not pending (0)"));
    commands.dequeue(*c);
    finish(*c, command_state::cancelled, sched.now());
    return std::string("null");
}

}  // namespace metersim::platforms::xianfeng

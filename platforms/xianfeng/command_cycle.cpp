// The command life cycle (spec: xianfeng §2, commands.hpp): sending a device's next pending
// command when its meter holds a session, the meter's answer, device cancellation.

#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

void platform::impl::send_next(std::string const& device_id) {
    auto* d = commands.find_device(device_id);
    if (d == nullptr || d->active != 0) return;
    auto const now = sched.now();
    commands.refresh(*d, now);  // a command past its expireTime is never sent
    auto* c = commands.next_pending(*d);
    if (c == nullptr) return;
    ++c->attempts;
    commands.set_state(*d, *c, command_state::sending, now);
    command_ref const ref{d->slot, c->seq};
    schedule(now + opts.answer_delay, [this, ref] { answer(ref); });
}

void platform::impl::answer(command_ref ref) {
    auto const now = sched.now();
    auto* c = commands.find(ref, now);
    if (c == nullptr || c->state != command_state::sending) return;
    auto* cd = commands.device_at(ref.owner);
    std::string const device_id = cd->key;
    auto* d = devices.find_id(device_id);
    auto* m = d != nullptr ? meter_of(*d) : nullptr;
    if (m == nullptr || d->state != device_state::opened) {
        commands.set_state(*cd, *c, command_state::expired, now);
        return;
    }
    // The meter executes the command; its effects (a report, alarms) are pushed on the way.
    auto const effects = fleet.apply(*m, c->call().command);
    c = commands.find(ref, now);  // the stores may have changed meanwhile
    cd = commands.device_at(ref.owner);
    d = devices.find_id(device_id);
    if (c == nullptr || d == nullptr) return;
    meters::command_result r;
    if (effects.result) r = *effects.result;
    else r.error = meters::meter_errc::account_cancelled;  // no answer at all: a failure
    if (!r.accepted() && is_transient(*r.error)) {
        // spec: xianfeng §2.1 expireCount: a failed attempt; the command waits for the next
        // session (first in line: it is the oldest pending), unless it used up its attempts.
        commands.set_state(*cd, *c,
                           c->attempts >= c->expire_count ? command_state::expired
                                                          : command_state::pending,
                           now);
        return;
    }
    c->set_result(make_result_fields(c->call(), r, opts.utc_offset));
    commands.set_state(*cd, *c, r.accepted() ? command_state::success : command_state::failure,
                       now);
    push_response(*d, command_id_of(ref), c->result());
    send_next(device_id);  // the session goes on with the next command, in order
}

void platform::impl::cancel_device_commands(std::string const& device_id) {
    auto* d = commands.find_device(device_id);
    if (d == nullptr) return;
    auto const now = sched.now();
    commands.refresh(*d, now);
    for (auto* c : commands.pending_of(*d)) commands.set_state(*d, *c, command_state::expired, now);
}

}  // namespace metersim::platforms::xianfeng

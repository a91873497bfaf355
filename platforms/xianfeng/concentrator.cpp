// Concentrators (spec: xianfeng §3.1 msgDeviceType 1 / meterType 2, §5.9 ConcentratorDataInfo,
// appendix 5 status, appendix 6 events 1000H and 1001H). A concentrator is a device of the
// platform itself, not a meter of the fleet: it reports its own data on a fixed interval while
// it is registered, and raises its two events when told (admin API, scenarios).

#include "platforms/xianfeng/platform_impl.hpp"

namespace metersim::platforms::xianfeng {

bool platform::add_concentrator(concentrator_spec const& spec) {
    auto& p = *impl_;
    if (spec.concentrator_no.empty() || p.concentrators.contains(spec.concentrator_no) ||
        p.fleet.find(spec.concentrator_no) != nullptr)
        return false;
    concentrator c;
    c.spec = spec;
    c.status.mains_powered = spec.mains_powered;
    auto [it, _] = p.concentrators.emplace(spec.concentrator_no, std::move(c));
    p.devices.ensure(spec.concentrator_no, device_kind::concentrator, p.sched.now());
    for (auto const& no : spec.meter_nos) p.concentrator_of[no] = spec.concentrator_no;
    p.schedule_concentrator(it->second);
    return true;
}

void platform::attach_meter(std::string const& meter_no, std::string const& concentrator_no) {
    impl_->concentrator_of[meter_no] = concentrator_no;
}

bool platform::concentrator_alarm(std::string const& concentrator_no, meters::alarm_code code,
                                  bool raised) {
    auto& p = *impl_;
    auto it = p.concentrators.find(concentrator_no);
    if (it == p.concentrators.end()) return false;
    auto& status = it->second.status;
    if (code == meters::alarm_code::concentrator_low_voltage) {
        status.low_voltage = raised;
        status.battery_mv = raised ? 3100 : 3600;
    } else if (code == meters::alarm_code::concentrator_mains_lost) {
        status.mains_present = !raised;
    } else {
        return false;
    }
    auto* d = p.devices.find_no(concentrator_no);
    if (d == nullptr) return false;
    auto const now = p.sched.now();
    append_alarm_message(p.open_body(), p.source_of(*d, nullptr),
                         {meters::alarm_change{code, raised, now}}, now);
    d->last_alarm = p.close_body();
    if (d->state == device_state::opened) p.push_body(*d, "xianfeng.alarm", d->last_alarm);
    return true;
}

bool platform::concentrator_report(std::string const& concentrator_no) {
    if (!impl_->concentrators.contains(concentrator_no)) return false;
    impl_->report_concentrator(concentrator_no);
    return true;
}

void platform::impl::schedule_concentrator(concentrator& c) {
    std::string no = c.spec.concentrator_no;
    c.report_event = schedule(sched.now() + opts.concentrator_interval, [this, no] {
        auto it = concentrators.find(no);
        if (it == concentrators.end()) return;
        it->second.report_event = 0;
        report_concentrator(no);
        schedule_concentrator(it->second);
    });
}

void platform::impl::report_concentrator(std::string const& no) {
    auto it = concentrators.find(no);
    auto* d = devices.find_no(no);
    if (it == concentrators.end() || d == nullptr) return;
    auto const now = sched.now();
    append_concentrator_message(open_body(), source_of(*d, nullptr), it->second.status, now, now);
    d->last_report = close_body();
    if (d->state == device_state::opened) push_body(*d, "xianfeng.report", d->last_report);
}

}  // namespace metersim::platforms::xianfeng

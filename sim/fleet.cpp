#include "sim/fleet.hpp"

#include <utility>

#include "meters/rng.hpp"

namespace metersim::sim {

namespace {

/// `n` decimal digits drawn from `x` (deterministic: the same seed, the same number).
std::string digits_from(std::uint64_t x, std::size_t n) {
    std::string out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        out.push_back(static_cast<char>('0' + (x >> 33) % 10));
    }
    return out;
}

/// The Luhn check digit of `body` (IMEIs end with one).
char luhn_digit(std::string const& body) {
    int sum = 0;
    bool dbl = true;  // from the right, the digit next to the check digit is doubled
    for (auto it = body.rbegin(); it != body.rend(); ++it, dbl = !dbl) {
        int d = *it - '0';
        if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

/// A module's IMEI (TAC 86...: China) for a meter without one. 15 characters stay in the
/// string's inline buffer, so it costs no memory; the ICCID is derived on demand (iccid_of).
void give_imei(meters::meter_identity& id, std::uint64_t seed) {
    if (!id.imei.empty()) return;
    std::string body = "86" + digits_from(seed, 12);
    id.imei = body + luhn_digit(body);
}

}  // namespace

std::string fleet::iccid_of(fleet_meter const& m) {
    auto const& id = m.meter.identity();
    if (!id.iccid.empty()) return id.iccid;
    return "8986" + digits_from(m.meter.seed() ^ 0x5bd1e995ULL, 16);
}

fleet::fleet(scheduler& sched, catalogue const& cat, fleet_options opts)
    : sched_(sched), catalogue_(cat), opts_(opts), by_no_(&fleet::meter_no_of, this),
      by_device_(&fleet::device_id_of, this), history_(opts.history_capacity) {}

std::string_view fleet::meter_no_of(void const* self, std::uint32_t index) noexcept {
    return static_cast<fleet const*>(self)->meters_[index].meter.identity().meter_no;
}

std::string_view fleet::device_id_of(void const* self, std::uint32_t index) noexcept {
    return static_cast<fleet const*>(self)->meters_[index].meter.identity().device_id;
}

meters::result<fleet_meter*, std::string> fleet::manufacture(manufacture_request const& req) {
    auto const* entry = catalogue_.find(req.model);
    if (entry == nullptr) return std::string("unknown model '" + req.model + "'");
    if (req.identity.meter_no.empty()) return std::string("meter number is empty");
    if (by_no_.contains(req.identity.meter_no))
        return std::string("meter " + req.identity.meter_no + " exists");
    if (!req.identity.device_id.empty() && by_device_.contains(req.identity.device_id))
        return std::string("device id " + req.identity.device_id + " is taken");
    auto const seed = meters::seed_for(opts_.seed, req.identity.meter_no);
    auto identity = req.identity;
    give_imei(identity, seed);
    auto state = meters::meter::manufacture(entry->model, std::move(identity), seed, opts_.zone,
                                            sched_.now());
    return add(*entry, std::move(state));
}

meters::result<fleet_meter*, std::string> fleet::restore(std::string_view model,
                                                         meters::meter_state state) {
    auto const* entry = catalogue_.find(model);
    if (entry == nullptr) return std::string("unknown model '" + std::string(model) + "'");
    if (state.identity.meter_no.empty()) return std::string("meter number is empty");
    if (by_no_.contains(state.identity.meter_no))
        return std::string("meter " + state.identity.meter_no + " exists");
    return add(*entry, std::move(state));
}

fleet_meter* fleet::add(catalogue_entry const& entry, meters::meter_state state) {
    auto const index = static_cast<std::uint32_t>(meters_.size());
    auto& m = meters_.emplace_back(fleet_meter{&entry, index, 0, meters::instant::max(),
                                               meters::meter(entry.model, std::move(state))});
    removed_.push_back(false);
    changed_.push_back(false);
    by_no_.assign(m.meter_no(), index);
    if (auto const& device = m.meter.identity().device_id; !device.empty()) by_device_.assign(device, index);
    reschedule(m);
    return &m;
}

void fleet::remove(fleet_meter& m) {
    if (removed_[m.index]) return;
    removed_[m.index] = true;
    mark_changed(m);
    if (m.wake_event != 0) sched_.cancel(m.wake_event);
    m.wake_event = 0;
    m.wake_at = meters::instant::max();
    by_no_.erase(m.meter.identity().meter_no);
    if (!m.meter.identity().device_id.empty()) by_device_.erase(m.meter.identity().device_id);
}

fleet_meter* fleet::find(std::string_view meter_no) noexcept {
    auto const index = by_no_.find(meter_no);
    return index ? &meters_[*index] : nullptr;
}

fleet_meter* fleet::find_device(std::string_view device_id) noexcept {
    auto const index = by_device_.find(device_id);
    return index ? &meters_[*index] : nullptr;
}

void fleet::bind_device(fleet_meter& m, std::string device_id) {
    // The index asks the meters for their keys: unbind under the old id, bind under the new.
    auto id = m.meter.identity();
    if (!id.device_id.empty()) by_device_.erase(id.device_id);
    id.device_id = std::move(device_id);
    m.meter.set_identity(std::move(id));
    mark_changed(m);
    if (auto const& bound = m.meter.identity().device_id; !bound.empty()) by_device_.assign(bound, m.index);
}

bool fleet::rename(fleet_meter& m, std::string new_meter_no) {
    if (new_meter_no.empty() || by_no_.contains(new_meter_no)) return false;
    auto id = m.meter.identity();
    by_no_.erase(id.meter_no);
    id.meter_no = std::move(new_meter_no);
    m.meter.set_identity(std::move(id));
    by_no_.assign(m.meter_no(), m.index);
    mark_changed(m);
    return true;
}

std::vector<fleet_meter*> fleet::list(std::string_view platform, std::size_t offset,
                                      std::size_t limit) {
    std::vector<fleet_meter*> out;
    std::size_t skipped = 0;
    for (std::size_t i = 0; i < meters_.size(); ++i) {
        auto& m = meters_[i];
        if (out.size() >= limit) break;
        if (removed_[m.index]) continue;
        if (!platform.empty() && m.platform() != platform) continue;
        if (skipped++ < offset) continue;
        out.push_back(&m);
    }
    return out;
}

std::size_t fleet::count(std::string_view platform) const {
    if (platform.empty()) return size();
    std::size_t n = 0;
    for (std::size_t i = 0; i < meters_.size(); ++i)
        if (!removed_[i] && meters_[i].platform() == platform) ++n;
    return n;
}

std::uint64_t fleet::state_checksum() const {
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < meters_.size(); ++i) {
        if (removed_[i]) continue;
        auto const& m = meters_[i].meter;
        auto const& b = m.billing();
        for (std::int64_t x : {b.reading.e4(), b.balance.e4(), b.gas_balance.e4(), b.cycle_usage.e4(),
                               static_cast<std::int64_t>(m.battery_mv()),
                               static_cast<std::int64_t>(m.valve_causes())})
            h = meters::mix64(h ^ static_cast<std::uint64_t>(x));
    }
    return h;
}

void fleet::set_listener(std::string const& platform, fleet_listener* l) {
    if (l == nullptr) listeners_.erase(platform);
    else listeners_[platform] = l;
}

fleet_listener* fleet::listener_for(fleet_meter const& m) const noexcept {
    if (listeners_.empty()) return nullptr;
    auto it = listeners_.find(m.platform());
    return it == listeners_.end() ? nullptr : it->second;
}

meters::effects fleet::apply(fleet_meter& m, meters::command const& c) {
    auto e = m.meter.apply(c, sched_.now());
    dispatch(m, e);
    reschedule(m);
    return e;
}

meters::effects fleet::inject(fleet_meter& m, meters::event const& ev) {
    auto e = m.meter.inject(ev, sched_.now());
    dispatch(m, e);
    reschedule(m);
    return e;
}

void fleet::touch(fleet_meter& m) {
    if (removed_[m.index]) return;
    auto e = m.meter.advance_to(sched_.now());
    if (!e.empty()) dispatch(m, e);
    reschedule(m);
}

void fleet::on_wake(std::uint32_t index) {
    auto& m = meters_[index];
    m.wake_event = 0;
    m.wake_at = meters::instant::max();
    if (removed_[index]) return;
    ++wakes_;
    auto e = m.meter.advance_to(sched_.now());
    dispatch(m, e);
    reschedule(m);
}

void fleet::dispatch(fleet_meter& m, meters::effects const& e) {
    reports_ += e.reports.size();
    for (auto const& r : e.reports) history_.append(m.index, r);
    auto* l = listener_for(m);
    if (l == nullptr) return;
    l->on_effects(m, e);
    // A report is a radio session: the platform may now deliver what it queued. A session
    // that applies commands produces effects of its own; those do not open another session.
    if (!e.reports.empty() && depth_ == 0) {
        ++depth_;
        l->on_session(m, sched_.now());
        --depth_;
    }
}

void fleet::prefetch_heap_of(void const* m) noexcept {
    static_cast<fleet_meter const*>(m)->meter.prefetch_heap();
}

void fleet::mark_changed(fleet_meter const& m) {
    if (changed_[m.index]) return;
    changed_[m.index] = true;
    changed_list_.push_back(m.index);
}

std::vector<std::uint32_t> fleet::take_changed() {
    for (auto const i : changed_list_) changed_[i] = false;
    return std::exchange(changed_list_, {});
}

void fleet::reschedule(fleet_meter& m) {
    if (removed_[m.index]) return;
    mark_changed(m);
    auto const next = m.meter.next_wake();
    if (next == m.wake_at && m.wake_event != 0) return;
    if (m.wake_event != 0) sched_.cancel(m.wake_event);
    m.wake_event = 0;
    m.wake_at = next;
    if (next == meters::instant::max()) return;
    auto const index = m.index;
    m.wake_event = sched_.at(next, [this, index] { on_wake(index); },
                             touch_hint{&m, fleet_meter::hot_bytes(), &prefetch_heap_of});
}

}  // namespace metersim::sim

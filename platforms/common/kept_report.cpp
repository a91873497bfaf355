#include "platforms/common/kept_report.hpp"

#include <cstring>

namespace metersim::platforms {

namespace {

/// Whether the report's signal texts fit the inline room (cell id, NUL, fcn, NUL) and hold no NUL.
bool texts_fit(meters::signal_info const& s, std::size_t room) noexcept {
    return s.cell_id.size() + 1 + s.fcn.size() <= room &&
           s.cell_id.find('\0') == std::string::npos && s.fcn.find('\0') == std::string::npos;
}

/// What only the whole report can hold.
bool needs_whole(meters::meter_report const& r, std::size_t room) noexcept {
    return !r.active_alarms.empty() || r.price_change || r.temperature_c || r.pressure_kpa ||
           r.flow_per_hour || !texts_fit(r.signal, room);
}

}  // namespace

kept_report::kept_report(kept_report const& o) { *this = o; }

kept_report& kept_report::operator=(kept_report const& o) {
    if (this == &o) return *this;
    if (o.empty()) clear();
    else store(o.load());
    return *this;
}

void kept_report::clear() noexcept {
    present_ = false;
    frozen_ = meters::packed_records{};
    whole_.reset();
}

void kept_report::store(meters::meter_report const& r) {
    present_ = true;
    if (needs_whole(r, text_room)) {
        if (whole_) *whole_ = r;  // reuses the vectors' room
        else whole_ = std::make_unique<meters::meter_report>(r);
        frozen_ = meters::packed_records{};
        return;
    }
    whole_.reset();
    at_ = r.at;
    reading_ = r.reading.e4();
    cycle_usage_ = r.cycle_usage.e4();
    balance_ = r.balance.e4();
    gas_balance_ = r.gas_balance.e4();
    bought_money_ = r.total_bought_money.e4();
    used_money_ = r.total_used_money.e4();
    bought_gas_ = r.total_bought_gas.e4();
    used_gas_ = r.total_used_gas.e4();
    price_ = r.current_price.e4();
    rsrp_ = r.signal.rsrp.e4();
    snr_ = r.signal.snr.e4();
    buy_count_ = r.buy_count;
    battery_mv_ = r.battery_mv;
    csq_ = r.signal.csq;
    ecl_ = r.signal.ecl;
    valve_causes_ = r.valve_causes;
    reason_ = r.reason;
    account_ = r.account;
    mode_ = r.mode;
    valve_ = r.valve;
    ladder_no_ = r.ladder_no;
    lost_contact_ = r.lost_contact;
    std::memset(text_, 0, sizeof text_);
    std::memcpy(text_, r.signal.cell_id.data(), r.signal.cell_id.size());
    std::memcpy(text_ + r.signal.cell_id.size() + 1, r.signal.fcn.data(), r.signal.fcn.size());
    frozen_.assign(r.frozen);  // in the block of the previous report's records
}

meters::meter_report kept_report::load() const {
    if (whole_) return *whole_;
    meters::meter_report r;
    r.reason = reason_;
    r.at = at_;
    r.account = account_;
    r.mode = mode_;
    r.reading = meters::volume::from_e4(reading_);
    r.cycle_usage = meters::volume::from_e4(cycle_usage_);
    r.balance = meters::money::from_e4(balance_);
    r.gas_balance = meters::volume::from_e4(gas_balance_);
    r.total_bought_money = meters::money::from_e4(bought_money_);
    r.total_used_money = meters::money::from_e4(used_money_);
    r.total_bought_gas = meters::volume::from_e4(bought_gas_);
    r.total_used_gas = meters::volume::from_e4(used_gas_);
    r.buy_count = buy_count_;
    r.current_price = meters::price::from_e4(price_);
    r.ladder_no = ladder_no_;
    r.valve = valve_;
    r.valve_causes = valve_causes_;
    r.battery_mv = battery_mv_;
    r.signal.csq = csq_;
    r.signal.rsrp = meters::decimal::from_e4(rsrp_);
    r.signal.snr = meters::decimal::from_e4(snr_);
    r.signal.ecl = ecl_;
    r.signal.cell_id = std::string(text_);
    r.signal.fcn = std::string(text_ + r.signal.cell_id.size() + 1);
    r.lost_contact = lost_contact_;
    if (!frozen_.empty()) r.frozen = frozen_.unpack();
    return r;
}

}  // namespace metersim::platforms

#include "sim/catalogue.hpp"

#include <chrono>

namespace metersim::sim {

namespace {

using namespace std::chrono_literals;
using meters::billing_mode;
using meters::money;
using meters::volume;

/// A NB-IoT diaphragm meter with a valve and a Li-SOCl2 cell: the common base.
meters::meter_model nb_diaphragm(std::string name, std::string protocol, billing_mode mode) {
    meters::meter_model m;
    m.name = std::move(name);
    m.protocol = std::move(protocol);
    m.billing = mode;
    m.valve.has_valve = true;
    m.valve.transit = 6s;
    m.close_on = meters::credit_close::at_zero;
    m.low_money_warning = money::from_units(10);
    m.overdraft_limit = money::from_units(-10);
    m.low_gas_warning = volume::from_units(5);
    m.gas_overdraft_limit = volume::from_units(-2);
    m.battery = meters::battery_params{};  // 3.6 V nominal, 3.3 V low, 3.0 V failure
    m.comm = meters::comm_type::nb_iot;
    m.report_interval = 24h;
    m.report_time = 2h;
    m.report_jitter = 30min;
    m.idle_days = 30;
    return m;
}

void add_cnmcsp(catalogue& c) {
    // spec: cnmcsp §5.3.1 example: MeterParamModel "CNMCPUJE", MeterProtocol "CNModbusV61".
    c.add({.key = "cn-nb-money",
           .platform = "cnmcsp",
           .vendor_model = "CNMCPUJE",
           .description = "CNMCSP NB-IoT meter, money prepaid on the meter, CNModbusV61",
           .model = nb_diaphragm("cn-nb-money", "CNModbusV61", billing_mode::money_prepaid)});
    // System-side billing (§1: 系统计费): the CIS bills, the meter reports and obeys the valve.
    // The document names no model code for it; "CNMCNBXT" is metersim's catalogue code.
    auto sys = nb_diaphragm("cn-nb-system", "CNModbusV61", billing_mode::backend);
    sys.close_on = meters::credit_close::stays_open;
    c.add({.key = "cn-nb-system",
           .platform = "cnmcsp",
           .vendor_model = "CNMCNBXT",
           .description = "CNMCSP NB-IoT meter, billed by the system (CIS), remote valve",
           .model = std::move(sys)});
}

/// A diaphragm model of a platform: its key (also the model's name), billing and description.
struct diaphragm_kind {
    char const* key;
    billing_mode mode;
    char const* description;
};

void add_xianfeng(catalogue& c) {
    for (auto const& k : {
             diaphragm_kind{"xf-nb-money", billing_mode::money_prepaid,
                            "Xianfeng NB-IoT diaphragm meter, money prepaid on the meter (chargeType 2)"},
             diaphragm_kind{"xf-nb-gas", billing_mode::gas_prepaid,
                            "Xianfeng NB-IoT diaphragm meter, gas volume prepaid on the meter (chargeType 1)"},
             diaphragm_kind{"xf-nb-backend", billing_mode::backend,
                            "Xianfeng NB-IoT diaphragm meter, billed by the backend (chargeType 0)"},
         }) {
        auto m = nb_diaphragm(k.key, "xianfeng-nb", k.mode);
        // the gas meters want a button press after a top-up
        m.valve.recharge_needs_button = k.mode == billing_mode::gas_prepaid;
        c.add({.key = k.key,
               .platform = "xianfeng",
               .description = k.description,
               .xianfeng_meter_type = "0",
               .model = std::move(m)});
    }

    // spec: xianfeng §5.6, §5.8: a GPRS meter with money prepaid on the meter (内置GPRS表端预付费),
    // whose FrozenValueInfo records carry dayUseValue, totalBuyValue, totalUseValue and
    // surplusValue (issue 16 item 11).
    auto gprs_money = nb_diaphragm("xf-gprs-money", "xianfeng-gprs", billing_mode::money_prepaid);
    gprs_money.comm = meters::comm_type::gprs;
    c.add({.key = "xf-gprs-money",
           .platform = "xianfeng",
           .description = "Xianfeng GPRS diaphragm meter, money prepaid on the meter (chargeType 2, commType 0)",
           .xianfeng_meter_type = "0",
           .model = std::move(gprs_money)});

    // A commercial flow meter: GPRS, no valve of its own, temperature and pressure (§5.4).
    auto flow_m = nb_diaphragm("xf-flow", "xianfeng-flow", billing_mode::backend);
    flow_m.comm = meters::comm_type::gprs;
    flow_m.valve.has_valve = false;
    flow_m.close_on = meters::credit_close::stays_open;
    flow_m.flow_meter = true;
    flow_m.report_interval = 1h;
    flow_m.report_time = 0h;
    flow_m.report_jitter = 2min;
    flow_m.idle_days = 0;
    c.add({.key = "xf-flow",
           .platform = "xianfeng",
           .description = "Xianfeng GPRS flow meter with temperature and pressure, backend billed",
           .xianfeng_meter_type = "1",
           .model = std::move(flow_m)});
}

void add_xintian(catalogue& c) {
    // Postpaid (§3.7.1 CreateMeter PayType 1 后付费): the meter still bills at its ladder prices
    // (GetUserInfo calls it 表端计费) and takes RemotePay, but a balance below zero is owed, not
    // enforced: nothing on the meter closes the valve for lack of money.
    // Third-party billing (§3.6): the CIS prices every report and sets balance and valve.
    struct xintian_kind {
        diaphragm_kind kind;
        int pay_type;
        bool postpaid;
    };
    for (auto const& [k, pay_type, postpaid] : {
             xintian_kind{{"xt-nb-meter", billing_mode::money_prepaid,
                           "Xintian NB-IoT meter, billed on the meter (PayType 1, MeterTypeID 51)"},
                          1, false},
             xintian_kind{{"xt-nb-postpaid", billing_mode::money_prepaid,
                           "Xintian NB-IoT meter, postpaid (CreateMeter PayType 1), MeterTypeID 51"},
                          1, true},
             xintian_kind{{"xt-nb-thirdparty", billing_mode::backend,
                           "Xintian NB-IoT meter, billed by a third party (PayType 2, report per §3.6)"},
                          2, false},
         }) {
        auto m = nb_diaphragm(k.key, "xintian-nb", k.mode);
        if (postpaid) m.close_on = meters::credit_close::stays_open;
        c.add({.key = k.key,
               .platform = "xintian",
               .vendor_model = "51",
               .description = k.description,
               .xintian_pay_type = pay_type,
               .model = std::move(m)});
    }
}

}  // namespace

catalogue catalogue::builtin() {
    catalogue c;
    add_cnmcsp(c);
    add_xianfeng(c);
    add_xintian(c);
    return c;
}

bool catalogue::add(catalogue_entry e) {
    if (find(e.key) != nullptr) return false;
    entries_.push_back(std::make_unique<catalogue_entry>(std::move(e)));
    return true;
}

catalogue_entry const* catalogue::find(std::string_view key) const noexcept {
    for (auto const& e : entries_)
        if (e->key == key) return e.get();
    return nullptr;
}

catalogue_entry const* catalogue::find_vendor_model(std::string_view platform,
                                                    std::string_view vendor_model) const noexcept {
    for (auto const& e : entries_)
        if (e->platform == platform && e->vendor_model == vendor_model) return e.get();
    return nullptr;
}

catalogue_entry const* catalogue::find_by_mode(std::string_view platform,
                                               meters::billing_mode mode) const noexcept {
    for (auto const& e : entries_)
        if (e->platform == platform && e->model.billing == mode) return e.get();
    return nullptr;
}

std::vector<catalogue_entry const*> catalogue::entries() const {
    std::vector<catalogue_entry const*> out;
    out.reserve(entries_.size());
    for (auto const& e : entries_) out.push_back(e.get());
    return out;
}

}  // namespace metersim::sim

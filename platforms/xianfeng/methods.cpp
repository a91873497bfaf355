#include "platforms/xianfeng/methods.hpp"

#include <array>
#include <optional>

#include "meters/fixed4_text.hpp"
#include "meters/tariff.hpp"
#include "platforms/common/field_check.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/xianfeng/codec_price.hpp"
#include "platforms/xianfeng/errors.hpp"

namespace metersim::platforms::xianfeng {

namespace {

using meters::billing_mode;

// spec: xianfeng appendix 7, one code per parameter of appendix 1.
constexpr std::string_view c_bad_parameter = codes::bad_parameter;
constexpr std::string_view c_unsupported = codes::command_unsupported;
constexpr std::string_view c_valve = codes::valve_param_invalid;
constexpr std::string_view c_billing_method = codes::billing_method_invalid;
constexpr std::string_view c_prepaid_type = codes::prepaid_type_invalid;
constexpr std::string_view c_surplus = codes::surplus_value_invalid;
constexpr std::string_view c_price = codes::price_invalid;
constexpr std::string_view c_ladder_no = codes::ladder_no_invalid;
constexpr std::string_view c_account_date = codes::account_date_invalid;
constexpr std::string_view c_encode_open = codes::account_open_encode_failed;
constexpr std::string_view c_ladder_gas = codes::ladder_gas_invalid;
constexpr std::string_view c_ladder_order = codes::ladder_gas_descending;
constexpr std::string_view c_price_time = codes::price_time_invalid;
constexpr std::string_view c_price_ver = codes::price_version_invalid;
constexpr std::string_view c_price_period = codes::price_period_invalid;
constexpr std::string_view c_ladder_time = codes::ladder_time_invalid;
constexpr std::string_view c_clear_mark = codes::clear_mark_invalid;
constexpr std::string_view c_bill_no = codes::bill_no_invalid;
constexpr std::string_view c_recharge_value = codes::recharge_value_invalid;
constexpr std::string_view c_card_no = codes::card_no_invalid;
constexpr std::string_view c_gas_type = codes::gas_type_invalid;
constexpr std::string_view c_ladder_value = codes::ladder_value_invalid;
constexpr std::string_view c_encode_price = codes::price_change_encode_failed;
constexpr std::string_view c_price_read = codes::price_read_encode_failed;

constexpr std::int64_t max_amount_e4 = 21474836400;  // 2147483.64 (§4.2, §4.4, §4.8, §4.9)

constexpr std::array<std::string_view, 5> price_names = {"priceOne", "priceTwo", "priceThree",
                                                         "priceFour", "priceFive"};
constexpr std::array<std::string_view, 4> ladder_names = {"ladderGasOne", "ladderGasTwo",
                                                          "ladderGasThree", "ladderGasFour"};

api_error unsupported(std::string_view method_name, std::string_view why) {
    return make_api_error(c_unsupported, "command.method",
                          std::string(method_name) + " is not supported by this device: " +
                              std::string(why));
}

/// A decimal with at most `places` decimals within [min_e4, max_e4], under one code.
api_result<std::int64_t> amount(object_reader const& p, std::string_view name,
                                std::string_view code, int places, std::int64_t min_e4,
                                std::int64_t max_e4) {
    auto v = p.fixed4_e4_field(field{name, code}, places);
    if (!v) return v;
    if (auto e = check_range_e4(p.path() + "." + std::string(name), code, v.value(), min_e4,
                                max_e4))
        return *e;
    return v;
}

api_result<std::int64_t> integer(object_reader const& p, std::string_view name,
                                  std::string_view code, std::int64_t lo, std::int64_t hi) {
    return p.integer_field(field{name, code}, int_range{lo, hi});
}

api_result<meters::instant> date(object_reader const& p, std::string_view name,
                                 std::string_view code, std::chrono::minutes offset) {
    auto s = p.string_field(field{name, code}, length_limits{14, 14});
    if (!s) return s.error();
    return parse_date_field(p.path() + "." + std::string(name), code, s.value(),
                            timestamp_format::compact, offset);
}

/// The prepaidType parameter, which must match the meter (0 money, 1 gas).
api_result<bool> prepaid_type(object_reader const& p, meter_traits const& t, bool money_only) {
    auto v = integer(p, "prepaidType", c_prepaid_type, 0, 1);
    if (!v) return v.error();
    bool const gas = v.value() == 1;
    bool const meter_gas = t.mode == billing_mode::gas_prepaid;
    if ((money_only && gas) || (!money_only && gas != meter_gas))
        return invalid_field(c_prepaid_type, p.path() + ".prepaidType",
                             gas ? "1 (gas) does not match this money meter"
                                 : "0 (money) does not match this gas meter");
    return gas;
}

/// The price system of §4.2 / §4.6, checked field by field, then as a whole.
api_result<meters::tariff> price_system(object_reader const& p, std::chrono::minutes offset,
                                        std::string_view encode_code) {
    xianfeng_price x;
    for (std::size_t i = 0; i < price_names.size(); ++i) {
        auto v = amount(p, price_names[i], c_price, 2, 0, 300000);
        if (!v) return v.error();
        x.prices[i] = meters::price::from_e4(v.value());
    }
    for (std::size_t i = 0; i < ladder_names.size(); ++i) {
        auto v = integer(p, ladder_names[i], c_ladder_gas, 0, 2147483647);
        if (!v) return v.error();
        x.ladders[i] = meters::volume::from_units(v.value());
        if (i > 0 && x.ladders[i] < x.ladders[i - 1])  // spec: xianfeng §4.6 note
            return invalid_field(
                c_ladder_order, p.path() + "." + std::string(ladder_names[i]),
                "must not be below " + std::string(ladder_names[i - 1]));
    }
    auto ver = integer(p, "priceVer", c_price_ver, 1, 255);
    if (!ver) return ver.error();
    auto period = integer(p, "pricePeriod", c_price_period, 1, 255);
    if (!period) return period.error();
    auto price_time = date(p, "priceTime", c_price_time, offset);
    if (!price_time) return price_time.error();
    auto ladder_time = date(p, "ladderTime", c_ladder_time, offset);
    if (!ladder_time) return ladder_time.error();
    auto clear = integer(p, "clearMark", c_clear_mark, 0, 1);
    if (!clear) return clear.error();
    auto gas_type = integer(p, "gasType", c_gas_type, 1, 255);
    if (!gas_type) return gas_type.error();
    x.price_ver = static_cast<std::int32_t>(ver.value());
    x.price_period = static_cast<std::int32_t>(period.value());
    x.price_time = price_time.value();
    x.ladder_time = ladder_time.value();
    x.clear_mark = clear.value() == 1;
    x.gas_type = static_cast<std::int32_t>(gas_type.value());
    auto t = from_xianfeng(x);
    if (!t)
        return make_api_error(
            encode_code, p.path() + "." + t.error().field,
            "the price system cannot be encoded: " + t.error().field + " " + t.error().reason);
    return t.value();
}

api_result<meters::command> valve_control(object_reader const& p, meter_traits const& t) {
    if (!t.has_valve) return unsupported("VALVE_CONTROL", "no valve");
    auto flag = integer(p, "controlFlag", c_valve, 0, 1);
    if (!flag) return flag.error();
    meters::commands::valve_control c;
    c.action = flag.value() == 1 ? meters::commands::valve_action::close : meters::commands::valve_action::open;
    return meters::command{c};
}

// spec: xianfeng §4.2, with the table's continuation (billNo, rechargeValue, cardNo) as the
// reading notes of specs/README.md restore it.
api_result<meters::command> account_open(object_reader const& p, meter_traits const& t) {
    auto gas = prepaid_type(p, t, false);
    if (!gas) return gas.error();
    meters::commands::open_account c;
    if (!gas.value()) {
        auto tariff = price_system(p, t.utc_offset, c_encode_open);
        if (!tariff) return tariff.error();
        c.price = tariff.value();
    } else {
        auto gas_type = integer(p, "gasType", c_gas_type, 1, 255);
        if (!gas_type) return gas_type.error();
    }
    auto bill = integer(p, "billNo", c_bill_no, 0, 65535);
    if (!bill) return bill.error();
    auto value = amount(p, "rechargeValue", c_recharge_value, 2, 0, max_amount_e4);
    if (!value) return value.error();
    auto card = p.string_field(field{"cardNo", c_card_no}, length_limits{10, 10});
    if (!card) return card.error();
    if (auto e = check_digits(p.path() + ".cardNo", c_card_no, card.value(), 10))
        return *e;
    c.bill_no = static_cast<std::uint32_t>(bill.value());
    c.card_no = card.value();
    if (gas.value()) c.opening_credit = meters::volume::from_e4(value.value());
    else c.opening_credit = meters::money::from_e4(value.value());
    return meters::command{c};
}

api_result<meters::command> recharge_remote(object_reader const& p, meter_traits const& t) {
    auto gas = prepaid_type(p, t, false);
    if (!gas) return gas.error();
    auto bill = integer(p, "billNo", c_bill_no, 1, 65535);
    if (!bill) return bill.error();
    auto value = amount(p, "rechargeValue", c_recharge_value, 2, -max_amount_e4, max_amount_e4);
    if (!value) return value.error();
    if (value.value() == 0)
        return 
            invalid_field(c_recharge_value, p.path() + ".rechargeValue", "must not be zero");
    // Not in §4.4's table, but appendix 7 has its code (500037): checked when sent.
    if (p.has("rechargeTime")) {
        auto when = date(p, "rechargeTime", codes::recharge_time_invalid, t.utc_offset);
        if (!when) return when.error();
    }
    meters::commands::recharge c;
    c.bill_no = static_cast<std::uint32_t>(bill.value());
    c.refund = value.value() < 0;  // spec: xianfeng §4.4 "小于零为扣款"
    std::int64_t const abs_e4 = c.refund ? -value.value() : value.value();
    if (gas.value()) c.amount = meters::volume::from_e4(abs_e4);
    else c.amount = meters::money::from_e4(abs_e4);
    c.trade_no = std::to_string(bill.value());
    return meters::command{c};
}

api_result<meters::command> ladder_value_change(object_reader const& p) {
    auto v = amount(p, "ladderValue", c_ladder_value, 1, 0, 2147483647000);
    if (!v) return v.error();
    return meters::command{meters::commands::set_ladder_usage{meters::volume::from_e4(v.value())}};
}

api_result<meters::command> price_change(object_reader const& p, meter_traits const& t) {
    auto tariff = price_system(p, t.utc_offset, c_encode_price);
    if (!tariff) return tariff.error();
    return meters::command{meters::commands::set_tariff{tariff.value()}};
}

api_result<meters::command> price_read(object_reader const& p) {
    auto type = integer(p, "priceType", c_price_read, 0, 1);
    if (!type) return type.error();
    return meters::command{meters::commands::read_price{type.value() == 1}};
}

/// The backend figures of §4.8 (billingMethod 1) and §4.9.
api_result<meters::backend_terms> backend_terms(object_reader const& p, meter_traits const& t,
                                                bool ladder_required) {
    auto gas = prepaid_type(p, t, true);  // spec: §4.8/§4.9 "当前仅支持金额"
    if (!gas) return gas.error();
    meters::backend_terms terms;
    auto surplus = amount(p, "surplusValue", c_surplus, 2, -max_amount_e4, max_amount_e4);
    if (!surplus) return surplus.error();
    auto unit = amount(p, "price", c_price, 2, 0, 300000);
    if (!unit) return unit.error();
    std::int64_t ladder = 1;
    if (ladder_required || p.has("ladderNo")) {
        auto l = integer(p, "ladderNo", c_ladder_no, 1, 7);
        if (!l) return l.error();
        ladder = l.value();
    }
    auto when = date(p, "accountDate", c_account_date, t.utc_offset);
    if (!when) return when.error();
    terms.prepaid = true;
    terms.surplus = meters::money::from_e4(surplus.value());
    terms.unit_price = meters::price::from_e4(unit.value());
    terms.ladder_no = static_cast<std::uint8_t>(ladder);
    terms.account_date = when.value();
    return terms;
}

api_result<meters::command> backend_open(object_reader const& p, meter_traits const& t) {
    auto billing = integer(p, "billingMethod", c_billing_method, 0, 1);
    if (!billing) return billing.error();
    meters::commands::open_account c;
    if (billing.value() == 1) {
        auto terms = backend_terms(p, t, true);
        if (!terms) return terms.error();
        c.backend = terms.value();  // the balance travels in the terms, not as a credit
    } else {
        meters::backend_terms postpaid;
        postpaid.prepaid = false;  // spec: xianfeng §4.8 0-后付费: the meter shows its reading
        c.backend = postpaid;
    }
    return meters::command{c};
}

api_result<meters::command> balance_sync(object_reader const& p, meter_traits const& t) {
    auto terms = backend_terms(p, t, false);
    if (!terms) return terms.error();
    return meters::command{meters::commands::sync_balance{terms.value()}};
}

std::optional<method> method_of(std::string_view name, billing_mode mode) {
    if (name == "VALVE_CONTROL") return method::valve_control;
    if (name == "ACCOUNT_OPEN")
        return mode == billing_mode::backend ? method::backend_open : method::account_open;
    if (name == "ACCOUNT_CANCEL") return method::account_cancel;
    if (name == "RECHARGE_REMOTE") return method::recharge_remote;
    if (name == "LADDER_VALUE_CHANGE") return method::ladder_value_change;
    if (name == "PRICE_CHANGE") return method::price_change;
    if (name == "PRICE_READ") return method::price_read;
    if (name == "BALANCE_SYNC") return method::balance_sync;
    return std::nullopt;
}

/// Which meters a method is for (the titles of §4.2-§4.9).
std::optional<std::string_view> unsupported_reason(method m, billing_mode mode) {
    bool const money = mode == billing_mode::money_prepaid;
    bool const backend = mode == billing_mode::backend;
    switch (m) {
        case method::account_cancel:
        case method::recharge_remote:
            if (backend) return "it is for meters prepaid on the meter";
            break;
        case method::ladder_value_change:
        case method::price_change:
        case method::price_read:
            if (!money) return "it is for meters prepaid in money on the meter";
            break;
        case method::balance_sync:
            if (!backend) return "it is for backend-billed meters";
            break;
        default: break;
    }
    return std::nullopt;
}

api_result<meters::command> parse_paras(method m, object_reader const& p, meter_traits const& t) {
    switch (m) {
        case method::valve_control: return valve_control(p, t);
        case method::account_open: return account_open(p, t);
        case method::account_cancel:
            return meters::command{meters::commands::cancel_account{true}};
        case method::recharge_remote: return recharge_remote(p, t);
        case method::ladder_value_change: return ladder_value_change(p);
        case method::price_change: return price_change(p, t);
        case method::price_read: return price_read(p);
        case method::backend_open: return backend_open(p, t);
        case method::balance_sync: return balance_sync(p, t);
    }
    return make_api_error(c_bad_parameter, "command.method", "unknown");
}

std::string two_places(std::int64_t e4) { return meters::format_e4_places(e4, 2); }

}  // namespace

std::string_view to_string(method m) noexcept {
    switch (m) {
        case method::valve_control: return "VALVE_CONTROL";
        case method::account_open: return "ACCOUNT_OPEN";
        case method::account_cancel: return "ACCOUNT_CANCEL";
        case method::recharge_remote: return "RECHARGE_REMOTE";
        case method::ladder_value_change: return "LADDER_VALUE_CHANGE";
        case method::price_change: return "PRICE_CHANGE";
        case method::price_read: return "PRICE_READ";
        case method::backend_open: return "ACCOUNT_OPEN";
        case method::balance_sync: return "BALANCE_SYNC";
    }
    return "UNKNOWN";
}

api_result<method_call> parse_command(object_reader const& command, meter_traits const& traits) {
    auto name = command.string_field(field{"method", c_bad_parameter}, length_limits{1, 32});
    if (!name) return name.error();
    auto m = method_of(name.value(), traits.mode);
    if (!m)
        return make_api_error(
            c_unsupported, command.path() + ".method",
            "command.method " + name.value() + " is not a command method of appendix 1");
    if (auto why = unsupported_reason(*m, traits.mode))
        return unsupported(name.value(), *why);
    auto paras = command.optional_object_field(field{"paras", c_bad_parameter});
    if (!paras) return paras.error();
    static json_value const empty = json_value::object();
    api_result<object_reader> reader =
        paras.value() ? api_result<object_reader>(*paras.value())
                      : object_reader::from(empty, command.context(), command.path() + ".paras");
    if (!reader) return reader.error();
    auto cmd = parse_paras(*m, reader.value(), traits);
    if (!cmd) return cmd.error();
    method_call call;
    call.which = *m;
    call.command = std::move(cmd.value());
    call.gas_units = traits.mode == billing_mode::gas_prepaid;
    return call;
}

result_fields make_result_fields(method_call const& call, meters::command_result const& r,
                                 std::chrono::minutes utc_offset) {
    result_fields out;
    out.emplace_back("commandResult", r.accepted() ? "0" : "1");
    if (!r.accepted()) return out;
    if (call.which == method::recharge_remote) {  // spec: xianfeng §4.4 返回结果
        out.emplace_back("billNo", std::to_string(r.bill_no));
        if (r.surplus_gas) out.emplace_back("surplusValue", two_places(r.surplus_gas->e4()));
        else if (r.surplus_money)
            out.emplace_back("surplusValue", two_places(r.surplus_money->e4()));
    }
    if (call.which == method::price_read && r.price) {  // spec: xianfeng §4.7 返回结果
        auto const x = to_xianfeng(*r.price);
        out.emplace_back("priceTime", format_instant(x.price_time, timestamp_format::compact,
                                                     utc_offset));
        out.emplace_back("priceVer", std::to_string(x.price_ver));
        out.emplace_back("ladderTime", format_instant(x.ladder_time, timestamp_format::compact,
                                                      utc_offset));
        out.emplace_back("pricePeriod", std::to_string(x.price_period));
        for (std::size_t i = 0; i < price_names.size(); ++i) {
            out.emplace_back(std::string(price_names[i]), two_places(x.prices[i].e4()));
            if (i < ladder_names.size())
                out.emplace_back(std::string(ladder_names[i]),
                                 std::to_string(x.ladders[i].e4() / meters::volume::scale));
        }
    }
    return out;
}

bool is_transient(meters::meter_errc e) noexcept {
    return e == meters::meter_errc::valve_fault || e == meters::meter_errc::battery_failure;
}

}  // namespace metersim::platforms::xianfeng

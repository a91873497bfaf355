#include "platforms/xintian/codec.hpp"

#include <fmt/format.h>

#include <utility>

#include "meters/fixed4_text.hpp"
#include "platforms/common/field_check.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/common/valve_codes.hpp"
#include "platforms/xintian/errors.hpp"

namespace metersim::platforms::xintian {

namespace {

constexpr auto as_string = declared_as::string;

/// Keys the spec does not define are recorded (a misnamed field then also fails as missing).
void note_unknown(object_reader const& r, std::initializer_list<std::string_view> known) {
    for (auto const& k : r.unknown_keys(known))
        r.context().deviations.push_back(deviation{k, "unknown key", r.context().section, "not in the spec's table", false});
}

/// An optional string, "" when absent.
api_result<std::string> text(object_reader const& r, std::string_view name) {
    auto v = r.optional_string_field(field{name, codes::bad_format});
    if (!v) return v.error();
    return v->value_or(std::string{});
}

api_result<std::string> required_text(object_reader const& r, std::string_view name,
                                      std::string_view code = codes::bad_format) {
    auto v = r.optional_string_field(field{name, codes::bad_format});
    if (!v) return v.error();
    if (!*v || (*v)->empty()) return missing_field(code, name);
    return std::move(**v);
}

api_result<meters::instant> date_text(std::string_view name, std::string const& value,
                                      timestamp_format f, std::chrono::minutes zone) {
    return parse_date_field(name, codes::bad_format, value, f, zone);
}

/// A required Int of the spec, whose own code covers absence and bad values alike.
api_result<std::int64_t> coded_int(object_reader const& r, std::string_view name,
                                   std::string_view missing_code, std::string_view bad_code,
                                   std::initializer_list<std::int64_t> allowed) {
    auto v = r.optional_integer_field(field{name, bad_code});
    if (!v) return v.error();
    if (!*v) return missing_field(missing_code, name);
    for (auto a : allowed)
        if (a == **v) return **v;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::to_string(a);
    return invalid_field(bad_code, name, fmt::format("must be one of {}, got {}", list, **v));
}

/// UserCode and MeterAddr as given (either may be empty).
api_result<lookup> read_lookup(object_reader const& r) {
    auto user = text(r, "UserCode");
    if (!user) return user.error();
    auto meter = text(r, "MeterAddr");
    if (!meter) return meter.error();
    return lookup{std::move(*user), std::move(*meter)};
}

}  // namespace

api_result<lookup> parse_lookup(object_reader const& r) {
    auto who = read_lookup(r);
    // spec: xintian §3.1.1: 用户编号和表号不能都为空.
    if (who && who->user_code.empty() && who->meter_addr.empty())
        return make_api_error(codes::no_user_or_meter, "MeterAddr",
                              "UserCode and MeterAddr cannot both be empty");
    return who;
}

api_result<remote_pay_request> parse_remote_pay(object_reader const& r, std::chrono::minutes zone) {
    note_unknown(r, {"UserCode", "MeterAddr", "Money", "PayDate", "TransId", "PayWay"});
    remote_pay_request q;
    auto who = parse_lookup(r);
    if (!who) return who.error();
    q.who = std::move(*who);
    // spec: xintian §3.2.3: -3 TransId, -4 Money > 0, -5 PayDate, -6 PayWay.
    auto trans = required_text(r, "TransId", codes::pay_trans_id_empty);
    if (!trans) return trans.error();
    q.trans_id = std::move(*trans);
    auto money = r.optional_fixed4_field<meters::money>(field{"Money", codes::bad_format});
    if (!money) return money.error();
    if (!*money) return missing_field(codes::pay_money_invalid, "Money");
    if (!(*money)->is_positive())
        return invalid_field(codes::pay_money_invalid, "Money",
                             "must be greater than 0, got " + meters::to_string(**money));
    q.money = **money;
    auto date = required_text(r, "PayDate", codes::pay_date_empty);
    if (!date) return date.error();
    auto at = date_text("PayDate", *date, timestamp_format::spaced, zone);
    if (!at) return at.error();
    q.pay_date = *at;
    auto way = coded_int(r, "PayWay", codes::pay_way_invalid, codes::pay_way_invalid, {1, 2, 3, 4, 5});
    if (!way) return way.error();
    q.pay_way = static_cast<std::int32_t>(*way);
    return q;
}

api_result<pay_list_request> parse_pay_list(object_reader const& r, std::chrono::minutes zone) {
    note_unknown(r, {"UserCode", "MeterAddr", "TransId", "BeginDate", "EndDate"});
    pay_list_request q;
    auto who = read_lookup(r);
    if (!who) return who.error();
    auto trans = r.optional_string_field(field{"TransId", codes::bad_format});
    if (!trans) return trans.error();
    q.who = std::move(*who);
    q.trans_id = trans->value_or(std::string{});
    if (!q.trans_id.empty()) return q;  // spec: xintian §3.3.1: the rest may then be empty
    bool const nobody = q.who.user_code.empty() && q.who.meter_addr.empty();
    if (nobody && trans->has_value())
        return missing_field(codes::list_trans_id_empty, "TransId");
    if (nobody)
        return make_api_error(codes::no_user_or_meter, "MeterAddr",
                              "UserCode and MeterAddr cannot both be empty without TransId");
    auto begin = required_text(r, "BeginDate", codes::begin_date_empty);
    if (!begin) return begin.error();
    auto end = required_text(r, "EndDate", codes::end_date_empty);
    if (!end) return end.error();
    auto b = date_text("BeginDate", *begin, timestamp_format::date_only, zone);
    if (!b) return b.error();
    auto e = date_text("EndDate", *end, timestamp_format::date_only, zone);
    if (!e) return e.error();
    if (*b > *e)
        return invalid_field(codes::begin_after_end, "BeginDate",
                             "must not be after EndDate (" + *begin + " > " + *end + ")");
    q.begin = *b;
    q.end = *e + std::chrono::hours{24} - std::chrono::milliseconds{1};  // the whole end day
    return q;
}

api_result<control_valve_request> parse_control_valve(object_reader const& r) {
    note_unknown(r, {"UserCode", "MeterAddr", "ValveMode"});
    auto who = parse_lookup(r);
    if (!who) return who.error();
    // spec: xintian §3.4.3: -3 ValveMode empty, -4 ValveMode wrong.
    auto mode = coded_int(r, "ValveMode", codes::valve_mode_empty, codes::valve_mode_invalid, {1, 2, 3});
    if (!mode) return mode.error();
    return control_valve_request{std::move(*who), static_cast<std::int32_t>(*mode)};
}

namespace {

struct text_slot {
    std::string_view name;
    std::string meter_archive::*member;
    bool required;
};

constexpr text_slot create_texts[] = {
    {"UserCode", &meter_archive::user_code, true},     {"UserName", &meter_archive::user_name, true},
    {"Phone", &meter_archive::phone, false},           {"DeptId", &meter_archive::dept_id, true},
    {"DeptName", &meter_archive::dept_name, true},     {"DoorPlate", &meter_archive::doorplate, true},
    {"Address", &meter_archive::address, true},        {"MeterAddr", &meter_archive::meter_addr, true},
    {"IMEI", &meter_archive::imei, false},             {"InstallAddr", &meter_archive::install_addr, false},
    {"Remark", &meter_archive::remark, false},
};

std::optional<api_error> create_meter_enums(object_reader const& r, meter_archive& a) {
    // spec: xintian §3.7.1: PayType 1/3/5/6, CommProviderId 1/2/3, MeterTypeID 51/178; all String.
    auto pay = r.enum_field(field{"PayType", codes::bad_format}, {"1", "3", "5", "6"}, as_string);
    if (!pay) return pay.error();
    a.pay_type = std::move(*pay);
    auto type = r.enum_field(field{"MeterTypeID", codes::bad_format}, {"51", "178"}, as_string);
    if (!type) return type.error();
    a.meter_type_id = std::move(*type);
    auto provider = r.optional_enum_field(field{"CommProviderId", codes::bad_format}, {"1", "2", "3"}, as_string);
    if (!provider) return provider.error();
    a.comm_provider_id = provider->value_or(std::string{});
    // PriceTypeCode: required, except for PayType 6 (第三方收费).
    auto price = a.pay_type == "6" ? text(r, "PriceTypeCode") : required_text(r, "PriceTypeCode");
    if (!price) return price.error();
    a.price_type_code = std::move(*price);
    return std::nullopt;
}

}  // namespace

api_result<meter_archive> parse_create_meter(object_reader const& r, std::string_view today) {
    note_unknown(r, {"UserCode", "UserName", "Phone", "DeptId", "DeptName", "DoorPlate", "Address",
                     "MeterAddr", "IMEI", "MeterBase", "InstallDate", "InstallAddr", "PayType",
                     "CommProviderId", "Remark", "PriceTypeCode", "MeterTypeID"});
    meter_archive a;
    for (auto const& s : create_texts) {
        auto v = s.required ? required_text(r, s.name) : text(r, s.name);
        if (!v) return v.error();
        a.*s.member = std::move(*v);
    }
    if (auto e = create_meter_enums(r, a)) return *e;
    // MeterBase: a String holding a decimal, default 0.
    auto base = r.optional_fixed4_field<meters::volume>(field{"MeterBase", codes::bad_format}, 4, declared_as::either);
    if (!base) return base.error();
    a.meter_base = base->value_or(meters::volume{});
    if (a.meter_base.is_negative())
        return invalid_field(codes::bad_format, "MeterBase", "must not be negative");
    auto date = text(r, "InstallDate");
    if (!date) return date.error();
    if (!date->empty()) {
        if (auto e = check_date("InstallDate", codes::bad_format, *date, timestamp_format::date_only))
            return *e;
        a.install_date = std::move(*date);
    } else {
        a.install_date = std::string(today);
    }
    return a;
}

api_result<set_price_request> parse_set_price(object_reader const& r) {
    note_unknown(r, {"MeterAddr", "PriceTypeCode"});
    auto meter = required_text(r, "MeterAddr");
    if (!meter) return meter.error();
    auto code = required_text(r, "PriceTypeCode");
    if (!code) return code.error();
    return set_price_request{std::move(*meter), std::move(*code)};
}

api_result<change_meter_request> parse_change_meter(object_reader const& r) {
    note_unknown(r, {"MeterAddr", "NewMeterAddr", "NewIMEI", "NewCommProviderId", "PeriodDosage"});
    change_meter_request q;
    auto meter = required_text(r, "MeterAddr");
    if (!meter) return meter.error();
    auto next = required_text(r, "NewMeterAddr");
    if (!next) return next.error();
    auto imei = text(r, "NewIMEI");
    if (!imei) return imei.error();
    auto provider = r.optional_enum_field(field{"NewCommProviderId", codes::bad_format}, {"1", "2", "3"}, as_string);
    if (!provider) return provider.error();
    auto dosage = r.volume_field(field{"PeriodDosage", codes::bad_format});
    if (!dosage) return dosage.error();
    if (dosage->is_negative())
        return invalid_field(codes::bad_format, "PeriodDosage", "must not be negative");
    if (*next == *meter)
        return invalid_field(codes::bad_format, "NewMeterAddr", "must differ from MeterAddr");
    q.meter_addr = std::move(*meter);
    q.new_meter_addr = std::move(*next);
    q.new_imei = std::move(*imei);
    q.new_comm_provider_id = provider->value_or(std::string{});
    q.period_dosage = *dosage;
    return q;
}

namespace {

constexpr std::string_view divider_names[] = {"Divid1", "Divid2", "Divid3", "Divid4", "Divid5"};
constexpr std::string_view price_names[] = {"Price1", "Price2", "Price3", "Price4", "Price5", "Price6"};

std::optional<api_error> read_ladders(object_reader const& r, xintian_price& p) {
    // spec: xintian §3.10.1: dividers carry one decimal, prices two (specs/README.md).
    for (std::size_t i = 0; i < 5; ++i) {
        auto d = r.volume_field(field{divider_names[i], codes::bad_format}, 1);
        if (!d) return d.error();
        p.dividers[i] = *d;
    }
    for (std::size_t i = 0; i < 6; ++i) {
        auto v = r.price_field(field{price_names[i], codes::bad_format}, 2);
        if (!v) return v.error();
        p.prices[i] = *v;
    }
    return std::nullopt;
}

std::optional<api_error> read_cycle(object_reader const& r, xintian_price& p) {
    auto stair = r.int_enum_field(field{"StairType", codes::bad_format}, {1, 2, 3});
    if (!stair) return stair.error();
    auto month = r.integer_field(field{"FreezeMonth", codes::bad_format}, int_range{1, 12});
    if (!month) return month.error();
    auto day = r.integer_field(field{"FreezeDay", codes::bad_format}, int_range{1, 28});
    if (!day) return day.error();
    p.stair_type = static_cast<std::int32_t>(*stair);
    p.freeze_month = static_cast<std::int32_t>(*month);
    p.freeze_day = static_cast<std::int32_t>(*day);
    return std::nullopt;
}

}  // namespace

api_result<create_price_request> parse_create_price(object_reader const& r, std::chrono::minutes zone) {
    note_unknown(r, {"OperationType", "PriceTypeCode", "PriceTypeName", "Divid1", "Divid2", "Divid3",
                     "Divid4", "Divid5", "Price1", "Price2", "Price3", "Price4", "Price5", "Price6",
                     "StairType", "FreezeMonth", "FreezeDay", "ExeDate", "Remark"});
    create_price_request q;
    auto op = r.int_enum_field(field{"OperationType", codes::bad_format}, {1, 2});
    if (!op) return op.error();
    q.operation_type = static_cast<std::int32_t>(*op);
    auto code = required_text(r, "PriceTypeCode");
    if (!code) return code.error();
    auto name = required_text(r, "PriceTypeName");
    if (!name) return name.error();
    auto remark = text(r, "Remark");
    if (!remark) return remark.error();
    q.price_type_code = std::move(*code);
    q.price_type_name = std::move(*name);
    q.remark = std::move(*remark);
    q.price.price_type_code = q.price_type_code;
    if (auto e = read_ladders(r, q.price)) return *e;
    if (auto e = read_cycle(r, q.price)) return *e;
    auto exe = required_text(r, "ExeDate");
    if (!exe) return exe.error();
    auto at = date_text("ExeDate", *exe, timestamp_format::spaced, zone);
    if (!at) return at.error();
    q.price.exe_date = *at;
    auto t = from_xintian(q.price);
    if (!t) return invalid_field(codes::bad_format, t.error().field, t.error().reason);
    q.tariff = std::move(*t);
    return q;
}

// ---- answers ---------------------------------------------------------------------------------

std::int32_t valve_state_of(meters::valve_position p) noexcept {
    static constexpr valve_codes<std::int32_t> codes{.none = 1, .open = 1, .closed = 2, .opening = 2,
                                                     .closing = 1, .abnormal = 3, .damaged = 3, .unknown = 3};
    return code_of(codes, p);
}

meter_reading to_reading(meters::meter_report const& r) {
    meter_reading m{.at = r.at,
                    .reading = r.reading,
                    .period_dosage = r.cycle_usage,
                    .remnant = r.balance,
                    .cur_price = r.current_price,
                    .valve_state = valve_state_of(r.valve),
                    .battery_mv = r.battery_mv,
                    .battery_low = false,  // set from the alarms below
                    .csq = r.signal.csq,
                    .rsrp = r.signal.rsrp,
                    .snr = r.signal.snr,
                    .cc = r.signal.ecl,
                    .meter_status = {}};
    for (auto code : r.active_alarms) {
        if (code == meters::alarm_code::battery_low || code == meters::alarm_code::battery_failure)
            m.battery_low = true;
        if (!m.meter_status.empty()) m.meter_status += ',';
        m.meter_status += meters::to_string(code);
    }
    if (m.meter_status.empty()) m.meter_status = "0";
    return m;
}

namespace {
std::string spaced(meters::instant t, std::chrono::minutes zone) {
    return format_instant(t, timestamp_format::spaced, zone);
}
}  // namespace

std::string user_info_entry(meter_archive const& a, int pay_type) {
    std::string s;
    json_text w(s, bad_utf8::per_byte);
    w.begin_object();
    w.field("UserCode", a.user_code);
    w.field("UserName", a.user_name);
    w.field("Doorplate", a.doorplate);
    w.field("Address", a.address);
    w.field("Phone", a.phone);
    w.field("MeterAddr", a.meter_addr);
    w.number("PayType", pay_type);
    w.end_object();
    w.finish();
    return s;
}

std::string pay_entry(pay_record const& p, std::chrono::minutes zone) {
    std::string s;
    json_text w(s, bad_utf8::per_byte);
    w.begin_object();
    w.field("UserCode", p.user_code);
    w.field("MeterAddr", p.meter_addr);
    w.field("PayDate", spaced(p.pay_date, zone));
    w.decimal("Money", p.money.e4());
    w.number("PayID", p.pay_id);
    w.number("PayResult", static_cast<int>(p.result));
    w.field("TransId", p.trans_id);
    w.end_object();
    w.finish();
    return s;
}

void reading_fields(json_text& w, meter_archive const& a, meter_reading const& r) {
    w.begin_object();
    w.field("UserCode", a.user_code);
    w.field("UserName", a.user_name);
    w.field("MeterAddr", a.meter_addr);
    w.decimal("ReadNumber", r.reading.e4());
    w.decimal("Voltage", std::int64_t{r.battery_mv} * 10, 2);
    w.number("ValveState", r.valve_state);
    w.number("MeterCSQ", r.csq);
    w.decimal("RSRP", r.rsrp.e4(), 1);
    w.decimal("SNR", r.snr.e4(), 1);
    w.number("CC", r.cc);
    w.field("MeterStatus", r.meter_status);
    w.number("BatteryState", r.battery_low ? 1 : 0);
}

std::string data_entry(meter_archive const& a, meter_reading const& r, std::chrono::minutes zone) {
    std::string s;
    json_text w(s, bad_utf8::per_byte);
    reading_fields(w, a, r);
    w.decimal("Remnant", r.remnant.e4());
    w.field("ReadDate", spaced(r.at, zone));
    w.decimal("PeriodDosage", r.period_dosage.e4());
    w.decimal("CurPrice", r.cur_price.e4(), 2);  // spec: xintian §3.10, prices with 2 decimals
    w.end_object();
    w.finish();
    return s;
}

std::string no_data_entry(meter_archive const& a) {
    std::string s;
    json_text w(s, bad_utf8::per_byte);
    w.begin_object();
    // spec: xintian §3.5.2: who the meter is, then every reading field in its order, null:
    // nothing read yet, so nothing made up either.
    std::pair<std::string_view, std::string const*> const who[] = {
        {"UserCode", &a.user_code}, {"UserName", &a.user_name}, {"MeterAddr", &a.meter_addr}};
    for (auto const& [k, v] : who) w.field(k, *v);
    for (std::string_view k : {"ReadNumber", "Voltage", "ValveState", "MeterCSQ", "RSRP", "SNR", "CC", "MeterStatus",
                               "BatteryState", "Remnant", "ReadDate", "PeriodDosage", "CurPrice"}) {
        w.key(k);
        w.raw("null");
    }
    w.end_object();
    w.finish();
    return s;
}

}  // namespace metersim::platforms::xintian

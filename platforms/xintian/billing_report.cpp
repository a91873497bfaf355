#include "platforms/xintian/billing_report.hpp"

#include "platforms/common/field_check.hpp"
#include "platforms/common/json_reader.hpp"
#include "platforms/common/timestamp.hpp"
#include "platforms/xintian/errors.hpp"

namespace metersim::platforms::xintian {

namespace {

constexpr std::string_view section = "xintian §3.6";

api_result<std::optional<meters::instant>> optional_time(object_reader const& r, std::string_view name,
                                                         std::chrono::minutes zone) {
    auto v = r.optional_string_field(name);
    if (!v) return v.error();
    if (!*v || (*v)->empty()) return std::optional<meters::instant>{};
    auto at = parse_date_field(r.path().empty() ? name : r.path() + "." + std::string(name),
                               codes::report_failed, **v, timestamp_format::spaced, zone);
    if (!at) return at.error();
    return std::optional<meters::instant>{*at};
}

api_result<billing_answer> read_entry(object_reader const& e, std::chrono::minutes zone) {
    billing_answer a;
    auto addr = e.string_field("MeterAddr");
    if (!addr) return addr.error();
    a.meter_addr = std::move(*addr);
    auto price = e.price_field("UnitPrice");
    if (!price) return price.error();
    if (price->is_negative())
        return invalid_field(codes::report_failed, e.path() + ".UnitPrice", "must not be negative");
    a.unit_price = *price;
    auto remnant = e.money_field("Remnant");
    if (!remnant) return remnant.error();
    a.remnant = *remnant;
    auto mode = e.int_enum_field("ValveMode", {1, 2, 3});
    if (!mode) return mode.error();
    a.valve_mode = static_cast<std::int32_t>(*mode);
    auto rt = optional_time(e, "RemnantTime", zone);
    if (!rt) return rt.error();
    a.remnant_time = *rt;
    auto last = e.optional_fixed4_field<meters::money>("LastPayMoney");
    if (!last) return last.error();
    a.last_pay_money = *last;
    auto lt = optional_time(e, "LastPayTime", zone);
    if (!lt) return lt.error();
    a.last_pay_time = *lt;
    return a;
}

api_result<billing_answer> no_entry(std::string_view meter_addr) {
    return make_api_error(codes::report_failed, "DataList",
                          "DataList has no entry for MeterAddr " + std::string(meter_addr));
}

/// The DataList's entry for the meter: an array (or, leniently, one object).
api_result<billing_answer> find_entry(object_reader const& top, std::string_view meter_addr,
                                      std::chrono::minutes zone) {
    auto& ctx = top.context();
    auto raw = top.find("DataList");
    if (!raw) return raw.error();
    if (*raw == nullptr) return missing_field(codes::report_failed, "DataList");
    if ((*raw)->is_object()) {
        if (ctx.mode == conformance::strict)
            return invalid_field(codes::report_failed, "DataList", "must be an array");
        ctx.deviations.push_back(deviation{"DataList", "object for a list", std::string(section), "sent one object"});
        auto e = object_reader::from(**raw, ctx, "DataList");
        if (!e) return e.error();
        auto a = read_entry(*e, zone);
        // The one entry must still be the reported meter's: it is applied to that meter.
        if (a && !meter_addr.empty() && a->meter_addr != meter_addr) return no_entry(meter_addr);
        return a;
    }
    auto list = top.array_field("DataList");
    if (!list) return list.error();
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto e = list->object_at(i);
        if (!e) return e.error();
        auto addr = e->optional_string_field("MeterAddr");
        if (!meter_addr.empty() && addr && *addr && **addr != meter_addr) continue;  // another meter's entry
        return read_entry(*e, zone);
    }
    return no_entry(meter_addr);
}

}  // namespace

std::string billing_report_body(meter_archive const& a, meter_reading const& r,
                                std::chrono::minutes zone) {
    std::string s;
    json_text w(s, bad_utf8::per_byte);
    reading_fields(w, a, r);
    w.field("ReadDate", format_instant(r.at, timestamp_format::spaced, zone));
    w.decimal("PeriodDosage", r.period_dosage.e4());
    w.decimal("Reserve", r.remnant.e4());
    w.end_object();
    w.finish();
    return s;
}

api_result<billing_answer> parse_billing_answer(std::string_view body, std::string_view meter_addr,
                                                conformance mode, std::chrono::minutes zone,
                                                std::vector<deviation>& deviations) {
    auto parsed = parse_json(body);
    if (!parsed) return to_api_error(parsed.error(), codes::report_failed);
    reader_context ctx{mode, std::string(codes::report_failed), std::string(section), {}};
    auto result = [&]() -> api_result<billing_answer> {
        auto top = object_reader::from(*parsed, ctx);
        if (!top) return top.error();
        // spec: xintian §3.6.3: 1 success, 0 failure. Declared Int; "1" is the usual quirk.
        auto code = top->integer_field("ResultCode");
        if (!code) return code.error();
        if (*code != 1) {
            auto msg = top->optional_string_field("Message");
            std::string text = msg && *msg ? **msg : std::string{};
            return make_api_error(codes::report_failed, "ResultCode",
                                  "ResultCode is " + std::to_string(*code) +
                                      (text.empty() ? "" : " (" + text + ")"));
        }
        return find_entry(*top, meter_addr, zone);
    }();
    for (auto& d : ctx.deviations) deviations.push_back(std::move(d));
    return result;
}

}  // namespace metersim::platforms::xintian

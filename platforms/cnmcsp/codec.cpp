// Request parsing for the 13 endpoints of spec: cnmcsp §5.3 (the answer and push rendering is
// in codec_render.cpp).

#include "platforms/cnmcsp/codec.hpp"

#include "platforms/cnmcsp/errors.hpp"
#include "platforms/common/timestamp.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

/// Which §7 code a bad value of a field gets.
enum class group : std::uint8_t { other, user, meter, price };

std::string_view code_of(group g) noexcept {
    switch (g) {
        case group::user: return codes::bad_user;
        case group::meter: return codes::bad_meter;
        case group::price: return codes::bad_price;
        case group::other: break;
    }
    return codes::bad_field;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

bool is_type_error(std::string_view message) {
    return contains(message, ", got ") &&
           (contains(message, "must be a string") || contains(message, "must be a number") ||
            contains(message, "must be an integer") || contains(message, "must be a decimal") ||
            contains(message, "without an exponent") || contains(message, "must be an object") ||
            contains(message, "must be an array"));
}

/// The §7 code for a reader error (see codec.hpp).
api_error classify(api_error e, group g) {
    if (contains(e.message, "is required")) e.code = codes::bad_field;
    else if (g != group::other) e.code = code_of(g);
    else e.code = is_type_error(e.message) ? codes::type_conversion : codes::bad_field;
    return e;
}

/// Reads fields one after the other, keeping the first error; later reads are skipped and
/// return empty values, so a parser reads straight through and checks ok() once.
class field_reader {
public:
    field_reader(object_reader const& b, codec_context const& c) : b_(b), c_(c) {}

    bool ok() const noexcept { return !err_; }
    api_error const& error() const { return *err_; }
    void fail(api_error e) {
        if (!err_) err_ = std::move(e);
    }
    /// A rule on a value already read: fails with `code` on `name` when `bad` holds.
    void reject_if(bool bad, auto const& code, std::string_view name, std::string_view why) {
        if (ok() && bad) fail(invalid_field(code, name, why));
    }
    std::string path(std::string_view name) const {
        return b_.path().empty() ? std::string(name) : b_.path() + "." + std::string(name);
    }
    reader_context& ctx() const noexcept { return b_.context(); }
    object_reader const& body() const noexcept { return b_; }

    std::optional<std::string> opt_text(std::string_view name, group g, std::size_t max) {
        if (err_) return std::nullopt;
        auto r = b_.optional_string_field(field{name, code_of(g)}, length_limits{0, max});
        if (!r) return fail(classify(r.error(), g)), std::nullopt;
        if (!r.value() || r.value()->empty()) return std::nullopt;
        return std::move(*r.value());
    }
    std::string text(std::string_view name, group g, std::size_t max) {
        auto v = opt_text(name, g, max);
        if (!v && ok()) fail(missing_field(codes::bad_field, path(name)));
        return v.value_or(std::string());
    }

    std::optional<std::int64_t> opt_e4(std::string_view name, group g) {
        if (err_) return std::nullopt;
        auto r = b_.optional_fixed4_e4_field(field{name, code_of(g)}, 4, declared_as::number);
        if (!r) return fail(classify(r.error(), g)), std::nullopt;
        return r.value();
    }
    std::int64_t e4(std::string_view name, group g) {
        auto v = opt_e4(name, g);
        if (!v && ok()) fail(missing_field(codes::bad_field, path(name)));
        return v.value_or(0);
    }

    std::optional<std::int64_t> opt_integer(std::string_view name, group g, int_range range,
                                            declared_as d = declared_as::number) {
        if (err_) return std::nullopt;
        auto r = b_.optional_integer_field(field{name, code_of(g)}, range, d);
        if (!r) return fail(classify(r.error(), g)), std::nullopt;
        return r.value();
    }
    std::int64_t integer(std::string_view name, group g, int_range range) {
        auto v = opt_integer(name, g, range);
        if (!v && ok()) fail(missing_field(codes::bad_field, path(name)));
        return v.value_or(0);
    }

    /// A DATE: yyyy-MM-dd HH:mm:ss; yyyy-MM-dd alone is a lenient deviation.
    std::optional<meters::instant> opt_date(std::string_view name, group g,
                                            std::string* text_out = nullptr) {
        auto t = opt_text(name, g, 19);
        if (!t) return std::nullopt;
        if (text_out != nullptr) *text_out = *t;
        auto when = parse_instant(*t, timestamp_format::spaced, c_.utc_offset);
        if (when) return when.value();
        auto day = parse_instant(*t, timestamp_format::date_only, c_.utc_offset);
        deviation d{path(name), "date without time", ctx().section, "sent as \"" + *t + "\""};
        if (day && ctx().mode == conformance::lenient) {
            ctx().deviations.push_back(std::move(d));
            return day.value();
        }
        std::string const code(g == group::other ? codes::bad_field : code_of(g));
        auto e = invalid_field(code, path(name), "must be a date yyyy-MM-dd HH:mm:ss: " + when.error().reason);
        fail(day ? refusing(std::move(d), std::move(e)) : std::move(e));
        return std::nullopt;
    }
    meters::instant date(std::string_view name, group g, std::string* text_out = nullptr) {
        auto v = opt_date(name, g, text_out);
        if (!v && ok()) fail(missing_field(codes::bad_field, path(name)));
        return v.value_or(meters::instant{});
    }

private:
    object_reader const& b_;
    codec_context const& c_;
    std::optional<api_error> err_;
};

constexpr std::size_t varchar50 = 50;

/// spec: cnmcsp §8 用户类型: 001 工业, 002 民用, 003 商用, 005 公福; §5.3.1's example sends "1".
std::optional<std::string> user_type(field_reader& f) {
    auto t = f.opt_text("UserType", group::user, 20);
    if (!t) return std::nullopt;
    for (std::string_view v : {"001", "002", "003", "005"})
        if (*t == v) return t;
    std::optional<deviation> short_form;
    for (std::string_view v : {"1", "2", "3", "5"}) {
        if (*t != v) continue;
        std::string full = "00" + *t;
        short_form = deviation{f.path("UserType"), "user type short form", "cnmcsp §8",
                               "sent as \"" + *t + "\" for " + full};
        if (f.ctx().mode == conformance::strict) break;  // refused below, the rule journaled with it
        f.ctx().deviations.push_back(std::move(*short_form));
        return full;
    }
    auto e = invalid_field(codes::bad_user, f.path("UserType"),
                           "must be one of 001, 002, 003, 005 (spec §8), got \"" + *t + "\"");
    f.fail(short_form ? refusing(std::move(*short_form), std::move(e)) : std::move(e));
    return std::nullopt;
}

/// spec: cnmcsp §7 80002018: a MeterID the platform cannot take (blank or control characters).
std::string meter_id(field_reader& f, std::string_view name) {
    std::string id = f.text(name, group::meter, varchar50);
    for (char ch : id) {
        auto const u = static_cast<unsigned char>(ch);
        if (u <= 0x20 || u == 0x7f) {
            f.fail(invalid_field(codes::bad_meter_id, f.path(name),
                                 "must not contain spaces or control characters"));
            break;
        }
    }
    return id;
}

meter_key key_of(field_reader& f) {
    meter_key k;
    k.user_id = f.text("UserID", group::user, varchar50);
    k.meter_id = meter_id(f, "MeterID");
    return k;
}

std::string data_from(field_reader& f) { return f.text("DataFrom", group::other, varchar50); }

meters::volume whole_m3(std::optional<std::int64_t> v) { return meters::volume::from_units(v.value_or(0)); }

/// The price block of §5.3.1 / §5.3.10 / §5.3.11.
cnmcsp_price price_of(field_reader& f) {
    cnmcsp_price p;
    p.price_id = f.text("PriceID", group::price, 25);
    p.version = f.opt_text("Version", group::price, 20).value_or("");
    p.ini_date = f.opt_date("IniDate", group::price);
    // PriceMode is VARCHAR(20) in the tables and Int in §8: both spellings are right.
    auto mode = f.opt_integer("PriceMode", group::price, int_range{100, 101}, declared_as::either);
    if (!mode && f.ok()) f.fail(missing_field(codes::bad_field, f.path("PriceMode")));
    p.price_mode = static_cast<std::int32_t>(mode.value_or(100));
    auto months = f.opt_integer("MonthCount", group::price, int_range{0, 9'999'999'999});
    if (months) p.month_count = static_cast<std::int32_t>(std::min<std::int64_t>(*months, 1'000'000));
    p.price1 = meters::price::from_e4(f.e4("Price1", group::price));
    if (auto v = f.opt_e4("Price2", group::price)) p.price2 = meters::price::from_e4(*v);
    if (auto v = f.opt_e4("Price3", group::price)) p.price3 = meters::price::from_e4(*v);
    int_range const level{0, 2'147'483'647};
    if (auto v = f.opt_integer("Level1", group::price, level)) p.level1 = whole_m3(v);
    if (auto v = f.opt_integer("Level2", group::price, level)) p.level2 = whole_m3(v);
    return p;
}

template <class T>
api_result<T> finish(field_reader const& f, T value) {
    if (!f.ok()) return f.error();
    return value;
}

/// The frame of a body parser: `fill` reads the fields in order, DataFrom comes last, then the
/// first error (if any) is the answer.
template <class T, class Fill>
api_result<T> parse_body(object_reader const& b, codec_context const& c, Fill fill) {
    field_reader f(b, c);
    T r;
    fill(f, r);
    r.data_from = data_from(f);
    return finish(f, std::move(r));
}

/// An amount that must be greater than 0 (§5.3.8, §5.3.9, §5.3.13).
meters::money positive_amount(field_reader& f, std::string_view name) {
    auto const amount = meters::money::from_e4(f.e4(name, group::other));
    f.reject_if(!amount.is_positive(), codes::bad_field, name, "must be greater than 0");
    return amount;
}

api_result<std::vector<meter_key>> meters_of(object_reader const& b, codec_context const& c) {
    auto arr = b.array_field(field{"Meters", codes::bad_field}, c.max_batch);
    if (!arr) return classify(arr.error(), group::other);
    if (arr.value().empty())
        return invalid_field(codes::bad_field, "Meters", "must list at least one meter");
    std::vector<meter_key> out;
    out.reserve(arr.value().size());
    for (std::size_t i = 0; i < arr.value().size(); ++i) {
        auto el = arr.value().object_at(i);
        if (!el) return classify(el.error(), group::other);
        field_reader f(el.value(), c);
        auto k = key_of(f);
        if (!f.ok()) return f.error();
        out.push_back(std::move(k));
    }
    return out;
}

}  // namespace

// spec: cnmcsp §5.3.1
api_result<meter_add_request> parse_meter_add(object_reader const& b, codec_context const& c) {
    return parse_body<meter_add_request>(b, c, [&](field_reader& f, meter_add_request& r) {
        r.key.user_id = f.text("UserID", group::user, varchar50);
        r.user.user_name = f.text("UserName", group::user, varchar50);
        r.user.user_type = user_type(f).value_or("");
        r.user.phone = f.opt_text("Phone", group::user, 20).value_or("");
        r.user.full_addr_detail = f.opt_text("FullAddrDetail", group::user, 200).value_or("");
        r.user.addr_detail = f.opt_text("AddrDetail", group::user, 20).value_or("");
        r.user.building_name = f.opt_text("BuildingName", group::user, 100).value_or("");
        (void)f.opt_date("FireDate", group::user, &r.user.fire_date);
        r.pre_saving = meters::money::from_e4(f.e4("PreSaving", group::other));
        f.reject_if(r.pre_saving.is_negative(), codes::bad_field, "PreSaving", "must not be negative");
        r.key.meter_id = meter_id(f, "MeterID");
        r.meter_no = f.text("MeterNo", group::meter, varchar50);
        r.model = f.text("MeterParamModel", group::meter, varchar50);
        r.protocol = f.text("MeterProtocol", group::meter, varchar50);
        if (auto v = f.opt_e4("MeterReading", group::meter)) r.reading = meters::volume::from_e4(*v);
        f.reject_if(r.reading && r.reading->is_negative(), codes::bad_meter, "MeterReading", "must not be negative");
        r.price = price_of(f);
    });
}

// spec: cnmcsp §5.3.2
api_result<meter_modify_request> parse_meter_modify(object_reader const& b, codec_context const& c) {
    return parse_body<meter_modify_request>(b, c, [&](field_reader& f, meter_modify_request& r) {
        r.key = key_of(f);
        r.user_name = f.opt_text("UserName", group::user, varchar50);
        r.user_type = user_type(f);
        r.phone = f.opt_text("Phone", group::user, 20);
        r.full_addr_detail = f.opt_text("FullAddrDetail", group::user, 200);
        r.addr_detail = f.opt_text("AddrDetail", group::user, 20);
        r.building_name = f.opt_text("BuildingName", group::user, 100);
    });
}

// spec: cnmcsp §5.3.3, §5.3.4, §5.3.5
api_result<meter_ref_request> parse_meter_ref(object_reader const& b, codec_context const& c) {
    return parse_body<meter_ref_request>(b, c, [&](field_reader& f, meter_ref_request& r) {
        r.key = key_of(f);
    });
}

// spec: cnmcsp §5.3.6
api_result<meter_change_request> parse_meter_change(object_reader const& b, codec_context const& c) {
    field_reader f(b, c);
    meter_change_request r;
    r.user_id = f.text("UserID", group::user, varchar50);
    r.old_meter_id = meter_id(f, "OldMeterID");
    r.old_end_reading = meters::volume::from_e4(f.e4("OldENDREADING", group::meter));
    r.new_meter_id = meter_id(f, "NewMeterID");
    r.new_meter_no = f.text("NewMeterNo", group::meter, varchar50);
    r.model = f.text("NewMeterParamModel", group::meter, varchar50);
    r.protocol = f.text("NewMeterProtocol", group::meter, varchar50);
    r.new_reading = meters::volume::from_e4(f.e4("NewMeterReading", group::meter));
    r.change_time = f.date("ChangeTime", group::other);
    if (auto v = f.opt_e4("PreSaving", group::other)) r.pre_saving = meters::money::from_e4(*v);
    r.data_from = data_from(f);
    f.reject_if(r.old_end_reading.is_negative() || r.new_reading.is_negative(), codes::bad_meter,
                r.new_reading.is_negative() ? "NewMeterReading" : "OldENDREADING", "must not be negative");
    f.reject_if(r.pre_saving && r.pre_saving->is_negative(), codes::bad_field, "PreSaving", "must not be negative");
    return finish(f, std::move(r));
}

// spec: cnmcsp §5.3.7
api_result<read_request> parse_read(object_reader const& b, codec_context const& c) {
    auto keys = meters_of(b, c);
    if (!keys) return keys.error();
    return read_request{std::move(keys.value())};
}

namespace {
api_result<recharge_request> parse_money_request(object_reader const& b, codec_context const& c,
                                                 std::string_view time_name,
                                                 std::string_view amount_name) {
    return parse_body<recharge_request>(b, c, [&](field_reader& f, recharge_request& r) {
        r.key = key_of(f);
        r.trade_no = f.text("TradeNo", group::other, varchar50);
        r.time = f.date(time_name, group::other, &r.time_text);
        r.amount = positive_amount(f, amount_name);
    });
}
}  // namespace

// spec: cnmcsp §5.3.8
api_result<recharge_request> parse_recharge(object_reader const& b, codec_context const& c) {
    return parse_money_request(b, c, "RechargeTime", "RechargeAmt");
}

// spec: cnmcsp §5.3.9
api_result<recharge_request> parse_cancel_recharge(object_reader const& b, codec_context const& c) {
    return parse_money_request(b, c, "CancelTime", "CancelAmt");
}

// spec: cnmcsp §5.3.10
api_result<change_price_request> parse_change_price(object_reader const& b, codec_context const& c) {
    return parse_body<change_price_request>(b, c, [&](field_reader& f, change_price_request& r) {
        r.meters.push_back(key_of(f));
        r.price.change_time = f.date("ChangeTime", group::price);
        auto const change = r.price.change_time;
        r.price = price_of(f);
        r.price.change_time = change;
    });
}

// spec: cnmcsp §5.3.11
api_result<change_price_request> parse_batch_change_price(object_reader const& b,
                                                          codec_context const& c) {
    auto keys = meters_of(b, c);
    if (!keys) return keys.error();
    return parse_body<change_price_request>(b, c, [&](field_reader& f, change_price_request& r) {
        r.meters = std::move(keys.value());
        auto const change = f.date("ChangeTime", group::price);
        r.price = price_of(f);
        r.price.change_time = change;
    });
}

// spec: cnmcsp §5.3.12
api_result<control_valve_request> parse_control_valve(object_reader const& b, codec_context const& c) {
    return parse_body<control_valve_request>(b, c, [&](field_reader& f, control_valve_request& r) {
        r.key = key_of(f);
        r.control = f.integer("Control", group::other, int_range{});
        f.reject_if(r.control != 2010 && r.control != 1010, codes::bad_field, "Control", "must be 2010 (close) or 1010 (open)");
    });
}

// spec: cnmcsp §5.3.13
api_result<remain_option_request> parse_remain_option(object_reader const& b, codec_context const& c) {
    return parse_body<remain_option_request>(b, c, [&](field_reader& f, remain_option_request& r) {
        r.key = key_of(f);
        r.trade_no = f.text("TradeNo", group::other, varchar50);
        r.option = f.integer("CMDOption", group::other, int_range{});
        f.reject_if(r.option != 1000 && r.option != 2000, codes::bad_field, "CMDOption", "must be 1000 (返充) or 2000 (补扣)");
        r.time = f.date("OptionTime", group::other, &r.time_text);
        r.amount = positive_amount(f, "OptionAmt");
    });
}

}  // namespace metersim::platforms::cnmcsp

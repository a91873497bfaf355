// The reader half of meter_json (the writer is meter_json.cpp).
//
// A `field_reader` walks one JSON object with its path; every getter returns a value and, when
// the field is missing or wrong, records the first error in the shared `problem` and returns a
// default. The caller reads the whole state, then checks `problem` once: the code stays a flat
// list of fields, and the first bad field is the one reported.
#include "sim/meter_json.hpp"

#include <charconv>
#include <limits>
#include <utility>

#include "sim/json/value.hpp"
#include "sim/meter_json_dom.hpp"

namespace metersim::sim {

namespace {

namespace m = metersim::meters;
using json::json_value;
using namespace meter_json_detail;

class field_reader {
public:
    field_reader(json_value const& obj, std::string path, std::optional<std::string>& problem)
        : obj_(obj), path_(std::move(path)), problem_(problem) {}

    std::string path_of(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    bool failed() const noexcept { return problem_.has_value(); }
    void fail(std::string const& path, std::string_view what) const {
        if (!problem_) problem_ = path + ": " + std::string(what);
    }

    /// The member, or null (recording "missing") when absent.
    json_value const* member(std::string_view key) const {
        json_value const* v = obj_.find(key);
        if (v == nullptr) fail(path_of(key), "missing");
        return v;
    }
    /// Whether `v` is of the wanted type; reports it when not.
    bool expect(json_value const& v, std::string const& path, bool ok_type(json_value const&),
                std::string_view want) const {
        if (ok_type(v)) return true;
        fail(path, "expected " + std::string(want) + ", found " + std::string(json::describe(v)));
        return false;
    }
    json_value const* typed(std::string_view key, bool ok_type(json_value const&), std::string_view want) const {
        json_value const* v = member(key);
        return v != nullptr && expect(*v, path_of(key), ok_type, want) ? v : nullptr;
    }
    /// A member read by `value_of(element, path)`; T{} when absent (reported as missing).
    template <class T, class ValueOf>
    T member_as(std::string_view key, ValueOf value_of) const {
        json_value const* v = member(key);
        return v ? value_of(*v, path_of(key)) : T{};
    }

    field_reader object(std::string_view key) const {
        json_value const* v = typed(key, [](json_value const& j) { return j.is_object(); }, "an object");
        return field_reader(v ? *v : empty_object(), path_of(key), problem_);
    }
    /// Null for an absent optional part; else the object.
    std::optional<field_reader> optional_object(std::string_view key) const {
        json_value const* v = member(key);
        if (v == nullptr || v->is_null()) return std::nullopt;
        return object(key);
    }
    /// Elements of an array member, as (element, path) pairs; `size` checks an exact length.
    std::vector<std::pair<json_value const*, std::string>> elements(std::string_view key,
                                                              std::optional<std::size_t> size = {}) const {
        std::vector<std::pair<json_value const*, std::string>> out;
        json_value const* v = typed(key, [](json_value const& j) { return j.is_array(); }, "an array");
        if (v == nullptr) return out;
        if (size && v->size() != *size) {
            fail(path_of(key), "expected an array of " + std::to_string(*size) + " elements, found " +
                                   std::to_string(v->size()));
            return out;
        }
        for (std::size_t i = 0; i < v->size(); ++i)
            out.emplace_back(&v->at(i), path_of(key) + "[" + std::to_string(i) + "]");
        return out;
    }
    field_reader element_object(json_value const& v, std::string const& path) const {
        bool const ok = expect(v, path, [](json_value const& j) { return j.is_object(); }, "an object");
        return field_reader(ok ? v : empty_object(), path, problem_);
    }

    std::string str(std::string_view key) const {
        json_value const* v = typed(key, [](json_value const& j) { return j.is_string(); }, "a string");
        return v ? v->text() : std::string{};
    }
    bool boolean(std::string_view key) const {
        json_value const* v = typed(key, [](json_value const& j) { return j.is_boolean(); }, "a boolean");
        return v ? v->as_bool() : false;
    }
    template <class I>
    I integer(std::string_view key) const {
        return member_as<I>(key, [this](json_value const& v, std::string const& p) { return integer_value<I>(v, p); });
    }
    template <class I>
    I integer_value(json_value const& v, std::string const& path) const {
        if (!expect(v, path, [](json_value const& j) { return j.is_integer(); }, "an integer")) return I{};
        I out{};
        auto const& t = v.text();
        auto const [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
        if (ec == std::errc{} && end == t.data() + t.size()) return out;
        fail(path, "integer out of range [" + std::to_string(std::numeric_limits<I>::min()) + ", " +
                       std::to_string(std::numeric_limits<I>::max()) + "]");
        return I{};
    }
    m::instant at(std::string_view key) const { return m::instant_from_ms(integer<std::int64_t>(key)); }

    template <class T>
    T fixed(std::string_view key) const {
        return member_as<T>(key, [this](json_value const& v, std::string const& p) { return fixed_value<T>(v, p); });
    }
    template <class T>
    T fixed_value(json_value const& v, std::string const& path) const {
        if (!expect(v, path, [](json_value const& j) { return j.is_string(); }, "a decimal string")) return T{};
        auto r = m::parse_as<T>(v.text());
        if (!r) {
            fail(path, "bad decimal \"" + v.text() + "\": " + r.error().reason + " at " +
                           std::to_string(r.error().position));
            return T{};
        }
        return r.value();
    }
    template <class T, std::size_t N>
    std::array<T, N> fixed_array(std::string_view key) const {
        std::array<T, N> out{};
        std::size_t i = 0;
        for (auto const& [v, path] : elements(key, N)) out[i++] = fixed_value<T>(*v, path);
        return out;
    }

    /// A name looked up by `parse` (returns optional<E>).
    template <class E, class Parse>
    E name(std::string_view key, Parse parse) const {
        std::string text = str(key);
        if (failed()) return E{};
        auto e = parse(text);
        if (!e) {
            fail(path_of(key), "unknown name \"" + text + "\"");
            return E{};
        }
        return *e;
    }

private:
    static json_value const& empty_object() {
        static json_value const empty = json_value::object();
        return empty;
    }

    json_value const& obj_;
    std::string path_;
    std::optional<std::string>& problem_;
};

m::meter_identity read_identity(field_reader const& r) {
    return m::meter_identity{r.str("meter_no"), r.str("user_no"), r.str("device_id"),
                             r.str("imei"),     r.str("iccid"),   r.str("card_no")};
}

m::tariff read_tariff(field_reader const& r) {
    m::tariff t;
    t.version = r.str("version");
    t.code = r.str("code");
    t.price_count = r.integer<std::uint8_t>("price_count");
    t.prices = r.fixed_array<m::price, m::max_prices>("prices");
    t.thresholds = r.fixed_array<m::volume, m::max_thresholds>("thresholds");
    auto c = r.object("cycle");
    t.cycle.kind = c.name<m::cycle_kind>("kind", [](std::string_view s) { return m::value_of(m::cycle_kind_names, s); });
    t.cycle.months = c.integer<std::uint16_t>("months");
    t.cycle.start = c.at("start");
    t.cycle.settle_month = c.integer<std::uint8_t>("settle_month");
    t.cycle.settle_day = c.integer<std::uint8_t>("settle_day");
    t.effective_at = r.at("effective_at");
    t.clear_ladder = r.boolean("clear_ladder");
    t.gas_type = r.integer<std::uint8_t>("gas_type");
    return t;
}

m::billing_state read_billing(field_reader const& r) {
    m::billing_state b;
    b.reading = r.fixed<m::volume>("reading");
    b.cycle_usage = r.fixed<m::volume>("cycle_usage");
    b.cycle_start = r.at("cycle_start");
    b.segment_start = r.fixed<m::volume>("segment_start");
    b.segment_charged = r.fixed<m::money>("segment_charged");
    b.balance = r.fixed<m::money>("balance");
    b.gas_balance = r.fixed<m::volume>("gas_balance");
    b.total_bought_money = r.fixed<m::money>("total_bought_money");
    b.total_used_money = r.fixed<m::money>("total_used_money");
    b.total_bought_gas = r.fixed<m::volume>("total_bought_gas");
    b.total_used_gas = r.fixed<m::volume>("total_used_gas");
    b.buy_count = r.integer<std::uint32_t>("buy_count");
    b.last_bill_no = r.integer<std::uint32_t>("last_bill_no");
    auto k = r.object("backend");
    b.backend.prepaid = k.boolean("prepaid");
    b.backend.surplus = k.fixed<m::money>("surplus");
    b.backend.unit_price = k.fixed<m::price>("unit_price");
    b.backend.ladder_no = k.integer<std::uint8_t>("ladder_no");
    b.backend.account_date = k.at("account_date");
    return b;
}

m::price_change_info read_price_change(field_reader const& r) {
    m::price_change_info p;
    p.last_version = r.str("last_version");
    p.last_price_count = r.integer<std::uint8_t>("last_price_count");
    p.last_prices = r.fixed_array<m::price, m::max_prices>("last_prices");
    p.last_ladder_usage = r.fixed_array<m::volume, m::max_prices>("last_ladder_usage");
    p.last_cycle_usage = r.fixed<m::volume>("last_cycle_usage");
    p.total_use = r.fixed<m::volume>("total_use");
    p.total_use_money = r.fixed<m::money>("total_use_money");
    p.surplus_money = r.fixed<m::money>("surplus_money");
    p.at = r.at("at");
    return p;
}

m::valve_state read_valve(field_reader const& r) {
    m::valve_state v;
    v.position = r.name<m::valve_position>("position", m::valve_position_from_string);
    for (auto const& [e, path] : r.elements("causes")) {
        auto c = e->is_string() ? m::close_cause_from_string(e->text()) : std::nullopt;
        if (!c) r.fail(path, "expected a close cause name");
        else v.causes = static_cast<std::uint16_t>(v.causes | static_cast<std::uint16_t>(*c));
    }
    v.awaiting_button = r.boolean("awaiting_button");
    v.transit_done = r.at("transit_done");
    v.actions = r.integer<std::uint64_t>("actions");
    v.fail_next_open = r.boolean("fail_next_open");
    v.fail_next_close = r.boolean("fail_next_close");
    return v;
}

m::battery_state read_battery(field_reader const& r) {
    m::battery_state b;
    b.voltage_uv = r.integer<std::int64_t>("voltage_uv");
    b.drain_carry = r.integer<std::int64_t>("drain_carry");
    b.updated_at = r.at("updated_at");
    b.low = r.boolean("low");
    b.failed = r.boolean("failed");
    b.sessions = r.integer<std::uint64_t>("sessions");
    b.valve_actions = r.integer<std::uint64_t>("valve_actions");
    b.replacements = r.integer<std::uint32_t>("replacements");
    return b;
}

m::radio_state read_radio(field_reader const& r) {
    m::radio_state s;
    s.seed = r.integer<std::uint64_t>("seed");
    auto g = r.object("signal");
    s.signal.csq = g.integer<int>("csq");
    s.signal.rsrp = g.fixed<m::decimal>("rsrp");
    s.signal.snr = g.fixed<m::decimal>("snr");
    s.signal.ecl = g.integer<int>("ecl");
    s.signal.cell_id = g.str("cell_id");
    s.signal.fcn = g.str("fcn");
    s.online = r.boolean("online");
    s.wake_requested = r.boolean("wake_requested");
    s.wake_requested_at = r.at("wake_requested_at");
    s.last_session = r.at("last_session");
    s.sessions = r.integer<std::uint64_t>("sessions");
    return s;
}

m::alarm_set_state read_alarms(field_reader const& r) {
    m::alarm_set_state a;
    for (auto const& [e, path] : r.elements("active")) {
        auto x = r.element_object(*e, path);
        auto code = x.name<m::alarm_code>("code", [](std::string_view s) -> std::optional<m::alarm_code> {
            auto c = m::parse_alarm_code(s);
            return c ? std::optional(c.value()) : std::nullopt;
        });
        a.active.push_back(m::active_alarm{code, x.at("raised_at")});
    }
    return a;
}

decltype(m::freeze_state::daily) read_records(field_reader const& r, std::string_view key) {
    decltype(m::freeze_state::daily) out;
    for (auto const& [e, path] : r.elements(key)) {
        auto x = r.element_object(*e, path);
        m::frozen_record rec;
        rec.kind = x.name<m::freeze_kind>("kind", [](std::string_view s) -> std::optional<m::freeze_kind> {
            for (auto k : {m::freeze_kind::daily, m::freeze_kind::monthly})
                if (m::to_string(k) == s) return k;
            return std::nullopt;
        });
        rec.at = x.at("at");
        auto v = x.object("values");
        rec.values = m::freeze_values{v.fixed<m::volume>("reading"), v.fixed<m::decimal>("total_buy"),
                                      v.fixed<m::decimal>("total_use"), v.fixed<m::decimal>("surplus")};
        rec.period_use = x.fixed<m::volume>("period_use");
        out.push_back(std::move(rec));
    }
    return out;
}

m::flow_profile_state read_flow(field_reader const& r) {
    m::flow_profile_state f;
    f.kind = r.name<m::flow_kind>("kind", m::flow_kind_from_string);
    f.constant_rate = r.fixed<m::volume>("constant_rate");
    f.hourly = r.fixed_array<m::volume, 24>("hourly");
    f.random_min = r.fixed<m::volume>("random_min");
    f.random_max = r.fixed<m::volume>("random_max");
    f.idle_percent = r.integer<int>("idle_percent");
    f.seed = r.integer<std::uint64_t>("seed");
    f.utc_offset_min = r.integer<int>("utc_offset_min");
    f.has_override = r.boolean("has_override");
    f.override_rate = r.fixed<m::volume>("override_rate");
    return f;
}

m::meter_state read_state(field_reader const& r) {
    m::meter_state s;
    s.identity = read_identity(r.object("identity"));
    s.zone = m::utc_offset{r.integer<std::int32_t>("zone_minutes")};
    s.now = r.at("now");
    s.account = r.name<m::account_state>("account", [](std::string_view n) { return m::value_of(m::account_state_names, n); });
    s.active = read_tariff(r.object("active"));
    if (auto p = r.optional_object("pending")) s.pending = read_tariff(*p);
    s.cycle_end = r.at("cycle_end");
    s.billing = read_billing(r.object("billing"));
    if (auto p = r.optional_object("price_change")) s.price_change = read_price_change(*p);
    s.valve = read_valve(r.object("valve"));
    s.battery = read_battery(r.object("battery"));
    s.radio = read_radio(r.object("radio"));
    s.alarms = read_alarms(r.object("alarms"));
    auto idle = r.object("idle");
    s.idle = m::idle_state{idle.at("last_flow"), idle.boolean("raised")};
    auto fz = r.object("freezes");
    s.freezes.daily = read_records(fz, "daily");
    s.freezes.monthly = read_records(fz, "monthly");
    s.freezes.reported_until = fz.at("reported_until");
    s.flow = read_flow(r.object("flow"));
    s.flow_carry.e4_ms = r.object("flow_carry").integer<std::int64_t>("e4_ms");
    s.temperature_c = r.fixed<m::decimal>("temperature_c");
    s.pressure_kpa = r.fixed<m::decimal>("pressure_kpa");
    s.lost_contact = r.boolean("lost_contact");
    return s;
}

}  // namespace

meters::result<meters::meter_state, std::string> meter_state_from_json(std::string_view text) {
    auto doc = json::parse_json_unique(text);
    if (!doc) {
        return meters::unexpected{"not valid JSON at byte " + std::to_string(doc.error().offset) + ": " +
                                  doc.error().reason};
    }
    if (!doc->is_object())
        return meters::unexpected{"expected an object, found " + std::string(json::describe(*doc))};
    std::optional<std::string> problem;
    try {
        field_reader root(*doc, "", problem);
        if (root.integer<int>("format") != meter_json_format && !problem)
            return meters::unexpected{"format: unsupported version (expected " + std::to_string(meter_json_format) + ")"};
        auto state = read_state(root);
        if (problem) return meters::unexpected{*problem};
        return state;
    } catch (std::exception const& e) {  // allocation failure
        return meters::unexpected{std::string("unreadable state: ") + e.what()};
    }
}

}  // namespace metersim::sim

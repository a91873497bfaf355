// Xintian's parts of the common request pipeline (platforms/common/endpoint.hpp: authentication,
// body checks, answer) and the user and recharge endpoints: GetUserInfo (§3.1), RemotePay
// (§3.2), GetPayList (§3.3), GetData (§3.5).

#include <algorithm>

#include "platforms/common/field_check.hpp"
#include "platforms/xintian/platform_impl.hpp"
#include "sim/json/text.hpp"
#include "sim/scheduler.hpp"

namespace metersim::platforms::xintian {

namespace {

/// A DataList: the JSON array of `entry(x)` for each x of `xs` (none where it gives nullopt).
template <class Range, class Entry>
std::string data_list(Range const& xs, Entry entry) {
    std::string out;
    sim::json::json_text w(out);
    w.begin_array();
    for (auto const& x : xs)
        if (std::optional<std::string> e = entry(x)) w.raw(*e);
    w.end_array();
    w.finish();
    return out;
}

/// GetUserInfo / GetData (§3.1, §3.5): the DataList of the meters a UserCode / MeterAddr names.
template <class Entry>
endpoint_result list_meters(platform::impl& p, exchange& ex, object_reader const& r, Entry entry) {
    auto all = p.resolve(ex, r);
    if (!all) return all.error();
    return data_list(*all, entry);
}

}  // namespace

vendor_pipeline platform::impl::make_pipeline() {
    vendor_pipeline v{.platform = platform_name, .journal = journal, .sched = sched, .mode = opts.conformance};
    v.field_code = codes::bad_format;
    v.internal_code = codes::unknown_error;  // -999 未知异常
    // spec: xintian §2: Accept application/json, Content-Type application/json;charset=utf-8.
    v.body = body_rules{{"Content-Type", "Accept"}, "application/json", codes::bad_format, codes::bad_format};
    // spec: xintian §2: AccessToken + Authorization on every request.
    v.admit = [this](exchange& ex) {
        return auth.verify(request_auth{ex.req.header(header_access_token), ex.req.header(header_authorization)});
    };
    v.success_body = [](std::string_view data_list) { return success_body(data_list); };
    // The route tag is the endpoint: a code's meaning depends on the section.
    v.render_error = [](exchange const& ex, api_error const& e) {
        return to_response(static_cast<endpoint>(ex.route_tag), e);
    };
    return v;
}

api_result<std::vector<target>> platform::impl::resolve(exchange& ex, lookup const& who) {
    std::vector<target> out;
    if (!who.meter_addr.empty()) {
        ex.meter_no = who.meter_addr;
        auto t = find_target(who.meter_addr);
        if (!t)
            return make_api_error(codes::meter_not_found, "MeterAddr",
                                  "MeterAddr " + who.meter_addr + " does not exist");
        if (!who.user_code.empty() && t->archive.user_code != who.user_code)
            return make_api_error(
                codes::user_not_found, "UserCode",
                "UserCode " + who.user_code + " is not the user of MeterAddr " + who.meter_addr);
        out.push_back(std::move(*t));
        return out;
    }
    for (auto const* a : records.meters_of(who.user_code)) out.push_back(target{*a, meter(a->meter_addr)});
    if (out.empty())
        return make_api_error(codes::user_not_found, "UserCode",
                              "UserCode " + who.user_code + " does not exist");
    return out;
}

api_result<std::vector<target>> platform::impl::resolve(exchange& ex, object_reader const& r) {
    auto who = parse_lookup(r);
    if (!who) return who.error();
    return resolve(ex, *who);
}

api_result<target> platform::impl::fleet_target(exchange& ex, std::string const& meter_addr,
                                                bool not_replaced) {
    ex.meter_no = meter_addr;
    auto t = find_target(meter_addr);
    if (!t || t->meter == nullptr || (not_replaced && cancelled.contains(meter_addr)))
        return make_api_error(codes::meter_not_found, "MeterAddr", "MeterAddr " + meter_addr + " does not exist");
    return std::move(*t);
}

api_result<target> platform::impl::resolve_one(exchange& ex, lookup const& who) {
    auto all = resolve(ex, who);
    if (!all) return all.error();
    if (all->size() > 1)
        return make_api_error(codes::meter_not_found, "MeterAddr",
                              "MeterAddr is required: UserCode " + who.user_code + " has " +
                                  std::to_string(all->size()) + " meters");
    ex.meter_no = all->front().archive.meter_addr;
    return std::move(all->front());
}

// ---- §3.1 GetUserInfo ------------------------------------------------------------------------

endpoint_result platform::impl::do_get_user_info(exchange& ex, object_reader const& r) {
    return list_meters(*this, ex, r, [this](target const& t) { return user_info_entry(t.archive, pay_type(t)); });
}

// ---- §3.2 RemotePay --------------------------------------------------------------------------

endpoint_result platform::impl::do_remote_pay(exchange& ex, object_reader const& r) {
    auto q = parse_remote_pay(r, opts.utc_offset);
    if (!q) return q.error();
    // spec: xintian §3.2.3 -7: a cancelled meter answers -7 whichever identifier comes with its
    // MeterAddr (ChangeMeter's old meter no longer has the user: UserCode would not match it).
    if (!q->who.meter_addr.empty()) {
        ex.meter_no = q->who.meter_addr;
        if (auto old = find_target(q->who.meter_addr); old && is_gone(*old))
            return make_api_error(codes::meter_cancelled, "MeterAddr", "meter " + q->who.meter_addr + " is cancelled");
    }
    auto t = resolve_one(ex, q->who);
    if (!t) return t.error();
    auto const& no = t->archive.meter_addr;
    records.forget_pays(no, sched.now());  // settled records past the retention (archive.hpp)
    // A repeated TransId never credits twice: the same recharge again is answered as done.
    if (auto const* old = records.find_pay(q->trans_id)) {
        if (old->meter_addr == no && old->money == q->money) return std::string{};
        return make_api_error(codes::database_error, "TransId",
                              "TransId " + q->trans_id + " was already used for another recharge");
    }
    // spec: xintian §3.2.3 -7: 表具状态为已销表.
    if (is_gone(*t))
        return make_api_error(codes::meter_cancelled, "MeterAddr", "meter " + no + " is cancelled");
    if (auto e = check_pay_room(no)) return *e;
    pay_record p;
    p.trans_id = q->trans_id;
    p.user_code = t->archive.user_code;
    p.meter_addr = no;
    p.money = q->money;
    p.pay_date = q->pay_date;
    p.pay_way = q->pay_way;
    // Reaches the meter at its next session; PayResult stays 0 until then.
    records.add_pay(std::move(p));
    return std::string{};
}

std::optional<api_error> platform::impl::check_pay_room(std::string const& meter_no) const {
    auto why = records.no_pay_room(meter_no);
    if (!why) return std::nullopt;
    // -203 数据库操作错误: the nearest code the spec has; the bounds are metersim's (README).
    return make_api_error(codes::database_error, "MeterAddr", "MeterAddr " + meter_no + " " + *why);
}

// ---- §3.3 GetPayList -------------------------------------------------------------------------

endpoint_result platform::impl::do_get_pay_list(exchange& ex, object_reader const& r) {
    auto q = parse_pay_list(r, opts.utc_offset);
    if (!q) return q.error();
    std::vector<pay_record const*> found;
    if (!q->trans_id.empty()) {
        auto const* p = records.find_pay(q->trans_id);
        if (p != nullptr) {
            records.forget_pays(std::string(p->meter_addr), sched.now());
            p = records.find_pay(q->trans_id);
        }
        bool const matches = p != nullptr && (q->who.meter_addr.empty() || p->meter_addr == q->who.meter_addr) &&
                             (q->who.user_code.empty() || p->user_code == q->who.user_code);
        if (matches) found.push_back(p);
        if (p != nullptr) ex.meter_no = p->meter_addr;
    } else {
        auto all = resolve(ex, q->who);
        if (!all) return all.error();
        for (auto const& t : *all) {
            records.forget_pays(t.archive.meter_addr, sched.now());
            auto some = records.pays_of(t.archive.meter_addr, *q->begin, *q->end);
            found.insert(found.end(), some.begin(), some.end());
        }
        std::sort(found.begin(), found.end(), [](auto* a, auto* b) { return a->pay_id < b->pay_id; });
    }
    return data_list(found, [this](pay_record const* p) { return pay_entry(*p, opts.utc_offset); });
}

// ---- §3.5 GetData ----------------------------------------------------------------------------

endpoint_result platform::impl::do_get_data(exchange& ex, object_reader const& r) {
    // The platform answers from the meter's last report; a meter that never reported is listed
    // with its identity and null readings (it exists; it has not been read: README).
    return list_meters(*this, ex, r, [this](target const& t) -> std::optional<std::string> {
        auto const* last = last_of(t.meter);
        if (last == nullptr) return no_data_entry(t.archive);
        return data_entry(t.archive, *last, opts.utc_offset);
    });
}

void platform::add_routes(sim::http::router& r) {
    auto& p = *impl_;
    using I = platform::impl;
    auto ep = [&p](endpoint e, endpoint_result (I::*fn)(exchange&, object_reader const&)) {
        return make_endpoint(p.pipeline, std::string(section_of(e)), static_cast<std::uint8_t>(e),
                             with_object([&p, fn](exchange& ex, object_reader const& b) { return (p.*fn)(ex, b); }));
    };
    r.post("/api/Users/GetUserInfo", ep(endpoint::get_user_info, &I::do_get_user_info));
    r.post("/api/Pay/RemotePay", ep(endpoint::remote_pay, &I::do_remote_pay));
    r.post("/api/Users/GetPayList", ep(endpoint::get_pay_list, &I::do_get_pay_list));
    r.post("/api/Meters/ControlValve", ep(endpoint::control_valve, &I::do_control_valve));
    r.post("/api/Meters/GetData", ep(endpoint::get_data, &I::do_get_data));
    r.post("/api/Meters/CreateMeter", ep(endpoint::create_meter, &I::do_create_meter));
    r.post("/api/Meters/SetPrice", ep(endpoint::set_price, &I::do_set_price));
    r.post("/api/Meters/ChangeMeter", ep(endpoint::change_meter, &I::do_change_meter));
    r.post("/api/Meters/CreatePrice", ep(endpoint::create_price, &I::do_create_price));
    r.set_fallback([](sim::http::request const& req, sim::http::route_miss why) {
        std::string msg = why == sim::http::route_miss::not_found ? "未知接口: no endpoint " : "未知接口: use POST for ";
        msg += std::string(req.path);
        std::string body;
        {
            sim::json::json_text w(body, sim::json::bad_utf8::per_byte);
            w.begin_object();
            w.number("ResultCode", -999);
            w.field("Message", msg);
            w.end_object();
        }
        sim::http::response res;
        res.status = why == sim::http::route_miss::not_found ? 404 : 405;
        res.body = std::move(body);
        if (why == sim::http::route_miss::method_not_allowed) res.headers.emplace_back("Allow", "POST");
        return res;
    });
}

}  // namespace metersim::platforms::xintian

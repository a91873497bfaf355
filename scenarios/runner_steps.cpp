// The runner's acting steps: call, advance, event, fault, cis_answer, set, repeat, for_each_meter.
#include <algorithm>

#include "platforms/common/json_reader.hpp"
#include "scenarios/json_path.hpp"
#include "scenarios/matchers.hpp"
#include "scenarios/runner_internal.hpp"
#include "sim/http/client.hpp"
#include "sim/json/text.hpp"
#include "sim/text.hpp"

namespace metersim::scenarios::detail {

namespace {

using wall = std::chrono::steady_clock;

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
std::string encode(std::string_view in) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : in) {
        auto const c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// The JSON text of a body: a scalar is sent as it is (interpolated), anything else as JSON.
meters::result<std::string, std::string> body_text(value const& v, var_lookup const& look) {
    if (v.k == value::kind::scalar) return interpolate(v.text, look);
    return to_json_text(v, look);
}

std::string or_raw(meters::result<std::string, std::string> r, std::string const& raw) {
    return r ? std::move(r).value() : raw;
}

/// A saved value: strings as their text, anything else as its JSON text.
var_value saved(platforms::json_value const& v) {
    if (v.is_string()) return var_value{v.text(), false};
    return var_value{scalar_text(v), true};
}

bool is_content_type(std::string_view name) { return sim::iequals(name, "content-type"); }

/// The call's path with its query, every ${var} resolved.
meters::result<std::string, std::string> target_of(call_step const& c, var_lookup const& look) {
    auto path = interpolate(c.path, look);
    if (!path) return path;
    std::string target = path.value();
    char sep = target.find('?') == std::string::npos ? '?' : '&';
    for (auto const& [k, v] : c.query) {
        auto x = interpolate(v, look);
        if (!x) return x;
        target += sep + encode(k) + "=" + encode(x.value());
        sep = '&';
    }
    return target;
}

}  // namespace

std::string step_label(step const& s, var_lookup const& look) {
    if (!s.name.empty()) return or_raw(interpolate(s.name, look), s.name);
    auto t = [&](std::string const& x) { return or_raw(interpolate(x, look), x); };
    auto sp = [](std::string const& x) { return x.empty() ? std::string{} : " " + x; };
    return std::visit(
        overloaded{
            [&](call_step const& c) { return "call " + c.platform + " " + c.method + " " + t(c.path); },
            [&](advance_step const& a) {
                return a.by ? "advance " + duration_text(*a.by) : std::string("advance to a later time");
            },
            [&](event_step const& e) {
                std::string type;
                for (auto const& [k, v] : e.event.fields)
                    if (k == "type") type = v.text;
                return "event " + type + " " + t(e.meter);
            },
            [&](fault_step const& f) {
                return f.clear ? std::string("fault clear") : "fault " + f.target + " " + f.kind + sp(f.path);
            },
            [&](cis_answer_step const& a) { return "cis_answer " + a.kind + sp(t(a.meter)); },
            [&](expect_push_step const& e) { return "expect_push " + e.kind + sp(t(e.meter)); },
            [&](expect_no_push_step const& e) { return "expect_no_push " + e.kind + sp(t(e.meter)); },
            [&](expect_request_step const& e) { return "expect_request " + e.platform + sp(e.method) + sp(t(e.path)); },
            [&](expect_meter_step const& e) { return "expect_meter " + t(e.meter); },
            [&](set_step const& x) {
                std::string names;
                for (auto const& [k, v] : x.vars) names += (names.empty() ? "" : ", ") + k;
                return "set " + names;
            },
            [&](repeat_step const& r) { return "repeat " + std::to_string(r.times) + " times"; },
            [&](for_each_meter_step const& f) { return "for_each_meter" + sp(f.platform) + sp(f.model); },
        },
        s.what);
}

step_end run_state::exec(step const& s, int depth) {
    return std::visit(overloaded{
                          [&](call_step const& c) { return do_call(c, s); },
                          [&](advance_step const& a) { return do_advance(a); },
                          [&](event_step const& e) { return do_event(e); },
                          [&](fault_step const& f) { return do_fault(f); },
                          [&](cis_answer_step const& a) { return do_cis_answer(a); },
                          [&](expect_push_step const& e) { return do_expect_push(e, s); },
                          [&](expect_no_push_step const& e) { return do_expect_no_push(e); },
                          [&](expect_request_step const& e) { return do_expect_request(e); },
                          [&](expect_meter_step const& e) { return do_expect_meter(e); },
                          [&](set_step const& x) { return do_set(x); },
                          [&](repeat_step const& r) { return do_repeat(r, depth); },
                          [&](for_each_meter_step const& f) { return do_for_each(f, depth); },
                      },
                      s.what);
}

step_end run_state::do_call(call_step const& c, step const& s) {
    auto const port = w->port_of(c.platform);
    if (port == 0) return errored("platform " + c.platform + " is not started in this scenario");
    auto look = lookup();
    auto path = target_of(c, look);
    if (!path) return errored(path.error());
    auto const& target = path.value();
    sim::http::client_request req;
    req.method = c.method;
    req.url = "http://127.0.0.1:" + std::to_string(port) + target;
    if (c.signed_auth)
        for (auto& h : signer->headers_for(c.platform)) req.headers.push_back(std::move(h));
    for (auto const& [k, v] : c.headers) {
        auto x = interpolate(v, look);
        if (!x) return errored(x.error());
        req.headers.emplace_back(k, x.value());
    }
    // The client writes Content-Type from its own field: the last one given goes there.
    for (auto it = req.headers.begin(); it != req.headers.end();) {
        if (is_content_type(it->first)) {
            req.content_type = it->second;
            it = req.headers.erase(it);
        } else {
            ++it;
        }
    }
    if (c.body) {
        auto b = body_text(*c.body, look);
        if (!b) return errored(b.error());
        req.body = std::move(b).value();
    }
    auto reply = std::make_shared<std::optional<sim::http::client_reply>>();
    client->send(std::move(req), [reply](sim::http::client_reply r) { *reply = std::move(r); });
    if (!pump([&] { return reply->has_value(); }, wall::now() + limits.call))
        return errored("no answer from " + c.platform + " within " + std::to_string(limits.call.count() / 1000) + " s");
    auto const& r = **reply;
    if (!r.ok()) return errored(c.platform + " " + c.method + " " + target + ": " + r.error);
    auto status = settle();
    if (!status.ok()) return status;
    return check_answer(c, s, r.status, r.body);
}

step_end run_state::check_answer(call_step const& c, step const& s, unsigned status, std::string const& body) {
    auto look = lookup();
    std::vector<std::string> problems;
    if (c.expect_status && *c.expect_status != status)
        problems.push_back("status: expected " + std::to_string(*c.expect_status) + ", saw " + std::to_string(status));
    auto doc = platforms::parse_json(body);
    if ((!c.expect_body.empty() || !s.save.empty()) && !doc)
        return failed("expected a JSON answer, saw " + cut(body, 300) + " (status " + std::to_string(status) + ")",
                      journal_context());
    for (auto const& f : c.expect_body) {
        auto m = interpolate(f.m, look);
        if (!m) return errored(m.error());
        auto where = interpolate(f.path, look);
        if (!where) return errored(where.error());
        auto const* v = find_path(doc.value(), where.value());
        if (!matches(m.value(), v))
            problems.push_back("body " + where.value() + ": expected " + describe(m.value()) + ", saw " + describe(v));
    }
    if (!problems.empty()) {
        std::string msg;
        for (auto const& p : problems) msg += (msg.empty() ? "" : "; ") + p;
        auto ctx = journal_context();
        ctx.insert(ctx.begin(), "answer: " + cut(body, 1000));
        return failed(msg, std::move(ctx));
    }
    for (auto const& [name, written] : s.save) {
        auto where = interpolate(written, look);
        if (!where) return errored(where.error());
        auto const* v = find_path(doc.value(), where.value());
        if (v == nullptr) return failed("save " + name + ": " + where.value() + " is absent in the answer " + cut(body, 300));
        vars[name] = saved(*v);
    }
    return passed();
}

step_end run_state::do_advance(advance_step const& a) {
    if (a.by) return move_time(*a.by);
    if (a.to) {
        auto const t = now();
        if (*a.to <= t) return passed();
        return move_time(*a.to - t);
    }
    return passed();
}

step_end run_state::do_event(event_step const& e) {
    auto meter = text(e.meter);
    if (!meter) return errored(meter.error());
    auto body = to_json_text(e.event, lookup());
    if (!body) return errored(body.error());
    auto r = admin("POST", "/admin/meters/" + meter.value() + "/events", body.value());
    if (r.status != 200) return errored("the event was refused (" + std::to_string(r.status) + "): " + cut(r.body, 500));
    return settle();
}

std::string fault_body(fault_step const& f, std::optional<std::string> const& path,
                       std::optional<std::string> const& body) {
    std::string out;
    sim::json::json_text w(out, sim::json::bad_utf8::per_byte);
    w.begin_object();
    w.field("target", f.target);
    w.field("kind", f.kind);
    if (path) w.field("path", *path);
    if (f.kind == "error") w.number("status", f.status);
    if (body) w.field("body", *body);
    if (f.delay.count() != 0) w.number("delay_ms", f.delay.count());
    if (f.for_) w.number("for_ms", f.for_->count());
    if (f.count || !f.for_) w.number("count", static_cast<std::int64_t>(f.count.value_or(1)));
    w.end_object();
    w.finish();
    return out;
}

step_end run_state::do_fault(fault_step const& f) {
    if (f.clear) {
        auto r = admin("DELETE", "/admin/faults");
        if (r.status < 200 || r.status >= 300)
            return errored("DELETE /admin/faults answered " + std::to_string(r.status) + ": " + cut(r.body, 500));
        return passed();
    }
    auto look = lookup();
    std::optional<std::string> path;
    if (!f.path.empty()) {
        auto p = interpolate(f.path, look);
        if (!p) return errored(p.error());
        path = std::move(p).value();
    }
    std::optional<std::string> error_body;
    if (f.body) {
        auto b = body_text(*f.body, look);
        if (!b) return errored(b.error());
        error_body = std::move(b).value();
    }
    auto const body = fault_body(f, path, error_body);
    auto r = admin("POST", "/admin/faults", body);
    if (r.status < 200 || r.status >= 300)
        return errored("POST /admin/faults answered " + std::to_string(r.status) + ": " + cut(r.body, 500));
    return passed();
}

step_end run_state::do_cis_answer(cis_answer_step const& a) {
    if (!rec) return passed();  // a real CIS answers for itself
    auto look = lookup();
    auto meter = interpolate(a.meter, look);
    if (!meter) return errored(meter.error());
    std::optional<std::string> text_body;  // no body: the kind's default success body
    if (a.body.k != value::kind::null) {
        auto body = body_text(a.body, look);
        if (!body) return errored(body.error());
        text_body = std::move(body).value();
    }
    rec->script(scripted_answer{a.kind, meter.value(), a.count, a.status, std::move(text_body)});
    return passed();
}

step_end run_state::do_set(set_step const& s) {
    for (auto const& [name, v] : s.vars) {
        auto x = text(v);
        if (!x) return errored(x.error());
        vars[name] = var_value{x.value(), false};
    }
    return passed();
}

namespace {

/// Sets a variable for a block and puts the previous value back when the block ends.
class scoped_var {
public:
    scoped_var(std::map<std::string, var_value, std::less<>>& vars, std::string name)
        : vars_(vars), name_(std::move(name)) {
        if (auto it = vars_.find(name_); it != vars_.end()) old_ = it->second;
    }
    ~scoped_var() {
        if (old_) vars_[name_] = *old_;
        else vars_.erase(name_);
    }
    scoped_var(scoped_var const&) = delete;
    scoped_var& operator=(scoped_var const&) = delete;
    void set(std::string text) { vars_[name_] = var_value{std::move(text), false}; }

private:
    std::map<std::string, var_value, std::less<>>& vars_;
    std::string name_;
    std::optional<var_value> old_;
};

}  // namespace

std::string run_state::stop_text() const {
    return stopped_by == outcome::error ? "a step could not run" : "a step failed";
}

step_end run_state::do_repeat(repeat_step const& r, int depth) {
    scoped_var i(vars, "i");
    std::uint64_t turn = 1;
    for (; turn <= r.times; ++turn) {
        i.set(std::to_string(turn));
        run_steps(r.steps, depth + 1);
        if (stopped) break;
    }
    if (stopped)
        return {stopped_by, stop_text() + " in turn " + std::to_string(turn) + " of " + std::to_string(r.times), {}};
    return passed();
}

step_end run_state::do_for_each(for_each_meter_step const& f, int depth) {
    scoped_var meter(vars, "meter");
    std::string at;
    for (auto const& m : w->meters()) {
        if (stopped) break;
        if (!f.platform.empty() && m.platform != f.platform) continue;
        if (!f.model.empty() && m.model != f.model) continue;
        meter.set(m.meter_no);
        at = m.meter_no;
        run_steps(f.steps, depth + 1);
    }
    if (stopped) return {stopped_by, stop_text() + " for meter " + at, {}};
    return passed();
}

}  // namespace metersim::scenarios::detail

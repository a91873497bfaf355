// Uploads to the CIS (spec: cnmcsp §6.1 realtime data, §6.2 alarms) through the outbox: the
// requestSerialNo is made once, inside the body, so every retry carries the same one.

#include <cstdio>

#include "platforms/cnmcsp/platform_impl.hpp"

namespace metersim::platforms::cnmcsp {

namespace {

constexpr std::string_view cmd_realtime = "RealTimeData";
constexpr std::string_view cmd_alarm = "AlarmData";

void send(platform::impl& p, std::string const& url, std::string kind, account const& a,
          std::string serial, std::string body) {
    if (p.keys) {
        auto sealed = seal(*p.keys, body);
        if (!sealed) return;  // the keys were checked at start: cannot happen
        body = std::move(sealed.value());
    }
    sim::push out;
    out.platform = std::string(platform_name);
    out.kind = std::move(kind);
    out.meter_no = a.meter_no;
    out.url = url;
    out.headers = {{"Content-Type", "application/json;charset=utf-8"}};
    out.body = std::move(body);
    out.serial_no = std::move(serial);
    (void)p.outbox.enqueue(std::move(out));  // a bad URL is refused and journaled by the outbox
}

}  // namespace

// spec: cnmcsp §6.1 requestSerialNo VARCHAR(50) 不能重复: the prefix (the start's wall time by
// default) and a sequence number; 24 characters.
std::string platform::impl::next_serial() {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%010llu", static_cast<unsigned long long>(++serial_seq));
    return serial_prefix + digits;
}

void platform::impl::push_realtime(account const& a, meters::meter_report const& r) {
    if (opts.realtime_url.empty()) return;  // DESIGN.md: a URL left out means no push
    upload_head h{std::string(cmd_realtime), a.data_from, next_serial(), a.user_id, a.meter_no};
    auto body = realtime_body(h, r, a.meter_billed(), opts.utc_offset);
    send(*this, opts.realtime_url, "cnmcsp.realtime", a, std::move(h.serial_no), std::move(body));
}

alarm_mapping platform::impl::mapping_of(meters::alarm_code code) const {
    auto it = opts.alarm_map.find(code);
    return it != opts.alarm_map.end() ? it->second : default_alarm_mapping(code);
}

void platform::impl::push_alarm(account const& a, meters::alarm_change const& c) {
    if (opts.alarm_url.empty()) return;
    if (!c.raised && !opts.upload_cleared_alarms) return;
    auto m = mapping_of(c.code);
    if (m.alarm_type.empty()) return;  // mapped to nothing: not uploaded
    if (!c.raised) m.alarm_message += "解除";
    upload_head h{std::string(cmd_alarm), a.data_from, next_serial(), a.user_id, a.meter_no};
    auto body = alarm_body(h, c.at, m.alarm_type, m.alarm_message, opts.utc_offset);
    send(*this, opts.alarm_url, "cnmcsp.alarm", a, std::move(h.serial_no), std::move(body));
}

}  // namespace metersim::platforms::cnmcsp

namespace metersim::platforms::cnmcsp {

// spec: cnmcsp §6.1/§6.2 响应说明: ReturnCode 0 is success. An answer that is 2xx and carries
// ReturnCode (any key case, number or string) other than 0 is a refusal and is retried; a 2xx
// answer with no ReturnCode at all is taken as accepted.
bool cis_accepted(unsigned status, std::string_view body, envelope_keys const* keys) {
    if (status < 200 || status > 299) return false;
    std::string plain;
    if (keys != nullptr) {
        auto opened = open(*keys, body);
        if (opened) plain = std::move(opened.value());
        else plain = std::string(body);
    } else {
        plain = std::string(body);
    }
    auto parsed = parse_json(plain);
    if (!parsed || !parsed.value().is_object()) return true;
    auto const& obj = parsed.value();
    for (std::size_t i = 0; i < obj.size(); ++i) {
        std::string key = obj.key_at(i);
        for (auto& ch : key) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        if (key != "returncode") continue;
        auto const& v = obj.at(i);
        return (v.is_number() || v.is_string()) && (v.text() == "0");
    }
    return true;
}

void install_acceptance(platform::impl& p) {
    envelope_keys const* keys = p.keys ? &*p.keys : nullptr;
    auto pred = [keys](unsigned status, std::string_view body) {
        return cis_accepted(status, body, keys);
    };
    p.outbox.set_acceptance("cnmcsp.realtime", pred);
    p.outbox.set_acceptance("cnmcsp.alarm", pred);
    if (!p.opts.sign_uploads) return;
    // spec: cnmcsp §4.1: every api request carries AccessToken + Authorization; the CIS's upload
    // URLs (§6.1, §6.2) are api requests too, so the uploads are signed like the CIS's own
    // requests: appToken/appSecret, a fresh wall-time timestamp on every attempt (retries too).
    auto sign = [&p](sim::push& out) {
        set_token_headers(out.headers, make_token_headers(p.opts.app_token, p.opts.app_secret,
                                                          std::chrono::system_clock::now(), p.opts.utc_offset));
    };
    p.outbox.set_before_attempt("cnmcsp.realtime", sign);
    p.outbox.set_before_attempt("cnmcsp.alarm", sign);
}

void remove_hooks(platform::impl& p) {
    for (char const* kind : {"cnmcsp.realtime", "cnmcsp.alarm"}) {
        p.outbox.set_acceptance(kind, {});
        p.outbox.set_before_attempt(kind, {});
    }
}

}  // namespace metersim::platforms::cnmcsp

// Pushes to the CIS (spec: xianfeng §3.1 deviceReportData, §3.2 deviceResponseData): a JSON
// array of msgDTO with API_ORG_NUM, API_TRANS_ID and API_TOKEN, through the outbox. The transId
// is the push's stable serial, made at enqueue; the headers are made from it on the first attempt
// (before_attempt hook) and kept, so every retry sends the same body and headers.

#include <chrono>
#include <memory>

#include "platforms/xianfeng/platform_impl.hpp"
#include "platforms/xianfeng/token.hpp"

namespace metersim::platforms::xianfeng {

namespace {

constexpr std::string_view push_kinds[] = {"xianfeng.report", "xianfeng.alarm", "xianfeng.response"};

void enqueue(platform::impl& p, std::string const& url, std::string_view kind,
             std::string const& device_no, shared_body body) {
    if (url.empty()) return;  // DESIGN.md: a URL left out means that push is not sent
    // The transId's time is wall time in the vendor zone: the CIS checks it against its clock.
    sim::push out;
    out.platform = "xianfeng";
    out.kind = kind;
    out.meter_no = device_no;
    out.url = url;
    out.serial_no = p.signer.next_trans_id(std::chrono::system_clock::now());  // unique: the CIS de-duplicates on it
    out.shared_body = std::move(body);  // the headers come with the first attempt (impl::sign)
    (void)p.outbox.enqueue(std::move(out));  // a bad URL is refused and journaled by the outbox
}

}  // namespace

void platform::impl::deliver(std::size_t which, std::string const& url, std::string_view kind,
                             std::string const& device_no, shared_body body) {
    push_batching const& b = opts.batch;
    // Off (the default): one message per push, byte for byte as before batching existed.
    if (b.messages <= 1 || url.empty() || !body || body->size() < 2) {
        enqueue(*this, url, kind, device_no, std::move(body));
        return;
    }
    // spec: xianfeng §3.1, §3.2: the callback's body is a List<msgDTO>; several messages share
    // one push, up to `messages`, about `max_bytes` and `max_delay` (virtual time).
    std::string_view const msg = std::string_view(*body).substr(1, body->size() - 2);
    push_batch& q = batches[which];
    if (q.messages != 0 && q.body.size() + msg.size() + 2 > b.max_bytes) flush_batch(which);
    if (q.messages == 0) {
        q.body = "[";
        q.kind = std::string(kind);
        q.device_no = device_no;
        q.url = url;
        q.flush = schedule(sched.now() + b.max_delay, [this, which] {
            batches[which].flush = 0;
            flush_batch(which);
        });
    } else {
        q.body += ',';
    }
    q.body += msg;
    ++q.messages;
    if (q.messages >= b.messages || q.body.size() + 1 >= b.max_bytes) flush_batch(which);
}

void platform::impl::flush_batch(std::size_t which) {
    push_batch& q = batches[which];
    unschedule(q.flush);
    if (q.messages == 0) return;
    q.body += ']';
    // The batch is journaled under its first message's kind and device.
    enqueue(*this, q.url, q.kind, q.device_no, std::make_shared<std::string const>(std::move(q.body)));
    q.body.clear();
    q.messages = 0;
}

std::string& platform::impl::open_body() {
    body_scratch.clear();
    body_scratch += '[';
    return body_scratch;
}

shared_body platform::impl::close_body() {
    body_scratch += ']';
    return std::make_shared<std::string const>(body_scratch);  // exactly sized
}

void platform::impl::push_body(device_record const& d, std::string_view kind, shared_body body) {
    deliver(0, opts.report_url, kind, d.device_no, std::move(body));
}

void platform::impl::sign(sim::push& p) {
    if (!p.headers.empty()) return;  // a retry: the same transId, so the same headers
    auto h = signer.headers_for(p.serial_no);
    p.headers.reserve(3);
    p.headers.emplace_back(header_org_num, std::move(h.org_num));
    p.headers.emplace_back(header_trans_id, std::move(h.trans_id));
    p.headers.emplace_back(header_token, std::move(h.token));
}

void platform::impl::push_hooks(bool on) {
    for (std::string_view kind : push_kinds) {
        if (on) outbox.set_before_attempt(std::string(kind), [this](sim::push& p) { sign(p); });
        else outbox.set_before_attempt(std::string(kind), {});
    }
}

void platform::impl::push_response(device_record const& d, std::string_view command_id,
                                   result_fields const& result) {
    auto* m = meter_of(d);
    append_response_message(open_body(), source_of(d, m), command_id, result, sched.now());
    deliver(1, opts.response_url, "xianfeng.response", d.device_no, close_body());
}

}  // namespace metersim::platforms::xianfeng

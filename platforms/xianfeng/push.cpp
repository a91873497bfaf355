// Pushes to the CIS (spec: xianfeng §3.1 deviceReportData, §3.2 deviceResponseData): a JSON
// array of msgDTO with API_ORG_NUM, API_TRANS_ID and API_TOKEN, through the outbox, which keeps
// headers and body as they are for every retry (the transId is the push's stable serial).

#include <chrono>

#include "meters/rng.hpp"
#include "platforms/xianfeng/platform_impl.hpp"
#include "platforms/xianfeng/token.hpp"

namespace metersim::platforms::xianfeng {

namespace {

void enqueue(platform::impl& p, std::string const& url, std::string kind,
             std::string const& device_no, std::string msg) {
    if (url.empty()) return;  // DESIGN.md: a URL left out means that push is not sent
    static meters::meter_rng rng{meters::seed_for(0x58464e47, "xianfeng-trans-id")};
    // The transId's time is wall time in the vendor zone: the CIS checks it against its clock.
    auto trans_id = make_trans_id(std::chrono::system_clock::now(), p.opts.utc_offset, rng.next());
    auto headers = make_push_headers(company{p.opts.company_code, p.opts.key, p.opts.merchant_id},
                                     trans_id);
    sim::push out;
    out.platform = "xianfeng";
    out.kind = std::move(kind);
    out.meter_no = device_no;
    out.url = url;
    out.headers = {{std::string(header_org_num), headers.org_num},
                   {std::string(header_trans_id), headers.trans_id},
                   {std::string(header_token), headers.token}};
    out.body.reserve(msg.size() + 2);
    out.body += '[';
    out.body += msg;
    out.body += ']';
    out.serial_no = std::move(trans_id);
    (void)p.outbox.enqueue(std::move(out));  // a bad URL is refused and journaled by the outbox
}

}  // namespace

void platform::impl::push_report(device_record const& d, std::string const& kind, std::string msg) {
    enqueue(*this, opts.report_url, kind, d.device_no, std::move(msg));
}

void platform::impl::push_response(device_record const& d, command_record const& c) {
    auto* m = meter_of(d);
    auto msg = response_message(source_of(d, m), c.command_id, c.result, sched.now());
    enqueue(*this, opts.response_url, "xianfeng.response", d.device_no, std::move(msg));
}

}  // namespace metersim::platforms::xianfeng

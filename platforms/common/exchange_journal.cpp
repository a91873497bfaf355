#include "platforms/common/exchange_journal.hpp"

#include <utility>

namespace metersim::platforms {

std::vector<sim::deviation> to_journal(std::vector<deviation> const& ds) {
    std::vector<sim::deviation> out;
    out.reserve(ds.size());
    for (auto const& d : ds) out.push_back(sim::deviation{d.field, d.rule, d.section, d.detail, d.strict_refuses, d.refused});
    return out;
}

sim::journal_entry inbound_entry(meters::instant now, inbound_exchange ex, vendor_response const& answer) {
    sim::journal_entry j;
    j.virtual_time = now;
    j.dir = sim::direction::in;
    j.platform = std::string(ex.platform);
    j.method = std::string(ex.req.method);
    j.target = std::string(ex.req.target);
    j.meter_no = std::move(ex.meter_no);
    j.request_body = std::string(ex.request_body);
    j.status = answer.status;
    j.response_body = answer.body;
    j.verdict = std::move(ex.verdict);
    j.deviations = to_journal(ex.deviations);
    return j;
}

sim::http::response journal_and_answer(sim::journal& journal, meters::instant now, inbound_exchange ex,
                                       vendor_response out) {
    // Journaled from views: the ring copies the text once (no journal_entry in between).
    sim::journal_view j;
    j.virtual_time = now;
    j.dir = sim::direction::in;
    j.platform = ex.platform;
    j.method = ex.req.method;
    j.target = ex.req.target;
    j.meter_no = ex.meter_no;
    j.request_body = ex.request_body;
    j.status = out.status;
    j.response_body = out.body;
    j.verdict = ex.verdict;
    std::vector<sim::deviation> deviations;
    if (!ex.deviations.empty()) {
        deviations = to_journal(ex.deviations);
        j.deviations = &deviations;
    }
    journal.append(j);
    sim::http::response res;
    res.status = out.status;
    res.body = std::move(out.body);
    return res;
}

}  // namespace metersim::platforms

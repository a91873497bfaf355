// GET /admin/conformance: the CIS's deviations from the vendor documents, per platform, endpoint
// and rule (issue 16), from the journal's tally (sim/conformance_tally.hpp).
#include "sim/admin/admin_internal.hpp"

namespace metersim::sim::admin {

namespace {

ojson row_view(conformance_row const& r) {
    return ojson{{"platform", r.platform},
                 {"endpoint", r.endpoint},
                 {"field", r.field},
                 {"rule", r.rule},
                 {"section", r.section},
                 {"count", r.count},
                 {"refused", r.refused},
                 {"example_id", r.example_id},
                 {"example_detail", r.example_detail},
                 {"first_id", r.first_id},
                 {"strict_refuses", r.strict_refuses}};
}

http::response conformance(admin_context& ctx, http::request const& req) {
    auto const platform = req.query("platform").value_or("");
    ojson rules = ojson::array();
    for (auto const& r : ctx.journal.conformance())
        if (platform.empty() || r.platform == platform) rules.push_back(row_view(r));
    return answer(ojson{{"deviating_requests", ctx.journal.deviating_requests()}, {"rules", std::move(rules)}});
}

}  // namespace

void add_conformance_routes(http::router& r, admin_context& ctx) {
    r.get("/admin/conformance", guarded(ctx, conformance));
}

}  // namespace metersim::sim::admin

#include "platforms/common/endpoint.hpp"

#include <exception>
#include <utility>

#include "platforms/common/exchange_journal.hpp"
#include "sim/scheduler.hpp"

namespace metersim::platforms {

namespace {

/// Admission, the opened body, then the endpoint.
endpoint_result run(exchange& ex, std::function<endpoint_result(exchange&)> const& fn) {
    vendor_pipeline const& v = ex.vendor;
    if (v.admit) {
        if (auto e = v.admit(ex)) return *e;
    }
    if (v.open) {
        auto opened = v.open(ex.req.body);
        if (!opened) return opened.error();
        ex.opened = std::move(opened.value());
    }
    return fn(ex);
}

std::string rejected(api_error const& e) {
    std::string verdict = "rejected: " + e.code;
    if (!e.field.empty()) {
        verdict += ' ';
        verdict += e.field;
    }
    return verdict;
}

}  // namespace

sim::http::handler make_endpoint(vendor_pipeline const& vendor, std::string section, std::uint8_t route_tag,
                                 std::function<endpoint_result(exchange&)> fn) {
    return [&vendor, section = std::move(section), route_tag, fn = std::move(fn)](sim::http::request const& req) {
        exchange ex{req, vendor, route_tag,
                    reader_context{vendor.mode, std::string(vendor.field_code), section, {}}, {}, std::nullopt,
                    std::nullopt};
        vendor_response out;
        std::string verdict;
        try {
            endpoint_result r = run(ex, fn);
            if (r) {
                out = vendor_response{200, vendor.success_body(r.value())};
                verdict = ex.ctx.deviations.empty() ? "ok" : "deviations";
            } else {
                out = vendor.render_error(ex, r.error());
                verdict = rejected(r.error());
                // Strict mode's refusal of a rule: journaled as the deviation it refused.
                if (r.error().refused) {
                    ex.ctx.deviations.push_back(*r.error().refused);
                    ex.ctx.deviations.back().refused = true;
                }
            }
        } catch (std::exception const& e) {
            // Nothing escapes a handler (STYLE.md §6.1).
            out = vendor.render_error(
                ex, make_api_error(vendor.internal_code, "", std::string("internal error: ") + e.what()));
            verdict = "error";
        }
        if (vendor.seal) vendor.seal(out.body);
        // The journal keeps the request as opened (an envelope's plain text).
        inbound_exchange in{.platform = vendor.platform, .req = req, .request_body = ex.body_text(),
                            .meter_no = std::move(ex.meter_no), .verdict = std::move(verdict),
                            .deviations = ex.ctx.deviations};
        return journal_and_answer(vendor.journal, vendor.sched.now(), std::move(in), std::move(out));
    };
}

api_result<json_value const*> read_json(exchange& ex) {
    if (ex.body) return &*ex.body;
    body_rules const& rules = ex.vendor.body;
    for (std::string_view name : rules.headers) {
        if (name.empty()) continue;
        auto const v = ex.req.header(name);
        if (v && v->find("application/json") != std::string_view::npos) continue;
        deviation d{std::string(name), "application/json", ex.ctx.section, std::string(v.value_or("absent"))};
        if (ex.ctx.mode == conformance::strict)
            return refusing(std::move(d), invalid_field(rules.code, name, "must be " + std::string(rules.expected)));
        ex.ctx.deviations.push_back(std::move(d));
    }
    auto parsed = parse_json(ex.body_text());
    if (!parsed) return to_api_error(parsed.error(), rules.unparseable_code);
    ex.body = std::move(parsed.value());
    return &*ex.body;
}

api_result<object_reader> read_object(exchange& ex) {
    auto v = read_json(ex);
    if (!v) return v.error();
    auto obj = object_reader::from(*v.value(), ex.ctx);
    if (!obj) return make_api_error(ex.vendor.body.unparseable_code, "", obj.error().message);
    return obj;
}

std::function<endpoint_result(exchange&)> with_object(
    std::function<endpoint_result(exchange&, object_reader const&)> fn) {
    return [fn = std::move(fn)](exchange& ex) -> endpoint_result {
        auto body = read_object(ex);
        if (!body) return body.error();
        return fn(ex, body.value());
    };
}

}  // namespace metersim::platforms

// The built-in CIS: answers pushes as the vendor documents say a CIS answers success, or as
// scripted by cis_answer steps.
#include "scenarios/recorder.hpp"

#include <vector>

#include "platforms/common/json_reader.hpp"
#include "scenarios/json_path.hpp"
#include "scenarios/scenario.hpp"
#include "sim/http/server.hpp"

namespace metersim::scenarios {

namespace {

using platforms::json_value;

/// Whether a string anywhere in the document equals one of the texts.
bool mentions(json_value const& v, std::string_view a, std::string_view b) {
    if (v.is_string()) return v.text() == a || (!b.empty() && v.text() == b);
    for (std::size_t i = 0; i < v.size(); ++i)
        if (mentions(v.at(i), a, b)) return true;
    return false;
}

std::string text_at(json_value const& doc, std::string_view path) {
    auto const* v = find_path(doc, path);
    return v == nullptr || v->is_object() || v->is_array() ? std::string{} : v->text();
}

}  // namespace

struct recorder::impl {
    recorder_lookups lookups;
    std::vector<scripted_answer> scripts;
    std::uint64_t received = 0;
    std::unique_ptr<sim::http::server> server;

    sim::http::response answer(sim::http::request const& req) {
        ++received;
        auto kind = push_kind_of(req.path, req.body);
        sim::http::response r;
        if (auto* s = find_script(kind, req.body)) {
            r.status = s->status;
            r.body = s->body ? *s->body : default_body(kind, req.body);
            if (s->count && --*s->count == 0) scripts.erase(scripts.begin() + (s - scripts.data()));
            return r;
        }
        r.body = default_body(kind, req.body);
        return r;
    }

    std::string default_body(std::string const& kind, std::string_view body) {
        std::string price;
        if (kind == "xintian.billing" && lookups.unit_price_of) {
            auto doc = platforms::parse_json(body);
            if (doc) price = lookups.unit_price_of(text_at(doc.value(), "MeterAddr"));
        }
        return default_answer(kind, body, price);
    }

    /// The script for this push: one for its meter first, else one for every meter.
    scripted_answer* find_script(std::string const& kind, std::string_view body) {
        if (scripts.empty()) return nullptr;
        scripted_answer* general = nullptr;
        std::optional<json_value> doc;
        for (auto& s : scripts) {
            if (s.kind != kind) continue;
            if (s.meter.empty()) {
                general = &s;
                continue;
            }
            if (!doc) {
                auto parsed = platforms::parse_json(body);
                doc = parsed ? std::move(parsed).value() : json_value{};
            }
            std::string device = lookups.device_id_of ? lookups.device_id_of(s.meter) : std::string{};
            if (mentions(*doc, s.meter, device)) return &s;
        }
        return general;
    }
};

recorder::recorder(boost::asio::io_context& io, recorder_lookups lookups) : impl_(std::make_shared<impl>()) {
    impl_->lookups = std::move(lookups);
    sim::http::router routes;
    std::weak_ptr<impl> weak = impl_;
    routes.set_fallback([weak](sim::http::request const& req, sim::http::route_miss) {
        auto self = weak.lock();
        if (!self) return sim::http::json_error(503, "recorder stopped");
        return self->answer(req);
    });
    sim::http::server_options o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.body_limit = 16 * 1024 * 1024;
    impl_->server = std::make_unique<sim::http::server>(io, std::move(routes), o);
}

recorder::~recorder() {
    if (impl_->server) impl_->server->stop();
}

std::uint16_t recorder::port() const noexcept { return impl_->server->port(); }

std::string recorder::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

void recorder::script(scripted_answer a) {
    auto& v = impl_->scripts;
    for (auto it = v.begin(); it != v.end(); ++it)
        if (it->kind == a.kind && it->meter == a.meter) {
            v.erase(it);
            break;
        }
    v.push_back(std::move(a));
}

std::uint64_t recorder::received() const noexcept { return impl_->received; }

std::string push_kind_of(std::string_view path, std::string_view body) {
    if (path == "/xianfeng/report") {
        auto doc = platforms::parse_json(body);
        if (doc && text_at(doc.value(), "callbackData.reportType") == "99") return "xianfeng.alarm";
        return "xianfeng.report";
    }
    for (auto const& k : push_kinds())
        if (k.default_path == path) return std::string(k.name);
    return {};
}

std::string default_answer(std::string_view kind, std::string_view body, std::string_view unit_price) {
    if (kind.starts_with("cnmcsp.")) return R"({"ReturnCode":"0","ReturnMessage":"接口功能执行成功"})";
    if (kind != "xintian.billing") return {};
    // spec: xintian §3.6.2: the entry for the reported meter; values that change nothing.
    auto doc = platforms::parse_json(body);
    json_value empty;
    auto const& d = doc ? doc.value() : empty;
    auto meter = text_at(d, "MeterAddr");
    auto remnant = text_at(d, "Reserve");
    auto valve = text_at(d, "ValveState") == "2" ? "2" : "1";
    std::string out = R"({"ResultCode":1,"Message":"成功","DataList":[{"MeterAddr":)";
    out += platforms::json_quote(meter);
    out += ",\"UnitPrice\":" + std::string(unit_price.empty() ? "0" : unit_price);
    out += ",\"Remnant\":" + (remnant.empty() ? std::string("0") : remnant);
    out += ",\"ValveMode\":" + std::string(valve) + "}]}";
    return out;
}

}  // namespace metersim::scenarios

// The scenario world on serve_app: a scenario's header becomes a serve config (every listener on
// loopback, the scenario's credentials, clock and push URLs, nothing persisted), the meters are
// manufactured in the order the scenario declares them, and the runner gets the loop, the journal
// and the admin API (called in process through the admin router).
#include "tools/scenario_world.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "sim/fleet.hpp"
#include "sim/http/routes.hpp"
#include "sim/journal.hpp"
#include "sim/outbox.hpp"
#include "tools/cmd_serve.hpp"
#include "tools/serve_platforms.hpp"

namespace metersim::tools {

namespace {

using scenarios::platform_decl;
using scenarios::world_spec;

[[noreturn]] void bad(platform_decl const& p, std::string_view key, std::string_view why) {
    throw std::runtime_error(fmt::format("platforms.{}.{}: {}", p.name, key, why));
}

std::string const& scalar(platform_decl const& p, std::string const& key, scenarios::value const& v) {
    if (v.k != scenarios::value::kind::scalar) bad(p, key, "expected a scalar");
    return v.text;
}

std::int64_t integer(platform_decl const& p, std::string const& key, scenarios::value const& v) {
    auto const& t = scalar(p, key, v);
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec != std::errc{} || end != t.data() + t.size() || out < 0) bad(p, key, "expected a whole number >= 0");
    return out;
}

bool boolean(platform_decl const& p, std::string const& key, scenarios::value const& v) {
    auto const& t = scalar(p, key, v);
    if (t == "true") return true;
    if (t == "false") return false;
    bad(p, key, "expected true or false");
}

/// "host:port" ("127.0.0.1:8802", "[::1]:0", "localhost:8802").
listen_address listen_of(platform_decl const& p, std::string const& key, scenarios::value const& v) {
    auto const& t = scalar(p, key, v);
    auto colon = t.rfind(':');
    if (colon == std::string::npos) bad(p, key, "expected host:port");
    unsigned port = 0;
    auto const* first = t.data() + colon + 1;
    auto [end, ec] = std::from_chars(first, t.data() + t.size(), port);
    if (ec != std::errc{} || end != t.data() + t.size() || first == end || port > 65535)
        bad(p, key, "expected host:port with a port from 0 to 65535");
    std::string host = t.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) bad(p, key, "expected host:port");
    return listen_address{host, static_cast<std::uint16_t>(port)};
}

/// One setting a scenario may give a platform: its key and the config member it sets (the
/// member's type says how the value is read).
template <class C>
struct setting {
    std::string_view key;
    std::variant<listen_address C::*, std::string C::*, std::int64_t C::*, bool C::*> member;
};

/// Declares the platform `p` names in `slot`, on a loopback port the system picks, with the
/// settings the scenario gives it.
template <class C, std::size_t N>
void apply_settings(platform_decl const& p, std::optional<C>& slot, setting<C> const (&table)[N]) {
    auto& c = slot.emplace();
    c.listen = {"127.0.0.1", 0};
    for (auto const& [k, v] : p.settings) {
        auto const* s = std::find_if(std::begin(table), std::end(table), [&k](auto const& e) { return e.key == k; });
        if (s == std::end(table)) bad(p, k, fmt::format("not a {} setting", p.name));
        std::visit(
            [&](auto m) {
                using T = std::remove_reference_t<decltype(c.*m)>;
                if constexpr (std::is_same_v<T, listen_address>) c.*m = listen_of(p, k, v);
                else if constexpr (std::is_same_v<T, std::string>) c.*m = scalar(p, k, v);
                else if constexpr (std::is_same_v<T, bool>) c.*m = boolean(p, k, v);
                else c.*m = integer(p, k, v);
            },
            s->member);
    }
}

constexpr setting<cnmcsp_config> cnmcsp_settings[] = {
    {"listen", &cnmcsp_config::listen}, {"app_token", &cnmcsp_config::app_token},
    {"app_secret", &cnmcsp_config::app_secret}, {"auth_window_s", &cnmcsp_config::auth_window_s}};
constexpr setting<xianfeng_config> xianfeng_settings[] = {
    {"listen", &xianfeng_config::listen}, {"company_code", &xianfeng_config::company_code},
    {"key", &xianfeng_config::key}, {"merchant_id", &xianfeng_config::merchant_id},
    {"freshness_window_s", &xianfeng_config::freshness_window_s}, {"replay_check", &xianfeng_config::replay_check},
    {"auto_provision", &xianfeng_config::auto_provision}};
constexpr setting<xintian_config> xintian_settings[] = {
    {"listen", &xintian_config::listen}, {"app_id", &xintian_config::app_id},
    {"app_secret", &xintian_config::app_secret}, {"auth_window_s", &xintian_config::auth_window_s}};

std::string url_of(scenarios::named_texts const& urls, std::string_view kind) {
    std::string out;
    for (auto const& [k, url] : urls)
        if (k == kind) out = url;  // the last one wins (on_loop's come after push_urls)
    return out;
}

/// Sets each started platform's push URLs.
void set_push_urls(config& c, scenarios::named_texts const& urls) {
    auto& ps = c.platforms;
    if (ps.cnmcsp) {
        ps.cnmcsp->realtime_url = url_of(urls, "cnmcsp.realtime");
        ps.cnmcsp->alarm_url = url_of(urls, "cnmcsp.alarm");
    }
    if (ps.xianfeng) {
        ps.xianfeng->report_url = url_of(urls, "xianfeng.report");
        ps.xianfeng->response_url = url_of(urls, "xianfeng.response");
    }
    if (ps.xintian) ps.xintian->report_url = url_of(urls, "xintian.billing");
}

std::string zone_text(meters::utc_offset z) {
    if (z.minutes == 0) return "UTC";
    auto const m = z.minutes < 0 ? -z.minutes : z.minutes;
    return fmt::format("{}{:02}:{:02}", z.minutes < 0 ? '-' : '+', m / 60, m % 60);
}

/// The serve config of a scenario: the struct defaults are the embedded config's demo values.
config config_of(world_spec const& spec) {
    config c;
    c.state = ":memory:";
    c.zone = spec.zone;
    c.timezone = zone_text(spec.zone);
    c.clock.mode = spec.clock.mode;
    c.clock.speed = spec.clock.speed;
    c.clock.start = spec.start;
    c.conformance = spec.conformance;
    c.admin.listen = listen_address{"127.0.0.1", 0};
    for (auto const& p : spec.platforms) {
        if (p.name == "cnmcsp") apply_settings(p, c.platforms.cnmcsp, cnmcsp_settings);
        else if (p.name == "xianfeng") apply_settings(p, c.platforms.xianfeng, xianfeng_settings);
        else if (p.name == "xintian") apply_settings(p, c.platforms.xintian, xintian_settings);
        else throw std::runtime_error(fmt::format("platforms: unknown platform '{}'", p.name));
    }
    set_push_urls(c, spec.push_urls);
    return c;
}

serve_extras extras_of(world_spec const& spec) {
    serve_extras x{spec.seed, spec.journal_capacity, {}, {}, {}};
    if (spec.on_loop) {
        x.before_listen = [&spec](config& c, boost::asio::io_context& io) {
            auto urls = spec.push_urls;
            for (auto& u : spec.on_loop(io)) urls.push_back(std::move(u));
            set_push_urls(c, urls);
        };
    }
    return x;
}

void manufacture(sim::fleet& fleet, std::string const& model, std::string const& platform, std::string no) {
    auto const* entry = fleet.models().find(model);
    if (entry == nullptr || entry->platform != platform)
        throw std::runtime_error(fmt::format("meters: model '{}' is not a {} model of the catalogue", model, platform));
    sim::manufacture_request req;
    req.model = model;
    req.identity.meter_no = std::move(no);
    auto made = fleet.manufacture(req);
    if (!made) throw std::runtime_error("meters: " + made.error());
}

class serve_world final : public scenarios::world {
public:
    explicit serve_world(world_spec const& spec)
        : app_(config_of(spec), extras_of(spec)) {
        // Meters in the declared order: a single meter keeps its exact number, a fleet is
        // numbered id_prefix + a 6-digit sequence from 000001.
        for (auto const& m : spec.meters) {
            if (m.fleet == 0) {
                manufacture(app_.fleet(), m.model, m.platform, m.no);
                continue;
            }
            for (std::uint32_t i = 1; i <= m.fleet; ++i)
                manufacture(app_.fleet(), m.model, m.platform, fmt::format("{}{:06}", m.id_prefix, i));
        }
    }

    boost::asio::io_context& io() override { return app_.io(); }
    sim::clock& clock() override { return app_.clock(); }
    sim::journal& journal() override { return app_.journal(); }
    std::uint16_t port_of(std::string_view platform) const override { return app_.port_of(platform); }
    std::uint16_t admin_port() const override { return app_.admin_port(); }

    scenarios::admin_reply admin(std::string_view method, std::string_view target, std::string_view body) override {
        sim::http::request req;
        req.method = method;
        req.target = target;
        auto q = target.find('?');
        req.path = target.substr(0, q);
        req.query_string = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        req.body = body;
        req.remote_address = "127.0.0.1";
        if (!sim::http::parse_query(req.query_string, req.query_params))
            return {400, R"({"message":"malformed query string"})"};
        try {
            auto r = app_.admin_router().dispatch(req);
            return {r.status, std::move(r.body)};
        } catch (std::exception const& e) {
            return {500, sim::http::json_error(500, e.what()).body};
        }
    }

    void when_idle(std::function<void()> done) override { app_.outbox().when_idle(std::move(done)); }

    std::string imei_of(std::string_view meter_no) override {
        auto* m = app_.fleet().find(meter_no);
        return m == nullptr ? std::string{} : m->meter.identity().imei;
    }
    std::string iccid_of(std::string_view meter_no) override {
        auto* m = app_.fleet().find(meter_no);
        return m == nullptr ? std::string{} : sim::fleet::iccid_of(*m);
    }

    std::vector<meter_info> meters() override {
        std::vector<meter_info> out;
        auto& f = app_.fleet();
        for (auto* m : f.list("", 0, f.size())) out.push_back({m->meter_no(), m->platform(), m->entry->key});
        return out;
    }

    std::string setting(std::string_view platform, std::string_view key) const override {
        return platform_setting(app_.settings(), platform, key);
    }

private:
    serve_app app_;
};

}  // namespace

scenarios::world_factory scenario_world_factory() {
    return [](world_spec const& spec) -> std::unique_ptr<scenarios::world> {
        return std::make_unique<serve_world>(spec);
    };
}

}  // namespace metersim::tools

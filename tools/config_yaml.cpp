#include "tools/config.hpp"

// The config as text: written back as YAML (`metersim serve --print-config`, which parse_config
// reads back to the same config: a test checks the round trip), and its values' to_string.

#include <array>
#include <chrono>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace metersim::tools {

namespace {

/// A scalar double-quoted by yaml-cpp's emitter: quotes, backslashes and control characters
/// escaped, so that any text reads back as itself.
std::string quoted(std::string_view s) {
    YAML::Emitter e;
    e << YAML::DoubleQuoted << std::string{s};
    return e.c_str();
}

std::string quoted(listen_address const& a) { return quoted(a.to_string()); }

/// " tls: { cert: ..., key: ... }" (a listener's HTTPS files), or nothing when plain.
std::string tls_of(sim::http::tls_files const& t) {
    return t.enabled() ? fmt::format("{{ cert: {}, key: {} }}", quoted(t.cert), quoted(t.key)) : std::string{};
}

template <class Number>
std::string number(Number n) {
    return fmt::format("{}", n);
}

/// "key: value" lines at `indent` spaces, values already written as YAML; an empty value is a
/// block that follows ("key:").
void put(std::string& out, int indent, std::initializer_list<std::pair<std::string_view, std::string>> entries) {
    for (auto const& [key, value] : entries)
        out += fmt::format("{:{}}{}:{}{}\n", "", indent, key, value.empty() ? "" : " ", value);
}

/// "{ k: v, k: v }": a one-line map, the form the embedded default config uses.
std::string flow(std::initializer_list<std::pair<std::string_view, std::string>> entries) {
    std::string out = "{";
    for (auto const& [key, value] : entries) out += fmt::format("{} {}: {}", out.size() > 1 ? "," : "", key, value);
    return out + " }";
}

/// What every platform ends with: its body limit and its store bounds (waiting, history,
/// retention) under the platform's own key names.
void put_limits(std::string& out, std::size_t body_limit, std::array<std::string_view, 3> names,
                sim::store_bounds const& b, sim::http::tls_files const& tls) {
    if (tls.enabled()) put(out, 4, {{"tls", tls_of(tls)}});
    auto const retention_s = std::chrono::duration_cast<std::chrono::seconds>(b.retention).count();
    std::string const total = std::string(names[0]) + "_total";
    put(out, 4, {{"body_limit", number(body_limit)}, {names[0], number(b.waiting)}, {names[1], number(b.history)},
                 {names[2], number(retention_s)}, {total, number(b.waiting_total)}});
}

}  // namespace

std::string listen_address::to_string() const {
    return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string to_string(config_error const& e) {
    if (e.line == 0) return fmt::format("{}: error: {}", e.file, e.message);
    return fmt::format("{}:{}:{}: error: {}", e.file, e.line, e.column, e.message);
}

// The layout is written here (flow maps on one line, as in the embedded default); every scalar
// that is text goes through yaml-cpp's emitter.
std::string to_yaml(config const& c, secrets s) {
    // A secret is written as itself, or masked; an unset one stays "" either way.
    auto const secret = [s](std::string_view v) { return quoted(s == secrets::masked && !v.empty() ? masked_secret : v); };
    std::string out;
    put(out, 0, {{"state", quoted(c.state)}, {"state_checkpoint_ms", number(c.state_checkpoint_ms)}, {"timezone", quoted(c.timezone)},
                 {"clock", flow({{"mode", std::string{sim::to_string(c.clock.mode)}}, {"speed", number(c.clock.speed)},
                                 {"start", quoted(c.clock.start_text)}})},
                 {"conformance", std::string{to_string(c.conformance)}},
                 {"admin", c.admin.tls.enabled()
                               ? flow({{"listen", quoted(c.admin.listen)}, {"report_history", number(c.admin.report_history)},
                                       {"tls", tls_of(c.admin.tls)}})
                               : flow({{"listen", quoted(c.admin.listen)}, {"report_history", number(c.admin.report_history)}})}});
    auto const& p = c.platforms;
    out += p.cnmcsp || p.xianfeng || p.xintian ? "platforms:\n" : "platforms: {}\n";
    if (auto const& x = p.cnmcsp) {
        auto const& v = x->envelope;
        out += "  cnmcsp:\n";
        put(out, 4, {{"listen", quoted(x->listen)}, {"app_token", quoted(x->app_token)},
                     {"app_secret", secret(x->app_secret)}, {"auth_window_s", number(x->auth_window_s)},
                     {"realtime_url", quoted(x->realtime_url)}, {"alarm_url", quoted(x->alarm_url)},
                     {"sign_uploads", number(x->sign_uploads)},
                     {"envelope", flow({{"enabled", number(v.enabled)}, {"des3_key_hex", secret(v.des3_key_hex)},
                                        {"mac_key_hex", secret(v.mac_key_hex)}, {"iv_hex", quoted(v.iv_hex)}})},
                     {"alarm_map", x->alarm_map.empty() ? "{}" : ""}});
        for (auto const& [code, text] : x->alarm_map)
            put(out, 6, {{quoted(code), flow({{"type", quoted(text.type)}, {"message", quoted(text.message)}})}});
        put_limits(out, x->body_limit, {"max_queued_trades", "trade_history", "trade_retention_s"}, x->trades, x->tls);
    }
    if (auto const& x = p.xianfeng) {
        out += "  xianfeng:\n";
        put(out, 4, {{"listen", quoted(x->listen)}, {"company_code", quoted(x->company_code)}, {"key", secret(x->key)},
                     {"merchant_id", quoted(x->merchant_id)}, {"report_url", quoted(x->report_url)},
                     {"response_url", quoted(x->response_url)}, {"freshness_window_s", number(x->freshness_window_s)},
                     {"replay_check", number(x->replay_check)}, {"auto_provision", number(x->auto_provision)},
                     {"push_batch", flow({{"messages", number(x->push_batch_messages)},
                                          {"max_bytes", number(x->push_batch_max_bytes)},
                                          {"max_delay_ms", number(x->push_batch_max_delay_ms)}})}});
        put_limits(out, x->body_limit, {"max_queued_commands", "command_history", "command_retention_s"},
                   x->commands, x->tls);
    }
    if (auto const& x = p.xintian) {
        out += "  xintian:\n";
        put(out, 4, {{"listen", quoted(x->listen)}, {"app_id", quoted(x->app_id)}, {"app_secret", secret(x->app_secret)},
                     {"auth_window_s", number(x->auth_window_s)}, {"replay_check", number(x->replay_check)},
                     {"report_url", quoted(x->report_url)}});
        put_limits(out, x->body_limit, {"max_queued_pays", "pay_history", "pay_retention_s"}, x->pays, x->tls);
    }
    out += c.fleet.empty() ? "fleet: []\n" : "fleet:\n";
    for (auto const& e : c.fleet)
        out += fmt::format("  - {}\n", flow({{"platform", e.platform}, {"model", quoted(e.model)},
                                             {"count", number(e.count)}, {"id_prefix", quoted(e.id_prefix)}}));
    auto const& h = c.http;
    auto const& o = c.outbox;
    put(out, 0, {{"http", flow({{"body_limit", number(h.body_limit)}, {"header_limit", number(h.header_limit)},
                                {"header_timeout_ms", number(h.header_timeout_ms)},
                                {"body_timeout_ms", number(h.body_timeout_ms)},
                                {"write_timeout_ms", number(h.write_timeout_ms)},
                                {"idle_timeout_ms", number(h.idle_timeout_ms)},
                                {"max_connections", number(h.max_connections)}})},
                 {"outbox", flow({{"backoff_base_ms", number(o.backoff_base_ms)}, {"backoff_cap_ms", number(o.backoff_cap_ms)},
                                  {"connections", number(o.connections)}, {"pipeline", number(o.pipeline)},
                                  {"meter_order", number(o.meter_order)},
                                  {"connect_timeout_ms", number(o.connect_timeout_ms)},
                                  {"request_timeout_ms", number(o.request_timeout_ms)},
                                  {"answer_limit", number(o.answer_limit)}, {"ca_file", quoted(o.ca_file)},
                                  {"insecure", number(o.insecure)}})},
                 {"journal", flow({{"capacity", number(c.journal.capacity)}})}});
    return out;
}

}  // namespace metersim::tools

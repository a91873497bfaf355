#include "tools/config.hpp"

// The config as text: written back as YAML (`metersim serve --print-config`, which parse_config
// reads back to the same config: a test checks the round trip), and its values' to_string.

#include <fmt/format.h>

namespace metersim::tools {

namespace {

std::int64_t seconds_of(meters::duration d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

}  // namespace

std::string listen_address::to_string() const {
    return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string_view to_string(conformance_mode m) noexcept {
    return m == conformance_mode::strict ? "strict" : "lenient";
}

std::string to_string(config_error const& e) {
    if (e.line == 0) return fmt::format("{}: error: {}", e.file, e.message);
    return fmt::format("{}:{}:{}: error: {}", e.file, e.line, e.column, e.message);
}

std::string to_yaml(config const& c) {
    std::string out;
    auto line = [&out](std::string const& s) { out += s + '\n'; };
    line(fmt::format("state: {}", quoted(c.state)));
    line(fmt::format("timezone: {}", quoted(c.timezone)));
    line(fmt::format("clock: {{ mode: {}, speed: {}, start: {} }}", sim::to_string(c.clock.mode), c.clock.speed,
                     quoted(c.clock.start_text)));
    line(fmt::format("conformance: {}", to_string(c.conformance)));
    line(fmt::format("admin: {{ listen: {} }}", quoted(c.admin.listen.to_string())));
    auto const& p = c.platforms;
    if (p.cnmcsp || p.xianfeng || p.xintian) line("platforms:");
    else line("platforms: {}");
    if (auto const& x = p.cnmcsp) {
        line("  cnmcsp:");
        line(fmt::format("    listen: {}", quoted(x->listen.to_string())));
        line(fmt::format("    app_token: {}", quoted(x->app_token)));
        line(fmt::format("    app_secret: {}", quoted(x->app_secret)));
        line(fmt::format("    auth_window_s: {}", x->auth_window_s));
        line(fmt::format("    realtime_url: {}", quoted(x->realtime_url)));
        line(fmt::format("    alarm_url: {}", quoted(x->alarm_url)));
        line(fmt::format("    envelope: {{ enabled: {}, des3_key_hex: {}, mac_key_hex: {}, iv_hex: {} }}",
                         x->envelope.enabled, quoted(x->envelope.des3_key_hex), quoted(x->envelope.mac_key_hex),
                         quoted(x->envelope.iv_hex)));
        if (x->alarm_map.empty()) line("    alarm_map: {}");
        else line("    alarm_map:");
        for (auto const& [code, text] : x->alarm_map)
            line(fmt::format("      {}: {{ type: {}, message: {} }}", quoted(code), quoted(text.type),
                             quoted(text.message)));
        line(fmt::format("    body_limit: {}", x->body_limit));
        line(fmt::format("    max_queued_trades: {}", x->trades.waiting));
        line(fmt::format("    trade_history: {}", x->trades.history));
        line(fmt::format("    trade_retention_s: {}", seconds_of(x->trades.retention)));
    }
    if (auto const& x = p.xianfeng) {
        line("  xianfeng:");
        line(fmt::format("    listen: {}", quoted(x->listen.to_string())));
        line(fmt::format("    company_code: {}", quoted(x->company_code)));
        line(fmt::format("    key: {}", quoted(x->key)));
        line(fmt::format("    merchant_id: {}", quoted(x->merchant_id)));
        line(fmt::format("    report_url: {}", quoted(x->report_url)));
        line(fmt::format("    response_url: {}", quoted(x->response_url)));
        line(fmt::format("    freshness_window_s: {}", x->freshness_window_s));
        line(fmt::format("    replay_check: {}", x->replay_check));
        line(fmt::format("    auto_provision: {}", x->auto_provision));
        line(fmt::format("    body_limit: {}", x->body_limit));
        line(fmt::format("    max_queued_commands: {}", x->commands.waiting));
        line(fmt::format("    command_history: {}", x->commands.history));
        line(fmt::format("    command_retention_s: {}", seconds_of(x->commands.retention)));
    }
    if (auto const& x = p.xintian) {
        line("  xintian:");
        line(fmt::format("    listen: {}", quoted(x->listen.to_string())));
        line(fmt::format("    app_id: {}", quoted(x->app_id)));
        line(fmt::format("    app_secret: {}", quoted(x->app_secret)));
        line(fmt::format("    auth_window_s: {}", x->auth_window_s));
        line(fmt::format("    report_url: {}", quoted(x->report_url)));
        line(fmt::format("    body_limit: {}", x->body_limit));
        line(fmt::format("    max_queued_pays: {}", x->pays.waiting));
        line(fmt::format("    pay_history: {}", x->pays.history));
        line(fmt::format("    pay_retention_s: {}", seconds_of(x->pays.retention)));
    }
    if (c.fleet.empty()) line("fleet: []");
    else line("fleet:");
    for (auto const& e : c.fleet)
        line(fmt::format("  - {{ platform: {}, model: {}, count: {}, id_prefix: {} }}", e.platform, quoted(e.model),
                         e.count, quoted(e.id_prefix)));
    line(fmt::format("http: {{ body_limit: {}, header_timeout_ms: {}, idle_timeout_ms: {}, max_connections: {} }}",
                     c.http.body_limit, c.http.header_timeout_ms, c.http.idle_timeout_ms, c.http.max_connections));
    line(fmt::format("outbox: {{ backoff_base_ms: {}, backoff_cap_ms: {}, connections: {}, pipeline: {} }}",
                     c.outbox.backoff_base_ms, c.outbox.backoff_cap_ms, c.outbox.connections, c.outbox.pipeline));
    line(fmt::format("journal: {{ capacity: {} }}", c.journal.capacity));
    return out;
}

}  // namespace metersim::tools

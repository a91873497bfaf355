#include "tools/config.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <fstream>
#include <initializer_list>

#include <fmt/format.h>

#include "meters/alarms.hpp"
#include "scenarios/yaml_reader.hpp"

namespace metersim::tools {

namespace {

namespace yaml = scenarios::yaml;
using yaml::describe;
using yaml::field;
using yaml::is_digits;
using yaml::key_of;
using yaml::shown;

bool is_url(std::string_view s) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (s.starts_with(scheme)) {
            auto rest = s.substr(scheme.size());
            auto host_end = rest.find_first_of("/?#");
            auto host = rest.substr(0, host_end);
            return !host.empty() && host.find_first_of(" \t") == std::string_view::npos;
        }
    }
    return false;
}

/// "local" (nullopt: the host's offset, resolved at the start time) or what
/// meters::parse_utc_offset reads.
std::optional<std::optional<meters::utc_offset>> parse_zone(std::string_view s) {
    if (s == "local") return std::optional<meters::utc_offset>{};
    auto z = meters::parse_utc_offset(s);
    if (!z) return std::nullopt;
    return std::optional<meters::utc_offset>{z.value()};
}

/// The host's UTC offset at (about) a civil time: the offset in force at that instant read as UTC.
meters::utc_offset host_offset_at(meters::civil_time const& c) {
    auto const t = static_cast<std::time_t>(meters::to_ms(meters::from_civil(c, meters::utc_offset{0})) / 1000);
    std::tm local{};
    if (localtime_r(&t, &local) == nullptr) return meters::utc_offset{0};
    return meters::utc_offset{static_cast<std::int32_t>(local.tm_gmtoff / 60)};
}

/// Walks the YAML tree on the shared positioned reader, fills a config and collects every
/// error on the way.
class loader : public yaml::reader {
public:
    explicit loader(std::string_view file) : yaml::reader(file, "config") { key_list_last_ = ", "; }

    void read(field const& f, std::string& out) {
        if (scalar(f, "a string")) out = f.value.Scalar();
    }

    /// A secret (app_secret, key, the envelope keys): never echoed in an error (issue #18), and
    /// the mask --print-config writes in its place is refused rather than taken as the secret.
    bool secret_text(field const& f, std::string_view expected) {
        if (!scalar(f, expected)) return false;
        if (f.value.Scalar() != masked_secret) return true;
        error_at(f.mark(), fmt::format("{}: found the mask \"{}\" that --print-config writes, expected the secret "
                                       "itself",
                                       f.path, masked_secret));
        return false;
    }
    void read_secret(field const& f, std::string& out) {
        if (secret_text(f, "a string")) out = f.value.Scalar();
    }

    /// tls: { cert: FILE, key: FILE }, both or neither; the files must load as a certificate
    /// chain and its key (checked here, so that serve does not fail later at start-up).
    void read_tls(field const& f, sim::http::tls_files& out) {
        for (auto& g : entries(f, {"cert", "key"})) read(g, key_of(g) == "cert" ? out.cert : out.key);
        if (!out.enabled()) return;
        if (auto bad = sim::http::check_tls_files(out))
            error_at(f.mark(), fmt::format("{}: found {}, expected a PEM certificate chain (cert) and its private key (key)",
                                           f.path, *bad));
    }

    /// A PEM file of CA certificates, checked readable here ("" is the system's store).
    void read_ca_file(field const& f, std::string& out) {
        read(f, out);
        if (!out.empty() && !std::ifstream(out))
            error_at(f.mark(), fmt::format("{}: found \"{}\", a file that cannot be read, expected a PEM file of CA certificates",
                                           f.path, out));
    }

    void read_url(field const& f, std::string& out) {
        if (!scalar(f, "an http:// or https:// URL")) return;
        auto const& s = f.value.Scalar();
        if (!s.empty() && !is_url(s)) return wrong(f, "an http:// or https:// URL");
        out = s;
    }

    template <class Int>
    void read_int(field const& f, Int& out, std::uint64_t min, std::uint64_t max) {
        if (auto v = integer(f, min, max)) out = static_cast<Int>(*v);
    }

    void read_bool(field const& f, bool& out) {
        if (auto v = boolean(f)) out = *v;
    }

    void read_listen(field const& f, listen_address& out) {
        constexpr std::string_view expected =
            "host:port with host an IPv4 address, [IPv6 address] or localhost and port 0-65535";
        if (!scalar(f, expected)) return;
        auto a = yaml::parse_listen_address(f.value.Scalar());
        if (!a) return wrong(f, expected);
        out = listen_address{a->host, a->port};
        listens_.push_back({f.path, f.mark(), out});
    }

    void read_hex(field const& f, std::string& out, std::initializer_list<std::size_t> lengths) {
        std::string expected = "hex digits, ";
        for (auto n : lengths) expected += fmt::format("{}{}", expected.back() == ' ' ? "" : " or ", n);
        if (!secret_text(f, expected)) return;
        auto const& s = f.value.Scalar();
        if (s.empty()) {  // "" is "not set" (what --print-config writes for an unset key)
            out.clear();
            return;
        }
        bool const hex = std::all_of(s.begin(), s.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
        if (!hex || std::find(lengths.begin(), lengths.end(), s.size()) == lengths.end()) {
            // The value is a key: its length is told, not its text.
            return error_at(f.mark(), fmt::format("{}: found {} characters{} (a secret: not shown), expected {}", f.path,
                                                  s.size(), hex ? "" : " not all hex digits", expected));
        }
        out = s;
    }

    void read_envelope(field const& f, cnmcsp_envelope_config& out) {
        for (auto& g : entries(f, {"enabled", "des3_key_hex", "mac_key_hex", "iv_hex"})) {
            auto k = key_of(g);
            if (k == "enabled") read_bool(g, out.enabled);
            else if (k == "des3_key_hex") read_hex(g, out.des3_key_hex, {32, 48});
            else if (k == "mac_key_hex") read_hex(g, out.mac_key_hex, {32});
            else read_hex(g, out.iv_hex, {16});
        }
        if (out.enabled && (out.des3_key_hex.empty() || out.mac_key_hex.empty()))
            error_at(f.mark(), fmt::format("{}: found enabled: true without des3_key_hex and mac_key_hex, "
                                           "expected both keys when the envelope is on", f.path));
    }

    void read_alarm_map(field const& f, std::map<std::string, cnmcsp_alarm_text>& out) {
        for (auto& e : map_entries(f, "a map from alarm codes (\"0009H\") to {type, message}")) {
            auto const& code = key_of(e);
            if (!meters::parse_alarm_code(code)) {
                error_at(e.where, fmt::format("{}: found \"{}\", expected an alarm code of the Xianfeng table "
                                              "such as \"0009H\"", f.path, shown(code)));
                continue;
            }
            cnmcsp_alarm_text text;
            for (auto& g : entries(e, {"type", "message"})) {
                if (key_of(g) == "type") read(g, text.type);
                else read(g, text.message);
            }
            out[code] = std::move(text);
        }
    }

    config load(YAML::Node const& root) {
        config c;
        auto top = entries(whole(root),
                           {"state", "timezone", "clock", "conformance", "admin", "platforms", "fleet", "http", "outbox",
                            "journal", "state_checkpoint_ms"});
        // http first: platforms inherit its body_limit.
        for (auto& f : top)
            if (f.path == "http") read_http(f, c.http);

        std::optional<field> start_field;
        // The default "+08:00": the three vendors are Chinese platforms, and a CIS in China signs
        // and reads their timestamps in that zone whatever the host's zone (issue 16 item 5).
        std::optional<meters::utc_offset> zone = meters::utc_offset{8 * 60};
        for (auto& f : top) {
            if (f.path == "state") read(f, c.state);
            else if (f.path == "state_checkpoint_ms") read_int(f, c.state_checkpoint_ms, 1, 3'600'000);
            else if (f.path == "timezone") {
                if (!scalar(f, "local, UTC or an offset like +08:00")) continue;
                auto z = parse_zone(f.value.Scalar());
                if (!z) {
                    wrong(f, "local, UTC or an offset like +08:00");
                    continue;
                }
                c.timezone = f.value.Scalar();
                zone = *z;
            } else if (f.path == "clock") {
                for (auto& g : entries(f, {"mode", "speed", "start"})) {
                    if (g.path == "clock.mode") {
                        if (!scalar(g, "realtime, accelerated or stepped")) continue;
                        auto m = sim::parse_clock_mode(g.value.Scalar());
                        if (!m) wrong(g, "realtime, accelerated or stepped");
                        else c.clock.mode = *m;
                    } else if (g.path == "clock.speed") {
                        if (auto v = speed(g)) c.clock.speed = *v;
                    }
                    else if (g.path == "clock.start") start_field = g;
                }
            } else if (f.path == "conformance") {
                if (!scalar(f, "lenient or strict")) continue;
                if (auto m = platforms::parse_conformance(f.value.Scalar())) c.conformance = *m;
                else wrong(f, "lenient or strict");
            } else if (f.path == "admin") {
                for (auto& g : entries(f, {"listen", "report_history", "tls"})) {
                    if (g.path == "admin.listen") read_listen(g, c.admin.listen);
                    else if (g.path == "admin.tls") read_tls(g, c.admin.tls);
                    else read_int(g, c.admin.report_history, 0, 10'000'000);
                }
            } else if (f.path == "platforms") read_platforms(f, c);
            else if (f.path == "fleet") read_fleet(f, c);
            else if (f.path == "outbox") read_outbox(f, c.outbox);
            else if (f.path == "journal") read_journal(f, c.journal);
        }
        // The admin listener binds first; a platform on its port is the one reported.
        auto admin = std::find_if(listens_.begin(), listens_.end(),
                                  [](listen_use const& l) { return l.path == "admin.listen"; });
        if (admin == listens_.end()) listens_.insert(listens_.begin(), {"admin.listen", YAML::Mark::null_mark(), c.admin.listen});
        else std::rotate(listens_.begin(), admin, admin + 1);

        // The start instant, in the zone ("local" resolves to the host's offset at that time).
        meters::civil_time start = *meters::parse_civil_time(c.clock.start_text);
        if (start_field) {
            constexpr std::string_view expected = "a time \"yyyy-MM-dd HH:mm:ss\" (years 1970-9999)";
            if (scalar(*start_field, expected)) {
                if (auto s = meters::parse_civil_time(start_field->value.Scalar())) {
                    start = *s;
                    c.clock.start_text = start_field->value.Scalar();
                } else wrong(*start_field, expected);
            }
        }
        c.zone = zone ? *zone : host_offset_at(start);
        c.clock.start = meters::from_civil(start, c.zone);

        check_fleet_platforms(c);
        check_listen_clashes();
        if (c.outbox.backoff_cap_ms < c.outbox.backoff_base_ms && outbox_cap_field_)
            wrong(*outbox_cap_field_, fmt::format("at least outbox.backoff_base_ms ({})", c.outbox.backoff_base_ms));
        return c;
    }

private:
    void read_http(field const& f, http_config& h) {
        for (auto& g : entries(f,
                               {"body_limit", "header_limit", "header_timeout_ms", "body_timeout_ms",
                                "write_timeout_ms", "idle_timeout_ms", "max_connections"})) {
            if (g.path == "http.body_limit") read_int(g, h.body_limit, 1, 1LL << 30);
            else if (g.path == "http.header_limit") read_int(g, h.header_limit, 1024, 1 << 20);
            else if (g.path == "http.header_timeout_ms") read_int(g, h.header_timeout_ms, 1, 3'600'000);
            else if (g.path == "http.body_timeout_ms") read_int(g, h.body_timeout_ms, 1, 3'600'000);
            else if (g.path == "http.write_timeout_ms") read_int(g, h.write_timeout_ms, 1, 3'600'000);
            else if (g.path == "http.idle_timeout_ms") read_int(g, h.idle_timeout_ms, 1, 86'400'000);
            else if (g.path == "http.max_connections") read_int(g, h.max_connections, 1, 1'000'000);
        }
    }

    void read_outbox(field const& f, outbox_config& o) {
        for (auto& g : entries(f,
                               {"backoff_base_ms", "backoff_cap_ms", "connections", "pipeline", "connect_timeout_ms",
                                "request_timeout_ms", "answer_limit", "ca_file", "insecure", "meter_order"})) {
            if (g.path == "outbox.backoff_base_ms") read_int(g, o.backoff_base_ms, 1, 86'400'000);
            else if (g.path == "outbox.connect_timeout_ms") read_int(g, o.connect_timeout_ms, 1, 3'600'000);
            else if (g.path == "outbox.request_timeout_ms") read_int(g, o.request_timeout_ms, 1, 3'600'000);
            else if (g.path == "outbox.answer_limit") read_int(g, o.answer_limit, 1024, 1LL << 30);
            else if (g.path == "outbox.meter_order") read_bool(g, o.meter_order);
            else if (g.path == "outbox.insecure") read_bool(g, o.insecure);
            else if (g.path == "outbox.ca_file") read_ca_file(g, o.ca_file);
            else if (g.path == "outbox.connections") read_int(g, o.connections, 1, 1024);
            else if (g.path == "outbox.pipeline") read_int(g, o.pipeline, 1, 64);
            else {
                read_int(g, o.backoff_cap_ms, 1, 86'400'000);
                outbox_cap_field_ = g;
            }
        }
    }

    void read_journal(field const& f, journal_config& j) {
        for (auto& g : entries(f, {"capacity"}))
            read_int(g, j.capacity, 1, 10'000'000);
    }

    void read_platforms(field const& f, config& c) {
        for (auto& p : entries(f, {"cnmcsp", "xianfeng", "xintian"})) {
            if (p.path == "platforms.cnmcsp") read_cnmcsp(p, c.platforms.cnmcsp.emplace(), c.http);
            else if (p.path == "platforms.xianfeng") read_xianfeng(p, c.platforms.xianfeng.emplace(), c.http);
            else read_xintian(p, c.platforms.xintian.emplace(), c.http);
        }
    }

    void read_cnmcsp(field const& p, cnmcsp_config& x, http_config const& http) {
        x.body_limit = http.body_limit;
        for (auto& g : entries(p,
                               {"listen", "tls", "app_token", "app_secret", "auth_window_s", "realtime_url", "alarm_url",
                                "body_limit", "envelope", "alarm_map", "max_queued_trades", "trade_history",
                                "trade_retention_s", "max_queued_trades_total", "sign_uploads"})) {
            auto k = key_of(g);
            if (read_store_bounds(g, k, "trades", x.trades) || read_platform_common(g, k, x)) continue;
            if (k == "app_token") read(g, x.app_token);
            else if (k == "realtime_url") read_url(g, x.realtime_url);
            else if (k == "alarm_url") read_url(g, x.alarm_url);
            else if (k == "sign_uploads") read_bool(g, x.sign_uploads);
            else if (k == "envelope") read_envelope(g, x.envelope);
            else read_alarm_map(g, x.alarm_map);
        }
        default_listen(p.path, p.where, x.listen);
    }

    /// A platform's store bounds (sim::store_bounds) under its key names: max_queued_<items>
    /// waiting per meter (1..10^6), max_queued_<items>_total waiting over all meters (1..10^8),
    /// <item>_history settled records kept (0..10^6),
    /// <item>_retention_s virtual seconds they stay (1 s to a year), `items` being "trades",
    /// "commands" or "pays". True when `k` was one of them.
    bool read_store_bounds(field const& g, std::string_view k, std::string_view items, sim::store_bounds& b) {
        std::string const item(items.substr(0, items.size() - 1));  // "trades" -> "trade"
        if (k == "max_queued_" + std::string(items)) {
            read_int(g, b.waiting, 1, 1'000'000);
        } else if (k == "max_queued_" + std::string(items) + "_total") {
            read_int(g, b.waiting_total, 1, 100'000'000);
        } else if (k == item + "_history") {
            read_int(g, b.history, 0, 1'000'000);
        } else if (k == item + "_retention_s") {
            auto s = std::chrono::duration_cast<std::chrono::seconds>(b.retention).count();
            read_int(g, s, 1, 86'400 * 366);
            b.retention = std::chrono::seconds{s};
        } else {
            return false;
        }
        return true;
    }

    /// The keys platform sections share: listen, body_limit and, where the vendor signs with an
    /// app secret, app_secret and auth_window_s. True when `k` was one of them.
    template <class X>
    bool read_platform_common(field const& g, std::string_view k, X& x) {
        if (k == "listen") read_listen(g, x.listen);
        else if (k == "tls") read_tls(g, x.tls);
        else if (k == "body_limit") read_int(g, x.body_limit, 1, 1LL << 30);
        else if constexpr (requires { x.app_secret; x.auth_window_s; }) {
            if (k == "app_secret") read_secret(g, x.app_secret);
            else if (k == "auth_window_s") read_int(g, x.auth_window_s, 0, 86'400 * 366);
            else return false;
        } else {
            return false;
        }
        return true;
    }

    void read_xianfeng(field const& p, xianfeng_config& x, http_config const& http) {
        x.body_limit = http.body_limit;
        for (auto& g : entries(p,
                               {"listen", "tls", "company_code", "key", "merchant_id", "report_url", "response_url",
                                "freshness_window_s", "replay_check", "auto_provision", "body_limit",
                                "max_queued_commands", "command_history", "command_retention_s",
                                "max_queued_commands_total", "push_batch"})) {
            auto k = key_of(g);
            if (read_store_bounds(g, k, "commands", x.commands) || read_platform_common(g, k, x)) continue;
            if (k == "push_batch") read_push_batch(g, x);
            else if (k == "company_code") read(g, x.company_code);
            else if (k == "key") read_secret(g, x.key);
            else if (k == "merchant_id") read(g, x.merchant_id);
            else if (k == "report_url") read_url(g, x.report_url);
            else if (k == "response_url") read_url(g, x.response_url);
            else if (k == "freshness_window_s") read_int(g, x.freshness_window_s, 0, 86'400 * 366);
            else if (k == "replay_check") read_bool(g, x.replay_check);
            else read_bool(g, x.auto_provision);
        }
        default_listen(p.path, p.where, x.listen);
    }

    /// xianfeng push_batch: { messages: 1..1000, max_bytes: 1024..16 MiB, max_delay_ms: 0..1 day }.
    void read_push_batch(field const& f, xianfeng_config& x) {
        for (auto& g : entries(f, {"messages", "max_bytes", "max_delay_ms"})) {
            auto k = key_of(g);
            if (k == "messages") read_int(g, x.push_batch_messages, 1, 1000);
            else if (k == "max_bytes") read_int(g, x.push_batch_max_bytes, 1024, 16 * 1024 * 1024);
            else read_int(g, x.push_batch_max_delay_ms, 0, 86'400'000);
        }
    }

    void read_xintian(field const& p, xintian_config& x, http_config const& http) {
        x.body_limit = http.body_limit;
        for (auto& g : entries(p,
                               {"listen", "tls", "app_id", "app_secret", "auth_window_s", "report_url", "body_limit",
                                "max_queued_pays", "pay_history", "pay_retention_s", "max_queued_pays_total",
                                "replay_check"})) {
            auto k = key_of(g);
            if (read_store_bounds(g, k, "pays", x.pays) || read_platform_common(g, k, x)) continue;
            if (k == "app_id") read(g, x.app_id);
            else if (k == "replay_check") read_bool(g, x.replay_check);
            else read_url(g, x.report_url);
        }
        default_listen(p.path, p.where, x.listen);
    }

    void read_fleet(field const& f, config& c) {
        for (auto& item : items(f, "a list of {platform, model, count, id_prefix}")) {
            if (!item.value.IsMap()) {
                wrong(item, "a map {platform, model, count, id_prefix}");
                continue;
            }
            fleet_entry e;
            auto got = entries(item, {"platform", "model", "count", "id_prefix"});
            for (auto& g : got) {
                auto k = key_of(g);
                if (k == "platform") {
                    if (!scalar(g, "cnmcsp, xianfeng or xintian")) continue;
                    auto const& s = g.value.Scalar();
                    if (s != "cnmcsp" && s != "xianfeng" && s != "xintian") wrong(g, "cnmcsp, xianfeng or xintian");
                    else {
                        e.platform = s;
                        fleet_platforms_.push_back({g.path, g.mark(), s});
                    }
                } else if (k == "model") {
                    if (!scalar(g, "a model name") || g.value.Scalar().empty()) {
                        if (g.value.IsScalar()) wrong(g, "a model name");
                        continue;
                    }
                    e.model = g.value.Scalar();
                } else if (k == "count") read_int(g, e.count, 1, 1'000'000);
                else {
                    constexpr std::string_view expected = "up to 16 digits";
                    if (!scalar(g, expected)) continue;
                    auto const& s = g.value.Scalar();
                    if (s.size() > 16 || (!s.empty() && !is_digits(s))) wrong(g, expected);
                    else e.id_prefix = s;
                }
            }
            require(item, got, "platform", "cnmcsp, xianfeng or xintian");
            require(item, got, "model", "a model name");
            c.fleet.push_back(std::move(e));
        }
    }

    void check_fleet_platforms(config const& c) {
        for (auto const& [path, mark, name] : fleet_platforms_) {
            bool on = (name == "cnmcsp" && c.platforms.cnmcsp) || (name == "xianfeng" && c.platforms.xianfeng) ||
                      (name == "xintian" && c.platforms.xintian);
            if (!on)
                error_at(mark, fmt::format("{}: found \"{}\", expected a platform configured under platforms "
                                           "(platforms.{} is missing)", path, name, name));
        }
    }

    /// Two listeners on one port (port 0 excepted) cannot both bind.
    void check_listen_clashes() {
        auto wildcard = [](std::string const& h) { return h == "0.0.0.0" || h == "::"; };
        for (std::size_t i = 0; i < listens_.size(); ++i)
            for (std::size_t j = 0; j < i; ++j) {
                auto const& a = listens_[j];
                auto const& b = listens_[i];
                if (a.value.port == 0 || a.value.port != b.value.port) continue;
                if (a.value.host != b.value.host && !wildcard(a.value.host) && !wildcard(b.value.host)) continue;
                error_at(b.mark.is_null() ? a.mark : b.mark,
                         fmt::format("{}: found {}, expected a port not already used by {}", b.path,
                                     b.value.to_string(), a.path));
            }
    }

    /// Records a platform's listen address when the file left it at the default.
    void default_listen(std::string const& platform_path, YAML::Mark const& mark, listen_address const& a) {
        auto path = platform_path + ".listen";
        for (auto const& l : listens_)
            if (l.path == path) return;
        listens_.push_back({path, mark, a});
    }

    /// A value read at `path` (`mark`), kept for the checks across sections.
    template <class T>
    struct placed {
        std::string path;
        YAML::Mark mark;
        T value;
    };
    using listen_use = placed<listen_address>;

    std::vector<listen_use> listens_;                 ///< every listen address
    std::vector<placed<std::string>> fleet_platforms_;  ///< every fleet group's platform name
    std::optional<field> outbox_cap_field_;
};


}  // namespace

config_result parse_config(std::string_view yaml, std::string_view file) {
    loader l{file};
    auto root = l.parse(yaml);
    config c;
    if (root) l.guarded([&] { c = l.load(*root); });
    if (l.errors.empty()) return c;
    std::vector<config_error> out;
    for (auto& e : l.sorted_errors()) out.push_back(config_error{e.at.file, e.at.line, e.at.column, std::move(e.message)});
    return out;
}

}  // namespace metersim::tools

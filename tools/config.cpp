#include "tools/config.hpp"

#include "meters/alarms.hpp"

#include <algorithm>
#include <array>
#include <arpa/inet.h>
#include <charconv>
#include <cmath>
#include <ctime>
#include <functional>
#include <initializer_list>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace metersim::tools {

namespace {


/// How a node looks, for "found ...".
std::string describe(YAML::Node const& n) {
    switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: return fmt::format("\"{}\"", n.Scalar());
    case YAML::NodeType::Undefined: break;
    }
    return "nothing";
}

std::string join_keys(std::initializer_list<std::string_view> keys) {
    std::string out;
    for (auto k : keys) {
        if (!out.empty()) out += ", ";
        out += k;
    }
    return out;
}

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Parses "host:port" (host: IPv4, [IPv6] or localhost).
std::optional<listen_address> parse_listen(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto host = text.substr(0, colon);
    auto port_text = text.substr(colon + 1);
    if (!is_digits(port_text) || port_text.size() > 5) return std::nullopt;
    unsigned port = 0;
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port > 65535) return std::nullopt;

    std::string h{host};
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
        h = h.substr(1, h.size() - 2);
        in6_addr a6{};
        if (inet_pton(AF_INET6, h.c_str(), &a6) != 1) return std::nullopt;
    } else if (h != "localhost") {
        in_addr a4{};
        if (inet_pton(AF_INET, h.c_str(), &a4) != 1) return std::nullopt;
    }
    return listen_address{h, static_cast<std::uint16_t>(port)};
}

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

/// "local", "UTC", "Z", "+08:00", "-0530": nullopt offset for local.
std::optional<std::optional<meters::utc_offset>> parse_zone(std::string_view s) {
    if (s == "local") return std::optional<meters::utc_offset>{};
    if (s == "UTC" || s == "Z") return std::optional<meters::utc_offset>{meters::utc_offset{0}};
    if (s.size() != 6 && s.size() != 5) return std::nullopt;
    if (s[0] != '+' && s[0] != '-') return std::nullopt;
    std::string_view hh = s.substr(1, 2);
    std::string_view mm = s.size() == 6 ? s.substr(4, 2) : s.substr(3, 2);
    if (s.size() == 6 && s[3] != ':') return std::nullopt;
    if (!is_digits(hh) || !is_digits(mm)) return std::nullopt;
    int h = (hh[0] - '0') * 10 + (hh[1] - '0');
    int m = (mm[0] - '0') * 10 + (mm[1] - '0');
    if (h > 14 || m > 59 || (h == 14 && m > 0)) return std::nullopt;
    int minutes = (h * 60 + m) * (s[0] == '-' ? -1 : 1);
    return std::optional<meters::utc_offset>{meters::utc_offset{minutes}};
}

struct civil {
    std::chrono::sys_days day;
    std::chrono::seconds time_of_day;
};

/// "yyyy-MM-dd HH:mm:ss", a real date, years 1970..9999.
std::optional<civil> parse_start(std::string_view s) {
    auto c = meters::parse_civil_time(s);
    if (!c) return std::nullopt;
    std::chrono::year_month_day const ymd{std::chrono::year{c->year}, std::chrono::month{c->month},
                                          std::chrono::day{c->day}};
    return civil{std::chrono::sys_days{ymd}, std::chrono::seconds{c->hour * 3600 + c->minute * 60 + c->second}};
}

/// The host's UTC offset at (about) a civil time: the offset in force at that instant read as UTC.
meters::utc_offset host_offset_at(civil const& c) {
    auto guess = std::chrono::sys_seconds{c.day} + c.time_of_day;
    std::time_t t = static_cast<std::time_t>(guess.time_since_epoch().count());
    std::tm local{};
    if (localtime_r(&t, &local) == nullptr) return meters::utc_offset{0};
    return meters::utc_offset{static_cast<std::int32_t>(local.tm_gmtoff / 60)};
}

meters::instant to_instant(civil const& c, meters::utc_offset zone) {
    auto utc = std::chrono::sys_seconds{c.day} + c.time_of_day - std::chrono::minutes{zone.minutes};
    return meters::instant{std::chrono::duration_cast<meters::duration>(utc.time_since_epoch())};
}

/// Walks the YAML tree, fills a config and collects every error on the way.
class loader {
public:
    explicit loader(std::string_view file) : file_(file) {}

    std::vector<config_error> errors;

    void error_at(YAML::Mark const& m, std::string message) {
        errors.push_back(config_error{file_, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1,
                                      std::move(message)});
    }

    /// A value that is present: its mark, or its key's mark when the value is empty (yaml-cpp puts
    /// an empty value's mark on the next token, which would point at the wrong line).
    struct field {
        YAML::Node key;
        YAML::Node value;
        std::string path;
        YAML::Mark mark() const { return value.IsNull() ? key.Mark() : value.Mark(); }
    };

    void wrong(field const& f, std::string_view expected) {
        error_at(f.mark(), fmt::format("{}: found {}, expected {}", f.path, describe(f.value), expected));
    }

    /// The entries of a map, keys checked against `known` (unknown and duplicate keys are errors).
    /// Null counts as an empty map. Anything else is an error and gives no entries.
    std::vector<field> entries(YAML::Node const& node, YAML::Mark const& where, std::string_view path,
                               std::initializer_list<std::string_view> known) {
        std::vector<field> out;
        if (node.IsNull()) return out;
        if (!node.IsMap()) {
            error_at(node.Mark().is_null() ? where : node.Mark(),
                     fmt::format("{}: found {}, expected a map", path.empty() ? "config" : path, describe(node)));
            return out;
        }
        std::set<std::string> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            YAML::Node const k = it->first;  // a copy: it-> returns a temporary proxy
            std::string name = k.IsScalar() ? k.Scalar() : std::string{};
            std::string sub = path.empty() ? name : fmt::format("{}.{}", path, name);
            if (!k.IsScalar()) {
                error_at(k.Mark(), fmt::format("{}: found key {}, expected a plain key: {}",
                                               path.empty() ? "config" : path, describe(k), join_keys(known)));
                continue;
            }
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                error_at(k.Mark(), fmt::format("{}: found unknown key \"{}\", expected one of: {}",
                                               path.empty() ? "config" : path, name, join_keys(known)));
                continue;
            }
            if (!seen.insert(name).second) {
                error_at(k.Mark(), fmt::format("{}: found a second \"{}\", expected each key once", sub, name));
                continue;
            }
            out.push_back(field{k, it->second, std::move(sub)});
        }
        return out;
    }

    bool scalar(field const& f, std::string_view expected) {
        if (f.value.IsScalar()) return true;
        wrong(f, expected);
        return false;
    }

    void read(field const& f, std::string& out) {
        if (scalar(f, "a string")) out = f.value.Scalar();
    }

    void read_url(field const& f, std::string& out) {
        if (!scalar(f, "an http:// or https:// URL")) return;
        auto const& s = f.value.Scalar();
        if (!s.empty() && !is_url(s)) return wrong(f, "an http:// or https:// URL");
        out = s;
    }

    template <class Int>
    void read_int(field const& f, Int& out, std::int64_t min, std::int64_t max) {
        auto expected = fmt::format("an integer from {} to {}", min, max);
        if (!scalar(f, expected)) return;
        auto const& s = f.value.Scalar();
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) return wrong(f, expected);
        out = static_cast<Int>(v);
    }

    void read_bool(field const& f, bool& out) {
        if (!scalar(f, "true or false")) return;
        auto const& s = f.value.Scalar();
        if (s == "true" || s == "True" || s == "TRUE") out = true;
        else if (s == "false" || s == "False" || s == "FALSE") out = false;
        else wrong(f, "true or false");
    }

    void read_listen(field const& f, listen_address& out) {
        constexpr std::string_view expected =
            "host:port with host an IPv4 address, [IPv6 address] or localhost and port 0-65535";
        if (!scalar(f, expected)) return;
        auto a = parse_listen(f.value.Scalar());
        if (!a) return wrong(f, expected);
        out = *a;
        listens_.push_back({f.path, f.mark(), *a});
    }

    void read_hex(field const& f, std::string& out, std::initializer_list<std::size_t> lengths) {
        std::string expected = "hex digits, ";
        for (auto n : lengths) expected += fmt::format("{}{}", expected.back() == ' ' ? "" : " or ", n);
        if (!scalar(f, expected)) return;
        auto const& s = f.value.Scalar();
        if (s.empty()) {  // "" is "not set" (what --print-config writes for an unset key)
            out.clear();
            return;
        }
        bool const hex = std::all_of(s.begin(), s.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
        if (!hex || std::find(lengths.begin(), lengths.end(), s.size()) == lengths.end()) return wrong(f, expected);
        out = s;
    }

    void read_envelope(field const& f, cnmcsp_envelope_config& out) {
        for (auto& g : entries(f.value, f.mark(), f.path, {"enabled", "des3_key_hex", "mac_key_hex", "iv_hex"})) {
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
        if (f.value.IsNull()) return;
        if (!f.value.IsMap()) return wrong(f, "a map from alarm codes (\"0009H\") to {type, message}");
        for (auto it = f.value.begin(); it != f.value.end(); ++it) {
            YAML::Node const k = it->first;  // a copy: it-> returns a temporary proxy
            std::string code = k.IsScalar() ? k.Scalar() : std::string{};
            if (!k.IsScalar() || !meters::parse_alarm_code(code)) {
                error_at(k.Mark(), fmt::format("{}: found {}, expected an alarm code of the Xianfeng table "
                                               "such as \"0009H\"", f.path, describe(k)));
                continue;
            }
            field entry{k, it->second, fmt::format("{}.{}", f.path, code)};
            cnmcsp_alarm_text text;
            for (auto& g : entries(entry.value, k.Mark(), entry.path, {"type", "message"})) {
                if (key_of(g) == "type") read(g, text.type);
                else read(g, text.message);
            }
            out[code] = std::move(text);
        }
    }

    void read_speed(field const& f, double& out) {
        constexpr std::string_view expected = "a number greater than 0 and at most 1e9";
        if (!scalar(f, expected)) return;
        auto const& s = f.value.Scalar();
        double v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc{} || end != s.data() + s.size() || !sim::clock::is_valid_speed(v)) return wrong(f, expected);
        out = v;
    }

    config load(YAML::Node const& root) {
        config c;
        auto top = entries(root, root.Mark(), "",
                           {"state", "timezone", "clock", "conformance", "admin", "platforms", "fleet", "http", "outbox",
                            "journal"});
        // http first: platforms inherit its body_limit.
        for (auto& f : top)
            if (f.path == "http") read_http(f, c.http);

        std::optional<field> start_field;
        std::optional<meters::utc_offset> zone;
        for (auto& f : top) {
            if (f.path == "state") read(f, c.state);
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
                for (auto& g : entries(f.value, f.key.Mark(), "clock", {"mode", "speed", "start"})) {
                    if (g.path == "clock.mode") {
                        if (!scalar(g, "realtime, accelerated or stepped")) continue;
                        auto m = sim::parse_clock_mode(g.value.Scalar());
                        if (!m) wrong(g, "realtime, accelerated or stepped");
                        else c.clock.mode = *m;
                    } else if (g.path == "clock.speed") read_speed(g, c.clock.speed);
                    else if (g.path == "clock.start") start_field = g;
                }
            } else if (f.path == "conformance") {
                if (!scalar(f, "lenient or strict")) continue;
                auto const& s = f.value.Scalar();
                if (s == "lenient") c.conformance = conformance_mode::lenient;
                else if (s == "strict") c.conformance = conformance_mode::strict;
                else wrong(f, "lenient or strict");
            } else if (f.path == "admin") {
                for (auto& g : entries(f.value, f.key.Mark(), "admin", {"listen"})) read_listen(g, c.admin.listen);
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
        civil start = *parse_start(c.clock.start_text);
        if (start_field) {
            constexpr std::string_view expected = "a time \"yyyy-MM-dd HH:mm:ss\" (years 1970-9999)";
            if (scalar(*start_field, expected)) {
                if (auto s = parse_start(start_field->value.Scalar())) {
                    start = *s;
                    c.clock.start_text = start_field->value.Scalar();
                } else wrong(*start_field, expected);
            }
        }
        c.zone = zone ? *zone : host_offset_at(start);
        c.clock.start = to_instant(start, c.zone);

        check_fleet_platforms(c);
        check_listen_clashes();
        if (c.outbox.backoff_cap_ms < c.outbox.backoff_base_ms && outbox_cap_field_)
            wrong(*outbox_cap_field_, fmt::format("at least outbox.backoff_base_ms ({})", c.outbox.backoff_base_ms));
        return c;
    }

private:
    void read_http(field const& f, http_config& h) {
        for (auto& g : entries(f.value, f.key.Mark(), "http",
                               {"body_limit", "header_timeout_ms", "idle_timeout_ms", "max_connections"})) {
            if (g.path == "http.body_limit") read_int(g, h.body_limit, 1, 1LL << 30);
            else if (g.path == "http.header_timeout_ms") read_int(g, h.header_timeout_ms, 1, 3'600'000);
            else if (g.path == "http.idle_timeout_ms") read_int(g, h.idle_timeout_ms, 1, 86'400'000);
            else if (g.path == "http.max_connections") read_int(g, h.max_connections, 1, 1'000'000);
        }
    }

    void read_outbox(field const& f, outbox_config& o) {
        for (auto& g : entries(f.value, f.key.Mark(), "outbox",
                               {"backoff_base_ms", "backoff_cap_ms", "connections", "pipeline"})) {
            if (g.path == "outbox.backoff_base_ms") read_int(g, o.backoff_base_ms, 1, 86'400'000);
            else if (g.path == "outbox.connections") read_int(g, o.connections, 1, 1024);
            else if (g.path == "outbox.pipeline") read_int(g, o.pipeline, 1, 64);
            else {
                read_int(g, o.backoff_cap_ms, 1, 86'400'000);
                outbox_cap_field_ = g;
            }
        }
    }

    void read_journal(field const& f, journal_config& j) {
        for (auto& g : entries(f.value, f.key.Mark(), "journal", {"capacity"}))
            read_int(g, j.capacity, 1, 10'000'000);
    }

    void read_platforms(field const& f, config& c) {
        for (auto& p : entries(f.value, f.key.Mark(), "platforms", {"cnmcsp", "xianfeng", "xintian"})) {
            if (p.path == "platforms.cnmcsp") read_cnmcsp(p, c.platforms.cnmcsp.emplace(), c.http);
            else if (p.path == "platforms.xianfeng") read_xianfeng(p, c.platforms.xianfeng.emplace(), c.http);
            else read_xintian(p, c.platforms.xintian.emplace(), c.http);
        }
    }

    void read_cnmcsp(field const& p, cnmcsp_config& x, http_config const& http) {
        x.body_limit = http.body_limit;
        for (auto& g : entries(p.value, p.key.Mark(), p.path,
                               {"listen", "app_token", "app_secret", "auth_window_s", "realtime_url", "alarm_url",
                                "body_limit", "envelope", "alarm_map", "max_queued_trades", "trade_history",
                                "trade_retention_s"})) {
            auto k = key_of(g);
            if (read_store_bounds(g, k, "trades", x.trades)) continue;
            if (k == "listen") read_listen(g, x.listen);
            else if (k == "app_token") read(g, x.app_token);
            else if (k == "app_secret") read(g, x.app_secret);
            else if (k == "auth_window_s") read_int(g, x.auth_window_s, 0, 86'400 * 366);
            else if (k == "realtime_url") read_url(g, x.realtime_url);
            else if (k == "alarm_url") read_url(g, x.alarm_url);
            else if (k == "envelope") read_envelope(g, x.envelope);
            else if (k == "alarm_map") read_alarm_map(g, x.alarm_map);
            else read_int(g, x.body_limit, 1, 1LL << 30);
        }
        default_listen(p.path, p.key.Mark(), x.listen);
    }

    /// A platform's store bounds (sim::store_bounds) under its key names: max_queued_<items>
    /// waiting per meter (1..10^6), <item>_history settled records kept (0..10^6),
    /// <item>_retention_s virtual seconds they stay (1 s to a year), `items` being "trades",
    /// "commands" or "pays". True when `k` was one of them.
    bool read_store_bounds(field const& g, std::string_view k, std::string_view items, sim::store_bounds& b) {
        std::string const item(items.substr(0, items.size() - 1));  // "trades" -> "trade"
        if (k == "max_queued_" + std::string(items)) {
            read_int(g, b.waiting, 1, 1'000'000);
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

    void read_xianfeng(field const& p, xianfeng_config& x, http_config const& http) {
        x.body_limit = http.body_limit;
        for (auto& g : entries(p.value, p.key.Mark(), p.path,
                               {"listen", "company_code", "key", "merchant_id", "report_url", "response_url",
                                "freshness_window_s", "replay_check", "auto_provision", "body_limit",
                                "max_queued_commands", "command_history", "command_retention_s"})) {
            auto k = key_of(g);
            if (read_store_bounds(g, k, "commands", x.commands)) continue;
            if (k == "listen") read_listen(g, x.listen);
            else if (k == "company_code") read(g, x.company_code);
            else if (k == "key") read(g, x.key);
            else if (k == "merchant_id") read(g, x.merchant_id);
            else if (k == "report_url") read_url(g, x.report_url);
            else if (k == "response_url") read_url(g, x.response_url);
            else if (k == "freshness_window_s") read_int(g, x.freshness_window_s, 0, 86'400 * 366);
            else if (k == "replay_check") read_bool(g, x.replay_check);
            else if (k == "auto_provision") read_bool(g, x.auto_provision);
            else read_int(g, x.body_limit, 1, 1LL << 30);
        }
        default_listen(p.path, p.key.Mark(), x.listen);
    }

    void read_xintian(field const& p, xintian_config& x, http_config const& http) {
        x.body_limit = http.body_limit;
        for (auto& g : entries(p.value, p.key.Mark(), p.path,
                               {"listen", "app_id", "app_secret", "auth_window_s", "report_url", "body_limit",
                                "max_queued_pays", "pay_history", "pay_retention_s"})) {
            auto k = key_of(g);
            if (read_store_bounds(g, k, "pays", x.pays)) continue;
            if (k == "listen") read_listen(g, x.listen);
            else if (k == "app_id") read(g, x.app_id);
            else if (k == "app_secret") read(g, x.app_secret);
            else if (k == "auth_window_s") read_int(g, x.auth_window_s, 0, 86'400 * 366);
            else if (k == "report_url") read_url(g, x.report_url);
            else read_int(g, x.body_limit, 1, 1LL << 30);
        }
        default_listen(p.path, p.key.Mark(), x.listen);
    }

    void read_fleet(field const& f, config& c) {
        if (f.value.IsNull()) return;
        if (!f.value.IsSequence()) return wrong(f, "a list of {platform, model, count, id_prefix}");
        for (std::size_t i = 0; i < f.value.size(); ++i) {
            YAML::Node item = f.value[i];
            auto path = fmt::format("fleet[{}]", i);
            if (!item.IsMap()) {
                error_at(item.Mark(), fmt::format("{}: found {}, expected a map {{platform, model, count, id_prefix}}",
                                                  path, describe(item)));
                continue;
            }
            fleet_entry e;
            bool has_platform = false, has_model = false;
            for (auto& g : entries(item, item.Mark(), path, {"platform", "model", "count", "id_prefix"})) {
                auto k = key_of(g);
                if (k == "platform") {
                    has_platform = true;
                    if (!scalar(g, "cnmcsp, xianfeng or xintian")) continue;
                    auto const& s = g.value.Scalar();
                    if (s != "cnmcsp" && s != "xianfeng" && s != "xintian") wrong(g, "cnmcsp, xianfeng or xintian");
                    else {
                        e.platform = s;
                        fleet_platforms_.push_back({g.path, g.mark(), s});
                    }
                } else if (k == "model") {
                    has_model = true;
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
            if (!has_platform)
                error_at(item.Mark(), fmt::format("{}: found no platform, expected platform: cnmcsp, xianfeng or xintian", path));
            if (!has_model) error_at(item.Mark(), fmt::format("{}: found no model, expected model: a model name", path));
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
                if (a.addr.port == 0 || a.addr.port != b.addr.port) continue;
                if (a.addr.host != b.addr.host && !wildcard(a.addr.host) && !wildcard(b.addr.host)) continue;
                error_at(b.mark.is_null() ? a.mark : b.mark,
                         fmt::format("{}: found {}, expected a port not already used by {}", b.path,
                                     b.addr.to_string(), a.path));
            }
    }

    static std::string key_of(field const& g) { return g.key.Scalar(); }

    /// Records a platform's listen address when the file left it at the default.
    void default_listen(std::string const& platform_path, YAML::Mark const& mark, listen_address const& a) {
        auto path = platform_path + ".listen";
        for (auto const& l : listens_)
            if (l.path == path) return;
        listens_.push_back({path, mark, a});
    }

    struct listen_use {
        std::string path;
        YAML::Mark mark;
        listen_address addr;
    };
    struct fleet_platform_use {
        std::string path;
        YAML::Mark mark;
        std::string name;
    };

    std::string file_;
    std::vector<listen_use> listens_;
    std::vector<fleet_platform_use> fleet_platforms_;
    std::optional<field> outbox_cap_field_;
};


}  // namespace

config_result parse_config(std::string_view yaml, std::string_view file) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string{yaml});
    } catch (YAML::Exception const& e) {
        // Syntax errors stop the parser: this is the one error we can report.
        return std::vector<config_error>{config_error{std::string{file}, e.mark.is_null() ? 0 : e.mark.line + 1,
                                                     e.mark.is_null() ? 0 : e.mark.column + 1,
                                                     fmt::format("YAML syntax: {}", e.msg)}};
    }
    loader l{file};
    try {
        config c = l.load(root);
        if (!l.errors.empty()) {
            // In file order, whichever check found them.
            std::stable_sort(l.errors.begin(), l.errors.end(), [](config_error const& a, config_error const& b) {
                return std::pair{a.line, a.column} < std::pair{b.line, b.column};
            });
            return std::move(l.errors);
        }
        return c;
    } catch (YAML::Exception const& e) {
        l.error_at(e.mark, fmt::format("YAML: {}", e.msg));
        return std::move(l.errors);
    }
}

}  // namespace metersim::tools

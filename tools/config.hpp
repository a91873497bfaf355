#pragma once
/// tools::config: the YAML configuration of `metersim serve` (DESIGN.md "Interfaces users touch").
///
/// `config` is a plain struct with a default for every key; the loader fills it from YAML and
/// reports every problem it finds (not just the first) with file, 1-based line and column, what
/// was found and what was expected. The embedded default config (default_config_yaml()) goes
/// through the same loader, so the defaults users read are the defaults that run.
/// No yaml-cpp type appears here: only config.cpp includes yaml-cpp.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/calendar.hpp"
#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "platforms/common/api_error.hpp"
#include "sim/clock.hpp"
#include "sim/http/tls.hpp"
#include "sim/pending_store.hpp"

namespace metersim::tools {

/// "host:port": host an IPv4 address, "[IPv6]" or "localhost"; port 0 asks for any free port.
struct listen_address {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string to_string() const;  ///< "127.0.0.1:8801", "[::1]:8801"
    auto operator<=>(listen_address const&) const = default;
};

struct clock_config {
    sim::clock_mode mode = sim::clock_mode::accelerated;
    double speed = 60;                           ///< accelerated speed, > 0
    std::string start_text = "2026-01-01 00:00:00";  ///< in the configured timezone
    meters::instant start{};                     ///< start_text resolved in the timezone
};

struct admin_config {
    listen_address listen{"127.0.0.1", 8800};
    /// Reports kept fleet-wide for GET /admin/meters/{meterNo}/history (40 bytes each; 0 to
    /// 10,000,000; 0 keeps none).
    std::size_t report_history = 65'536;
    sim::http::tls_files tls;  ///< admin.tls { cert, key }: HTTPS on the admin port
};

/// CNMCSP §4.2 body envelope: 3DES-CBC + ISO 9797-1 MAC algorithm 3 (platforms/cnmcsp/README.md).
struct cnmcsp_envelope_config {
    bool enabled = false;
    std::string des3_key_hex;                   ///< 32 or 48 hex digits
    std::string mac_key_hex;                    ///< 32 hex digits
    std::string iv_hex = "0000000000000000";   ///< 16 hex digits
    auto operator<=>(cnmcsp_envelope_config const&) const = default;
};

/// What CNMCSP's alarm upload (§6.2) says for one canonical alarm code.
struct cnmcsp_alarm_text {
    std::string type;     ///< AlarmType
    std::string message;  ///< AlarmMessage
    auto operator<=>(cnmcsp_alarm_text const&) const = default;
};

/// Per-platform settings. A URL left empty means that push is not sent.
struct cnmcsp_config {
    listen_address listen{"127.0.0.1", 8801};
    std::string app_token = "demo-app-token";
    std::string app_secret = "demo-app-secret";
    std::int64_t auth_window_s = 300;  ///< |AccessToken timestamp - wall time|; 0 = unchecked
    std::string realtime_url;
    std::string alarm_url;
    bool sign_uploads = true;  ///< §4.1 AccessToken + Authorization on the §6 uploads
    std::size_t body_limit = 0;  ///< bytes; 0 in the struct means "http.body_limit" (resolved by the loader)
    sim::http::tls_files tls;    ///< tls { cert, key }: HTTPS on the platform's port (each platform alike)
    cnmcsp_envelope_config envelope;
    /// Canonical alarm code text ("0009H") -> AlarmType/AlarmMessage, over the default mapping
    /// (AlarmType = the code, AlarmMessage = its Chinese name).
    std::map<std::string, cnmcsp_alarm_text> alarm_map;
    /// Credit store bounds: recharges/remain options waiting per meter (80002030/80002038 past
    /// it), settled trades kept per meter (duplicate TradeNo check) and for how long (keys
    /// max_queued_trades, trade_history, trade_retention_s).
    sim::store_bounds trades{256, 64, std::chrono::hours{24 * 31}};
};

struct xianfeng_config {
    listen_address listen{"127.0.0.1", 8802};
    std::string company_code = "000000";
    std::string key = "demo-key";
    std::string merchant_id = "demo-merchant";
    std::string report_url;
    std::string response_url;
    std::int64_t freshness_window_s = 300;  ///< RandomCode timestamps older or newer are refused; 0 = off
    bool replay_check = true;               ///< a repeated RandomCode is refused
    bool auto_provision = false;            ///< unknown deviceIds are created on first use
    std::size_t body_limit = 0;
    sim::http::tls_files tls;
    /// Command store bounds: commands waiting per device (creatCmd answers 500014 past it),
    /// finished commands kept per device for queryCmd and for how long (keys
    /// max_queued_commands, command_history, command_retention_s).
    sim::store_bounds commands{256, 16, std::chrono::hours{24 * 7}};
    /// push_batch: several messages per §3.1/§3.2 push (messages 1: off, the default).
    std::uint32_t push_batch_messages = 1;
    std::uint32_t push_batch_max_bytes = 65536;
    std::int64_t push_batch_max_delay_ms = 1000;
};

struct xintian_config {
    listen_address listen{"127.0.0.1", 8803};
    std::string app_id = "demo-app-id";
    std::string app_secret = "demo-app-secret";
    std::int64_t auth_window_s = 300;  ///< timestamp vs wall time; 0 = off
    bool replay_check = true;          ///< a repeated timestamp answers -201 (a switch of its own)
    std::string report_url;
    std::size_t body_limit = 0;
    sim::http::tls_files tls;
    /// RemotePay credits waiting per meter (-203 past it), settled recharges kept per meter
    /// (GetPayList) and for how long (keys max_queued_pays, pay_history, pay_retention_s).
    sim::store_bounds pays{256, 64, std::chrono::hours{24 * 31}};
};

/// A platform left out is not started.
struct platforms_config {
    std::optional<cnmcsp_config> cnmcsp;
    std::optional<xianfeng_config> xianfeng;
    std::optional<xintian_config> xintian;
};

/// Meters manufactured at start: `count` meters of `model` on `platform`, numbered from
/// id_prefix followed by a sequence number.
struct fleet_entry {
    std::string platform;  ///< "cnmcsp", "xianfeng" or "xintian"
    std::string model;     ///< a catalogue model name (checked when the fleet is built)
    std::uint32_t count = 1;
    std::string id_prefix;  ///< digits
    auto operator<=>(fleet_entry const&) const = default;
};

/// Every listener's bounds (sim::http::server_options).
struct http_config {
    std::size_t body_limit = 1024 * 1024;  ///< bytes, for every listener unless a platform says
    std::size_t header_limit = 16 * 1024;  ///< bytes of request line + headers; past it 431
    std::int64_t header_timeout_ms = 10'000;  ///< first byte of a request to the end of its headers
    std::int64_t body_timeout_ms = 30'000;    ///< reading a body, once the headers are in
    std::int64_t write_timeout_ms = 30'000;   ///< writing one answer to a client that does not read
    std::int64_t idle_timeout_ms = 60'000;
    std::uint32_t max_connections = 1024;
};

/// Pushes to the CIS: the retry backoff, and the connections per CIS host with the requests
/// each carries at once (HTTP/1.1 pipelining; 1 = one request, then its answer).
struct outbox_config {
    std::int64_t backoff_base_ms = 500;
    std::int64_t backoff_cap_ms = 60'000;
    std::size_t connections = 32;  ///< 1 to 1024
    std::size_t pipeline = 8;      ///< 1 to 64 (sim::http::max_pipeline_depth)
    bool meter_order = true;       ///< a meter's pushes one at a time, in order (sim::outbox_options)
    std::int64_t connect_timeout_ms = 5'000;   ///< connecting to a CIS host
    std::int64_t request_timeout_ms = 10'000;  ///< a CIS's answer, from when it is due
    std::size_t answer_limit = 8 * 1024 * 1024;  ///< bytes of a CIS's answer body; past it the push fails
    std::string ca_file;    ///< https pushes: PEM CAs to verify the CIS with; empty: the system's store
    bool insecure = false;  ///< https pushes: no verification at all (serve says so at start-up)
};

/// The journal behind `GET /admin/journal`: a ring of the newest entries. Each entry holds its
/// bodies (a Xianfeng report push is about 1.2 KB), so the capacity bounds its memory.
struct journal_config {
    std::size_t capacity = 1'000;  ///< entries kept, at least 1
};

struct config {
    std::string state = ":memory:";  ///< the SQLite state file (sim/state/); ":memory:" keeps nothing
    std::int64_t state_checkpoint_ms = 1'000;  ///< wall ms between checkpoints of the changed meters (1 to 3,600,000)
    std::string timezone = "+08:00";    ///< as written: "local", "UTC", "+08:00" (the vendors' zone)
    meters::utc_offset zone{};          ///< timezone resolved ("local": the host's offset at clock.start)
    clock_config clock;
    metersim::platforms::conformance conformance = metersim::platforms::conformance::lenient;
    admin_config admin;
    platforms_config platforms;
    std::vector<fleet_entry> fleet;
    http_config http;
    outbox_config outbox;
    journal_config journal;
};

/// One problem in a config file. line and column are 1-based (0 when the problem has no place,
/// e.g. an unreadable file).
struct config_error {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;  ///< "clock.mode: found \"fast\", expected realtime, accelerated or stepped"
};
/// "FILE:LINE:COLUMN: error: MESSAGE" (or "FILE: error: MESSAGE" without a place).
std::string to_string(config_error const& e);

using config_result = meters::result<config, std::vector<config_error>>;

/// Parses YAML text. `file` names it in errors. An empty document gives the defaults.
config_result parse_config(std::string_view yaml, std::string_view file);
/// Reads and parses a file; an unreadable file is one error without line and column.
config_result load_config_file(std::string const& path);

/// The embedded default config, as YAML text (what `metersim serve` runs without --config).
std::string_view default_config_yaml() noexcept;
/// default_config_yaml() parsed (it always parses: a test checks it).
config default_config();

/// Whether to_yaml writes the secrets (CNMCSP app_secret and envelope keys, Xianfeng key,
/// Xintian app_secret) or "********" in their place (`--print-config`: issue #18, no secret on
/// a terminal or in a log; an unset secret stays "").
enum class secrets { shown, masked };
/// What a masked secret reads; the loader refuses it as a secret's value.
inline constexpr std::string_view masked_secret = "********";

/// The config as YAML that parse_config reads back to the same config (with secrets shown).
std::string to_yaml(config const& c, secrets s = secrets::shown);

}  // namespace metersim::tools

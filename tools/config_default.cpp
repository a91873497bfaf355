#include "tools/config.hpp"

// The embedded default config and the file entry points, apart from the loader (config.cpp).

#include <cassert>
#include <fstream>
#include <sstream>

namespace metersim::tools {

namespace {

// The embedded default: what `metersim serve` runs without --config. Keep it in step with the
// struct defaults in config.hpp; config_test checks that it loads.
constexpr std::string_view embedded_default = R"yaml(# metersim: the embedded default config (`metersim serve` without --config).
# Every key has a default; `metersim serve --print-default-config > my.yaml` is a starting point.
state: ":memory:"                   # or a SQLite file (metersim.db): meters, clock, pending pushes, fault
                                    # rules and journal are saved, not yet the platforms' records (README
                                    # "State"); delete FILE, FILE-wal and FILE-shm to start afresh
state_checkpoint_ms: 1000           # wall ms between checkpoints of the meters that changed
timezone: "+08:00"                  # vendor timestamps' zone (China's): or local (the host's), UTC, "-05:00"...
clock: { mode: accelerated, speed: 60, start: "2026-01-01 00:00:00" }   # a day in 24 minutes
conformance: lenient                # or strict: reject the deviations the vendor docs make
admin: { listen: 127.0.0.1:8800, report_history: 65536 }  # reports kept fleet-wide for the meters' history
platforms:
  cnmcsp:
    listen: 127.0.0.1:8801
    app_token: demo-app-token
    app_secret: demo-app-secret
    auth_window_s: 300              # |AccessToken timestamp - wall time|; 0 = unchecked
    max_queued_trades: 256          # recharges/remain options waiting per meter (80002030/80002038 past it)
    max_queued_trades_total: 1000000  # the same, all meters together (the memory bound)
    trade_history: 64               # settled trades kept per meter for the duplicate TradeNo check
    trade_retention_s: 2678400      # virtual seconds a settled trade stays known (31 days)
    # realtime_url: http://127.0.0.1:9000/cnmcsp/realtime   # no URL: that push is not sent
    # alarm_url: http://127.0.0.1:9000/cnmcsp/alarm
    sign_uploads: true              # uploads carry AccessToken + Authorization (§4.1); false = unsigned
  xianfeng:
    listen: 127.0.0.1:8802
    company_code: "000000"
    key: demo-key
    merchant_id: demo-merchant
    freshness_window_s: 300         # RandomCode time vs wall time; 0 = unchecked
    replay_check: true
    auto_provision: false
    max_queued_commands: 256        # commands waiting per device; past it creatCmd answers 500014
    max_queued_commands_total: 1000000  # the same, all devices together (the memory bound)
    command_history: 16             # finished commands kept per device (queryCmd); the oldest go first
    command_retention_s: 604800     # virtual seconds a finished command stays queryable
    push_batch: { messages: 1, max_bytes: 65536, max_delay_ms: 1000 }   # §3.1/§3.2 messages per push; 1 = one each
    # report_url: http://127.0.0.1:9000/xianfeng/report
    # response_url: http://127.0.0.1:9000/xianfeng/response
  xintian:
    listen: 127.0.0.1:8803
    app_id: demo-app-id
    app_secret: demo-app-secret
    auth_window_s: 300              # |AccessToken timestamp - wall time|; 0 = unchecked
    replay_check: true              # a timestamp already used answers -201; false = unchecked
    max_queued_pays: 256            # RemotePay credits waiting per meter (-203 past it)
    max_queued_pays_total: 1000000  # the same, all meters together (the memory bound)
    pay_history: 64                 # settled recharges kept per meter (GetPayList); the oldest go first
    pay_retention_s: 2678400        # virtual seconds a settled recharge stays listed (31 days)
    # report_url: http://127.0.0.1:9000/xintian/report
fleet:
  - { platform: cnmcsp,   model: cn-nb-money, count: 3, id_prefix: "2026010" }
  - { platform: xianfeng, model: xf-nb-money, count: 3, id_prefix: "07602190" }
  - { platform: xintian,  model: xt-nb-meter, count: 3, id_prefix: "3301" }
http:                               # every listener's bounds (a platform may set its own body_limit)
  body_limit: 1048576               # bytes of a request body; past it 413
  header_limit: 16384               # bytes of the request line and headers; past it 431
  header_timeout_ms: 10000          # a request's first byte to the end of its headers (slow headers are cut off)
  body_timeout_ms: 30000            # reading a body once the headers are in (an endless body is cut off)
  write_timeout_ms: 30000           # writing an answer to a client that does not read it
  idle_timeout_ms: 60000            # a kept-alive connection with no request
  max_connections: 1024             # open connections per listener; past it a new one is closed at once
outbox:
  backoff_base_ms: 500              # first retry of a push the CIS did not accept; doubles each time
  backoff_cap_ms: 60000             # the longest wait between retries
  connections: 32                   # kept-alive connections per CIS host
  pipeline: 8                       # pushes in flight per connection (HTTP/1.1 pipelining); 1 = off
  meter_order: true                 # a meter's pushes one at a time, in the order made (as a real platform)
  connect_timeout_ms: 5000          # connecting to a CIS host
  request_timeout_ms: 10000         # a CIS that never answers: the push fails and is retried
  answer_limit: 8388608             # bytes of a CIS's answer body; a longer one fails the push
  ca_file: ""                       # https CIS URLs: PEM CAs to verify the CIS with ("" = the system's store)
  insecure: false                   # https CIS URLs: true skips certificate verification (said at start-up)
journal: { capacity: 1000 }         # entries kept for /admin/journal (the oldest fall off)
)yaml";

}  // namespace

std::string_view default_config_yaml() noexcept { return embedded_default; }

config_result load_config_file(std::string const& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) return std::vector<config_error>{config_error{path, 0, 0, "cannot read the file"}};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

config default_config() {
    auto r = parse_config(default_config_yaml(), "<embedded default>");
    assert(r.has_value());
    return std::move(r).value();
}

}  // namespace metersim::tools

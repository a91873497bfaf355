#pragma once
/// HTTP/1.1 client for pushes to the CIS (reports, alarms, command results, billing reports).
///
/// Asynchronous, on the caller's io_context (one thread: call send() and receive completions on
/// that io_context's thread). Connections are pooled and kept alive per host:port, at most
/// `max_connections_per_host` of them, each carrying up to `pipeline_depth` requests at once
/// (HTTP/1.1 pipelining: requests written back to back, answers read in order); past that,
/// requests wait in order. Requests made in the same turn of the loop leave in one gather write
/// per connection. Each connection has a connect timeout, and a request timeout for the answer
/// at the front of its queue (re-armed by each answer).
///
/// Two ways in. send(client_request, completion) owns a copy of everything and hands back a
/// client_reply. The lean way, for the outbox's hot path, is send(request_view, keep, sink,
/// token): the caller's bytes are written from where they are (the head prefix of each URL is
/// serialised once and cached; per request only Content-Length and the caller's headers are
/// written), and the answer comes back as views (client_answer) to an answer_sink: no
/// allocation per request once the pools and buffers have grown. Answers are parsed by Beast's
/// basic_parser (status, framing: content-length, chunked or until close; keep-alive) into a
/// body buffer the connection reuses. Timeouts are kept by one watchdog timer for the whole
/// client, armed for the earliest deadline, not by a timer per request.
///
/// When a connection breaks: a request the peer cannot have processed (a pooled connection it
/// had closed, before any answer) is sent again once on a fresh connection, as are the
/// pipelined requests behind the one whose answer was due (once each); a request not yet written
/// is simply placed again; anything else is reported as the transport error, and the caller
/// (the outbox) decides about retrying. A host that fails at pipelining (a timeout with several
/// requests in flight, or a pipelined request lost twice) is sent one request at a time from
/// then on. client_impl.hpp has the details.
///
/// https URLs go over TLS (1.2+, SNI sent): the CIS's certificate is verified, with its host
/// name, against the system's trust store or `ca_file`; `insecure` skips the verification.
/// Beast, Asio and OpenSSL stay in the .cpp files (TLS in client_io.cpp only).

#include "meters/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace metersim::sim::http {

struct url {
    std::string scheme;  ///< "http" or "https"
    std::string host;    ///< name or address; IPv6 without its brackets
    std::uint16_t port = 80;  ///< 443 for https unless given
    std::string target;  ///< path and query, "/" when the URL has none
};

/// Parses "http[s]://host[:port][/path[?query]]". Errors name what is wrong ("unsupported
/// scheme", "missing host", "bad port").
meters::result<url, std::string> parse_url(std::string_view text);

/// The deepest pipeline a connection may carry (client_options::pipeline_depth is clamped to it).
inline constexpr std::size_t max_pipeline_depth = 64;

struct client_options {
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{5}};
    std::chrono::milliseconds request_timeout{std::chrono::seconds{10}};
    std::size_t max_connections_per_host = 32;  ///< at least 1
    /// Requests in flight at once on one connection, 1 to max_pipeline_depth; 1 turns
    /// pipelining off (one request, then its answer, then the next).
    std::size_t pipeline_depth = 1;
    std::size_t max_idle_per_host = 32;    ///< idle connections kept per host; extras are closed
    std::size_t body_limit = 8 * 1024 * 1024;  ///< largest answer body accepted
    std::string user_agent = "metersim";
    /// https: PEM CA certificates to verify the CIS with instead of the system's trust store.
    std::string ca_file;
    /// https: no certificate verification at all (a CIS with a self-signed certificate; say so).
    bool insecure = false;
};

/// A request, the same fields either way: owned (client_request, for send(client_request,
/// completion)) or viewed (request_view, for the lean send: every view must stay valid and
/// unchanged until the answer is given, which `keep` guarantees).
template <class Text, class Headers>
struct basic_request {
    Text method = "POST";
    Text url;
    Headers headers;   ///< the lean send skips Host, Content-Length, Content-Type here
    Text body;
    Text content_type;  ///< empty: "application/json; charset=utf-8"
};
using client_request = basic_request<std::string, std::vector<std::pair<std::string, std::string>>>;
using request_view = basic_request<std::string_view, std::span<std::pair<std::string, std::string> const>>;

/// The outcome of one send: an answer (any status) or a transport error. Owned (client_reply,
/// given to a completion) or viewed (client_answer, views valid only during the answer_sink call).
template <class Text>
struct basic_reply {
    unsigned status = 0;  ///< 0 when no answer came
    Text body;
    std::chrono::microseconds latency{0};  ///< from send() to completion, queueing included
    Text error;                            ///< empty when an answer came
    bool reused_connection = false;        ///< the answer came on a pooled connection

    bool ok() const noexcept { return error.empty(); }
};
using client_reply = basic_reply<std::string>;
using client_answer = basic_reply<std::string_view>;

using completion = std::function<void(client_reply)>;

/// Receives the answers of lean sends, with the token given to send().
class answer_sink {
public:
    virtual void on_answer(std::uint64_t token, client_answer const& answer) = 0;

protected:
    ~answer_sink() = default;
};

struct client_stats {
    std::uint64_t requests = 0;           ///< send() calls
    std::uint64_t connections_opened = 0;
    std::uint64_t reuses = 0;             ///< requests that went out on a pooled connection
    std::uint64_t pipelined = 0;          ///< requests written while another awaited its answer on the same connection
    std::uint64_t retries = 0;            ///< requests sent again after their connection was lost under them
    std::size_t unpipelined_hosts = 0;    ///< hosts that failed at pipelining: sent one request at a time now
    std::uint64_t errors = 0;             ///< completions with an error
    std::size_t idle_connections = 0;
    std::size_t active = 0;               ///< requests on a connection now (written or about to be)
    std::size_t queued = 0;               ///< requests waiting for room on a connection
};

class client {
public:
    explicit client(boost::asio::io_context& io, client_options options = {});
    /// Closes the idle connections. Requests still running complete normally; their completions
    /// are still called.
    ~client();

    client(client const&) = delete;
    client& operator=(client const&) = delete;

    /// Sends `req`; `done` is called exactly once, on the io_context's thread, never from inside
    /// send() itself. An exception thrown by `done` is caught and dropped.
    void send(client_request req, completion done);

    /// The lean send: `req`'s views are read until the answer (`keep` owns what they point to;
    /// the client holds it until then). The answer goes to `sink` with `token`, exactly once, on
    /// the io_context's thread and never from inside send(); not at all if the sink is gone by
    /// then. The sink must not throw.
    void send(request_view const& req, std::shared_ptr<void const> keep, std::weak_ptr<answer_sink> sink,
              std::uint64_t token);

    /// Closes the pooled idle connections (the next request opens a new one).
    void close_idle();

    client_stats stats() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace metersim::sim::http

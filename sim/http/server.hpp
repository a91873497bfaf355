#pragma once
/// HTTP/1.1 server for every listener of metersim: the three vendor platforms and the admin API.
///
/// One `server` per listening address. It runs on the caller's io_context (one thread: all of
/// its work, handlers and hooks included, happens on that io_context's thread), keeps
/// connections alive, limits request bodies (413), times out idle connections, slow headers and
/// slow bodies (a client trickling bytes is cut off when the deadline passes, however often it
/// sends), caps open connections (past the cap a new connection is closed at once) and routes
/// through a `router` (routes.hpp). Parse errors answer 400, oversized bodies 413, both as JSON
/// `{"message": ...}`, and close the connection.
///
/// Handlers are synchronous, or defer their answer through request::async (routes.hpp): the
/// connection then waits for it while the loop serves others. An exception escaping a handler is
/// caught, answered as a 500 JSON error and reported through `on_error`; nothing escapes into
/// io_context::run().
///
/// With options.tls set it serves HTTPS (TLS 1.2 and 1.3) on the same terms.
///
/// Beast, Asio and OpenSSL stay in server.cpp: this header only forward-declares the io_context.

#include "sim/http/routes.hpp"
#include "sim/http/tls.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace metersim::sim::http {

/// Called for each routed request just before its answer is written, so a client holding the
/// answer finds it journaled: the request (views valid only during the call), the response and
/// the time from the request's last byte to the answer ready (handler plus injected delay).
using journal_hook =
    std::function<void(request const&, response const&, std::chrono::microseconds latency)>;

/// Called with a one-line description of an unexpected failure (a handler threw, accept failed).
/// Ordinary network conditions (client went away, timeouts) are not reported.
using error_hook = std::function<void(std::string_view what)>;

/// What a fault hook makes of a request (fault injection, sim/faults.hpp).
struct request_fault {
    enum class action {
        none,    ///< route as usual
        answer,  ///< send `answer` instead of routing (journal hook and keep-alive as usual)
        drop,    ///< close the connection without answering
        delay,   ///< route as usual, write the answer `delay` later (a timer; the loop goes on)
    };
    action what = action::none;
    response answer;
    std::chrono::milliseconds delay{0};
};

/// Called once per request when it has been read in full, before routing (views valid only
/// during the call).
using fault_hook = std::function<request_fault(request const&)>;

struct server_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0: the system picks; read it back with server::port()
    std::size_t body_limit = 1024 * 1024;  ///< bytes; a larger body answers 413
    std::size_t header_limit = 16 * 1024;  ///< bytes of request line + headers; past it 400
    std::size_t max_connections = 10'000;  ///< open connections; past it new ones are closed
    /// Waiting for the first byte of a request on an open connection.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{60}};
    /// From the first byte of a request to the end of its headers.
    std::chrono::milliseconds header_timeout{std::chrono::seconds{10}};
    /// Reading the body, once the headers are in.
    std::chrono::milliseconds body_timeout{std::chrono::seconds{30}};
    /// Writing one answer.
    std::chrono::milliseconds write_timeout{std::chrono::seconds{30}};
    /// HTTPS when set: every connection starts with a TLS handshake (within header_timeout);
    /// the files are loaded at construction (a bad file throws there, at start-up).
    tls_files tls;
    journal_hook on_journal;  ///< may be empty
    error_hook on_error;      ///< may be empty
    fault_hook on_fault;      ///< may be empty
};

/// Counters, read on the io_context thread.
struct server_stats {
    std::uint64_t accepted = 0;         ///< connections accepted and served
    std::uint64_t refused = 0;          ///< connections closed at once because of the cap
    std::uint64_t requests = 0;         ///< answers begun (any status)
    std::uint64_t handler_errors = 0;   ///< handlers that threw
    std::size_t open_connections = 0;
};

class server {
public:
    /// Binds and starts accepting. Throws boost::system::system_error when the address cannot be
    /// bound (start-up is an edge where exceptions are fine). Call on the io_context's thread, or
    /// before that io_context runs.
    server(boost::asio::io_context& io, router routes, server_options options = {});
    /// Stops accepting and closes every open connection (see stop()).
    ~server();

    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// The bound port (the real one when options.port was 0).
    std::uint16_t port() const noexcept;
    std::string const& address() const noexcept;

    /// Closes the acceptor and every open connection. Idempotent. io_context thread only.
    void stop();

    server_stats stats() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace metersim::sim::http

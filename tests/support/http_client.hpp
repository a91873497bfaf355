#pragma once
/// A small synchronous HTTP/1.1 client for tests: every operation has a deadline (Beast
/// expires_after on a private io_context), so a misbehaving server fails a test, never hangs it.
/// Errors throw std::runtime_error (tests are an edge where exceptions are fine).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metersim::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// The value of the first header named `name` (case-insensitive); "" when absent.
std::string header_value(header_list const& headers, std::string_view name);

struct http_answer {
    unsigned status = 0;
    header_list headers;
    std::string body;
    bool keep_alive = false;

    /// Case-insensitive lookup; "" when absent.
    std::string header(std::string_view name) const;
};

/// One request on a fresh connection, closed afterwards.
http_answer http_request(std::string_view method, std::string_view host, std::uint16_t port,
                         std::string_view target, header_list const& headers = {},
                         std::string_view body = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds{5});

/// A kept-alive connection for several requests, raw bytes and slow clients.
class http_connection {
public:
    /// Connects to host:port (throws when it cannot within `timeout`).
    http_connection(std::string_view host, std::uint16_t port,
                    std::chrono::milliseconds timeout = std::chrono::seconds{5});
    ~http_connection();
    http_connection(http_connection const&) = delete;
    http_connection& operator=(http_connection const&) = delete;

    /// Sends a request on this connection and reads the answer.
    http_answer request(std::string_view method, std::string_view target, header_list const& headers = {},
                        std::string_view body = {});

    /// Writes raw bytes.
    void write_raw(std::string_view bytes);
    /// Reads one answer (`to_head`: the answer to a HEAD request, which has no body).
    http_answer read_answer(bool to_head = false);

    /// Waits up to `within` for the peer to close the connection (EOF or reset; bytes that
    /// arrive first are discarded). True when it closed.
    bool closed_by_peer(std::chrono::milliseconds within);

    /// Sends `bytes` one byte every `interval` (on timers, not sleeps) until the peer closes the
    /// connection or `limit` passes. Returns how long the peer took to close it, or nullopt if
    /// it was still open at `limit`.
    std::optional<std::chrono::milliseconds> trickle(std::string_view bytes, std::chrono::milliseconds interval,
                                                     std::chrono::milliseconds limit);

    /// The connection's local port (tells two connections apart).
    std::uint16_t local_port() const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace metersim::test

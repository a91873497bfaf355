#pragma once
/// cis_receiver: a tiny real HTTP server standing in for the CIS in tests. It listens on
/// 127.0.0.1:0 on its own thread, records every request, and answers as scripted: a default
/// answer, a queue of one-off answers consumed first, delays, closing the connection after an
/// answer (saying so or not; gracefully: what the client still sends is read and dropped until
/// it closes, so that no reset destroys an answer in flight), or "down" (acceptor and open connections closed: connections are refused) and back
/// "up" on the same port. Written directly on Beast, independent of sim/http, so that it checks
/// our client and outbox rather than agreeing with them.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metersim::test {

struct received_request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::uint64_t connection = 0;  ///< which connection carried it (1, 2, ... in accept order)

    /// Case-insensitive lookup; "" when absent.
    std::string header(std::string_view name) const;
};

struct scripted_answer {
    unsigned status = 200;
    std::string body = "{}";
    std::string content_type = "application/json; charset=utf-8";
    std::chrono::milliseconds delay{0};  ///< wait (on a timer) before answering
    bool close_after = false;            ///< close the connection after answering, without saying so
    bool say_close = false;              ///< answer with "Connection: close", then close
};

class cis_receiver {
public:
    cis_receiver();
    ~cis_receiver();
    cis_receiver(cis_receiver const&) = delete;
    cis_receiver& operator=(cis_receiver const&) = delete;

    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:<port><path>".
    std::string url(std::string_view path = "/") const;

    /// The answer given when no scripted one is queued (200 "{}" at first).
    void answer_always(scripted_answer a);
    /// Queues one-off answers, used in order before the default.
    void enqueue(scripted_answer a);

    /// Refuses connections from now on (closes the acceptor and every open connection).
    void down();
    /// Listens again on the same port.
    void up();

    std::vector<received_request> requests() const;
    std::size_t request_count() const;
    std::size_t connection_count() const;  ///< connections accepted so far
    /// Waits until at least `n` requests were received; false if not within `timeout`.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;
    /// Waits until at least `n` answers were written to their sockets; false if not within
    /// `timeout`.
    bool wait_for_answers(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace metersim::test

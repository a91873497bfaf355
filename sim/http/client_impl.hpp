#pragma once
/// The push client's insides, shared by client.cpp (the API, placing requests on connections,
/// the watchdog) and client_io.cpp (one connection's writes, reads and failures). Included by
/// those two files only: it pulls Beast in.
///
/// Pipelining. A connection carries up to `depth` requests at once: new requests are appended
/// to its queue and every request not yet written leaves in one gather write (heads and bodies
/// back to back), on a later turn of the loop, so requests made in the same turn share a
/// write; the answers come back in order and settle the queue from its front. Requests go
/// first to the connection whose write is coming up (to share it), then to an idle connection,
/// then to a new one (up to max_connections_per_host), then to the least loaded open one; past
/// that they wait in the pool, in order.
///
/// When a connection breaks, its requests are settled like this:
///   - the front one (whose answer was being read) gets the error, unless the peer closed a
///     connection that had carried requests before (a pooled one closed while idle, or one
///     closed after an answer) before any byte of its answer came: then it is sent again, once,
///     on another connection (the pool's idle ones, likely closed by the peer too, are dropped);
///   - the ones written behind it got no answer: they are sent again, once each, as the server
///     can be assumed not to have processed them (if it did, the CIS sees the same serial twice:
///     at least once, as the outbox promises); a second loss is an error;
///   - the ones not yet written are simply placed again;
///   - on an answer saying "Connection: close" (or framed by the close) the ones behind it are
///     placed again: the server said it would not read them.
/// A server that does not pipeline (a timeout with several requests on the wire, a request
/// behind the front lost a second time) or keeps no connection (it closes after a connection's
/// first answer with more requests on the wire) turns the host's depth down to 1 for the
/// client's life.
/// A connect failure is every queued request's error (nothing reached the server).

#include "sim/http/client.hpp"
#include "sim/http/request_parser.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace metersim::sim::http::detail {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

struct host_pool;
class connection;

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// Where a URL goes: its pool, its request target and the head of a POST to it up to the
/// varying fields, serialised once.
struct target_info {
    host_pool* pool = nullptr;
    std::string path;
    std::string post_prefix;  ///< "POST <path> HTTP/1.1\r\nHost: <host>\r\nUser-Agent: <ua>\r\n"
};

/// One request: views into what `keep` owns, and who is told the answer.
struct job {
    std::shared_ptr<target_info const> target;
    request_view req;
    std::shared_ptr<void const> keep;
    std::weak_ptr<answer_sink> sink;  ///< the lean send's sink...
    std::uint64_t token = 0;
    completion done;                  ///< ...or the owning send's completion
    steady::time_point started;
    bool resent = false;  ///< already sent again once after its connection was lost
    bool reused = false;  ///< written on a connection that had carried a request before
};

/// A fixed-capacity FIFO of jobs, its slots reused for the connection's life.
class job_ring {
public:
    explicit job_ring(std::size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return slots_.size(); }
    bool empty() const noexcept { return size_ == 0; }
    job& operator[](std::size_t i) noexcept { return slots_[(head_ + i) % slots_.size()]; }
    void push_back(job&& j) noexcept {
        slots_[(head_ + size_) % slots_.size()] = std::move(j);
        ++size_;
    }
    job pop_front() noexcept {
        job out = std::move(slots_[head_]);
        slots_[head_] = job{};
        head_ = (head_ + 1) % slots_.size();
        --size_;
        return out;
    }

private:
    std::vector<job> slots_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

struct host_pool {
    std::string host;
    std::uint16_t port = 0;
    bool tls = false;  ///< https
    std::string host_header;
    std::size_t depth = 1;  ///< requests in flight per connection (1 once the host failed at more)
    std::vector<std::shared_ptr<connection>> idle;  ///< connected, nothing in flight
    std::vector<connection*> open;  ///< every open connection (placement and the watchdog walk them)
    connection* filling = nullptr;  ///< its write is coming up and it has room: new requests go there first
    std::deque<job> waiting;        ///< no connection had room
};

/// Where a connection is in its life: connecting -> open -> broken, or -> timed_out (the
/// watchdog closed its socket) -> broken once the pending operation sees it.
enum class conn_state : std::uint8_t {
    connecting,  ///< resolving or connecting: takes requests, writes them once open
    open,        ///< connected
    timed_out,   ///< the watchdog closed it: takes nothing more
    broken,      ///< failed or closed (the server said it closes, or it rested): settled, takes nothing
};

/// The step of a connection that failed, for the error text and the sorting of its requests.
enum class io_step : std::uint8_t { connect, write, read };
std::string_view to_string(io_step s) noexcept;

/// One keep-alive connection with its own buffers, reused request after request. Kept alive
/// by the handler of its pending operation (connect, write, read or the posted write), or by
/// its pool while idle.
/// The TLS layer over a connection's socket (client_io.cpp): only that file sees OpenSSL.
struct tls_layer;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(std::shared_ptr<client::impl> owner_, host_pool& pool_, net::io_context& io, std::size_t depth);
    ~connection();
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    void close_socket() noexcept;
    /// Takes another request: open (or opening), fewer than the pool's depth.
    bool has_room() const noexcept {
        return (state == conn_state::connecting || state == conn_state::open) && jobs.size() < pool.depth &&
               jobs.size() < jobs.capacity();
    }
    bool is_open() const noexcept { return state == conn_state::open; }
    bool is_broken() const noexcept { return state == conn_state::broken; }
    bool is_timed_out() const noexcept { return state == conn_state::timed_out; }
    /// Leaves the pool's lists: it takes no request from now on.
    void detach() noexcept;

    tcp::socket socket;
    std::unique_ptr<tls_layer> tls;  ///< https: made at connect, its handshake before the first write
    host_pool& pool;
    std::shared_ptr<client::impl> owner;  ///< the pools live as long as a connection does
    job_ring jobs;                        ///< in order; the first `sent` are on the wire
    std::size_t sent = 0;                 ///< jobs written (or in the write now), awaiting answers
    std::size_t carried = 0;              ///< jobs ever written on it
    std::size_t answered = 0;             ///< answers read on it
    std::string heads;                    ///< the heads of the jobs in the write, back to back
    std::vector<std::size_t> head_ends;   ///< where each of them ends in `heads`
    std::vector<net::const_buffer> buffers;
    boost::beast::flat_buffer in;                ///< bytes read and not yet parsed
    std::string body;                     ///< the front answer's body
    std::optional<response_parser> parser;
    steady::time_point deadline{};
    conn_state state = conn_state::connecting;
    // The operations pending, independent of each other (a read runs beside a write).
    bool writing = false;       ///< an asynchronous write is running
    bool reading = false;       ///< a read is pending
    bool write_posted = false;  ///< a write is posted for a later turn
};

}  // namespace metersim::sim::http::detail

namespace metersim::sim::http {

struct client::impl : std::enable_shared_from_this<impl> {
    using connection = detail::connection;
    using conn_ptr = std::shared_ptr<connection>;

    impl(detail::net::io_context& io_, client_options o);

    // client.cpp: placing requests, the watchdog
    std::shared_ptr<detail::target_info const> target_of(std::string_view url, std::string& error);
    void submit(detail::job j);
    conn_ptr pick(detail::host_pool& pool);
    void place(conn_ptr const& c, detail::job j);
    void place_waiting(detail::host_pool& pool);
    void arm_watchdog(detail::steady::time_point deadline);
    void rest_watchdog();
    void on_watchdog();
    std::string describe(detail::io_step step, detail::host_pool const& pool, detail::error_code ec,
                         bool timed_out) const;
    void deliver(detail::job& j, client_answer const& answer);

    // client_io.cpp: one connection
    void connect(conn_ptr const& c);
    void on_connect(conn_ptr const& c, detail::error_code ec);
    void on_handshake(conn_ptr const& c, detail::error_code ec);
    void post_write(conn_ptr const& c);
    void write(conn_ptr const& c);
    void write_head(connection& c, detail::job const& j);
    std::size_t gather(connection& c, std::size_t first);
    void read(conn_ptr const& c);
    void on_read(conn_ptr const& c, detail::error_code ec, std::size_t n);
    bool settle_answers(conn_ptr const& c);
    void on_eof(conn_ptr const& c);
    /// The requests of a broken connection, sorted.
    struct broken_jobs {
        std::vector<detail::job> lost;   ///< told the error
        std::vector<detail::job> again;  ///< placed again, in order
        bool stale_retry = false;        ///< the front one is sent again: the peer closed a used connection
        bool degrade = false;            ///< the host failed at pipelining
    };
    broken_jobs take_jobs(connection& c, detail::io_step step, bool stale, bool timed_out);
    void fail(conn_ptr const& c, detail::io_step step, detail::error_code ec, bool stale);
    void answer_front(conn_ptr const& c, bool keep_alive);
    void expect_answer(connection& c);
    void requeue(detail::host_pool& pool, std::vector<detail::job>& jobs);
    void rest(conn_ptr const& c);

    detail::net::io_context& io;
    client_options options;
    std::unordered_map<std::string, detail::host_pool> pools;  // node-based: references stay valid
    std::unordered_map<std::string, std::shared_ptr<detail::target_info const>, detail::string_hash, std::equal_to<>>
        targets;
    client_stats stats;
    detail::net::steady_timer watchdog;
    std::optional<detail::steady::time_point> watchdog_at;
    std::string spare_body;  ///< a body buffer handed to the next connection that answers
    std::shared_ptr<void> tls_context;  ///< the https trust (an asio ssl::context), made at the first https connection
    bool closing = false;    ///< ~client ran: finished connections are closed, not pooled
};

}  // namespace metersim::sim::http

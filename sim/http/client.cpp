#include "sim/http/client.hpp"

#include "sim/http/request_parser.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <deque>
#include <exception>
#include <optional>
#include <unordered_map>

namespace metersim::sim::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t read_chunk = 4096;
/// Answer bodies larger than this do not keep their storage for the next answer.
constexpr std::size_t kept_body_capacity = 64 * 1024;
/// URLs whose head prefix is cached; past it the cache starts over (URLs come from the config).
constexpr std::size_t max_cached_targets = 1024;

/// Two vectorised scans (string_view::find_first_of would call memchr once per character).
bool has_crlf(std::string_view s) noexcept {
    return s.find('\r') != std::string_view::npos || s.find('\n') != std::string_view::npos;
}

void append_number(std::string& out, std::uint64_t v) {
    std::array<char, 24> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    (void)ec;
    out.append(buf.data(), end);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = static_cast<unsigned char>(a[i]);
        auto y = static_cast<unsigned char>(b[i]);
        if (std::tolower(x) != std::tolower(y)) return false;
    }
    return true;
}

}  // namespace

namespace {

struct host_pool;
class connection;

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
};

struct host_pool {
    std::string host;
    std::uint16_t port = 0;
    std::string host_header;
    std::vector<std::shared_ptr<connection>> idle;
    std::vector<connection*> open;  ///< every open connection (the watchdog walks them)
    std::size_t active = 0;
    std::deque<job> waiting;
};

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// One keep-alive connection with its own buffers, reused request after request. Kept alive
/// by the handler of its pending operation, or by its pool while idle.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(std::shared_ptr<client::impl> owner_, host_pool& pool_, net::io_context& io)
        : socket(io), pool(pool_), owner(std::move(owner_)) {
        pool.open.push_back(this);
    }
    ~connection() {
        auto it = std::find(pool.open.begin(), pool.open.end(), this);
        if (it != pool.open.end()) {
            *it = pool.open.back();
            pool.open.pop_back();
        }
    }
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    void close_socket() noexcept {
        error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        connected = false;
    }

    tcp::socket socket;
    host_pool& pool;
    std::shared_ptr<client::impl> owner;  ///< the pools live as long as a connection does
    job current;
    std::string head;                     ///< the request head, rewritten per request
    beast::flat_buffer in;                ///< bytes read and not yet parsed
    std::string body;                     ///< the answer's body
    std::optional<detail::response_parser> parser;
    steady::time_point deadline{};
    bool busy = false;
    bool connected = false;
    bool reused = false;     ///< the current request went out on a pooled connection
    bool retry = false;      ///< the current request is already the retry of a stale connection
    bool timed_out = false;  ///< the watchdog closed it
};

}  // namespace

struct client::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_, client_options o) : io(io_), options(std::move(o)), watchdog(io_) {}

    std::shared_ptr<target_info const> target_of(std::string_view url, std::string& error);
    void submit(job j);
    void start(host_pool& pool, job j);
    void begin(std::shared_ptr<connection> const& c);
    void connect(std::shared_ptr<connection> const& c);
    void on_connect(std::shared_ptr<connection> const& c, error_code ec);
    void write(std::shared_ptr<connection> const& c);
    void write_head(connection& c);
    void await_answer(std::shared_ptr<connection> const& c);
    void on_read(std::shared_ptr<connection> const& c, error_code ec, std::size_t n);
    void on_eof(std::shared_ptr<connection> const& c);
    void fail(std::shared_ptr<connection> const& c, std::string_view step, error_code ec, bool stale);
    void finish(std::shared_ptr<connection> const& c, std::string_view error, bool keep_alive);
    void deliver(job& j, client_answer const& answer);
    void arm_watchdog(steady::time_point deadline);
    void on_watchdog();
    std::string describe(std::string_view step, host_pool const& pool, error_code ec, bool timed_out) const;

    net::io_context& io;
    client_options options;
    std::unordered_map<std::string, host_pool> pools;  // node-based: references stay valid
    std::unordered_map<std::string, std::shared_ptr<target_info const>, string_hash, std::equal_to<>> targets;
    client_stats stats;
    net::steady_timer watchdog;
    std::optional<steady::time_point> watchdog_at;
    std::string spare_body;  ///< a body buffer handed to the next connection that answers
    bool closing = false;    ///< ~client ran: finished connections are closed, not pooled
};

std::shared_ptr<target_info const> client::impl::target_of(std::string_view url, std::string& error) {
    if (auto it = targets.find(url); it != targets.end()) return it->second;
    auto parsed = parse_url(url);
    if (!parsed) {
        error = parsed.error();
        return nullptr;
    }
    auto& where = parsed.value();
    std::string key = where.host;
    key += ':';
    append_number(key, where.port);
    auto [pit, inserted] = pools.try_emplace(key);
    auto& pool = pit->second;
    if (inserted) {
        pool.host = where.host;
        pool.port = where.port;
        bool const v6 = where.host.find(':') != std::string::npos;
        pool.host_header = v6 ? "[" + where.host + "]" : where.host;
        if (where.port != 80) pool.host_header += ":" + std::to_string(where.port);
    }
    auto t = std::make_shared<target_info>();
    t->pool = &pool;
    t->path = std::move(where.target);
    t->post_prefix = "POST " + t->path + " HTTP/1.1\r\nHost: " + pool.host_header + "\r\nUser-Agent: " +
                     (has_crlf(options.user_agent) ? std::string("metersim") : options.user_agent) + "\r\n";
    if (targets.size() >= max_cached_targets) targets.clear();  // queued jobs hold their own
    targets.emplace(std::string(url), t);
    return t;
}

void client::impl::submit(job j) {
    auto& pool = *j.target->pool;
    if (pool.active < std::max<std::size_t>(options.max_connections_per_host, 1)) {
        start(pool, std::move(j));
    } else {
        pool.waiting.push_back(std::move(j));
        ++stats.queued;
    }
}

void client::impl::start(host_pool& pool, job j) {
    ++pool.active;
    ++stats.active;
    std::shared_ptr<connection> c;
    if (!pool.idle.empty()) {
        c = std::move(pool.idle.back());
        pool.idle.pop_back();
        --stats.idle_connections;
        ++stats.reuses;
        c->reused = true;
    } else {
        c = std::make_shared<connection>(shared_from_this(), pool, io);
        c->reused = false;
    }
    c->current = std::move(j);
    c->busy = true;
    c->retry = false;
    c->timed_out = false;
    begin(c);
}

void client::impl::begin(std::shared_ptr<connection> const& c) {
    if (c->connected) {
        write(c);
    } else {
        connect(c);
    }
}

void client::impl::connect(std::shared_ptr<connection> const& c) {
    c->deadline = steady::now() + options.connect_timeout;
    arm_watchdog(c->deadline);
    auto const& pool = c->pool;
    error_code ec;
    auto address = net::ip::make_address(pool.host, ec);
    if (!ec) {
        c->socket.async_connect(tcp::endpoint(address, pool.port),
                                [c](error_code e) { c->owner->on_connect(c, e); });
        return;
    }
    // A host name: resolved per new connection (rare: connections are kept).
    auto resolver = std::make_shared<tcp::resolver>(io);
    resolver->async_resolve(pool.host, std::to_string(pool.port),
                            [c, resolver](error_code e, tcp::resolver::results_type results) {
                                if (e || c->timed_out) {
                                    c->owner->on_connect(c, e ? e : net::error::operation_aborted);
                                    return;
                                }
                                net::async_connect(c->socket, results, [c](error_code ce, tcp::endpoint const&) {
                                    c->owner->on_connect(c, ce);
                                });
                            });
}

void client::impl::on_connect(std::shared_ptr<connection> const& c, error_code ec) {
    if (ec || c->timed_out) {
        fail(c, "connect", ec ? ec : net::error::operation_aborted, false);
        return;
    }
    ++stats.connections_opened;
    c->connected = true;
    error_code ignored;
    c->socket.set_option(tcp::no_delay(true), ignored);
    c->socket.non_blocking(true, ignored);  // writes and reads are tried at once, in the call
    write(c);
}

/// Serialises the head into the connection's reused string: the URL's cached prefix, then the
/// fields that vary per request.
void client::impl::write_head(connection& c) {
    auto const& t = *c.current.target;
    auto const& req = c.current.req;
    auto& h = c.head;
    h.clear();
    if (req.method == "POST") {
        h += t.post_prefix;
    } else {
        h += req.method;
        h += ' ';
        h += t.path;
        h += " HTTP/1.1\r\nHost: ";
        h += c.pool.host_header;
        h += "\r\nUser-Agent: ";
        h += has_crlf(options.user_agent) ? std::string_view("metersim") : std::string_view(options.user_agent);
        h += "\r\n";
    }
    bool const bodiless = req.body.empty() && (req.method == "GET" || req.method == "HEAD" || req.method == "DELETE");
    if (!bodiless) {
        h += "Content-Type: ";
        h += req.content_type.empty() || has_crlf(req.content_type) ? std::string_view("application/json; charset=utf-8")
                                                                    : req.content_type;
        h += "\r\nContent-Length: ";
        append_number(h, req.body.size());
        h += "\r\n";
    }
    for (auto const& [name, value] : req.headers) {
        if (name.empty() || has_crlf(name) || has_crlf(value)) continue;
        if (iequals(name, "Host") || iequals(name, "Content-Length") || iequals(name, "Content-Type")) continue;
        h += name;
        h += ": ";
        h += value;
        h += "\r\n";
    }
    h += "\r\n";
}

/// Head and body in one gather write, tried at once (a non-blocking send); what the socket
/// cannot take now is written asynchronously. Then the answer is awaited.
void client::impl::write(std::shared_ptr<connection> const& c) {
    write_head(*c);
    c->deadline = steady::now() + options.request_timeout;
    arm_watchdog(c->deadline);
    c->in.clear();
    c->parser.emplace(c->body);
    c->parser->eager(true);
    c->parser->body_limit(options.body_limit);
    if (c->current.req.method == "HEAD") c->parser->skip(true);

    std::array<net::const_buffer, 2> buffers{net::buffer(c->head), net::buffer(c->current.req.body)};
    error_code ec;
    std::size_t const sent = c->socket.send(buffers, 0, ec);
    if (!ec && sent == c->head.size() + c->current.req.body.size()) {
        await_answer(c);
        return;
    }
    if (ec && ec != net::error::would_block && ec != net::error::try_again) {
        fail(c, "write", ec, true);
        return;
    }
    beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(buffers);
    rest.consume(ec ? 0 : sent);
    net::async_write(c->socket, rest, [c](error_code e, std::size_t) {
        if (e || c->timed_out) {
            c->owner->fail(c, "write", e ? e : net::error::operation_aborted, !c->timed_out);
            return;
        }
        c->owner->await_answer(c);
    });
}

/// A read (tried at once by Asio, then on readiness): no separate wait, no descriptor change per
/// request.
void client::impl::await_answer(std::shared_ptr<connection> const& c) {
    c->socket.async_read_some(c->in.prepare(read_chunk),
                              [c](error_code ec, std::size_t n) { c->owner->on_read(c, ec, n); });
}

/// Feeds what was read to the parser; reads on until the answer is whole.
void client::impl::on_read(std::shared_ptr<connection> const& c, error_code ec, std::size_t n) {
    if (c->timed_out) {
        fail(c, "read", net::error::operation_aborted, false);
        return;
    }
    auto& p = *c->parser;
    if (ec == net::error::eof) {
        on_eof(c);
        return;
    }
    if (ec) {
        bool const closed = ec == net::error::connection_reset || ec == net::error::broken_pipe;
        fail(c, "read", ec, closed && !p.got_some());
        return;
    }
    c->in.commit(n);
    while (c->in.size() > 0 && !p.is_done()) {
        error_code pec;
        std::size_t const used = p.put(c->in.data(), pec);
        c->in.consume(used);
        if (pec == bhttp::error::need_more) break;
        if (pec) {
            fail(c, "read", pec, false);
            return;
        }
        if (used == 0) break;
    }
    if (p.is_done()) {
        finish(c, {}, p.keep_alive());
        return;
    }
    await_answer(c);
}

/// The peer closed its side: the end of an answer framed by the close, or no answer at all.
void client::impl::on_eof(std::shared_ptr<connection> const& c) {
    auto& p = *c->parser;
    if (!p.got_some()) {
        fail(c, "read", bhttp::error::end_of_stream, true);  // nothing processed: stale
        return;
    }
    error_code ec;
    p.put_eof(ec);
    if (ec || !p.is_done()) {
        fail(c, "read", ec ? ec : bhttp::error::partial_message, false);
        return;
    }
    finish(c, {}, false);
}

/// A transport failure. A pooled connection the peer had closed (`stale`: nothing can have been
/// processed) is retried once on a fresh connection; anything else is the answer.
void client::impl::fail(std::shared_ptr<connection> const& c, std::string_view step, error_code ec, bool stale) {
    c->close_socket();
    if (stale && c->reused && !c->retry && !c->timed_out) {
        ++stats.retries;
        auto fresh = std::make_shared<connection>(shared_from_this(), c->pool, io);
        fresh->current = std::move(c->current);
        fresh->busy = true;
        fresh->retry = true;
        c->busy = false;
        begin(fresh);
        return;
    }
    auto const error = describe(step, c->pool, ec, c->timed_out);
    finish(c, error, false);
}

/// Ends the current request of `c`: the connection goes back to its pool (or is closed), the
/// next waiting request starts, then the caller is told.
void client::impl::finish(std::shared_ptr<connection> const& c, std::string_view error, bool keep_alive) {
    job j = std::move(c->current);
    c->current = job{};
    c->busy = false;
    auto& pool = c->pool;
    client_answer answer;
    answer.latency = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - j.started);
    answer.error = error;
    answer.reused_connection = c->reused;
    // The body leaves the connection (a swap, no copy): it may serve the next request at once.
    std::string body;
    body.swap(spare_body);
    if (error.empty()) {
        answer.status = c->parser->status();
        body.swap(c->body);
        answer.body = body;
    } else {
        ++stats.errors;
    }
    c->parser.reset();
    bool const keep = error.empty() && keep_alive && c->in.size() == 0 && !closing &&
                      pool.idle.size() < options.max_idle_per_host;
    if (keep) {
        pool.idle.push_back(c);
        ++stats.idle_connections;
    } else {
        c->close_socket();
    }
    --pool.active;
    --stats.active;
    if (!pool.waiting.empty()) {
        job next = std::move(pool.waiting.front());
        pool.waiting.pop_front();
        --stats.queued;
        start(pool, std::move(next));
    }
    deliver(j, answer);
    body.clear();
    if (body.capacity() <= kept_body_capacity && spare_body.capacity() < body.capacity()) spare_body.swap(body);
}

void client::impl::deliver(job& j, client_answer const& answer) {
    try {
        if (j.done) {
            client_reply reply;
            reply.status = answer.status;
            reply.body = std::string(answer.body);
            reply.latency = answer.latency;
            reply.error = std::string(answer.error);
            reply.reused_connection = answer.reused_connection;
            j.done(std::move(reply));
        } else if (auto sink = j.sink.lock()) {
            sink->on_answer(j.token, answer);
        }
    } catch (...) {  // NOLINT(bugprone-empty-catch): documented: a throwing completion is dropped
    }
}

/// One timer for every deadline of the client: armed for the earliest, it closes the connections
/// past theirs (their pending operation then fails as a timeout) and re-arms for the next.
void client::impl::arm_watchdog(steady::time_point deadline) {
    if (watchdog_at && *watchdog_at <= deadline) return;
    watchdog_at = deadline;
    watchdog.expires_at(deadline);
    watchdog.async_wait([weak = weak_from_this()](error_code ec) {
        if (ec) return;  // re-armed for an earlier deadline, or the client is gone
        if (auto self = weak.lock()) self->on_watchdog();
    });
}

void client::impl::on_watchdog() {
    watchdog_at.reset();
    auto const now = steady::now();
    std::optional<steady::time_point> next;
    for (auto& [key, pool] : pools) {
        for (auto* c : pool.open) {
            if (!c->busy || c->timed_out) continue;
            if (c->deadline <= now) {
                c->timed_out = true;
                c->close_socket();
            } else if (!next || c->deadline < *next) {
                next = c->deadline;
            }
        }
    }
    if (next) arm_watchdog(*next);
}

std::string client::impl::describe(std::string_view step, host_pool const& pool, error_code ec, bool timed_out) const {
    std::string out(step);
    out += ' ';
    out += pool.host_header;
    out += ": ";
    if (timed_out) {
        auto limit = step == "connect" ? options.connect_timeout : options.request_timeout;
        out += "timed out after ";
        out += std::to_string(limit.count());
        out += " ms";
    } else {
        out += ec.message();
    }
    return out;
}

client::client(net::io_context& io, client_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}

client::~client() {
    impl_->closing = true;
    close_idle();
    impl_->watchdog_at.reset();
}

void client::send(client_request req, completion done) {
    auto& self = *impl_;
    ++self.stats.requests;
    auto own = std::make_shared<client_request>(std::move(req));
    std::string error;
    auto target = self.target_of(own->url, error);
    if (!target) {
        client_reply reply;
        reply.error = "bad URL '" + own->url + "': " + error;
        ++self.stats.errors;
        net::post(self.io, [done = std::move(done), reply = std::move(reply)]() mutable {
            try {
                if (done) done(std::move(reply));
            } catch (...) {  // NOLINT(bugprone-empty-catch): a throwing completion is dropped
            }
        });
        return;
    }
    job j;
    j.target = std::move(target);
    j.req = request_view{own->method, own->url, own->headers, own->body, own->content_type};
    j.keep = std::move(own);
    j.done = std::move(done);
    j.started = steady::now();
    self.submit(std::move(j));
}

void client::send(request_view const& req, std::shared_ptr<void const> keep, std::weak_ptr<answer_sink> sink,
                  std::uint64_t token) {
    auto& self = *impl_;
    ++self.stats.requests;
    std::string error;
    auto target = self.target_of(req.url, error);
    if (!target) {
        ++self.stats.errors;
        net::post(self.io, [sink = std::move(sink), token,
                            error = "bad URL '" + std::string(req.url) + "': " + error] {
            client_answer answer;
            answer.error = error;
            if (auto s = sink.lock()) s->on_answer(token, answer);
        });
        return;
    }
    job j;
    j.target = std::move(target);
    j.req = req;
    j.keep = std::move(keep);
    j.sink = std::move(sink);
    j.token = token;
    j.started = steady::now();
    self.submit(std::move(j));
}

void client::close_idle() {
    for (auto& [key, pool] : impl_->pools) {
        for (auto& c : pool.idle) c->close_socket();
        impl_->stats.idle_connections -= pool.idle.size();
        pool.idle.clear();
    }
}

client_stats client::stats() const noexcept { return impl_->stats; }

}  // namespace metersim::sim::http

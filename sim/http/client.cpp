#include "sim/http/client.hpp"

#include "sim/http/request_parser.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

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

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);

bool has_crlf(std::string_view s) noexcept { return s.find_first_of("\r\n") != std::string_view::npos; }

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

meters::result<url, std::string> parse_url(std::string_view text) {
    using meters::unexpected;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) return unexpected<std::string>{"missing scheme (expected http://host:port/path)"};
    url u;
    u.scheme = std::string(text.substr(0, sep));
    for (auto& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u.scheme == "https") return unexpected<std::string>{"https is not supported yet"};
    if (u.scheme != "http") return unexpected<std::string>{"unsupported scheme '" + u.scheme + "'"};
    auto rest = text.substr(sep + 3);
    auto slash = rest.find_first_of("/?#");
    auto authority = rest.substr(0, slash);
    auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
    if (authority.find('@') != std::string_view::npos) return unexpected<std::string>{"user info in URLs is not supported"};

    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return unexpected<std::string>{"unterminated IPv6 address"};
        u.host = std::string(authority.substr(1, close - 1));
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return unexpected<std::string>{"garbage after IPv6 address"};
            port_text = after.substr(1);
        }
    } else {
        auto colon = authority.rfind(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (u.host.empty()) return unexpected<std::string>{"missing host"};
    if (!port_text.empty() || authority.ends_with(':')) {
        unsigned port = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            return unexpected<std::string>{"bad port '" + std::string(port_text) + "'"};
        }
        u.port = static_cast<std::uint16_t>(port);
    }
    u.target = path.empty() ? "/" : (path.front() == '?' ? "/" + std::string(path) : std::string(path));
    return u;
}

namespace {

/// One pooled keep-alive connection with its own buffers, reused request after request.
struct connection {
    explicit connection(net::any_io_executor ex) : stream(std::move(ex)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::optional<detail::response_parser> parser;
    std::string head;
};

struct job {
    url where;
    client_request req;
    completion done;
    steady::time_point started;
};

struct host_pool {
    std::string host;
    std::uint16_t port = 0;
    std::string host_header;
    std::vector<std::unique_ptr<connection>> idle;
    std::size_t active = 0;
    std::deque<job> waiting;
};

enum class exchange_result { answered, stale, failed };

}  // namespace

struct client::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_, client_options o) : io(io_), options(std::move(o)) {}

    void start(host_pool& pool, job j);
    void finish(host_pool& pool, job& j, client_reply reply);
    net::awaitable<void> run(host_pool& pool, job j);
    net::awaitable<void> perform(host_pool& pool, job& j, client_reply& reply);
    net::awaitable<error_code> connect(connection& c, host_pool const& pool);
    net::awaitable<exchange_result> exchange(connection& c, host_pool const& pool, job const& j,
                                             client_reply& reply);
    std::string describe(std::string_view step, host_pool const& pool, error_code ec) const;

    net::io_context& io;
    client_options options;
    std::unordered_map<std::string, host_pool> pools;  // node-based: references stay valid
    client_stats stats;
};

void client::impl::start(host_pool& pool, job j) {
    ++pool.active;
    ++stats.active;
    auto self = shared_from_this();
    net::co_spawn(io, run(pool, std::move(j)), [self](std::exception_ptr e) {
        // run() catches everything it can; this only guards the loop against the impossible.
        (void)e;
    });
}

net::awaitable<void> client::impl::run(host_pool& pool, job j) {
    auto self = shared_from_this();  // keeps the pools alive while this request runs
    client_reply reply;
    try {
        co_await perform(pool, j, reply);
    } catch (std::exception const& e) {
        reply.status = 0;
        reply.error = std::string("client failure: ") + e.what();
    }
    finish(pool, j, std::move(reply));
}

void client::impl::finish(host_pool& pool, job& j, client_reply reply) {
    reply.latency = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - j.started);
    if (!reply.ok()) ++stats.errors;
    --pool.active;
    --stats.active;
    if (!pool.waiting.empty()) {
        job next = std::move(pool.waiting.front());
        pool.waiting.pop_front();
        --stats.queued;
        start(pool, std::move(next));
    }
    try {
        if (j.done) j.done(std::move(reply));
    } catch (...) {  // NOLINT(bugprone-empty-catch): documented: a throwing completion is dropped
    }
}

net::awaitable<void> client::impl::perform(host_pool& pool, job& j, client_reply& reply) {
    for (int attempt = 0;; ++attempt) {
        std::unique_ptr<connection> c;
        if (!pool.idle.empty()) {
            c = std::move(pool.idle.back());
            pool.idle.pop_back();
            --stats.idle_connections;
        }
        bool const reused = c != nullptr;
        if (reused) {
            ++stats.reuses;
        } else {
            c = std::make_unique<connection>(io.get_executor());
            if (auto ec = co_await connect(*c, pool); ec) {
                reply.error = describe("connect", pool, ec);
                co_return;
            }
            ++stats.connections_opened;
        }
        reply.error.clear();
        auto outcome = co_await exchange(*c, pool, j, reply);
        if (outcome == exchange_result::answered) {
            reply.reused_connection = reused;
            bool const keep = c->parser->keep_alive() && c->buffer.size() == 0;
            c->parser.reset();
            if (keep && pool.idle.size() < options.max_idle_per_host) {
                pool.idle.push_back(std::move(c));
                ++stats.idle_connections;
            }
            co_return;
        }
        // A reused connection the peer had closed: nothing was processed, try a fresh one once.
        if (outcome == exchange_result::stale && reused && attempt == 0) {
            ++stats.retries;
            continue;
        }
        co_return;
    }
}

net::awaitable<error_code> client::impl::connect(connection& c, host_pool const& pool) {
    c.stream.expires_after(options.connect_timeout);
    error_code ec;
    auto address = net::ip::make_address(pool.host, ec);
    if (!ec) {
        auto [connect_ec] = co_await c.stream.async_connect(tcp::endpoint(address, pool.port), nothrow_awaitable);
        co_return connect_ec;
    }
    tcp::resolver resolver(io);
    auto [resolve_ec, results] = co_await resolver.async_resolve(pool.host, std::to_string(pool.port), nothrow_awaitable);
    if (resolve_ec) co_return resolve_ec;
    auto [connect_ec, endpoint] = co_await c.stream.async_connect(results, nothrow_awaitable);
    (void)endpoint;
    co_return connect_ec;
}

/// Writes the request (head serialised by hand, then the body, in one gather write) and reads
/// the answer into reply. `stale` means nothing can have been processed by the peer.
net::awaitable<exchange_result> client::impl::exchange(connection& c, host_pool const& pool, job const& j,
                                                       client_reply& reply) {
    auto const& req = j.req;
    auto& h = c.head;
    h.clear();
    h += req.method;
    h += ' ';
    h += j.where.target;
    h += " HTTP/1.1\r\nHost: ";
    h += pool.host_header;
    h += "\r\nUser-Agent: ";
    h += options.user_agent;
    bool const bodiless = req.body.empty() && (req.method == "GET" || req.method == "HEAD" || req.method == "DELETE");
    if (!bodiless) {
        h += "\r\nContent-Type: ";
        h += req.content_type.empty() || has_crlf(req.content_type) ? std::string_view("application/json; charset=utf-8")
                                                                    : std::string_view(req.content_type);
        h += "\r\nContent-Length: ";
        append_number(h, req.body.size());
    }
    for (auto const& [name, value] : req.headers) {
        if (name.empty() || has_crlf(name) || has_crlf(value)) continue;
        if (iequals(name, "Host") || iequals(name, "Content-Length") || iequals(name, "Content-Type")) continue;
        h += "\r\n";
        h += name;
        h += ": ";
        h += value;
    }
    h += "\r\n\r\n";

    c.stream.expires_after(options.request_timeout);
    std::array<net::const_buffer, 2> buffers{net::buffer(h), net::buffer(req.body)};
    if (auto [ec, n] = co_await net::async_write(c.stream, buffers, nothrow_awaitable); ec) {
        reply.error = describe("write", pool, ec);
        co_return exchange_result::stale;
    }

    c.parser.emplace();
    c.parser->body_limit(options.body_limit);
    if (req.method == "HEAD") c.parser->skip(true);
    if (auto [ec, n] = co_await bhttp::async_read(c.stream, c.buffer, *c.parser, nothrow_awaitable); ec) {
        reply.error = describe("read", pool, ec);
        bool const closed = ec == bhttp::error::end_of_stream || ec == net::error::eof ||
                            ec == net::error::connection_reset || ec == net::error::broken_pipe;
        co_return (closed && !c.parser->got_some()) ? exchange_result::stale : exchange_result::failed;
    }
    reply.status = c.parser->status();
    reply.body = std::move(c.parser->body());
    co_return exchange_result::answered;
}

std::string client::impl::describe(std::string_view step, host_pool const& pool, error_code ec) const {
    std::string out(step);
    out += ' ';
    out += pool.host_header;
    out += ": ";
    if (ec == beast::error::timeout) {
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

client::~client() { close_idle(); }

void client::send(client_request req, completion done) {
    auto& self = *impl_;
    ++self.stats.requests;
    auto parsed = parse_url(req.url);
    if (!parsed) {
        client_reply reply;
        reply.error = "bad URL '" + req.url + "': " + parsed.error();
        ++self.stats.errors;
        net::post(self.io, [done = std::move(done), reply = std::move(reply)]() mutable {
            try {
                if (done) done(std::move(reply));
            } catch (...) {  // NOLINT(bugprone-empty-catch): a throwing completion is dropped
            }
        });
        return;
    }
    auto& where = parsed.value();
    std::string key = where.host;
    key += ':';
    append_number(key, where.port);
    auto [it, inserted] = self.pools.try_emplace(key);
    auto& pool = it->second;
    if (inserted) {
        pool.host = where.host;
        pool.port = where.port;
        bool const v6 = where.host.find(':') != std::string::npos;
        pool.host_header = v6 ? "[" + where.host + "]" : where.host;
        if (where.port != 80) pool.host_header += ":" + std::to_string(where.port);
    }
    job j{std::move(where), std::move(req), std::move(done), steady::now()};
    if (pool.active < std::max<std::size_t>(self.options.max_connections_per_host, 1)) {
        self.start(pool, std::move(j));
    } else {
        pool.waiting.push_back(std::move(j));
        ++self.stats.queued;
    }
}

void client::close_idle() {
    for (auto& [key, pool] : impl_->pools) {
        for (auto& c : pool.idle) {
            error_code ignored;
            c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            c->stream.close();
        }
        impl_->stats.idle_connections -= pool.idle.size();
        pool.idle.clear();
    }
}

client_stats client::stats() const noexcept { return impl_->stats; }

}  // namespace metersim::sim::http

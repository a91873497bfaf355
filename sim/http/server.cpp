#include "sim/http/server.hpp"

#include "sim/http/request_parser.hpp"
#include "sim/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

namespace metersim::sim::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::size_t read_chunk = 4096;

/// What the server knows of a connection, plain or TLS: enough to close it on stop().
class session_base : public deferrer {
public:
    virtual void close() noexcept = 0;

protected:
    ~session_base() = default;
};

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

struct server::impl {
    impl(net::io_context& io, router r, server_options o)
        : routes(std::move(r)), options(std::move(o)), acceptor(io) {}

    void report(std::string_view what) const noexcept {
        if (!options.on_error) return;
        try {
            options.on_error(what);
        } catch (...) {  // NOLINT(bugprone-empty-catch): an error hook must not take us down
        }
    }

    router routes;
    server_options options;
    tcp::acceptor acceptor;
    std::uint16_t port = 0;
    server_stats stats;
    std::unordered_set<session_base*> sessions;
    std::optional<net::ssl::context> tls;  ///< set when the listener serves HTTPS
    bool stopped = false;
};

namespace {

// Shared with the client (request_parser.hpp).
using detail::append_number;
using detail::has_crlf;

bool is_http_parse_error(error_code ec) noexcept {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

/// A deferred answer (routes.hpp): the session waits on `wake` until answer() cancels it.
class session_answer final : public deferred_answer {
public:
    explicit session_answer(net::any_io_executor ex) : wake(std::move(ex)) {}

    void answer(response r) override {
        if (result || gone) return;
        result = std::move(r);
        wake.cancel();
    }
    void post(std::function<void()> fn) override { net::post(wake.get_executor(), std::move(fn)); }
    bool wanted() const noexcept override { return !gone; }

    /// Nobody waits any more (the session closed): answer() will be dropped.
    void abandon() noexcept {
        gone = true;
        wake.cancel();
    }

    net::steady_timer wake;
    std::optional<response> result;
    bool gone = false;
};

/// One connection: reads requests one after another (keep-alive), answers each, then closes.
/// Lives in its coroutine's frame; the server reaches it through `impl::sessions` only to close
/// it on stop(). `Stream` is plain_stream, or tls_stream (a handshake comes first).
template <class Stream>
class session final : public session_base {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    /// `tls`: the listener's context, for a tls_stream.
    template <class... Tls>
    session(std::shared_ptr<server::impl> owner, tcp::socket socket, Tls&... tls)
        : owner_(std::move(owner)), stream_(std::move(socket), tls...) {
        error_code ec;
        auto remote = lowest().socket().remote_endpoint(ec);
        if (!ec) {
            remote_address_ = remote.address().to_string();
            remote_port_ = remote.port();
        }
        lowest().socket().set_option(tcp::no_delay(true), ec);
        owner_->sessions.insert(this);
        ++owner_->stats.open_connections;
        ++owner_->stats.accepted;
        buffer_.reserve(read_chunk);
    }
    ~session() { release(); }

    session(session const&) = delete;
    session& operator=(session const&) = delete;

    net::awaitable<void> run();

    /// Ends the connection: the pending operation completes with an error and run() returns.
    void close() noexcept override {
        release();
        error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
        lowest().close();
        if (delay_timer_) delay_timer_->cancel();
        if (later_) later_->abandon();
    }

    /// request::async: the handler answers through the returned object (see routes.hpp).
    std::shared_ptr<deferred_answer> defer() override {
        if (!later_) later_ = std::make_shared<session_answer>(stream_.get_executor());
        return later_;
    }

private:
    /// The TCP stream under TLS (or the stream itself): deadlines, the socket, closing.
    beast::tcp_stream& lowest() noexcept { return beast::get_lowest_layer(stream_); }

    /// Leaves the server's books first, so that a client seeing our FIN also sees the count drop.
    void release() noexcept {
        if (!registered_) return;
        registered_ = false;
        owner_->sessions.erase(this);
        --owner_->stats.open_connections;
    }

    net::awaitable<bool> read_request();
    net::awaitable<bool> await_deferred(response& res);
    net::awaitable<void> answer_read_error(error_code ec);
    void fill_request();
    response handle() noexcept;
    request_fault check_fault() noexcept;
    net::awaitable<bool> write(response const& res, bool keep_alive, bool head_only, bool http10 = false);

    std::shared_ptr<server::impl> owner_;
    Stream stream_;
    beast::flat_buffer buffer_;
    detail::parsed_request parsed_;  ///< the current request, in storage reused by the next
    std::optional<detail::request_parser> parser_;
    std::optional<net::steady_timer> delay_timer_;
    std::shared_ptr<session_answer> later_;  ///< the current request's deferred answer, if any
    request req_;
    std::string head_;
    std::string remote_address_;
    std::uint16_t remote_port_ = 0;
    bool registered_ = true;
};

template <class Stream>
net::awaitable<void> session<Stream>::run() {
    auto const& opt = owner_->options;
    if constexpr (is_tls) {
        // The handshake is part of the first request's head: one header_timeout for it.
        lowest().expires_after(opt.header_timeout);
        auto [ec] = co_await stream_.async_handshake(net::ssl::stream_base::server, nothrow_awaitable);
        if (ec) {
            close();
            co_return;
        }
    }
    for (;;) {
        if (!co_await read_request()) co_return;
        auto const read_done = steady::now();

        fill_request();
        // Fault injection: answer in the router's place, drop the connection, or delay.
        std::optional<request_fault> fault;
        if (opt.on_fault) fault = check_fault();
        if (fault && fault->what == request_fault::action::drop) {
            close();
            co_return;
        }
        response res = fault && fault->what == request_fault::action::answer ? std::move(fault->answer) : handle();
        if (later_ && !co_await await_deferred(res)) co_return;
        if (fault && fault->what == request_fault::action::delay) res.delay += fault->delay;

        // Injected latency: the connection waits, the loop does not.
        if (res.delay.count() > 0) {
            if (!delay_timer_) delay_timer_.emplace(stream_.get_executor());
            delay_timer_->expires_after(res.delay);
            auto [ec] = co_await delay_timer_->async_wait(nothrow_awaitable);
            if (ec || !registered_) co_return;
        }

        bool const keep_alive = parser_->keep_alive() && !res.close && !owner_->stopped;
        bool const head_only = req_.method == "HEAD";
        bool const http10 = parsed_.version == 10;
        ++owner_->stats.requests;
        // Journal before the answer leaves: whoever holds the answer finds it in the journal.
        if (opt.on_journal) {
            auto latency = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - read_done);
            try {
                opt.on_journal(req_, res, latency);
            } catch (std::exception const& e) {
                owner_->report(std::string("journal hook threw: ") + e.what());
            }
        }
        if (!co_await write(res, keep_alive, head_only, http10)) co_return;
        if (!keep_alive) {
            close();
            co_return;
        }
    }
}

/// The handler deferred its answer: waits for it (the loop goes on) and puts it in `res`. False
/// when the connection closed meanwhile.
template <class Stream>
net::awaitable<bool> session<Stream>::await_deferred(response& res) {
    auto later = later_;
    while (!later->result && registered_) {
        later->wake.expires_at(steady::time_point::max());
        (void)co_await later->wake.async_wait(nothrow_awaitable);  // cancelled by answer() or close()
    }
    later_.reset();
    if (!later->result || !registered_) {
        later->abandon();
        co_return false;
    }
    res = std::move(*later->result);
    co_return true;
}

/// Reads one whole request into parser_. False when the connection is to be dropped (an error
/// answer, if any, has been written).
template <class Stream>
net::awaitable<bool> session<Stream>::read_request() {
    auto const& opt = owner_->options;

    // Wait for the first byte of the next request, unless pipelined bytes are already here.
    if (buffer_.size() == 0) {
        lowest().expires_after(opt.idle_timeout);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(read_chunk), nothrow_awaitable);
        if (ec) co_return false;  // idle timeout, client gone, or stop(): nothing to answer
        buffer_.commit(n);
    }

    // Headers get one deadline in all, however the bytes trickle in.
    parser_.emplace(parsed_);
    parser_->body_limit(opt.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(opt.header_limit));
    lowest().expires_after(opt.header_timeout);
    if (auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, *parser_, nothrow_awaitable); ec) {
        co_await answer_read_error(ec);
        co_return false;
    }
    if (parser_->is_done()) co_return true;

    // A client that asked to be told before sending its body (curl does past 1 MiB).
    if (auto const* f = parsed_.find(bhttp::field::expect); f != nullptr && sim::iequals(parsed_.view(f->value), "100-continue")) {
        static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
        lowest().expires_after(opt.write_timeout);
        auto [ec, n] = co_await net::async_write(stream_, net::buffer(cont.data(), cont.size()), nothrow_awaitable);
        if (ec) co_return false;
    }

    lowest().expires_after(opt.body_timeout);
    if (auto [ec, n] = co_await bhttp::async_read(stream_, buffer_, *parser_, nothrow_awaitable); ec) {
        co_await answer_read_error(ec);
        co_return false;
    }
    co_return true;
}

/// Answers what a client can be told about its malformed request; timeouts and disconnects get
/// nothing. The connection is closed either way: the rest of the stream cannot be trusted.
template <class Stream>
net::awaitable<void> session<Stream>::answer_read_error(error_code ec) {
    std::optional<response> res;
    if (ec == bhttp::error::body_limit) {
        res = json_error(413, "request body larger than " + std::to_string(owner_->options.body_limit) + " bytes");
    } else if (ec == bhttp::error::header_limit) {
        res = json_error(431, "request headers larger than " + std::to_string(owner_->options.header_limit) + " bytes");
    } else if (is_http_parse_error(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        res = json_error(400, "malformed HTTP request: " + ec.message());
    }
    if (!res) {
        close();
        co_return;
    }
    ++owner_->stats.requests;
    bool const written = co_await write(*res, false, false);
    release();
    if (written) {
        // Lingering close: the client may still be sending the body we refused; reading it for
        // a moment lets it see our answer instead of a reset.
        error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
        lowest().expires_after(std::min(owner_->options.header_timeout, std::chrono::milliseconds(1000)));
        std::size_t drained = 0;
        while (drained < 4 * owner_->options.body_limit + read_chunk) {
            buffer_.clear();
            auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(read_chunk), nothrow_awaitable);
            if (read_ec) break;
            drained += n;
        }
    }
    close();
}

/// Points req_ at the parsed message; no copies of the body or the headers.
template <class Stream>
void session<Stream>::fill_request() {
    req_.method = parsed_.view(parsed_.method);
    req_.target = parsed_.view(parsed_.target);
    auto q = req_.target.find('?');
    req_.path = req_.target.substr(0, q);
    req_.query_string = q == std::string_view::npos ? std::string_view{} : req_.target.substr(q + 1);
    req_.body = parsed_.body;
    req_.headers.clear();
    for (auto const& f : parsed_.fields) req_.headers.push_back({parsed_.view(f.name), parsed_.view(f.value)});
    req_.path_params.clear();
    req_.remote_address = remote_address_;
    req_.remote_port = remote_port_;
    req_.async = this;
}

/// Asks the fault hook about req_; a hook that throws is reported and the request goes on.
template <class Stream>
request_fault session<Stream>::check_fault() noexcept {
    try {
        return owner_->options.on_fault(req_);
    } catch (std::exception const& e) {
        owner_->report(std::string("fault hook threw: ") + e.what());
    } catch (...) {
        owner_->report("fault hook threw a non-standard exception");
    }
    return {};
}

template <class Stream>
response session<Stream>::handle() noexcept {
    try {
        if (!parse_query(req_.query_string, req_.query_params)) {
            return json_error(400, "malformed query string: bad percent-escape");
        }
        return owner_->routes.dispatch(req_);
    } catch (std::exception const& e) {
        // Answered now (500): a deferred answer the handler had asked for is not awaited.
        if (later_) std::exchange(later_, nullptr)->abandon();
        ++owner_->stats.handler_errors;
        owner_->report(std::string("handler for ") + std::string(req_.method) + " " + std::string(req_.path) +
                       " threw: " + e.what());
    } catch (...) {
        if (later_) std::exchange(later_, nullptr)->abandon();
        ++owner_->stats.handler_errors;
        owner_->report("handler threw a non-standard exception");
    }
    try {
        return json_error(500, "internal error");
    } catch (...) {
        response r;  // out of memory: an empty 500 still tells the client
        r.status = 500;
        return r;
    }
}

/// Serialises the head by hand into a reused string and writes head and body in one gather
/// write: no Beast serializer, no per-answer field allocations.
template <class Stream>
net::awaitable<bool> session<Stream>::write(response const& res, bool keep_alive, bool head_only, bool http10) {
    unsigned status = (res.status >= 100 && res.status <= 999) ? res.status : 500;
    bool const no_body = status < 200 || status == 204 || status == 304;
    auto reason = bhttp::obsolete_reason(bhttp::int_to_status(status));

    head_.clear();
    head_ += "HTTP/1.1 ";
    append_number(head_, status);
    head_ += ' ';
    head_ += std::string_view(reason);
    head_ += "\r\nContent-Type: ";
    head_ += res.content_type.empty() || has_crlf(res.content_type) ? json_content_type : res.content_type;
    if (!no_body) {
        head_ += "\r\nContent-Length: ";
        append_number(head_, res.body.size());
    }
    if (!keep_alive) {
        head_ += "\r\nConnection: close";
    } else if (http10) {
        head_ += "\r\nConnection: keep-alive";  // HTTP/1.0 closes unless told otherwise
    }
    for (auto const& [name, value] : res.headers) {
        if (name.empty() || has_crlf(name) || has_crlf(value)) continue;
        head_ += "\r\n";
        head_ += name;
        head_ += ": ";
        head_ += value;
    }
    head_ += "\r\n\r\n";

    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(res.body)};
    if (no_body || head_only) buffers[1] = net::const_buffer{};
    lowest().expires_after(owner_->options.write_timeout);
    auto [ec, n] = co_await net::async_write(stream_, buffers, nothrow_awaitable);
    co_return !ec;
}

net::awaitable<void> accept_loop(std::shared_ptr<server::impl> self) {
    auto& opt = self->options;
    for (;;) {
        auto [ec, socket] = co_await self->acceptor.async_accept(nothrow_awaitable);
        if (self->stopped || ec == net::error::operation_aborted) co_return;
        if (ec) {
            // Out of descriptors and the like: say so, breathe, try again.
            self->report("accept failed: " + ec.message());
            net::steady_timer pause(self->acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(nothrow_awaitable);
            continue;
        }
        if (self->sessions.size() >= opt.max_connections) {
            ++self->stats.refused;
            error_code ignored;
            socket.close(ignored);
            continue;
        }
        auto ex = self->acceptor.get_executor();
        auto serve = [](std::shared_ptr<server::impl> owner, tcp::socket s) -> net::awaitable<void> {
            if (owner->tls) {
                auto& tls = *owner->tls;
                session<tls_stream> conn(std::move(owner), std::move(s), tls);
                co_await conn.run();
            } else {
                session<plain_stream> conn(std::move(owner), std::move(s));
                co_await conn.run();
            }
        };
        net::co_spawn(
            ex, serve(self, std::move(socket)),
            [self](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (std::exception const& x) {
                    self->report(std::string("connection failed: ") + x.what());
                } catch (...) {
                    self->report("connection failed");
                }
            });
    }
}

}  // namespace

server::server(net::io_context& io, router routes, server_options options)
    : impl_(std::make_shared<impl>(io, std::move(routes), std::move(options))) {
    if (auto const& files = impl_->options.tls; files.enabled()) {
        // Start-up: a file that does not load throws, naming it.
        if (auto bad = check_tls_files(files)) throw std::runtime_error("tls: " + *bad);
        auto& ctx = impl_->tls.emplace(net::ssl::context::tls_server);
        ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                        net::ssl::context::single_dh_use);
        ctx.use_certificate_chain_file(files.cert);
        ctx.use_private_key_file(files.key, net::ssl::context::pem);
    }
    auto& a = impl_->acceptor;
    tcp::endpoint ep{net::ip::make_address(impl_->options.address), impl_->options.port};
    a.open(ep.protocol());
    a.set_option(net::socket_base::reuse_address(true));
    a.bind(ep);
    a.listen(net::socket_base::max_listen_connections);
    impl_->port = a.local_endpoint().port();
    auto self = impl_;
    net::co_spawn(io, accept_loop(self), [self](std::exception_ptr e) {
        if (e) self->report("accept loop ended by an exception");
    });
}

server::~server() { stop(); }

std::uint16_t server::port() const noexcept { return impl_->port; }

std::string const& server::address() const noexcept { return impl_->options.address; }

void server::stop() {
    if (impl_->stopped) return;
    impl_->stopped = true;
    error_code ignored;
    impl_->acceptor.close(ignored);
    std::vector<session_base*> open(impl_->sessions.begin(), impl_->sessions.end());
    for (auto* s : open) s->close();
}

server_stats server::stats() const noexcept { return impl_->stats; }

}  // namespace metersim::sim::http

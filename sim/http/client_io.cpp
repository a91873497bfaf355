// One connection of the push client: connect, write what is queued in one gather write, read
// the answers in order, settle the queue when the connection ends (client_impl.hpp has the
// rules).
#include "sim/http/client_impl.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

#include "sim/text.hpp"

namespace metersim::sim::http {

using namespace detail;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t read_chunk = 4096;
/// Answer bodies larger than this do not keep their storage for the next answer.
constexpr std::size_t kept_body_capacity = 64 * 1024;



bool would_block(error_code ec) noexcept { return ec == net::error::would_block || ec == net::error::try_again; }

}  // namespace

namespace detail {

/// TLS over the connection's socket (a reference: the socket stays the connection's, for
/// deadlines, closing and the watchdog).
struct tls_layer {
    tls_layer(tcp::socket& s, net::ssl::context& ctx) : stream(s, ctx) {}
    net::ssl::stream<tcp::socket&> stream;
};

connection::connection(std::shared_ptr<client::impl> owner_, host_pool& pool_, net::io_context& io, std::size_t depth)
    : socket(io), pool(pool_), owner(std::move(owner_)), jobs(depth) {
    pool.open.push_back(this);
}

connection::~connection() { detach(); }

void connection::detach() noexcept {
    if (pool.filling == this) pool.filling = nullptr;
    auto it = std::find(pool.open.begin(), pool.open.end(), this);
    if (it != pool.open.end()) {
        *it = pool.open.back();
        pool.open.pop_back();
    }
}

void connection::close_socket() noexcept {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

std::string_view to_string(io_step s) noexcept {
    constexpr std::string_view names[] = {"connect", "write", "read"};
    return names[static_cast<std::size_t>(s)];
}

}  // namespace detail

void client::impl::connect(conn_ptr const& c) {
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
                                if (e || c->is_timed_out()) {
                                    c->owner->on_connect(c, e ? e : net::error::operation_aborted);
                                    return;
                                }
                                net::async_connect(c->socket, results, [c](error_code ce, tcp::endpoint const&) {
                                    c->owner->on_connect(c, ce);
                                });
                            });
}

namespace {

/// The trust of https pushes: the system's store or options.ca_file, or none (insecure).
std::shared_ptr<void> make_tls_context(client_options const& o, error_code& ec) {
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1,
                     ec);
    if (o.insecure) {
        ctx->set_verify_mode(net::ssl::verify_none, ec);
    } else {
        ctx->set_verify_mode(net::ssl::verify_peer, ec);
        if (!ec) {
            if (o.ca_file.empty()) ctx->set_default_verify_paths(ec);
            else ctx->load_verify_file(o.ca_file, ec);
        }
    }
    return ec ? nullptr : std::static_pointer_cast<void>(ctx);
}

}  // namespace

void client::impl::on_connect(conn_ptr const& c, error_code ec) {
    if (c->is_broken()) return;
    if (ec || c->is_timed_out()) {
        fail(c, io_step::connect, ec ? ec : net::error::operation_aborted, false);
        return;
    }
    if (c->pool.tls) {
        // The handshake, within the connect deadline; the requests are written after it.
        if (!tls_context) tls_context = make_tls_context(options, ec);
        if (ec) {
            fail(c, io_step::connect, ec, false);
            return;
        }
        auto& ctx = *static_cast<net::ssl::context*>(tls_context.get());
        c->tls = std::make_unique<tls_layer>(c->socket, ctx);
        auto* ssl = c->tls->stream.native_handle();
        error_code not_an_address;
        (void)net::ip::make_address(c->pool.host, not_an_address);
        if (not_an_address) SSL_set_tlsext_host_name(ssl, c->pool.host.c_str());  // SNI: names only
        if (!options.insecure) c->tls->stream.set_verify_callback(net::ssl::host_name_verification(c->pool.host));
        c->tls->stream.async_handshake(net::ssl::stream_base::client, [c](error_code e) { c->owner->on_handshake(c, e); });
        return;
    }
    on_handshake(c, {});
}

void client::impl::on_handshake(conn_ptr const& c, error_code ec) {
    if (c->is_broken()) return;
    if (ec || c->is_timed_out()) {
        fail(c, io_step::connect, ec ? ec : net::error::operation_aborted, false);
        return;
    }
    ++stats.connections_opened;
    c->state = conn_state::open;
    error_code ignored;
    c->socket.set_option(tcp::no_delay(true), ignored);
    c->socket.non_blocking(true, ignored);  // writes and reads are tried at once, in the call
    write(c);
}

void client::impl::post_write(conn_ptr const& c) {
    if (c->write_posted || c->writing || c->is_broken()) return;
    c->write_posted = true;
    net::post(io, [c] { c->owner->write(c); });
}

/// Serialises one head onto the connection's `heads`: the URL's cached prefix, then the fields
/// that vary per request.
void client::impl::write_head(connection& c, job const& j) {
    auto const& t = *j.target;
    auto const& req = j.req;
    auto& h = c.heads;
    if (req.method == "POST") {
        h += t.post_prefix;
    } else {
        h += req.method;
        h += ' ';
        h += t.path;
        h += " HTTP/1.1\r\nHost: ";
        h += c.pool.host_header;
        h += "\r\nUser-Agent: ";
        h += options.user_agent;
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

/// Serialises the heads of the requests from `first` on and lists them with their bodies in
/// `c.buffers`, in order. Returns the bytes listed.
std::size_t client::impl::gather(connection& c, std::size_t first) {
    bool const reused = c.carried > 0;
    c.heads.clear();
    c.head_ends.clear();
    for (std::size_t i = first; i < c.jobs.size(); ++i) {
        auto& j = c.jobs[i];
        j.reused = reused;
        write_head(c, j);
        c.head_ends.push_back(c.heads.size());
    }
    c.buffers.clear();
    std::size_t total = 0;
    for (std::size_t i = 0; i < c.head_ends.size(); ++i) {
        std::size_t const begin = i == 0 ? 0 : c.head_ends[i - 1];
        c.buffers.emplace_back(c.heads.data() + begin, c.head_ends[i] - begin);
        auto const body = c.jobs[first + i].req.body;
        if (!body.empty()) c.buffers.emplace_back(body.data(), body.size());
        total += c.head_ends[i] - begin + body.size();
    }
    return total;
}

/// Writes every queued request not yet written, heads and bodies in one gather write tried at
/// once (a non-blocking send); what the socket cannot take now is written asynchronously.
void client::impl::write(conn_ptr const& c) {
    c->write_posted = false;
    if (c->pool.filling == c.get()) c->pool.filling = nullptr;
    if (c->writing || !c->is_open()) return;  // connecting: written once open; timed out: failing
    std::size_t const first = c->sent;
    std::size_t const count = c->jobs.size() - first;
    if (count == 0) return;
    if (c->carried > 0) stats.reuses += count;
    stats.pipelined += first > 0 ? count : count - 1;
    std::size_t const total = gather(*c, first);
    c->carried += count;
    c->sent += count;
    if (first == 0) {
        expect_answer(*c);
        c->deadline = steady::now() + options.request_timeout;
        arm_watchdog(c->deadline);
    }

    error_code ec = net::error::would_block;  // over TLS: everything asynchronously
    std::size_t const n = c->tls ? 0 : c->socket.send(c->buffers, 0, ec);
    if (ec && !would_block(ec)) {
        fail(c, io_step::write, ec, first == 0);  // the front request is in this write: it was not processed
        return;
    }
    if (!ec && n == total) {
        read(c);
        return;
    }
    // The rest asynchronously; the answers may start coming meanwhile.
    std::size_t skip = ec ? 0 : n;
    auto it = c->buffers.begin();
    while (it != c->buffers.end() && skip >= it->size()) skip -= (it++)->size();
    c->buffers.erase(c->buffers.begin(), it);
    if (skip > 0) c->buffers.front() += skip;
    c->writing = true;
    auto written = [c, stale = first == 0](error_code e, std::size_t) {
        c->writing = false;
        if (c->is_broken()) return;
        if (e || c->is_timed_out()) {
            c->owner->fail(c, io_step::write, e ? e : net::error::operation_aborted, stale && !c->is_timed_out());
            return;
        }
        if (c->sent < c->jobs.size()) c->owner->write(c);  // placed during the write
    };
    if (c->tls) net::async_write(c->tls->stream, c->buffers, std::move(written));
    else net::async_write(c->socket, c->buffers, std::move(written));
    read(c);
}

/// A new parser for the answer of the front request, into the connection's reused body.
void client::impl::expect_answer(connection& c) {
    c.parser.emplace(c.body);
    c.parser->eager(true);
    c.parser->body_limit(options.body_limit);
    if (c.jobs[0].req.method == "HEAD") c.parser->skip(true);
}

/// A read (tried at once by Asio, then on readiness), pending while answers are due.
void client::impl::read(conn_ptr const& c) {
    if (c->reading || c->is_broken() || c->sent == 0) return;
    c->reading = true;
    auto done = [c](error_code ec, std::size_t n) { c->owner->on_read(c, ec, n); };
    if (c->tls) c->tls->stream.async_read_some(c->in.prepare(read_chunk), std::move(done));
    else c->socket.async_read_some(c->in.prepare(read_chunk), std::move(done));
}

/// Feeds what was read to the parser, settles every whole answer, reads on while answers are due.
void client::impl::on_read(conn_ptr const& c, error_code ec, std::size_t n) {
    c->reading = false;
    if (c->is_broken()) return;
    if (c->is_timed_out()) {
        fail(c, io_step::read, net::error::operation_aborted, false);
        return;
    }
    if (ec == net::error::eof) {
        on_eof(c);
        return;
    }
    if (ec) {
        bool const closed = ec == net::error::connection_reset || ec == net::error::broken_pipe;
        fail(c, io_step::read, ec, closed && !c->parser->got_some());
        return;
    }
    c->in.commit(n);
    if (!settle_answers(c)) return;
    if (c->sent > 0) {
        read(c);
    } else {
        rest(c);
    }
}

/// Parses the bytes read into answers, settling the queue's front with each. False when the
/// connection ended meanwhile.
bool client::impl::settle_answers(conn_ptr const& c) {
    while (c->sent > 0 && c->in.size() > 0) {
        auto& p = *c->parser;
        while (c->in.size() > 0 && !p.is_done()) {
            error_code pec;
            std::size_t const used = p.put(c->in.data(), pec);
            c->in.consume(used);
            if (pec == bhttp::error::need_more) break;
            if (pec) {
                fail(c, io_step::read, pec, false);
                return false;
            }
            if (used == 0) break;
        }
        if (!p.is_done()) return true;
        if (p.status() >= 100 && p.status() < 200 && p.status() != 101) {
            // An interim answer (100 Continue, 102, 103): the final one follows (RFC 9110 §15.2).
            expect_answer(*c);
            continue;
        }
        bool const keep_alive = p.keep_alive();
        answer_front(c, keep_alive);
        if (!keep_alive || c->is_broken()) return false;
    }
    return true;
}

/// The peer closed its side: the end of an answer framed by the close, or no answer at all.
void client::impl::on_eof(conn_ptr const& c) {
    auto& p = *c->parser;
    if (!p.got_some()) {
        fail(c, io_step::read, bhttp::error::end_of_stream, true);  // nothing answered: stale
        return;
    }
    error_code ec;
    p.put_eof(ec);
    if (ec || !p.is_done()) {
        fail(c, io_step::read, ec ? ec : bhttp::error::partial_message, false);
        return;
    }
    answer_front(c, false);
}

/// The front request's answer is whole: it leaves the queue, then its caller is told. Without
/// keep-alive the connection ends and the requests behind it are placed again.
void client::impl::answer_front(conn_ptr const& c, bool keep_alive) {
    job j = c->jobs.pop_front();
    --c->sent;
    ++c->answered;
    --stats.active;
    client_answer answer;
    answer.latency = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - j.started);
    answer.reused_connection = j.reused;
    answer.status = c->parser->status();
    // The body leaves the connection (a swap, no copy): the next answer may be read at once.
    std::string body;
    body.swap(spare_body);
    body.swap(c->body);
    answer.body = body;
    c->parser.reset();
    auto& pool = c->pool;
    if (!keep_alive) {
        c->state = conn_state::broken;  // the server said it closes: no new request on it
        c->close_socket();
        c->detach();
        std::vector<job> behind;
        while (!c->jobs.empty()) {
            behind.push_back(c->jobs.pop_front());
            --stats.active;
        }
        // Closed after its very first answer with more on the wire: a server that keeps no
        // connection, where every pipelined request would only be written twice.
        if (c->answered == 1 && c->sent > 0 && pool.depth > 1) {
            pool.depth = 1;
            ++stats.unpipelined_hosts;
        }
        c->sent = 0;
        requeue(pool, behind);
    } else if (c->sent > 0) {
        expect_answer(*c);
        c->deadline = steady::now() + options.request_timeout;
        arm_watchdog(c->deadline);
    }
    place_waiting(pool);
    deliver(j, answer);
    rest_watchdog();
    body.clear();
    if (body.capacity() <= kept_body_capacity && spare_body.capacity() < body.capacity()) spare_body.swap(body);
}

/// Puts `jobs` back at the front of the pool's queue, in their order.
void client::impl::requeue(host_pool& pool, std::vector<job>& jobs) {
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) pool.waiting.push_front(std::move(*it));
    stats.queued += jobs.size();
}

/// A connection with nothing in flight: pooled for the next request, or closed.
void client::impl::rest(conn_ptr const& c) {
    if (!c->jobs.empty() || c->is_broken()) return;  // placed meanwhile: its write is posted
    auto& pool = c->pool;
    bool const keep = c->in.size() == 0 && !c->is_timed_out() && !closing &&
                      pool.idle.size() < options.max_idle_per_host;
    if (keep) {
        if (pool.filling == c.get()) pool.filling = nullptr;
        pool.idle.push_back(c);
        ++stats.idle_connections;
    } else {
        c->state = conn_state::broken;
        c->close_socket();
        c->detach();
    }
}

/// Takes the requests out of a broken connection and sorts them (client_impl.hpp has the rules):
/// the lost ones get the error, the others are placed again.
client::impl::broken_jobs client::impl::take_jobs(connection& c, io_step step, bool stale, bool timed_out) {
    broken_jobs out;
    out.degrade = timed_out && c.sent > 1;
    for (std::size_t i = 0; !c.jobs.empty(); ++i) {
        job j = c.jobs.pop_front();
        --stats.active;
        if (step == io_step::connect) {
            out.lost.push_back(std::move(j));
        } else if (i == 0 && c.sent > 0) {
            // The front request: sent again only if the peer closed a connection that had
            // carried requests before, before any byte of this answer.
            if (stale && (j.reused || c.answered > 0) && !j.resent && !timed_out) {
                j.resent = out.stale_retry = true;
                ++stats.retries;
                out.again.push_back(std::move(j));
            } else {
                out.lost.push_back(std::move(j));
            }
        } else if (i < c.sent) {
            // Behind the front, without an answer: sent again once; lost twice, the host is
            // taken not to pipeline.
            if (!j.resent) {
                j.resent = true;
                ++stats.retries;
                out.again.push_back(std::move(j));
            } else {
                out.degrade = true;
                out.lost.push_back(std::move(j));
            }
        } else {
            out.again.push_back(std::move(j));  // never written
        }
    }
    c.sent = 0;
    return out;
}

/// A transport failure ends the connection and settles its queue.
void client::impl::fail(conn_ptr const& c, io_step step, error_code ec, bool stale) {
    if (c->is_broken()) return;
    bool const timed_out = c->is_timed_out();
    c->state = conn_state::broken;
    c->close_socket();
    c->detach();
    auto& pool = c->pool;
    auto jobs = take_jobs(*c, step, stale, timed_out);
    if (jobs.degrade && pool.depth > 1) {
        pool.depth = 1;
        ++stats.unpipelined_hosts;
    }
    // The peer closed a pooled connection: it has likely closed the other idle ones too, and the
    // retry must go on a fresh one.
    if (jobs.stale_retry) {
        for (auto& idle : pool.idle) idle->close_socket();
        stats.idle_connections -= pool.idle.size();
        pool.idle.clear();
    }
    requeue(pool, jobs.again);
    place_waiting(pool);
    if (jobs.lost.empty()) return;
    auto const error = describe(step, pool, ec, timed_out);
    for (auto& j : jobs.lost) {
        client_answer answer;
        answer.latency = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - j.started);
        answer.error = error;
        answer.reused_connection = j.reused;
        ++stats.errors;
        deliver(j, answer);
    }
    rest_watchdog();
}

}  // namespace metersim::sim::http

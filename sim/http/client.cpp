// The push client's API, the placing of requests on connections and the watchdog. One
// connection's writes and reads are in client_io.cpp; client_impl.hpp explains pipelining.
#include "sim/http/client_impl.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <exception>

namespace metersim::sim::http {

using namespace detail;

namespace {

/// URLs whose head prefix is cached; past it the cache starts over (URLs come from the config).
constexpr std::size_t max_cached_targets = 1024;

}  // namespace

client::impl::impl(net::io_context& io_, client_options o) : io(io_), options(std::move(o)), watchdog(io_) {
    options.max_connections_per_host = std::max<std::size_t>(options.max_connections_per_host, 1);
    options.pipeline_depth = std::clamp<std::size_t>(options.pipeline_depth, 1, max_pipeline_depth);
    if (has_crlf(options.user_agent)) options.user_agent = "metersim";  // never a broken head
}

std::shared_ptr<target_info const> client::impl::target_of(std::string_view url, std::string& error) {
    if (auto it = targets.find(url); it != targets.end()) return it->second;
    auto parsed = parse_url(url);
    if (!parsed) {
        error = parsed.error();
        return nullptr;
    }
    auto& where = parsed.value();
    std::string key = where.scheme;
    key += "://";
    key += where.host;
    key += ':';
    key += std::to_string(where.port);
    auto [pit, inserted] = pools.try_emplace(key);
    auto& pool = pit->second;
    if (inserted) {
        pool.host = where.host;
        pool.port = where.port;
        pool.tls = where.scheme == "https";
        pool.depth = options.pipeline_depth;
        bool const v6 = where.host.find(':') != std::string::npos;
        pool.host_header = v6 ? "[" + where.host + "]" : where.host;
        if (where.port != (pool.tls ? 443 : 80)) pool.host_header += ":" + std::to_string(where.port);
    }
    auto t = std::make_shared<target_info>();
    t->pool = &pool;
    t->path = std::move(where.target);
    t->post_prefix = "POST " + t->path + " HTTP/1.1\r\nHost: " + pool.host_header + "\r\nUser-Agent: " +
                     options.user_agent + "\r\n";
    if (targets.size() >= max_cached_targets) targets.clear();  // queued jobs hold their own
    targets.emplace(std::string(url), t);
    return t;
}

void client::impl::submit(job j) {
    auto& pool = *j.target->pool;
    if (pool.waiting.empty()) {
        if (auto c = pick(pool)) {
            place(c, std::move(j));
            return;
        }
    }
    pool.waiting.push_back(std::move(j));
    ++stats.queued;
}

/// The connection the next request of `pool` goes on (see client_impl.hpp), or null when every
/// connection is full.
auto client::impl::pick(host_pool& pool) -> conn_ptr {
    if (pool.filling != nullptr) {
        if (pool.filling->has_room()) return pool.filling->shared_from_this();
        pool.filling = nullptr;
    }
    if (!pool.idle.empty()) {
        auto c = std::move(pool.idle.back());
        pool.idle.pop_back();
        --stats.idle_connections;
        return c;
    }
    if (pool.open.size() < options.max_connections_per_host) {
        auto c = std::make_shared<connection>(shared_from_this(), pool, io, options.pipeline_depth);
        connect(c);
        return c;
    }
    connection* best = nullptr;
    for (auto* c : pool.open) {
        if (c->is_open() && c->has_room() && (best == nullptr || c->jobs.size() < best->jobs.size())) best = c;
    }
    return best != nullptr ? best->shared_from_this() : nullptr;
}

/// Appends `j` to `c`'s queue; it is written on a later turn (or once `c` is connected), with
/// whatever else is placed on `c` until then.
void client::impl::place(conn_ptr const& c, job j) {
    c->jobs.push_back(std::move(j));
    ++stats.active;
    if (c->is_open()) post_write(c);
    auto& pool = c->pool;
    pool.filling = c->has_room() && (c->write_posted || !c->is_open()) ? c.get() : nullptr;
}

/// Places the waiting requests of `pool` while some connection has room, oldest first.
void client::impl::place_waiting(host_pool& pool) {
    while (!pool.waiting.empty()) {
        auto c = pick(pool);
        if (!c) return;
        job j = std::move(pool.waiting.front());
        pool.waiting.pop_front();
        --stats.queued;
        place(c, std::move(j));
    }
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

/// Nothing in flight, nothing waiting: no deadline to keep, so the timer lets go of the loop (a
/// serve shutting down returns at once, not when the last request timeout would have passed).
void client::impl::rest_watchdog() {
    if (stats.active != 0 || stats.queued != 0 || !watchdog_at) return;
    watchdog_at.reset();
    watchdog.cancel();
}

void client::impl::on_watchdog() {
    watchdog_at.reset();
    auto const now = steady::now();
    std::optional<steady::time_point> next;
    for (auto& [key, pool] : pools) {
        for (auto* c : pool.open) {
            if (c->jobs.empty() || c->is_timed_out()) continue;
            if (c->deadline <= now) {
                c->state = conn_state::timed_out;
                c->close_socket();
            } else if (!next || c->deadline < *next) {
                next = c->deadline;
            }
        }
    }
    if (next) arm_watchdog(*next);
}

std::string client::impl::describe(io_step step, host_pool const& pool, error_code ec, bool timed_out) const {
    std::string out(to_string(step));
    out += ' ';
    out += pool.host_header;
    out += ": ";
    if (timed_out) {
        auto limit = step == io_step::connect ? options.connect_timeout : options.request_timeout;
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

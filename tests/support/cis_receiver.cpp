#include "tests/support/cis_receiver.hpp"

#include "tests/support/http_client.hpp"
#include "tests/support/loopback.hpp"
#include "tests/support/net_names.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <deque>
#include <map>

namespace metersim::test {

namespace {
constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
}


struct cis_receiver::impl {
    void listen();
    net::awaitable<void> accept_loop();
    net::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> stream, std::uint64_t conn_id);
    scripted_answer next_answer();

    loopback loop;
    tcp::acceptor acceptor{loop.io()};
    std::uint16_t port = 0;
    std::map<std::uint64_t, std::shared_ptr<beast::tcp_stream>> open;  // loop thread only

    mutable std::mutex mutex;
    mutable std::condition_variable arrived;
    std::vector<received_request> log;
    std::deque<scripted_answer> queue;
    scripted_answer fallback;
    std::uint64_t connections = 0;
    std::size_t answered = 0;  ///< answers written
};

void cis_receiver::impl::listen() {
    tcp::endpoint ep{net::ip::make_address("127.0.0.1"), port};
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    net::co_spawn(loop.io(), accept_loop(), [](std::exception_ptr) {});
}

// The coroutines use `this` plainly: the loop they run on is a member of impl, stopped and
// joined before impl goes away, and a frame destroyed unfinished touches nothing of impl.
net::awaitable<void> cis_receiver::impl::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(nothrow_awaitable);
        if (ec) co_return;  // closed by down()
        std::uint64_t id = 0;
        {
            std::lock_guard lock(mutex);
            id = ++connections;
        }
        auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
        open[id] = stream;
        net::co_spawn(loop.io(), serve(stream, id), [](std::exception_ptr) {});
    }
}

scripted_answer cis_receiver::impl::next_answer() {
    std::lock_guard lock(mutex);
    if (queue.empty()) return fallback;
    auto a = std::move(queue.front());
    queue.pop_front();
    return a;
}

net::awaitable<void> cis_receiver::impl::serve(std::shared_ptr<beast::tcp_stream> stream, std::uint64_t conn_id) {
    beast::flat_buffer buffer;
    for (;;) {
        bhttp::request<bhttp::string_body> req;
        stream->expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await bhttp::async_read(*stream, buffer, req, nothrow_awaitable);
        if (ec) break;
        received_request r{std::string(req.method_string()), std::string(req.target()), {}, req.body(), conn_id};
        for (auto const& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        auto answer = next_answer();
        {
            std::lock_guard lock(mutex);
            log.push_back(std::move(r));
        }
        arrived.notify_all();

        if (answer.delay.count() > 0) {
            net::steady_timer t(loop.io(), answer.delay);
            co_await t.async_wait(nothrow_awaitable);
        }
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(answer.status), 11};
        res.set(bhttp::field::content_type, answer.content_type);
        res.body() = answer.body;
        res.keep_alive(req.keep_alive() && !answer.say_close);
        res.prepare_payload();
        auto [wec, wn] = co_await bhttp::async_write(*stream, res, nothrow_awaitable);
        if (!wec) {
            {
                std::lock_guard lock(mutex);
                ++answered;
            }
            arrived.notify_all();
        }
        if (wec || answer.close_after || answer.say_close || !req.keep_alive()) break;
    }
    error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
    // Drop what the client still sends until it closes (a second at most): closing with bytes
    // unread would reset the connection, which may destroy an answer before the client reads it.
    stream->expires_after(std::chrono::seconds(1));
    std::array<char, 4096> drained{};
    for (;;) {
        auto [rec, rn] = co_await stream->async_read_some(net::buffer(drained), nothrow_awaitable);
        if (rec) break;
    }
    stream->close();
    open.erase(conn_id);
}

cis_receiver::cis_receiver() : impl_(std::make_shared<impl>()) {
    impl_->loop.call([this] { impl_->listen(); });
}

cis_receiver::~cis_receiver() {
    impl_->loop.call([this] {
        error_code ignored;
        impl_->acceptor.close(ignored);
        for (auto& [id, s] : impl_->open) s->close();
    });
    impl_->loop.stop();
}

std::uint16_t cis_receiver::port() const noexcept { return impl_->port; }

std::string cis_receiver::url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

void cis_receiver::answer_always(scripted_answer a) {
    std::lock_guard lock(impl_->mutex);
    impl_->fallback = std::move(a);
}

void cis_receiver::enqueue(scripted_answer a) {
    std::lock_guard lock(impl_->mutex);
    impl_->queue.push_back(std::move(a));
}

void cis_receiver::down() {
    impl_->loop.call([this] {
        error_code ignored;
        impl_->acceptor.close(ignored);
        auto open = impl_->open;
        for (auto& [id, s] : open) {
            s->socket().shutdown(tcp::socket::shutdown_both, ignored);
            s->close();
        }
    });
}

void cis_receiver::up() {
    impl_->loop.call([this] {
        if (!impl_->acceptor.is_open()) impl_->listen();
    });
}

std::vector<received_request> cis_receiver::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

std::size_t cis_receiver::request_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log.size();
}

std::size_t cis_receiver::connection_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections;
}

bool cis_receiver::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->log.size() >= n; });
}

bool cis_receiver::wait_for_answers(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->answered >= n; });
}

std::string received_request::header(std::string_view name) const { return header_value(headers, name); }

}  // namespace metersim::test

#include "tests/support/http_client.hpp"

#include "tests/support/net_names.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <functional>
#include <stdexcept>

#include "sim/text.hpp"

namespace metersim::test {

std::string header_value(header_list const& headers, std::string_view name) {
    for (auto const& [n, v] : headers)
        if (sim::iequals(n, name)) return v;
    return {};
}

std::string http_answer::header(std::string_view name) const { return header_value(headers, name); }

struct http_connection::impl {
    explicit impl(std::chrono::milliseconds t) : stream(io), timeout(t) {}

    /// Runs the private loop until the started operations are done.
    void run() {
        io.restart();
        io.run();
    }

    net::io_context io;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::chrono::milliseconds timeout;
};

http_connection::http_connection(std::string_view host, std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(timeout)) {
    tcp::endpoint ep{net::ip::make_address(std::string(host)), port};
    error_code result;
    impl_->stream.expires_after(timeout);
    impl_->stream.async_connect(ep, [&](error_code ec) { result = ec; });
    impl_->run();
    if (result) throw std::runtime_error("connect: " + result.message());
}

http_connection::~http_connection() {
    error_code ignored;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.close();
}

void http_connection::write_raw(std::string_view bytes) {
    error_code result;
    impl_->stream.expires_after(impl_->timeout);
    net::async_write(impl_->stream, net::buffer(bytes.data(), bytes.size()),
                     [&](error_code ec, std::size_t) { result = ec; });
    impl_->run();
    if (result) throw std::runtime_error("write: " + result.message());
}

http_answer http_connection::read_answer(bool to_head) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(to_head);
    error_code result;
    impl_->stream.expires_after(impl_->timeout);
    bhttp::async_read(impl_->stream, impl_->buffer, parser, [&](error_code ec, std::size_t) { result = ec; });
    impl_->run();
    if (result) throw std::runtime_error("read: " + result.message());
    auto& msg = parser.get();
    http_answer a;
    a.status = msg.result_int();
    for (auto const& f : msg) a.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    a.body = std::move(msg.body());
    a.keep_alive = msg.keep_alive();
    return a;
}

http_answer http_connection::request(std::string_view method, std::string_view target, header_list const& headers,
                                     std::string_view body) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto const& [n, v] : headers) req.set(n, v);
    req.body() = std::string(body);
    if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();

    error_code result;
    impl_->stream.expires_after(impl_->timeout);
    bhttp::async_write(impl_->stream, req, [&](error_code ec, std::size_t) { result = ec; });
    impl_->run();
    if (result) throw std::runtime_error("write: " + result.message());
    return read_answer(method == "HEAD");
}

bool http_connection::closed_by_peer(std::chrono::milliseconds within) {
    std::array<char, 4096> scratch{};
    bool closed = false;
    std::function<void()> read_more;
    read_more = [&] {
        impl_->stream.async_read_some(net::buffer(scratch), [&](error_code ec, std::size_t) {
            if (ec == beast::error::timeout) return;
            if (ec) {
                closed = true;
                return;
            }
            read_more();
        });
    };
    impl_->stream.expires_after(within);
    impl_->buffer.clear();
    read_more();
    impl_->run();
    return closed;
}

std::optional<std::chrono::milliseconds> http_connection::trickle(std::string_view bytes,
                                                                  std::chrono::milliseconds interval,
                                                                  std::chrono::milliseconds limit) {
    using steady = std::chrono::steady_clock;
    auto& socket = impl_->stream.socket();
    auto const start = steady::now();
    std::optional<std::chrono::milliseconds> closed_after;
    std::array<char, 4096> scratch{};
    net::steady_timer deadline(impl_->io, limit);
    net::steady_timer pace(impl_->io);
    std::size_t sent = 0;

    auto finish = [&] {
        if (!closed_after) {
            closed_after = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
        }
        deadline.cancel();
        pace.cancel();
    };
    // The peer closing shows as a read error (EOF or reset), or as a failed write.
    std::function<void()> read_more = [&] {
        socket.async_read_some(net::buffer(scratch), [&](error_code ec, std::size_t) {
            if (ec == net::error::operation_aborted) return;
            if (ec) return finish();
            read_more();
        });
    };
    std::function<void()> send_next = [&] {
        if (sent >= bytes.size()) return;
        net::async_write(socket, net::buffer(bytes.data() + sent, 1), [&](error_code ec, std::size_t) {
            if (ec == net::error::operation_aborted) return;
            if (ec) return finish();
            ++sent;
            pace.expires_after(interval);
            pace.async_wait([&](error_code wait_ec) {
                if (!wait_ec) send_next();
            });
        });
    };
    deadline.async_wait([&](error_code ec) {
        if (ec) return;
        error_code ignored;
        socket.cancel(ignored);
        pace.cancel();
    });
    read_more();
    send_next();
    impl_->run();
    return closed_after;
}

std::uint16_t http_connection::local_port() const {
    error_code ec;
    return impl_->stream.socket().local_endpoint(ec).port();
}

http_answer http_request(std::string_view method, std::string_view host, std::uint16_t port, std::string_view target,
                         header_list const& headers, std::string_view body, std::chrono::milliseconds timeout) {
    http_connection c(host, port, timeout);
    auto h = headers;
    h.emplace_back("Connection", "close");
    return c.request(method, target, h, body);
}

}  // namespace metersim::test

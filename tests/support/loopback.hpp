#pragma once
/// loopback: an io_context running on its own std::jthread, for tests that put real servers,
/// clients and the outbox on 127.0.0.1 (RESTinio's other_work_thread_for_server_t).
///
/// Objects that live on the loop (server, client, outbox, scheduler) are created, used and
/// destroyed through call(), which runs a function on the loop thread and waits for it. A
/// fixture that owns such objects calls stop() first in its destructor: the loop thread is
/// joined and the objects can then be destroyed from the test thread.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>

namespace metersim::test {

class loopback {
public:
    loopback() : thread_([this] { io_.run(); }) {}
    ~loopback() { stop(); }

    loopback(loopback const&) = delete;
    loopback& operator=(loopback const&) = delete;

    boost::asio::io_context& io() noexcept { return io_; }

    /// Runs `fn` on the loop thread and returns its result (or rethrows its exception). Throws
    /// std::runtime_error when it has not finished within `timeout` (a hung loop fails the test
    /// instead of hanging it).
    template <class F>
    auto call(F&& fn, std::chrono::milliseconds timeout = std::chrono::seconds{10}) -> std::invoke_result_t<F&> {
        using R = std::invoke_result_t<F&>;
        if (std::this_thread::get_id() == thread_.get_id()) return fn();
        std::promise<R> done;
        auto result = done.get_future();
        boost::asio::post(io_, [&fn, &done] {
            try {
                if constexpr (std::is_void_v<R>) {
                    fn();
                    done.set_value();
                } else {
                    done.set_value(fn());
                }
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        if (result.wait_for(timeout) != std::future_status::ready) {
            throw std::runtime_error("loopback::call timed out");
        }
        return result.get();
    }

    /// Posts `fn` to the loop thread; it sets the promise it is given when the asynchronous work
    /// it starts is complete. Waits for that up to `timeout`; false when it did not happen.
    template <class F>
    bool run_and_wait(F&& fn, std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
        auto done = std::make_shared<std::promise<void>>();
        auto finished = done->get_future();
        boost::asio::post(io_, [fn = std::forward<F>(fn), done]() mutable { fn(std::move(done)); });
        return finished.wait_for(timeout) == std::future_status::ready;
    }

    /// Stops the loop and joins its thread. Idempotent.
    void stop() {
        if (!thread_.joinable()) return;
        work_.reset();
        io_.stop();
        thread_.join();
    }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    std::jthread thread_;
};

}  // namespace metersim::test

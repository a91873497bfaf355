#pragma once
/// The thread of a hand-written peer in a test (a raw CIS on a socket) that keeps its connection
/// until the test's checks are done: its body calls hold(), which returns once the owner is
/// destroyed; the destructor releases it and joins. Declare it as the owner's last member, so
/// that it ends before the sockets it uses.

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace metersim::test {

class held_thread {
public:
    held_thread() = default;
    held_thread(held_thread const&) = delete;
    held_thread& operator=(held_thread const&) = delete;
    ~held_thread() {
        {
            std::lock_guard lock(m_);
            released_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    template <class Body>
    void start(Body&& body) {
        thread_ = std::thread(std::forward<Body>(body));
    }
    /// On the thread: waits until the owner is destroyed (a pooled connection must not see its
    /// peer close meanwhile, however slow the machine).
    void hold() {
        std::unique_lock lock(m_);
        cv_.wait(lock, [this] { return released_; });
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    bool released_ = false;
    std::thread thread_;
};

}  // namespace metersim::test

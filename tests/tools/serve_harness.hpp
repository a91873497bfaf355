#pragma once
/// The real `metersim serve` in a test: the serve_app on its own thread, stopped and joined by
/// the destructor, on the embedded default config with every port 0, a stepped clock and no
/// state file. Shared by serve_e2e_test.cpp and serve_faults_e2e_test.cpp.

#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "tests/support/http_client.hpp"
#include "tools/cmd_serve.hpp"
#include "tools/config.hpp"

namespace metersim::test {

/// The embedded default config on loopback port 0 everywhere, stepped, in memory.
inline tools::config loopback_serve_config() {
    auto c = tools::default_config();
    c.state = ":memory:";
    c.clock.mode = sim::clock_mode::stepped;
    c.admin.listen.port = 0;
    c.platforms.cnmcsp->listen.port = 0;
    c.platforms.xianfeng->listen.port = 0;
    c.platforms.xintian->listen.port = 0;
    return c;
}

struct serve_thread {
    explicit serve_thread(tools::config c, tools::serve_extras x = {})
        : app(std::move(c), std::move(x)), thread([this] { app.run(); }) {}
    ~serve_thread() {
        app.stop();
        thread.join();
    }
    serve_thread(serve_thread const&) = delete;
    serve_thread& operator=(serve_thread const&) = delete;

    /// A request to the admin API.
    http_answer admin(std::string_view method, std::string_view target, std::string const& body = "") {
        return http_request(method, "127.0.0.1", app.admin_port(), target, {}, body);
    }

    tools::serve_app app;
    std::thread thread;
};

}  // namespace metersim::test

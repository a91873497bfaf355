#include "tools/cmd_serve.hpp"

#include "sim/journal.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <csignal>
#include <chrono>

using namespace metersim;
using namespace std::chrono_literals;

namespace {

tools::config test_config() {
    auto c = tools::default_config();
    c.state = ":memory:";
    // Port 0 everywhere: tests run in parallel and beside a developer's own `metersim serve`.
    c.admin.listen.port = 0;
    if (c.platforms.cnmcsp) c.platforms.cnmcsp->listen.port = 0;
    if (c.platforms.xianfeng) c.platforms.xianfeng->listen.port = 0;
    if (c.platforms.xintian) c.platforms.xintian->listen.port = 0;
    return c;
}

}  // namespace

TEST_SUITE("tools/cmd_serve") {

TEST_CASE("the summary names every listener, the clock and the fleet size") {
    tools::serve_app app{test_config()};
    auto s = app.summary();
    CAPTURE(s);
    CHECK(s.find("listening on admin 127.0.0.1:") != std::string::npos);
    CHECK(s.find("admin 127.0.0.1:0") == std::string::npos);  // the bound port, not the asked one
    CHECK(s.find("accelerated x60") != std::string::npos);
    CHECK(s.find("9 meters") != std::string::npos);
}

TEST_CASE("serve_app starts its clock from the configured start instant") {
    auto c = test_config();
    c.clock.mode = sim::clock_mode::stepped;
    tools::serve_app app{c};
    CHECK(app.clock().now() == c.clock.start);
    CHECK(app.scheduler().now() == c.clock.start);
}

TEST_CASE("the journal keeps journal.capacity entries unless the extras say otherwise") {
    auto c = test_config();
    CHECK(tools::serve_app{c}.journal().capacity() == 1'000);  // the embedded default
    c.journal.capacity = 7;
    CHECK(tools::serve_app{c}.journal().capacity() == 7);
    tools::serve_extras x;
    x.journal_capacity = 100'000;  // the scenario world's own
    CHECK(tools::serve_app{c, x}.journal().capacity() == 100'000);
}

TEST_CASE("run returns after stop") {
    tools::serve_app app{test_config()};
    app.stop();
    app.run();
    CHECK(app.io().stopped());
}

TEST_CASE("the scheduler runs events from the serve loop") {
    auto c = test_config();
    c.clock.speed = 1e6;
    tools::serve_app app{c};
    bool ran = false;
    app.scheduler().after(1h, [&] {
        ran = true;
        app.stop();
    });
    app.run();
    CHECK(ran);
}

TEST_CASE("SIGTERM shuts the server down gracefully") {
    tools::serve_app app{test_config()};
    bool pending_event_ran = false;
    app.scheduler().after(24h * 365, [&] { pending_event_ran = true; });
    boost::asio::post(app.io(), [] { std::raise(SIGTERM); });
    app.run();  // returns: the signal was caught and the loop drained
    CHECK_FALSE(pending_event_ran);
}

TEST_CASE("SIGINT shuts the server down gracefully") {
    tools::serve_app app{test_config()};
    boost::asio::post(app.io(), [] { std::raise(SIGINT); });
    app.run();
    CHECK(app.io().stopped());
}

}  // TEST_SUITE

// POST /admin/clock/advance over HTTP runs in chunks (issue 3): pushes leave and are answered
// while it simulates, other requests are served between chunks (a second advance and a clock
// change answer 409, the clock shows how far it got), and the answer, given once the last event
// has run, is the one an advance in one go gives (the scenario runner's in-process path).

#include "tests/e2e/xianfeng_fixture.hpp"

#include "sim/admin/admin_api.hpp"
#include "tests/support/admin_server.hpp"

#include <fmt/format.h>

#include <future>
#include <string>

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

constexpr int meters_n = 100;
constexpr std::int64_t days = 10;

/// The Xianfeng fixture plus the sim's admin routes on a listener of their own, as `metersim
/// serve` has them, and `meters_n` meters (registered when asked: then they push).
struct advance_fixture : xianfeng_fixture {
    sim::admin_context ctx{fleet, sched, clk, journal};
    sim::http::router routes;  ///< the same table, for in-process calls
    std::unique_ptr<sim::http::server> sim_admin;
    std::uint16_t sim_admin_port = 0;

    advance_fixture() {
        loop.call([&] {
            sim::add_admin_routes(routes, ctx);
            sim_admin = test::admin_server(loop.io(), ctx);
            sim_admin_port = sim_admin->port();
        });
    }
    ~advance_fixture() {
        loop.call([&] { sim_admin.reset(); });
    }

    void fleet_of_meters(bool registered) {
        for (int i = 1; i <= meters_n; ++i) {
            auto no = fmt::format("0760219{:07}", i);
            manufacture(no);
            if (registered) register_device(no);
        }
    }
    static std::string advance_body() { return R"({"seconds": )" + std::to_string(days * 86400) + "}"; }
    meters::instant target() const { return xf_start() + std::chrono::hours{24 * days}; }

    /// The advance as the scenario runner makes it: in process, in one go.
    json advance_in_process() {
        return loop.call([&] {
            sim::http::request q;
            q.method = "POST";
            q.target = q.path = "/admin/clock/advance";
            auto const body = advance_body();
            q.body = body;
            auto r = routes.dispatch(q);
            REQUIRE(r.status == 200);
            return json::parse(r.body);
        });
    }
    http_answer sim_admin_request(std::string const& method, std::string const& target, std::string const& body = {}) {
        return http_request(method, "127.0.0.1", sim_admin_port, target, {{"Content-Type", "application/json"}}, body);
    }
    static std::string raw_request(std::string const& method, std::string const& target, std::string const& body) {
        return method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    /// An event at `at` that blocks the loop until `release` is ready (at most 10 s), after
    /// telling `reached`: what the test does meanwhile waits in the kernel's buffers.
    void probe_at(meters::instant at, std::shared_ptr<std::promise<void>> reached,
                  std::shared_future<void> release) {
        loop.call([&] {
            sched.at(at, [reached, release] {
                reached->set_value();
                (void)release.wait_for(10s);
            });
        });
    }
};

}  // namespace

TEST_SUITE("e2e/admin clock advance") {

TEST_CASE("an advance over HTTP lets pushes leave and come back while it runs, and answers as one in one go") {
    auto const probe = xf_start() + std::chrono::hours{24 * days / 2};
    // The reference: the same fleet advanced in process, in one go (with the same probe event).
    json reference;
    {
        advance_fixture twin;
        twin.fleet_of_meters(true);
        auto reached = std::make_shared<std::promise<void>>();
        std::promise<void> release;
        release.set_value();
        twin.probe_at(probe, reached, release.get_future().share());
        reference = twin.advance_in_process();
    }
    advance_fixture f;
    f.fleet_of_meters(true);
    // Halfway, the loop waits until the CIS has pushes (sent during the first chunks) and has
    // answered them: their answers are then on the sockets, to be handled between the
    // next chunks, and the pushes waiting for a slot go out.
    auto reached = std::make_shared<std::promise<void>>();
    std::promise<void> release;
    f.probe_at(probe, reached, release.get_future().share());
    http_connection c("127.0.0.1", f.sim_admin_port);
    c.write_raw(advance_fixture::raw_request("POST", "/admin/clock/advance", advance_fixture::advance_body()));
    REQUIRE(reached->get_future().wait_for(20s) == std::future_status::ready);
    CHECK(f.cis.wait_for_requests(1, 10s));
    CHECK(f.cis.wait_for_answers(f.cis.request_count(), 10s));
    release.set_value();
    auto a = c.read_answer();
    REQUIRE_MESSAGE(a.status == 200, a.body);
    auto answer = json::parse(a.body);
    // The same answer as in one go: every event due by the target ran, the clock is there.
    CHECK(answer.at("events_run") == reference.at("events_run"));
    CHECK(answer.at("now_ms") == meters::to_ms(f.target()));
    CHECK(answer.at("now") == reference.at("now"));
    CHECK(answer.at("pending_events") == reference.at("pending_events"));
    CHECK_FALSE(answer.contains("advancing"));
    CHECK(f.loop.call([&] { return f.sched.next_due(); }).value() > f.target());
    // Pushes went out after their answers came back, while the advance still ran: in one go
    // only the first max_in_flight could have (no answer is handled before it returns).
    f.settle();
    auto const entries = f.loop.call([&] {
        sim::journal_query q;
        q.limit = 100'000;
        return f.journal.query(q);
    });
    std::size_t out = 0, sent_before_target = 0, sent_after_probe = 0;
    for (auto const& e : entries) {
        if (e.dir != sim::direction::out) continue;
        ++out;
        if (e.virtual_time < f.target()) ++sent_before_target;
        if (e.virtual_time >= probe && e.virtual_time < f.target()) ++sent_after_probe;
    }
    CHECK(out >= static_cast<std::size_t>(meters_n * days));
    CHECK(sent_before_target > sim::outbox_options{}.max_in_flight);
    CHECK(sent_after_probe > 0);
    CHECK(f.outbox->counters().pending == 0);
}

TEST_CASE_FIXTURE(advance_fixture, "while an advance runs over HTTP a second advance and a clock change answer 409 and the clock shows its progress") {
    fleet_of_meters(false);
    auto const probe = xf_start() + std::chrono::hours{24};
    auto reached = std::make_shared<std::promise<void>>();
    std::promise<void> release;
    probe_at(probe, reached, release.get_future().share());

    http_connection adv("127.0.0.1", sim_admin_port);
    adv.write_raw(raw_request("POST", "/admin/clock/advance", advance_body()));
    REQUIRE(reached->get_future().wait_for(20s) == std::future_status::ready);
    // While the loop is held at the probe, the other requests wait in the kernel's buffers; they
    // are served between the chunks that follow.
    http_connection read("127.0.0.1", sim_admin_port), second("127.0.0.1", sim_admin_port),
        mode("127.0.0.1", sim_admin_port);
    read.write_raw(raw_request("GET", "/admin/clock", ""));
    second.write_raw(raw_request("POST", "/admin/clock/advance", R"({"seconds": 60})"));
    mode.write_raw(raw_request("POST", "/admin/clock", R"({"mode": "realtime"})"));
    release.set_value();

    auto clock = read.read_answer();
    REQUIRE(clock.status == 200);
    auto c = json::parse(clock.body);
    REQUIRE(c.contains("advancing"));
    CHECK(c.at("advancing").at("to_ms") == meters::to_ms(target()));
    CHECK(c.at("advancing").at("events_run").get<std::size_t>() > 0);
    CHECK(c.at("now_ms").get<std::int64_t>() >= meters::to_ms(probe));
    CHECK(c.at("now_ms").get<std::int64_t>() < meters::to_ms(target()));
    CHECK(c.at("mode") == "stepped");

    auto busy = second.read_answer();
    CHECK(busy.status == 409);
    CHECK(json::parse(busy.body).at("message").get<std::string>().starts_with("an advance to 2026-01-11 00:00:00 is running"));
    auto refused_mode = mode.read_answer();
    CHECK(refused_mode.status == 409);

    auto done = adv.read_answer();
    REQUIRE_MESSAGE(done.status == 200, done.body);
    auto d = json::parse(done.body);
    CHECK(d.at("now_ms") == meters::to_ms(target()));
    CHECK(d.at("mode") == "stepped");
    CHECK_FALSE(d.contains("advancing"));

    // Once answered, the clock reads plainly and a next advance runs.
    auto after = json::parse(sim_admin_request("GET", "/admin/clock").body);
    CHECK_FALSE(after.contains("advancing"));
    auto next = sim_admin_request("POST", "/admin/clock/advance", R"({"seconds": 60})");
    CHECK(next.status == 200);
    CHECK(json::parse(next.body).at("now_ms") == meters::to_ms(target()) + 60'000);
}

TEST_CASE_FIXTURE(advance_fixture, "an advance with nothing due answers at once, with the same fields") {
    auto a = sim_admin_request("POST", "/admin/clock/advance", R"({"seconds": 1.5})");
    REQUIRE(a.status == 200);
    auto j = json::parse(a.body);
    CHECK(j.at("events_run") == 0);
    CHECK(j.at("now_ms") == meters::to_ms(xf_start()) + 1500);
    for (auto key : {"mode", "speed", "rate", "now", "now_ms", "zone", "pending_events", "events_run"}) CHECK(j.contains(key));
}

}  // TEST_SUITE

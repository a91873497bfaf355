#include "sim/outbox.hpp"

#include "sim/clock.hpp"
#include "sim/faults.hpp"
#include "sim/http/client.hpp"
#include "sim/journal.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/outbox_fixture.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;

namespace {

/// The outbox fixture with a fault registry: "cis" faults wait on wall-clock timers.
struct faulty_outbox : test::outbox_fixture {
    sim::fault_registry faults;

    explicit faulty_outbox(bool meter_order = false) : outbox_fixture(sim::outbox_options{}.max_in_flight, {}, meter_order) {
        loop.call([&] {
            box->set_faults(&faults, [this](std::chrono::milliseconds wait, std::function<void()> fn) {
                auto t = std::make_shared<boost::asio::steady_timer>(loop.io(), wait);
                t->async_wait([t, fn = std::move(fn)](boost::system::error_code ec) {
                    if (!ec) fn();
                });
            });
        });
    }
    ~faulty_outbox() {
        loop.call([&] {
            if (box) box->set_faults(nullptr, {});  // the registry goes first
        });
    }
    faulty_outbox(faulty_outbox const&) = delete;
    faulty_outbox& operator=(faulty_outbox const&) = delete;

    void fault(sim::fault_kind kind, std::optional<std::uint64_t> count, std::optional<meters::duration> for_time = {},
               std::chrono::milliseconds delay = 0ms) {
        loop.call([&] {
            sim::fault_rule r;
            r.target = "cis";
            r.kind = kind;
            r.remaining = count;
            if (for_time) r.until = sched.now() + *for_time;
            r.delay = delay;
            REQUIRE(faults.add(r, sched.now()).has_value());
        });
    }

    /// A push with a short body and no header (the checks read the bodies as sent).
    sim::push a_push(std::string serial) {
        auto p = outbox_fixture::a_push(serial, "xianfeng.report");
        p.headers.clear();
        p.body = R"({"serialNo":")" + serial + R"("})";
        return p;
    }

    void enqueue(sim::push p) { (void)outbox_fixture::enqueue(std::move(p)); }
};

}  // namespace

TEST_SUITE("sim/outbox faults") {

TEST_CASE_FIXTURE(faulty_outbox, "an unreachable CIS for a count fails those attempts, then nothing is lost and serials are the same") {
    fault(sim::fault_kind::unreachable, 2);
    enqueue(a_push("S-1"));
    enqueue(a_push("S-2"));
    settle();
    CHECK(rx.request_count() == 0);
    CHECK(counters().failures == 2);
    CHECK(store.size() == 2);

    auto j = journal.query({});
    REQUIRE(j.size() == 2);
    for (auto const& e : j) {
        CHECK(e.verdict == "failed");
        CHECK(e.status == 0);
        CHECK(e.error.find("fault: CIS unreachable") != std::string::npos);
        CHECK(e.error.find("retry 1 in 1000 ms") != std::string::npos);
    }

    advance(1s);  // the retries find the CIS back
    CHECK(rx.request_count() == 2);
    CHECK(counters().delivered == 2);
    CHECK(store.size() == 0);
    std::vector<std::string> bodies;
    for (auto const& r : rx.requests()) bodies.push_back(r.body);
    std::sort(bodies.begin(), bodies.end());
    CHECK(bodies == std::vector<std::string>{R"({"serialNo":"S-1"})", R"({"serialNo":"S-2"})"});
    advance(1h);
    CHECK(rx.request_count() == 2);
}

TEST_CASE_FIXTURE(faulty_outbox, "an unreachable CIS for a time fails every attempt until virtual time passes it") {
    fault(sim::fault_kind::unreachable, std::nullopt, 10s);
    enqueue(a_push("S-3"));
    settle();
    advance(1s);  // retry 1 at +1 s
    advance(2s);  // retry 2 at +3 s
    advance(4s);  // retry 3 at +7 s
    CHECK(counters().attempts == 4);
    CHECK(rx.request_count() == 0);
    advance(4s);  // retry 4 at +11 s: the fault is over
    CHECK(rx.request_count() == 1);
    CHECK(rx.requests()[0].body == R"({"serialNo":"S-3"})");
    CHECK(counters().delivered == 1);
    CHECK(loop.call([&] { return faults.active(sched.now()).empty(); }));
}

TEST_CASE_FIXTURE(faulty_outbox, "a slow CIS fault sends the push after its wall-clock delay") {
    fault(sim::fault_kind::slow, 1, std::nullopt, 300ms);
    auto const start = std::chrono::steady_clock::now();
    enqueue(a_push("S-4"));
    CHECK(counters().in_flight == 1);
    settle();
    CHECK(std::chrono::steady_clock::now() - start >= 300ms);
    CHECK(rx.request_count() == 1);
    CHECK(counters().delivered == 1);
    CHECK(counters().failures == 0);
    // The next push goes at once.
    enqueue(a_push("S-5"));
    settle();
    CHECK(rx.request_count() == 2);
}

// ---- the push-side faults (issue 16); the serve e2e tests cover them over HTTP too --------------

/// The journal's fault entries, their `error` texts in order.
std::vector<std::string> fault_notes(sim::journal const& j) {
    std::vector<std::string> out;
    for (auto const& e : j.query({}))
        if (e.verdict == "fault") out.push_back(e.error);
    return out;
}

TEST_CASE_FIXTURE(faulty_outbox, "a duplicate fault: the CIS gets both copies before the outbox is idle") {
    fault(sim::fault_kind::duplicate, 1);
    enqueue(a_push("D-1"));
    settle();
    REQUIRE(rx.request_count() == 2);
    CHECK(rx.requests()[0].body == rx.requests()[1].body);
    CHECK(counters().delivered == 1);
    CHECK(counters().attempts == 1);
    auto const notes = loop.call([&] { return fault_notes(journal); });
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].find("fault 1: duplicate: sent twice at once") != std::string::npos);
    CHECK(notes[1].find("the second copy's answer") != std::string::npos);
}

TEST_CASE_FIXTURE(faulty_outbox, "a reorder fault holds a push until the meter's next push is accepted, without meter_order too") {
    fault(sim::fault_kind::reorder, 1);
    enqueue(a_push("R-1"));
    settle();
    CHECK(rx.request_count() == 0);
    CHECK(counters().pending == 1);
    CHECK(counters().attempts == 0);  // held, not tried
    enqueue(a_push("R-2"));
    settle();
    REQUIRE(rx.request_count() == 2);
    CHECK(rx.requests()[0].body == R"({"serialNo":"R-2"})");
    CHECK(rx.requests()[1].body == R"({"serialNo":"R-1"})");
    CHECK(counters().delivered == 2);
}

TEST_CASE_FIXTURE(faulty_outbox, "a bad_signature fault on a push with no signature header says so and sends it as is") {
    fault(sim::fault_kind::bad_signature, 1);
    enqueue(a_push("B-1"));
    settle();
    CHECK(rx.request_count() == 1);
    auto const notes = loop.call([&] { return fault_notes(journal); });
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("no signature header to spoil") != std::string::npos);
}

TEST_CASE("with meter_order a delayed push the CIS refused is retried before the meter's later one") {
    faulty_outbox f(true);
    f.fault(sim::fault_kind::delay, 1, std::nullopt, 200ms);
    f.rx.enqueue({503, "{}"});  // the later push, first at the CIS
    f.rx.enqueue({503, "{}"});  // the delayed one
    f.enqueue(f.a_push("L-1"));  // 200 ms late
    f.enqueue(f.a_push("L-2"));  // goes first: L-1 is out of order
    f.settle();
    REQUIRE(f.rx.request_count() == 2);
    CHECK(f.rx.requests()[0].body == R"({"serialNo":"L-2"})");
    // Both retries fall due; L-2's waits for L-1, back in its place, to be accepted.
    f.advance(1s);
    f.settle();
    REQUIRE(f.rx.request_count() == 4);
    CHECK(f.rx.requests()[2].body == R"({"serialNo":"L-1"})");
    CHECK(f.rx.requests()[3].body == R"({"serialNo":"L-2"})");
    CHECK(f.counters().pending == 0);
}

TEST_CASE_FIXTURE(faulty_outbox, "the outbox may be destroyed while a fault holds an attempt") {
    fault(sim::fault_kind::slow, 1, std::nullopt, 200ms);
    enqueue(a_push("S-6"));
    loop.call([&] { box.reset(); });
    CHECK(store.size() == 1);  // still pending: a restart would send it
}

}  // TEST_SUITE

#include "sim/outbox.hpp"

#include "sim/clock.hpp"
#include "sim/http/client.hpp"
#include "sim/journal.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/outbox_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>
#include <tuple>
#include <string>
#include <vector>

using namespace metersim;
using namespace std::chrono_literals;

namespace {

using test::outbox_fixture;

/// The same with at most two attempts in flight.
struct narrow_outbox_fixture : outbox_fixture {
    narrow_outbox_fixture() : outbox_fixture(2) {}
};

/// `n` pushes (serials prefix0, prefix1, ...) enqueued while the CIS is down, each tried once.
void enqueue_while_down(outbox_fixture& f, std::string const& prefix, int n) {
    f.rx.down();
    for (int i = 0; i < n; ++i) f.enqueue(f.a_push(prefix + std::to_string(i)));
    f.settle();
}

/// The serials (API_TRANS_ID) of the requests the CIS received, each once.
std::set<std::string> serials_received(outbox_fixture& f) {
    std::set<std::string> serials;
    for (auto const& r : f.rx.requests()) serials.insert(r.header("API_TRANS_ID"));
    return serials;
}

}  // namespace

TEST_SUITE("sim/outbox") {

TEST_CASE("the backoff doubles from its base up to its cap") {
    sim::backoff_policy p{1s, 5min};
    CHECK(sim::backoff_delay(p, 1) == 1s);
    CHECK(sim::backoff_delay(p, 2) == 2s);
    CHECK(sim::backoff_delay(p, 3) == 4s);
    CHECK(sim::backoff_delay(p, 9) == 256s);
    CHECK(sim::backoff_delay(p, 10) == 5min);
    CHECK(sim::backoff_delay(p, 4'000'000'000u) == 5min);
}

TEST_CASE_FIXTURE(outbox_fixture, "a push is delivered once and leaves the store") {
    enqueue(a_push("S-1"));
    settle();
    auto seen = rx.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].body == R"({"serialNo":"S-1","reading":"12.3400"})");
    CHECK(seen[0].header("API_TRANS_ID") == "S-1");
    CHECK(store.size() == 0);
    auto c = counters();
    CHECK(c.delivered == 1);
    CHECK(c.attempts == 1);
    CHECK(c.pending == 0);

    auto j = journal.query({});
    REQUIRE(j.size() == 1);
    CHECK(j[0].dir == sim::direction::out);
    CHECK(j[0].platform == "xianfeng");
    CHECK(j[0].meter_no == "07602190000001");
    CHECK(j[0].target == rx.url("/cis/report"));
    CHECK(j[0].status == 200);
    CHECK(j[0].verdict == "accepted");
    CHECK(j[0].latency_us > 0);

    advance(1h);
    CHECK(rx.request_count() == 1);
}

TEST_CASE_FIXTURE(outbox_fixture, "while the CIS is down retries follow the capped backoff on virtual time and nothing is lost") {
    rx.down();
    enqueue(a_push("S-2"));
    settle();
    CHECK(counters().attempts == 1);
    CHECK(store.size() == 1);
    CHECK(loop.call([&] { return box->is_idle(); }));  // the retry is not due yet

    advance(999ms);
    CHECK(counters().attempts == 1);
    advance(1ms);  // t0 + 1 s: retry 1
    CHECK(counters().attempts == 2);
    advance(2s);  // + 2 s: retry 2
    CHECK(counters().attempts == 3);
    advance(3999ms);
    CHECK(counters().attempts == 3);
    advance(1ms);  // + 4 s: retry 3
    CHECK(counters().attempts == 4);
    advance(4s);  // capped at 4 s: retry 4
    CHECK(counters().attempts == 5);
    CHECK(counters().failures == 5);
    CHECK(store.size() == 1);

    auto j = journal.query({});
    REQUIRE(j.size() == 5);
    CHECK(j[0].verdict == "failed");
    CHECK(j[0].error.find("refused") != std::string::npos);
    CHECK(j[0].error.find("retry 1 in 1000 ms") != std::string::npos);
    CHECK(j[2].error.find("retry 3 in 4000 ms") != std::string::npos);
    CHECK(j[4].error.find("retry 5 in 4000 ms") != std::string::npos);
    CHECK(j[1].virtual_time - j[0].virtual_time == 1s);

    rx.up();
    advance(4s);
    auto c = counters();
    CHECK(c.delivered == 1);
    CHECK(c.pending == 0);
    CHECK(store.size() == 0);
    CHECK(rx.request_count() == 1);
    CHECK(rx.requests()[0].body.find(R"("serialNo":"S-2")") != std::string::npos);

    advance(1h);
    CHECK(rx.request_count() == 1);  // no duplicate once accepted
}

TEST_CASE_FIXTURE(outbox_fixture, "error answers are retried with the same serial and body") {
    rx.enqueue({500, R"({"message":"db down"})"});
    rx.enqueue({503, "{}"});
    enqueue(a_push("S-3"));
    settle();
    advance(1s);
    advance(2s);
    auto seen = rx.requests();
    REQUIRE(seen.size() == 3);
    for (auto const& r : seen) {
        CHECK(r.body == seen[0].body);
        CHECK(r.header("API_TRANS_ID") == "S-3");
    }
    auto j = journal.query({});
    REQUIRE(j.size() == 3);
    CHECK(j[0].status == 500);
    CHECK(j[0].verdict == "not accepted");
    CHECK(j[0].response_body == R"({"message":"db down"})");
    CHECK(j[2].verdict == "accepted");
    CHECK(counters().delivered == 1);
    advance(1h);
    CHECK(rx.request_count() == 3);
}

TEST_CASE_FIXTURE(outbox_fixture, "a kind's acceptance predicate decides what counts as delivered") {
    loop.call([&] {
        box->set_acceptance("report", [](unsigned status, std::string_view body) {
            return status == 200 && body.find(R"("code":0)") != std::string_view::npos;
        });
    });
    rx.enqueue({200, R"({"code":1,"message":"try later"})"});
    rx.answer_always({200, R"({"code":0})"});
    enqueue(a_push("S-4"));
    settle();
    CHECK(counters().delivered == 0);
    advance(1s);
    CHECK(counters().delivered == 1);
    CHECK(rx.request_count() == 2);

    // Another kind keeps the default: any 2xx.
    rx.enqueue({204, ""});
    enqueue(a_push("S-5", "alarm"));
    settle();
    CHECK(counters().delivered == 2);
    CHECK(rx.request_count() == 3);
}

TEST_CASE_FIXTURE(outbox_fixture, "resume sends what the store still holds and ids continue after it") {
    auto p = a_push("S-6");
    p.id = 7;
    store.save_pending(p);
    CHECK(loop.call([&] { return box->resume(); }) == 1);
    settle();
    CHECK(rx.request_count() == 1);
    CHECK(store.size() == 0);
    CHECK(enqueue(a_push("S-7")) == 8);
}

TEST_CASE_FIXTURE(outbox_fixture, "a push with an unusable URL is refused and nothing is saved") {
    auto p = a_push("S-8");
    p.url = "ftp://cis.example/report";  // (https is usable since issue #18)
    auto r = loop.call([&] { return box->enqueue(std::move(p)); });
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().find("unsupported scheme 'ftp'") != std::string::npos);
    CHECK(store.size() == 0);
}

TEST_CASE_FIXTURE(outbox_fixture, "many pushes while the CIS is down all arrive exactly once when it is back") {
    enqueue_while_down(*this, "M-", 20);
    CHECK(counters().pending == 20);
    rx.up();
    advance(1s);
    CHECK(counters().delivered == 20);
    REQUIRE(rx.requests().size() == 20);
    CHECK(serials_received(*this).size() == 20);
    advance(1h);
    CHECK(rx.request_count() == 20);
}

TEST_CASE_FIXTURE(outbox_fixture, "a kind's settle callback sees each attempt of that push with the CIS's answer") {
    struct seen {
        std::string serial;
        std::string push_body;
        unsigned status;
        std::string body;
        bool accepted;
        std::size_t pending_then;
        std::size_t stored_then;
    };
    std::vector<seen> calls;
    loop.call([&] {
        box->on_settled("billing", [&](sim::push const& p, unsigned status, std::string_view body, bool accepted) {
            calls.push_back({p.serial_no, p.body, status, std::string(body), accepted, box->counters().pending, store.size()});
        });
    });
    rx.enqueue({500, R"({"message":"db down"})"});
    rx.answer_always({200, R"({"code":0,"for":"S-9"})"});
    enqueue(a_push("S-9", "billing"));
    settle();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].serial == "S-9");
    CHECK(calls[0].push_body == R"({"serialNo":"S-9","reading":"12.3400"})");
    CHECK(calls[0].status == 500);
    CHECK(calls[0].body == R"({"message":"db down"})");
    CHECK_FALSE(calls[0].accepted);
    CHECK(calls[0].pending_then == 1);  // a retry is already scheduled
    advance(1s);
    REQUIRE(calls.size() == 2);
    CHECK(calls[1].status == 200);
    CHECK(calls[1].body == R"({"code":0,"for":"S-9"})");
    CHECK(calls[1].accepted);
    CHECK(calls[1].pending_then == 0);  // the bookkeeping is done before the callback
    CHECK(calls[1].stored_then == 0);

    // A transport error settles too, with no status and no body.
    rx.down();
    enqueue(a_push("S-10", "billing"));
    settle();
    REQUIRE(calls.size() == 3);
    CHECK(calls[2].serial == "S-10");
    CHECK(calls[2].status == 0);
    CHECK(calls[2].body.empty());
    CHECK_FALSE(calls[2].accepted);
    rx.up();

    // Another kind is settled without it.
    enqueue(a_push("S-11", "report"));
    advance(1s);
    CHECK(calls.size() == 4);  // S-10's retry only
    CHECK(calls[3].serial == "S-10");
    CHECK(counters().delivered == 3);
}

TEST_CASE_FIXTURE(outbox_fixture, "a settle callback that enqueues another push is safe") {
    loop.call([&] {
        box->on_settled("report", [this](sim::push const& p, unsigned, std::string_view, bool accepted) {
            if (!accepted) return;
            auto follow = a_push("F-" + p.serial_no, "follow_up");
            CHECK(box->enqueue(std::move(follow)).has_value());
        });
    });
    // Enough pushes, settled while others are in flight, for the follow-ups to grow the outbox's
    // tables while answers are being settled.
    for (int i = 0; i < 40; ++i) enqueue(a_push("R-" + std::to_string(i)));
    settle();  // idle only once the follow-ups enqueued by the callbacks are delivered too
    auto c = counters();
    CHECK(c.delivered == 80);
    CHECK(c.pending == 0);
    CHECK(store.size() == 0);
    auto const serials = serials_received(*this);
    CHECK(serials.size() == 80);
    CHECK(serials.contains("F-R-39"));
    advance(1h);
    CHECK(rx.request_count() == 80);
}

TEST_CASE_FIXTURE(outbox_fixture, "before_attempt re-signs the headers of every attempt while the body stays identical") {
    int attempt = 0;
    std::vector<std::string> settled_signatures;
    loop.call([&] {
        box->set_before_attempt("billing", [&attempt](sim::push& p) {
            ++attempt;
            for (auto& [name, value] : p.headers)
                if (name == "X-Signature") value = "sig-" + std::to_string(attempt);
            if (attempt == 1) p.headers.emplace_back("X-Signature", "sig-1");
            p.body = "tampered";  // discarded: the body never changes between attempts
            p.serial_no = "tampered";
        });
        box->on_settled("billing", [&](sim::push const& p, unsigned, std::string_view, bool) {
            for (auto const& [name, value] : p.headers)
                if (name == "X-Signature") settled_signatures.push_back(value);
        });
    });
    rx.enqueue({500, "{}"});
    rx.enqueue({503, "{}"});
    auto const original = a_push("S-12", "billing");
    enqueue(original);
    settle();
    advance(1s);
    advance(2s);
    auto seen = rx.requests();
    REQUIRE(seen.size() == 3);
    for (std::size_t i = 0; i < seen.size(); ++i) {
        CHECK(seen[i].header("X-Signature") == "sig-" + std::to_string(i + 1));
        CHECK(seen[i].header("API_TRANS_ID") == "S-12");
        CHECK(seen[i].body == original.body);
    }
    CHECK(settled_signatures == std::vector<std::string>{"sig-1", "sig-2", "sig-3"});
    CHECK(counters().delivered == 1);
    auto j = journal.query({});
    REQUIRE(j.size() == 3);
    for (auto const& e : j) CHECK(e.request_body == original.body);
    CHECK(store.size() == 0);
}

TEST_CASE_FIXTURE(outbox_fixture, "a push acceptance predicate judges each answer for the push it answers") {
    loop.call([&] {
        box->set_push_acceptance("billing", [](sim::push const& p, unsigned status, std::string_view body) {
            return status == 200 && body.find(R"("for":")" + p.serial_no + '"') != std::string_view::npos;
        });
    });
    rx.enqueue({200, R"({"for":"S-99"})"});  // someone else's answer: not accepted, retried
    rx.answer_always({200, R"({"for":"S-13"})"});
    enqueue(a_push("S-13", "billing"));
    settle();
    CHECK(counters().delivered == 0);
    advance(1s);
    CHECK(counters().delivered == 1);
    CHECK(rx.request_count() == 2);

    // set_acceptance replaces it for the kind.
    loop.call([&] { box->set_acceptance("billing", sim::accept_2xx); });
    rx.answer_always({200, "{}"});
    enqueue(a_push("S-14", "billing"));
    settle();
    CHECK(counters().delivered == 2);
}

TEST_CASE_FIXTURE(outbox_fixture, "a hook that throws is reported and the push's outcome stands") {
    std::vector<std::string> errors;
    loop.call([&] {
        box->on_error([&errors](std::string_view what) { errors.emplace_back(what); });
        box->set_before_attempt("billing", [](sim::push&) { throw std::runtime_error("no key"); });
        box->on_settled("billing", [](sim::push const&, unsigned, std::string_view, bool) {
            throw std::runtime_error("callback broke");
        });
    });
    enqueue(a_push("S-15", "billing"));
    settle();
    CHECK(counters().delivered == 1);
    REQUIRE(rx.request_count() == 1);
    CHECK(rx.requests()[0].header("API_TRANS_ID") == "S-15");  // sent with the headers it had
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].find("before_attempt hook for 'billing' threw: no key") != std::string::npos);
    CHECK(errors[1].find("settle callback for 'billing' threw: callback broke") != std::string::npos);
}

TEST_CASE_FIXTURE(outbox_fixture, "a push's own Content-Type header is the one sent") {
    auto p = a_push("S-16");
    p.headers.emplace_back("content-type", "application/json;charset=utf-8");
    enqueue(std::move(p));
    settle();
    REQUIRE(rx.request_count() == 1);
    CHECK(rx.requests()[0].header("Content-Type") == "application/json;charset=utf-8");
}

TEST_CASE_FIXTURE(narrow_outbox_fixture, "past max_in_flight attempts wait in the outbox and all are delivered once") {
    // Read on the loop, in the same turn: answers may come in as soon as the turn ends.
    auto [in_flight, saved] = loop.call([&] {
        for (int i = 0; i < 10; ++i) (void)box->enqueue(a_push("W-" + std::to_string(i)));
        return std::pair{box->counters().in_flight, store.size()};
    });
    CHECK(in_flight == 2);
    CHECK(saved == 10);  // saved at enqueue, waiting or not
    settle();
    auto c = counters();
    CHECK(c.delivered == 10);
    CHECK(c.attempts == 10);
    CHECK(c.pending == 0);
    REQUIRE(rx.requests().size() == 10);
    CHECK(serials_received(*this).size() == 10);
}

TEST_CASE_FIXTURE(narrow_outbox_fixture, "a waiting push whose slot frees while the CIS is down is retried like any other") {
    enqueue_while_down(*this, "D-", 5);
    CHECK(counters().pending == 5);
    CHECK(counters().failures == 5);
    rx.up();
    advance(1s);
    CHECK(counters().delivered == 5);
    CHECK(rx.request_count() == 5);
}

TEST_CASE_FIXTURE(outbox_fixture, "a push with a shared body sends and journals those bytes") {
    auto p = a_push("S-20");
    auto const bytes = std::make_shared<std::string const>(R"([{"serialNo":"S-20","shared":true}])");
    p.body.clear();
    p.shared_body = bytes;
    enqueue(std::move(p));
    settle();
    auto seen = rx.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].body == *bytes);
    CHECK(seen[0].header("Content-Length") == std::to_string(bytes->size()));
    auto j = journal.query({});
    REQUIRE(j.size() == 1);
    CHECK(j[0].request_body == *bytes);
    // Delivered: neither the outbox, nor the client, nor the store holds it any more; the journal
    // keeps the same bytes, not a copy (read on the loop, once the answer's handling unwound).
    CHECK(loop.call([&] { return bytes.use_count(); }) == 2);
}

}  // TEST_SUITE

namespace {

/// A store that records how the outbox saved each push.
struct recording_store final : sim::outbox_store {
    bool share = true;  ///< false: behave like a durable store that only knows save_pending
    std::size_t copies = 0;
    std::vector<std::shared_ptr<sim::push const>> shared;
    std::vector<std::uint64_t> delivered;

    void save_pending(sim::push const&) override { ++copies; }
    void save_shared(std::shared_ptr<sim::push const> const& p) override {
        if (!share) {
            outbox_store::save_shared(p);
            return;
        }
        shared.push_back(p);
    }
    void mark_delivered(std::uint64_t id) override { delivered.push_back(id); }
    std::vector<sim::push> load_pending() override { return {}; }
};

struct recording_store_fixture {
    test::cis_receiver rx;
    test::loopback loop;
    sim::clock clk{sim::clock_mode::stepped, 1.0, meters::instant_from_ms(1'767'225'600'000)};
    sim::scheduler sched{clk};
    recording_store store;
    std::unique_ptr<sim::http::client> client;
    std::unique_ptr<sim::outbox> box;

    recording_store_fixture() {
        loop.call([&] {
            client = std::make_unique<sim::http::client>(loop.io());
            box = std::make_unique<sim::outbox>(*client, sched, store, nullptr);
        });
    }
    ~recording_store_fixture() {
        loop.call([&] {
            box.reset();
            client.reset();
        });
        loop.stop();
    }
    void settle() {
        bool idle = loop.run_and_wait([this](auto done) { box->when_idle([done] { done->set_value(); }); });
        REQUIRE(idle);
    }
    sim::push a_push(std::string serial) {
        sim::push p;
        p.platform = "xintian";
        p.kind = "billing";
        p.meter_no = "M1";
        p.url = rx.url("/cis/billing");
        p.headers = {{"X-Signature", "none"}};
        p.body = R"({"serial":")" + serial + R"("})";
        p.serial_no = std::move(serial);
        return p;
    }
};

}  // namespace

TEST_SUITE("sim/outbox store") {

TEST_CASE_FIXTURE(recording_store_fixture, "a memory store keeps the outbox's own copy of a push: one copy in the process") {
    int attempt = 0;
    loop.call([&] {
        box->set_before_attempt("billing", [&attempt](sim::push& p) { p.headers[0].second = "sig-" + std::to_string(++attempt); });
    });
    rx.enqueue({503, "{}"});
    loop.call([&] { REQUIRE(box->enqueue(a_push("K-1")).has_value()); });
    settle();
    loop.call([&] {
        CHECK(store.copies == 0);
        REQUIRE(store.shared.size() == 1);
        // The very object the outbox sends: the re-signed headers of the first attempt show.
        CHECK(store.shared[0]->headers[0].second == "sig-1");
        CHECK(store.shared[0]->body == R"({"serial":"K-1"})");
        sched.advance(1s);
    });
    settle();
    loop.call([&] {
        CHECK(store.delivered == std::vector<std::uint64_t>{1});
        CHECK(store.shared[0]->headers[0].second == "sig-2");
        CHECK(store.shared[0].use_count() == 1);  // the outbox let go of it once delivered
    });
    CHECK(rx.request_count() == 2);
}

TEST_CASE_FIXTURE(recording_store_fixture, "a store that only knows save_pending gets a copy, as a durable store needs") {
    store.share = false;
    loop.call([&] { REQUIRE(box->enqueue(a_push("K-2")).has_value()); });
    settle();
    loop.call([&] {
        CHECK(store.copies == 1);
        CHECK(store.shared.empty());
        CHECK(store.delivered == std::vector<std::uint64_t>{1});
    });
}

TEST_CASE("the memory store loads its pending pushes in id order") {
    sim::memory_outbox_store store;
    for (std::uint64_t id : {5ULL, 2ULL, 9ULL}) {
        sim::push p;
        p.id = id;
        p.body = std::to_string(id);
        if (id == 9) {
            store.save_shared(std::make_shared<sim::push const>(p));
        } else {
            store.save_pending(p);
        }
    }
    store.mark_delivered(5);
    auto pending = store.load_pending();
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].id == 2);
    CHECK(pending[1].id == 9);
    CHECK(store.size() == 2);
}

// Issue 16: a real platform delivers a meter's pushes in order; without meter_order two pushes
// of one meter could overtake each other (a retry, or parallel connections).
TEST_CASE("with meter_order a meter's pushes go one at a time, in order, other meters' in parallel") {
    test::outbox_fixture f(64, {}, true);
    f.rx.enqueue({503, "{}"});  // the first push is refused once
    auto on = [&](std::string serial, std::string meter) {
        auto p = f.a_push(std::move(serial));
        p.meter_no = std::move(meter);
        return p;
    };
    f.enqueue(on("A-1", "M1"));
    f.enqueue(on("A-2", "M1"));
    f.enqueue(on("B-1", "M2"));
    f.settle();
    auto serials = [&] {
        std::vector<std::string> out;
        for (auto const& r : f.rx.requests()) out.push_back(r.header("API_TRANS_ID"));
        return out;
    };
    // A-1 refused (a retry is due in 1 s); A-2 waits for it; B-1, another meter's, went.
    auto seen = serials();
    CHECK(std::count(seen.begin(), seen.end(), "A-2") == 0);
    CHECK(std::count(seen.begin(), seen.end(), "B-1") == 1);
    CHECK(f.counters().pending == 2);
    f.advance(1s);
    REQUIRE(f.rx.wait_for_requests(4));
    f.settle();
    seen = serials();
    std::vector<std::string> m1;
    for (auto const& s : seen)
        if (s.starts_with("A-")) m1.push_back(s);
    CHECK(m1 == std::vector<std::string>{"A-1", "A-1", "A-2"});
    CHECK(f.counters().pending == 0);
}

TEST_CASE("without meter_order a meter's later push does not wait for a refused earlier one") {
    test::outbox_fixture f;
    f.rx.enqueue({503, "{}"});
    f.enqueue(f.a_push("A-1"));
    f.settle();
    f.enqueue(f.a_push("A-2"));
    f.settle();
    auto const seen = f.rx.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].header("API_TRANS_ID") == "A-2");  // ahead of A-1's retry
}

}  // TEST_SUITE

TEST_CASE_FIXTURE(outbox_fixture, "the attempt observer sees every attempt with its status, latency and retry number (issue 14)") {
    std::vector<std::tuple<unsigned, bool, unsigned, std::int64_t>> seen;  // status, accepted, retry, latency
    loop.call([&] {
        box->on_attempt([&](sim::attempt_report const& r) {
            CHECK(r.platform == "xianfeng");
            CHECK(r.kind == "report");
            seen.emplace_back(r.status, r.accepted, r.retry, r.latency.count());
        });
    });
    rx.enqueue({500, R"({"error":"busy"})"});
    enqueue(a_push("S-OBS"));
    settle();
    advance(1s);
    REQUIRE(seen.size() == 2);
    CHECK(std::get<0>(seen[0]) == 500);
    CHECK_FALSE(std::get<1>(seen[0]));
    CHECK(std::get<2>(seen[0]) == 0);
    CHECK(std::get<0>(seen[1]) == 200);
    CHECK(std::get<1>(seen[1]));
    CHECK(std::get<2>(seen[1]) == 1);
    CHECK(std::get<3>(seen[1]) > 0);
}

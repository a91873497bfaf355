// sim::state::sqlite_outbox_store: pending pushes in the state file survive the process, each
// resent under its own serial, byte for byte, with its failed attempts counted (issue 15).
#include "sim/state/outbox_store.hpp"

#include <doctest/doctest.h>

#include "sim/state/store.hpp"
#include "tests/support/outbox_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace sim = metersim::sim;
namespace st = metersim::sim::state;
using metersim::test::temp_dir;

namespace {

sim::push a_push(std::uint64_t id, std::string const& serial) {
    sim::push p;
    p.id = id;
    p.platform = "xianfeng";
    p.kind = "xianfeng.report";
    p.meter_no = "07602190000001";
    p.url = "http://127.0.0.1:9/cis";
    p.headers = {{"API_TRANS_ID", serial}, {"Content-Type", "application/json"}};
    p.body = R"({"serialNo":")" + serial + R"(","note":"\u4e2d\u6587 bytes \u0000 kept"})";
    p.serial_no = serial;
    return p;
}

std::unique_ptr<st::store> opened(std::string const& path) {
    auto s = st::store::open(path);
    REQUIRE(s.has_value());
    return std::move(s).value();
}

}  // namespace

TEST_CASE("pending pushes are loaded back after the file is closed, in id order, byte for byte") {
    temp_dir dir;
    auto const path = dir.file("s.db");
    {
        auto s = opened(path);
        st::sqlite_outbox_store box(*s);
        box.save_pending(a_push(5, "S5"));
        box.save_pending(a_push(2, "S2"));
        box.save_pending(a_push(9, "S9"));
        box.save_failures(5, 3);
        box.mark_delivered(9);
        s->commit();
    }
    auto s = opened(path);
    st::sqlite_outbox_store box(*s);
    auto loaded = box.load_pending();
    REQUIRE(loaded.size() == 2);
    CHECK(loaded[0].id == 2);
    CHECK(loaded[1].id == 5);
    auto const want = a_push(5, "S5");
    CHECK(loaded[1].body == want.body);
    CHECK(loaded[1].serial_no == "S5");
    CHECK(loaded[1].headers == want.headers);
    CHECK(loaded[1].url == want.url);
    CHECK(loaded[1].kind == want.kind);
    CHECK(loaded[1].platform == want.platform);
    CHECK(loaded[1].meter_no == want.meter_no);
    CHECK(loaded[1].failures == 3);
    CHECK(loaded[0].failures == 0);
}

TEST_CASE("a push shared with the outbox is saved with its shared body") {
    temp_dir dir;
    auto s = opened(dir.file("s.db"));
    st::sqlite_outbox_store box(*s);
    auto p = a_push(1, "S1");
    p.shared_body = std::make_shared<std::string const>("{\"shared\":true}");
    p.body.clear();
    box.save_shared(std::make_shared<sim::push const>(p));
    auto loaded = box.load_pending();
    REQUIRE(loaded.size() == 1);
    CHECK(loaded[0].body == "{\"shared\":true}");
}

TEST_CASE("an outbox over the state file resends a refused push after a restart, same serial, failures counted") {
    temp_dir dir;
    auto const path = dir.file("s.db");
    std::string first_body;
    {
        metersim::test::outbox_fixture f;
        auto s = opened(path);
        st::sqlite_outbox_store box_store(*s);
        f.rx.answer_always({503, "busy"});
        f.loop.call([&] { f.box = std::make_unique<sim::outbox>(*f.client, f.sched, box_store, &f.journal); });
        f.enqueue(f.a_push("SERIAL-42"));
        f.settle();
        REQUIRE(f.rx.request_count() == 1);
        first_body = f.rx.requests()[0].body;
        f.loop.call([&] {
            f.box.reset();
            s->commit();
        });
    }
    metersim::test::outbox_fixture f;
    auto s = opened(path);
    st::sqlite_outbox_store box_store(*s);
    auto pending = box_store.load_pending();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].failures == 1);
    CHECK(pending[0].body == first_body);
    // The saved URL points at the first receiver; this one takes its place.
    auto p = pending[0];
    p.url = f.rx.url("/cis/report");
    box_store.save_pending(p);
    f.loop.call([&] {
        f.box = std::make_unique<sim::outbox>(*f.client, f.sched, box_store, &f.journal);
        CHECK(f.box->resume() == 1);
    });
    f.settle();
    REQUIRE(f.rx.request_count() == 1);
    CHECK(f.rx.requests()[0].body == first_body);
    CHECK(f.rx.requests()[0].header("API_TRANS_ID") == "SERIAL-42");
    CHECK(box_store.load_pending().empty());
}

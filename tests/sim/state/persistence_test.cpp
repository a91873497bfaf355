// sim::state::persistence: meters and clock checkpointed incrementally into the state file and
// restored into a new fleet that continues exactly as the old one would (issue 15).
#include "sim/state/persistence.hpp"

#include <doctest/doctest.h>

#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/faults.hpp"
#include "sim/journal.hpp"
#include "sim/fleet.hpp"
#include "sim/meter_json.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/temp_dir.hpp"

namespace sim = metersim::sim;
namespace st = metersim::sim::state;
namespace meters = metersim::meters;

namespace {

constexpr auto t0 = meters::instant_from_ms(1'767'196'800'000);

/// A fleet on a stepped clock, with its persistence over `path`.
struct world {
    sim::catalogue cat = sim::catalogue::builtin();
    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};
    sim::fleet fleet{sched, cat, sim::fleet_options{}};
    std::unique_ptr<st::persistence> p;

    explicit world(std::string const& path) {
        auto s = st::store::open(path);
        REQUIRE(s.has_value());
        p = std::make_unique<st::persistence>(std::move(s).value());
    }

    sim::fleet_meter& make(std::string no) {
        sim::manufacture_request r;
        r.model = "xf-nb-money";
        r.identity.meter_no = std::move(no);
        auto m = fleet.manufacture(r);
        REQUIRE(m.has_value());
        return *m.value();
    }
};

}  // namespace

TEST_CASE("a checkpoint writes only the meters changed since the last one") {
    metersim::test::temp_dir dir;
    world w(dir.file("s.db"));
    w.make("M1");
    w.make("M2");
    w.make("M3");
    CHECK(w.p->checkpoint(w.fleet, w.clk) == 3);
    CHECK(w.p->checkpoint(w.fleet, w.clk) == 0);
    (void)w.fleet.inject(*w.fleet.find("M2"), meters::events::consume{meters::volume::from_e4(15'000)});
    CHECK(w.p->checkpoint(w.fleet, w.clk) == 1);
    CHECK(w.p->file().meter_count() == 3);
}

TEST_CASE("restored meters equal the saved ones, removed ones stay gone, a new one takes a new row") {
    metersim::test::temp_dir dir;
    auto const path = dir.file("s.db");
    meters::meter_state m1_saved;
    {
        world w(path);
        auto& m1 = w.make("M1");
        auto& m2 = w.make("M2");
        (void)w.fleet.inject(m1, meters::events::consume{meters::volume::from_e4(12'345)});
        w.sched.run_until(t0 + std::chrono::days{2});
        w.fleet.remove(m2);
        w.p->checkpoint(w.fleet, w.clk);
        m1_saved = w.fleet.find("M1")->meter.state();
    }
    world w(path);
    auto restored = w.p->restore_meters(w.fleet);
    REQUIRE(restored.has_value());
    CHECK(restored.value() == 1);
    CHECK(w.fleet.find("M2") == nullptr);
    REQUIRE(w.fleet.find("M1") != nullptr);
    CHECK(w.fleet.find("M1")->meter.state() == m1_saved);
    // A new meter takes a row of its own: the restored one keeps its row.
    w.make("M3");
    CHECK(w.p->checkpoint(w.fleet, w.clk) == 1);
    CHECK(w.p->file().meter_count() == 2);
}

TEST_CASE("the clock is saved with every checkpoint") {
    metersim::test::temp_dir dir;
    world w(dir.file("s.db"));
    w.sched.run_until(t0 + std::chrono::hours{5});
    w.p->checkpoint(w.fleet, w.clk);
    auto c = w.p->file().load_clock();
    REQUIRE(c.has_value());
    CHECK(c->mode == "stepped");
    CHECK(c->now == t0 + std::chrono::hours{5});
}

TEST_CASE("a meter row that does not read back is an error naming the file and the row") {
    metersim::test::temp_dir dir;
    auto const path = dir.file("s.db");
    {
        auto s = st::store::open(path);
        REQUIRE(s.has_value());
        s.value()->save_meter(4, "xf-nb-money", "{\"format\":1}");
        s.value()->commit();
    }
    world w(path);
    auto restored = w.p->restore_meters(w.fleet);
    REQUIRE_FALSE(restored.has_value());
    CHECK(restored.error().find("state file " + path + ": meter row 4: ") == 0);
    CHECK(w.fleet.size() == 0);
}

TEST_CASE("fault rules are saved when they change and come back under their ids with what is left") {
    metersim::test::temp_dir dir;
    auto const path = dir.file("s.db");
    {
        world w(path);
        sim::fault_registry faults;
        w.p->track_faults(faults);
        sim::fault_rule a;
        a.target = "xianfeng";
        a.kind = sim::fault_kind::error;
        a.status = 503;
        a.body = "{\"busy\":true}";
        a.remaining = 3;
        REQUIRE(faults.add(a, t0).has_value());
        sim::fault_rule b;
        b.target = "cis";
        b.kind = sim::fault_kind::unreachable;
        b.until = t0 + std::chrono::hours{2};
        REQUIRE(faults.add(b, t0).has_value());
        REQUIRE(faults.take("xianfeng", "/x", t0).has_value());  // 2 left
        w.p->checkpoint(w.fleet, w.clk);
    }
    world w(path);
    sim::fault_registry faults;
    w.p->track_faults(faults);
    auto rules = faults.active(t0);
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].id == 1);
    CHECK(rules[0].target == "xianfeng");
    CHECK(rules[0].status == 503);
    CHECK(rules[0].body == "{\"busy\":true}");
    CHECK(rules[0].remaining == std::optional<std::uint64_t>{2});
    CHECK(rules[0].hits == 1);
    CHECK_FALSE(rules[0].until.has_value());
    CHECK(rules[1].id == 2);
    CHECK(rules[1].kind == sim::fault_kind::unreachable);
    CHECK(rules[1].until == std::optional<meters::instant>{t0 + std::chrono::hours{2}});
    CHECK_FALSE(rules[1].remaining.has_value());
    // New rules take new ids; a removal is saved too.
    sim::fault_rule c;
    c.target = "cnmcsp";
    c.kind = sim::fault_kind::drop;
    auto id = faults.add(c, t0);
    REQUIRE(id.has_value());
    CHECK(id.value() == 3);
    CHECK(faults.remove(1));
    w.p->checkpoint(w.fleet, w.clk);
    world again(dir.file("other.db"));  // (a second file: the first is locked by `w`)
    sim::fault_registry none;
    again.p->track_faults(none);
    CHECK(none.rules().empty());
}

TEST_CASE("the journal's newest entries come back under their ids, bounded as the journal is, and ids go on") {
    metersim::test::temp_dir dir;
    auto const path = dir.file("s.db");
    auto entry = [](int i) {
        sim::journal_entry e;
        e.virtual_time = t0 + std::chrono::seconds{i};
        e.dir = i % 2 == 0 ? sim::direction::in : sim::direction::out;
        e.platform = "xianfeng";
        e.method = "POST";
        e.target = "/x/" + std::to_string(i);
        e.request_body = "{\"i\":" + std::to_string(i) + "}";
        e.status = 200;
        e.verdict = "deviations";
        e.deviations = {{"meterNo", "required", "xianfeng §2.1"}, {"userNo", "length <= 20", "xianfeng §3.1"}};
        return e;
    };
    {
        world w(path);
        sim::journal j{5};
        w.p->track_journal(j);
        for (int i = 1; i <= 4; ++i) j.append(entry(i));
        w.p->checkpoint(w.fleet, w.clk);
        for (int i = 5; i <= 8; ++i) j.append(entry(i));
        w.p->checkpoint(w.fleet, w.clk);
    }
    world w(path);
    sim::journal j{5};
    w.p->track_journal(j);
    CHECK(j.size() == 5);
    CHECK(j.last_id() == 8);
    sim::journal_query all;
    all.limit = 100;
    auto back = j.query(all);
    REQUIRE(back.size() == 5);
    CHECK(back.front().id == 4);
    CHECK(back.front().target == "/x/4");
    CHECK(back.front().request_body == "{\"i\":4}");
    CHECK(back.front().dir == sim::direction::in);
    CHECK(back[1].dir == sim::direction::out);  // entry 5
    CHECK(back.front().virtual_time == t0 + std::chrono::seconds{4});
    REQUIRE(back.front().deviations.size() == 2);
    CHECK(back.front().deviations[1].rule == "length <= 20");
    CHECK(back.front().deviations[1].section == "xianfeng §3.1");
    CHECK(j.append(entry(9)) == 9);
}

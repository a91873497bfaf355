#include "sim/pending_store.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "sim/session_item.hpp"

using namespace metersim;
using namespace std::chrono_literals;

namespace {

meters::instant at(std::int64_t s) { return meters::instant{} + std::chrono::seconds{s}; }

/// A record with a key (a trade, a recharge): waits, then settles.
struct ticket {
    std::string no;
    std::optional<meters::instant> settled_at;
    std::string_view key() const noexcept { return no; }
};
using item = sim::session_item<ticket>;
using store = sim::pending_store<item>;

meters::command valve() { return meters::commands::valve_control{meters::commands::valve_action::close}; }

void settle(store& s, std::string_view no, meters::instant now) {
    REQUIRE(sim::settle(s, no, now, [](ticket&) {}));
}

}  // namespace

TEST_SUITE("sim/pending_store") {

TEST_CASE("an owner takes `waiting` records, plain commands not counted") {
    store s{sim::store_bounds{2, 4, 1h}};
    auto& o = s.ensure_owner("M1");
    s.add(o, item{valve(), "valve"});
    s.add(o, item{valve(), "recharge", ticket{"T1", {}}});
    CHECK(s.has_room(o));
    s.add(o, item{valve(), "recharge", ticket{"T2", {}}});
    CHECK_FALSE(s.has_room(o));
    CHECK(o.waiting == 2);
    CHECK(o.queued == 1);
    settle(s, "T1", at(1));
    CHECK(s.has_room(o));
    CHECK(o.settled == 1);
}

TEST_CASE("a session takes items in order: plain commands leave, records stay until settled") {
    store s;
    auto& o = s.ensure_owner("M1");
    s.add(o, item{valve(), "first"});
    s.add(o, item{valve(), "recharge", ticket{"T1", {}}});
    auto a = sim::take_next(s, o);
    REQUIRE(a.has_value());
    CHECK(a->label == "first");
    CHECK(a->key.empty());
    auto b = sim::take_next(s, o);
    REQUIRE(b.has_value());
    CHECK(b->key == "T1");
    CHECK_FALSE(sim::take_next(s, o).has_value());
    CHECK(o.active == 1);
    CHECK(s.size() == 1);
    CHECK(s.find("T1") != nullptr);
}

TEST_CASE("past the history bound the earliest settled goes, among equal instants the first to settle") {
    store s{sim::store_bounds{8, 2, 24h}};
    auto& o = s.ensure_owner("M1");
    for (auto const* t : {"T1", "T2", "T3"}) s.add(o, item{valve(), "recharge", ticket{t, {}}});
    for (auto const* t : {"T2", "T1", "T3"}) settle(s, t, at(5));
    CHECK(s.find("T2") == nullptr);
    CHECK(s.find("T1") != nullptr);
    CHECK(s.find("T3") != nullptr);
    CHECK(o.settled == 2);
}

TEST_CASE("settled records are forgotten after the retention, waiting ones never") {
    store s{sim::store_bounds{8, 8, 1h}};
    auto& o = s.ensure_owner("M1");
    s.add(o, item{valve(), "recharge", ticket{"T1", {}}});
    s.add(o, item{valve(), "recharge", ticket{"T2", {}}});
    settle(s, "T1", at(10));
    s.forget_settled(o, at(10 + 3599));
    CHECK(s.find("T1") != nullptr);
    s.forget_settled(o, at(10 + 3600));
    CHECK(s.find("T1") == nullptr);
    CHECK(s.find("T2") != nullptr);
    CHECK(s.size() == 1);
}

TEST_CASE("a record moved to another owner keeps its key and waits there after what is queued") {
    store s;
    auto& from = s.ensure_owner("M1");
    auto& to = s.ensure_owner("M2");
    s.add(from, item{valve(), "recharge", ticket{"T1", {}}});
    s.add(to, item{valve(), "open"});
    auto ref = s.move(from, 0, to);
    CHECK(ref.owner == to.slot);
    CHECK(from.waiting == 0);
    CHECK(to.waiting == 1);
    CHECK(s.find("T1") == s.find(ref));
    CHECK(sim::take_next(s, to)->label == "open");
}

TEST_CASE("owners keep their slots and are found by key") {
    store s;
    auto& a = s.ensure_owner("M1");
    auto& b = s.ensure_owner("M2");
    CHECK(&s.ensure_owner("M1") == &a);
    CHECK(s.owner_at(b.slot) == &b);
    CHECK(s.find_owner("M3") == nullptr);
    CHECK(s.owners().size() == 2);
}

}  // TEST_SUITE

#include "platforms/xianfeng/commands.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace metersim;
using namespace metersim::platforms::xianfeng;
using namespace std::chrono_literals;

namespace {

meters::instant at(std::int64_t s) { return meters::instant{} + std::chrono::seconds{s}; }

command_record valve(meters::instant now, std::int64_t expire_s = 3600) {
    command_record r;
    method_call c;
    c.command = meters::commands::valve_control{meters::commands::valve_action::close};
    r.set_call(std::move(c));
    r.updated_at = now;
    r.expire_at = now + std::chrono::seconds{expire_s};
    return r;
}

sim::store_bounds small(std::size_t pending, std::size_t history,
                        meters::duration retention = std::chrono::hours{1}) {
    return sim::store_bounds{pending, history, retention};
}

}  // namespace

TEST_SUITE("platforms/xianfeng commands") {

TEST_CASE("commandIds are 32 lowercase hex, unique, and read back to their command") {
    std::set<std::string> seen;
    for (std::uint32_t dev : {0u, 1u, 77u, 4000000000u})
        for (std::uint32_t seq : {0u, 1u, 2u, 65535u, 4294967295u}) {
            auto id = command_id_of(command_ref{dev, seq});
            CHECK(id.size() == 32);
            CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
            CHECK(seen.insert(id).second);
            auto back = parse_command_id(id);
            REQUIRE(back.has_value());
            CHECK(back->owner == dev);
            CHECK(back->seq == seq);
        }
}

TEST_CASE("an id the store never gave is not read as one") {
    auto id = command_id_of(command_ref{3, 9});
    id[31] = id[31] == '0' ? '1' : '0';
    CHECK_FALSE(parse_command_id(id).has_value());
    CHECK_FALSE(parse_command_id(std::string(32, 'a')).has_value());
    CHECK_FALSE(parse_command_id("short").has_value());
    CHECK_FALSE(parse_command_id(std::string(32, 'A')).has_value());  // callers lower the case
}

TEST_CASE("a device takes max_pending commands, and room again once one leaves the queue") {
    command_store s{small(2, 4)};
    auto& d = s.ensure_device("dev-a");
    CHECK(s.has_room(d));
    auto a = s.add(d, valve(at(0)));
    s.add(d, valve(at(0)));
    CHECK_FALSE(s.has_room(d));
    auto* c = s.find(a, at(1));
    REQUIRE(c != nullptr);
    s.set_state(d, *c, command_state::cancelled, at(1));
    CHECK(s.has_room(d));
    CHECK(d.waiting == 1);
    CHECK(d.settled == 1);
}

TEST_CASE("a pending command expires lazily, as of its expireTime") {
    command_store s{small(4, 4, std::chrono::hours{24})};
    auto& d = s.ensure_device("dev-a");
    auto ref = s.add(d, valve(at(0), 60));
    CHECK(s.find(ref, at(59))->state == command_state::pending);
    auto* c = s.find(ref, at(61));
    REQUIRE(c != nullptr);
    CHECK(c->state == command_state::expired);
    CHECK(c->updated_at == at(60));  // commandUpdateTime is the expiry instant, not the query's
    CHECK(d.waiting == 0);
    CHECK(s.next_pending(d) == nullptr);
}

TEST_CASE("finished commands are forgotten after the retention time") {
    command_store s{small(4, 4, std::chrono::hours{1})};
    auto& d = s.ensure_device("dev-a");
    auto ref = s.add(d, valve(at(0)));
    s.set_state(d, *s.find(ref, at(10)), command_state::cancelled, at(10));
    CHECK(s.find(ref, at(10 + 3599)) != nullptr);
    CHECK(s.find(ref, at(10 + 3600)) == nullptr);
    CHECK(s.size() == 0);
    CHECK(d.settled == 0);
}

TEST_CASE("at most `history` finished commands are kept per device, the oldest finished go first") {
    command_store s{small(8, 2, std::chrono::hours{24})};
    auto& d = s.ensure_device("dev-a");
    command_ref refs[4];
    for (auto& r : refs) r = s.add(d, valve(at(0)));
    // Finish them out of creation order: 2, 0, 3, 1.
    std::int64_t t = 1;
    for (int i : {2, 0, 3, 1}) {
        s.set_state(d, *s.find(refs[i], at(t)), command_state::cancelled, at(t));
        ++t;
    }
    s.refresh(d, at(t));
    CHECK(s.find(refs[2], at(t)) == nullptr);
    CHECK(s.find(refs[0], at(t)) == nullptr);
    CHECK(s.find(refs[3], at(t)) != nullptr);
    CHECK(s.find(refs[1], at(t)) != nullptr);
    CHECK(s.size() == 2);
}

TEST_CASE("pending and sending commands are never dropped by the history bound") {
    command_store s{small(8, 0)};
    auto& d = s.ensure_device("dev-a");
    auto a = s.add(d, valve(at(0)));
    auto b = s.add(d, valve(at(0)));
    s.set_state(d, *s.find(a, at(1)), command_state::sending, at(1));
    s.refresh(d, at(2));
    CHECK(s.find(a, at(2))->state == command_state::sending);
    CHECK(s.find(b, at(2))->state == command_state::pending);
    CHECK(d.active == 1);  // sending
}

TEST_CASE("commands keep their order: the oldest pending goes first") {
    command_store s{small(8, 8)};
    auto& d = s.ensure_device("dev-a");
    auto a = s.add(d, valve(at(0)));
    auto b = s.add(d, valve(at(0)));
    CHECK(s.next_pending(d)->seq == a.seq);
    s.set_state(d, *s.find(a, at(1)), command_state::sending, at(1));
    CHECK(s.next_pending(d)->seq == b.seq);
    s.set_state(d, *s.find(a, at(2)), command_state::pending, at(2));  // a transient refusal
    CHECK(s.next_pending(d)->seq == a.seq);
}

TEST_CASE("a command finds its own device, devices keep their slots") {
    command_store s;
    auto& a = s.ensure_device("dev-a");
    auto& b = s.ensure_device("dev-b");
    CHECK(&s.ensure_device("dev-a") == &a);
    auto ra = s.add(a, valve(at(0)));
    auto rb = s.add(b, valve(at(0)));
    CHECK(s.device_of(ra)->key == "dev-a");
    CHECK(s.device_of(rb)->key == "dev-b");
    CHECK(s.find(command_ref{rb.owner + 5, 0}, at(0)) == nullptr);
    CHECK(s.find(command_ref{ra.owner, 7}, at(0)) == nullptr);
}

TEST_CASE("a stored call reads back as it was made") {
    command_record r;
    method_call c;
    c.which = method::recharge_remote;
    meters::commands::recharge rc;
    rc.amount = meters::money::from_units(5);
    rc.bill_no = 7;
    c.command = rc;
    c.gas_units = false;
    r.set_call(c);
    auto back = r.call();
    CHECK(back.which == method::recharge_remote);
    REQUIRE(std::holds_alternative<meters::commands::recharge>(back.command));
    CHECK(std::get<meters::commands::recharge>(back.command).bill_no == 7);
    auto v = valve(at(0));
    auto vc = v.call();
    CHECK(vc.which == method::valve_control);
    CHECK(std::get<meters::commands::valve_control>(vc.command).action ==
          meters::commands::valve_action::close);
    CHECK(v.extra == nullptr);  // VALVE_CONTROL needs no heap
    CHECK(sizeof(command_record) == 32);
}

}  // TEST_SUITE

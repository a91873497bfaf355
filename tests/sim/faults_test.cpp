#include "sim/faults.hpp"

#include <doctest/doctest.h>

#include <string>

#include "sim/journal.hpp"

using namespace metersim;
using namespace std::chrono_literals;

namespace {

constexpr auto t0 = meters::instant_from_ms(1'767'225'600'000);  // 2026-01-01 00:00:00 UTC

sim::fault_rule rule(std::string target, sim::fault_kind kind, std::string path = {}) {
    sim::fault_rule r;
    r.target = std::move(target);
    r.kind = kind;
    r.path = std::move(path);
    if (kind == sim::fault_kind::slow) r.delay = 100ms;
    return r;
}

sim::fault_rule counted(sim::fault_rule r, std::uint64_t n) {
    r.remaining = n;
    return r;
}

std::uint64_t add(sim::fault_registry& reg, sim::fault_rule r, meters::instant now = t0) {
    auto id = reg.add(std::move(r), now);
    REQUIRE(id.has_value());
    return id.value();
}

/// The field add() names when it refuses `r`.
std::string refused_field(sim::fault_rule r) {
    sim::fault_registry reg;
    auto id = reg.add(std::move(r), t0);
    REQUIRE_FALSE(id.has_value());
    CHECK(reg.size() == 0);
    return id.error().field;
}

sim::http::request request_to(std::string_view path) {
    sim::http::request q;
    q.method = "POST";
    q.target = path;
    q.path = path;
    q.body = "{}";
    return q;
}

}  // namespace

TEST_SUITE("sim/faults") {

TEST_CASE("fault kinds round-trip through their names") {
    for (auto k : {sim::fault_kind::unreachable, sim::fault_kind::slow, sim::fault_kind::error, sim::fault_kind::drop})
        CHECK(sim::parse_fault_kind(sim::to_string(k)) == k);
    CHECK_FALSE(sim::parse_fault_kind("Error").has_value());
    CHECK(sim::is_fault_target("cis"));
    CHECK(sim::is_fault_target("xintian"));
    CHECK_FALSE(sim::is_fault_target("admin"));
}

TEST_CASE("a counted rule applies that many times, then is gone") {
    sim::fault_registry reg;
    auto id = add(reg, counted(rule("xianfeng", sim::fault_kind::error), 2));
    auto first = reg.take("xianfeng", "/a", t0);
    REQUIRE(first.has_value());
    CHECK(first->id == id);
    CHECK(first->remaining == 1u);
    CHECK(first->hits == 1);
    auto second = reg.take("xianfeng", "/b", t0);
    REQUIRE(second.has_value());
    CHECK(second->remaining == 0u);
    CHECK_FALSE(reg.take("xianfeng", "/a", t0).has_value());
    CHECK(reg.size() == 0);
}

TEST_CASE("a timed rule applies until its virtual instant, however many requests come") {
    sim::fault_registry reg;
    auto r = rule("cis", sim::fault_kind::unreachable);
    r.until = t0 + 2h;
    add(reg, r);
    for (int i = 0; i < 100; ++i) REQUIRE(reg.take("cis", {}, t0 + 1h).has_value());
    CHECK(reg.take("cis", {}, t0 + 2h - 1ms).has_value());
    CHECK_FALSE(reg.take("cis", {}, t0 + 2h).has_value());
    CHECK(reg.size() == 0);
}

TEST_CASE("with a count and an instant, whichever runs out first ends the rule") {
    sim::fault_registry reg;  // each subcase runs on a fresh one
    auto const add_drop_and_take_once = [&reg](std::uint64_t count) {
        auto r = counted(rule("cnmcsp", sim::fault_kind::drop), count);
        r.until = t0 + 1h;
        add(reg, r);
        CHECK(reg.take("cnmcsp", "/x", t0).has_value());
    };
    SUBCASE("the count") {
        add_drop_and_take_once(1);
        CHECK_FALSE(reg.take("cnmcsp", "/x", t0).has_value());
    }
    SUBCASE("the instant") {
        add_drop_and_take_once(5);
        CHECK_FALSE(reg.take("cnmcsp", "/x", t0 + 1h).has_value());
        CHECK(reg.active(t0 + 1h).empty());
    }
}

TEST_CASE("a rule with a path applies to that exact path only") {
    sim::fault_registry reg;
    add(reg, counted(rule("xianfeng", sim::fault_kind::error, "/iotcloud/app/cmd/v1.0.0/creatCmd"), 3));
    CHECK_FALSE(reg.take("xianfeng", "/iotcloud/app/cmd/v1.0.0/creatCmd/", t0).has_value());
    CHECK_FALSE(reg.take("xianfeng", "/iotcloud/app/cmd/v1.0.0", t0).has_value());
    CHECK_FALSE(reg.take("xintian", "/iotcloud/app/cmd/v1.0.0/creatCmd", t0).has_value());
    CHECK(reg.take("xianfeng", "/iotcloud/app/cmd/v1.0.0/creatCmd", t0).has_value());
}

TEST_CASE("a rule applies to its own target only") {
    sim::fault_registry reg;
    add(reg, counted(rule("xintian", sim::fault_kind::slow), 1));
    CHECK_FALSE(reg.take("cis", {}, t0).has_value());
    CHECK_FALSE(reg.take("cnmcsp", "/", t0).has_value());
    CHECK(reg.none_for("cnmcsp"));
    CHECK_FALSE(reg.none_for("xintian"));
    auto hit = reg.take("xintian", "/api/Meters/GetData", t0);
    REQUIRE(hit.has_value());
    CHECK(hit->kind == sim::fault_kind::slow);
    CHECK(hit->delay == 100ms);
}

TEST_CASE("one rule applies per request: the exact path first, then the oldest") {
    sim::fault_registry reg;
    auto every1 = add(reg, counted(rule("cnmcsp", sim::fault_kind::slow), 1));
    auto every2 = add(reg, counted(rule("cnmcsp", sim::fault_kind::drop), 1));
    auto exact = add(reg, counted(rule("cnmcsp", sim::fault_kind::error, "/pay"), 1));

    CHECK(reg.take("cnmcsp", "/pay", t0)->id == exact);
    CHECK(reg.take("cnmcsp", "/pay", t0)->id == every1);
    CHECK(reg.take("cnmcsp", "/other", t0)->id == every2);
    CHECK_FALSE(reg.take("cnmcsp", "/pay", t0).has_value());
}

TEST_CASE("a rule with neither count nor instant lasts until removed") {
    sim::fault_registry reg;
    auto id = add(reg, rule("cis", sim::fault_kind::unreachable));
    for (int i = 0; i < 10; ++i) CHECK(reg.take("cis", {}, t0 + std::chrono::hours{24 * i}).has_value());
    CHECK(reg.active(t0).at(0).hits == 10);
    CHECK(reg.remove(id));
    CHECK_FALSE(reg.remove(id));
    CHECK_FALSE(reg.take("cis", {}, t0).has_value());
}

TEST_CASE("active lists the rules in force by id with what is left of them") {
    sim::fault_registry reg;
    auto a = add(reg, counted(rule("cis", sim::fault_kind::slow), 3));
    auto timed = rule("xianfeng", sim::fault_kind::drop);
    timed.until = t0 + 10min;
    auto b = add(reg, timed);
    (void)reg.take("cis", {}, t0);
    auto list = reg.active(t0 + 5min);
    REQUIRE(list.size() == 2);
    CHECK(list[0].id == a);
    CHECK(list[0].remaining == 2u);
    CHECK(list[1].id == b);
    CHECK(list[1].until == t0 + 10min);
    CHECK(reg.active(t0 + 10min).size() == 1);
    CHECK(reg.clear() == 1);
    CHECK(reg.active(t0).empty());
}

TEST_CASE("ids grow and are never reused") {
    sim::fault_registry reg;
    auto a = add(reg, counted(rule("cis", sim::fault_kind::slow), 1));
    (void)reg.clear();
    auto b = add(reg, counted(rule("cis", sim::fault_kind::slow), 1));
    CHECK(b > a);
}

TEST_CASE("bad rules are refused naming the field, and nothing is stored") {
    CHECK(refused_field(rule("admin", sim::fault_kind::error)) == "target");
    CHECK(refused_field(rule("cis", sim::fault_kind::error)) == "kind");
    CHECK(refused_field(rule("cis", sim::fault_kind::drop)) == "kind");
    CHECK(refused_field(rule("xianfeng", sim::fault_kind::unreachable)) == "kind");
    CHECK(refused_field(rule("cis", sim::fault_kind::unreachable, "/x")) == "path");
    CHECK(refused_field(rule("cnmcsp", sim::fault_kind::drop, "x")) == "path");
    auto bad_status = rule("cnmcsp", sim::fault_kind::error);
    bad_status.status = 600;
    CHECK(refused_field(bad_status) == "status");
    auto body_on_drop = rule("cnmcsp", sim::fault_kind::drop);
    body_on_drop.body = "x";
    CHECK(refused_field(body_on_drop) == "body");
    auto no_delay = rule("cis", sim::fault_kind::slow);
    no_delay.delay = 0ms;
    CHECK(refused_field(no_delay) == "delay_ms");
    auto long_delay = rule("cis", sim::fault_kind::slow);
    long_delay.delay = sim::max_fault_delay + 1ms;
    CHECK(refused_field(long_delay) == "delay_ms");
    auto delay_on_error = rule("cnmcsp", sim::fault_kind::error);
    delay_on_error.delay = 5ms;
    CHECK(refused_field(delay_on_error) == "delay_ms");
    CHECK(refused_field(counted(rule("cnmcsp", sim::fault_kind::drop), 0)) == "count");
    auto past = rule("cnmcsp", sim::fault_kind::drop);
    past.until = t0;
    CHECK(refused_field(past) == "for_ms");
}

TEST_CASE("the platform hook answers an error fault with its status and a message naming it") {
    sim::fault_registry reg;
    sim::journal j;
    auto r = counted(rule("xianfeng", sim::fault_kind::error, "/a"), 1);
    r.status = 503;
    auto id = add(reg, r);
    auto f = sim::platform_fault(reg, "xianfeng", request_to("/a"), t0, &j);
    REQUIRE(f.what == sim::http::request_fault::action::answer);
    CHECK(f.answer.status == 503);
    CHECK(f.answer.body.find("fault injected: error 503 (fault " + std::to_string(id) + ")") != std::string::npos);
    auto entries = j.query({});
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].verdict == "fault");
    CHECK(entries[0].platform == "xianfeng");
    CHECK(entries[0].target == "/a");
    CHECK(entries[0].status == 503);
    CHECK(sim::platform_fault(reg, "xianfeng", request_to("/a"), t0, &j).what == sim::http::request_fault::action::none);
}

TEST_CASE("the platform hook sends an error fault's own body, as text unless it looks like JSON") {
    sim::fault_registry reg;
    auto text = counted(rule("cnmcsp", sim::fault_kind::error), 1);
    text.body = "Service Unavailable";
    add(reg, text);
    auto json = counted(rule("cnmcsp", sim::fault_kind::error), 1);
    json.body = R"({"code":"-1"})";
    add(reg, json);
    auto f1 = sim::platform_fault(reg, "cnmcsp", request_to("/x"), t0, nullptr);
    CHECK(f1.answer.status == 500);
    CHECK(f1.answer.body == "Service Unavailable");
    CHECK(f1.answer.content_type.starts_with("text/plain"));
    auto f2 = sim::platform_fault(reg, "cnmcsp", request_to("/x"), t0, nullptr);
    CHECK(f2.answer.body == R"({"code":"-1"})");
    CHECK(f2.answer.content_type.empty());
}

TEST_CASE("the platform hook turns drop and slow faults into their actions") {
    sim::fault_registry reg;
    sim::journal j;
    add(reg, counted(rule("xintian", sim::fault_kind::drop), 1));
    add(reg, counted(rule("xintian", sim::fault_kind::slow), 1));
    auto drop = sim::platform_fault(reg, "xintian", request_to("/p"), t0, &j);
    CHECK(drop.what == sim::http::request_fault::action::drop);
    auto slow = sim::platform_fault(reg, "xintian", request_to("/p"), t0, &j);
    CHECK(slow.what == sim::http::request_fault::action::delay);
    CHECK(slow.delay == 100ms);
    auto entries = j.query({});
    REQUIRE(entries.size() == 1);  // a slow request is journaled by its platform, as usual
    CHECK(entries[0].status == 0);
    CHECK(entries[0].error.find("dropped") != std::string::npos);
}

}  // TEST_SUITE

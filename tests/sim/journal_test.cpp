#include "sim/journal.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace metersim;

namespace {

sim::journal_entry an_entry(std::string platform, std::string meter_no) {
    sim::journal_entry e;
    e.platform = std::move(platform);
    e.meter_no = std::move(meter_no);
    e.method = "POST";
    e.target = "/x";
    e.status = 200;
    return e;
}

sim::journal_query filter(std::string_view platform, std::string_view meter_no = {}) {
    sim::journal_query q;
    q.platform = platform;
    q.meter_no = meter_no;
    return q;
}

sim::journal_query page(std::uint64_t since_id, std::size_t limit = 100) {
    sim::journal_query q;
    q.since_id = since_id;
    q.limit = limit;
    return q;
}

}  // namespace

TEST_SUITE("sim/journal") {

TEST_CASE("ids grow by one and the wall time is stamped") {
    sim::journal j(10);
    CHECK(j.last_id() == 0);
    CHECK(j.append(an_entry("xianfeng", "1")) == 1);
    CHECK(j.append(an_entry("xianfeng", "2")) == 2);
    auto all = j.query({});
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == 1);
    CHECK(all[0].wall_time != std::chrono::system_clock::time_point{});
    CHECK(all[1].meter_no == "2");
}

TEST_CASE("a full ring drops the oldest entries and never reuses ids") {
    sim::journal j(3);
    for (int i = 1; i <= 5; ++i) j.append(an_entry("cnmcsp", std::to_string(i)));
    CHECK(j.size() == 3);
    CHECK(j.dropped() == 2);
    CHECK(j.last_id() == 5);
    auto all = j.query({});
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == 3);
    CHECK(all[2].id == 5);
    CHECK(all[2].meter_no == "5");
}

TEST_CASE("queries filter by platform and meter, oldest first") {
    sim::journal j(100);
    j.append(an_entry("xianfeng", "A"));
    j.append(an_entry("cnmcsp", "A"));
    j.append(an_entry("xianfeng", "B"));
    j.append(an_entry("xianfeng", "A"));

    auto xf = j.query(filter("xianfeng"));
    REQUIRE(xf.size() == 3);
    CHECK(xf[0].id == 1);
    CHECK(xf[1].id == 3);

    auto a = j.query(filter("xianfeng", "A"));
    REQUIRE(a.size() == 2);
    CHECK(a[1].id == 4);

    CHECK(j.query(filter("", "A")).size() == 3);
    CHECK(j.query(filter("xintian")).empty());
}

TEST_CASE("since_id and limit page through the journal") {
    sim::journal j(4);
    for (int i = 0; i < 6; ++i) j.append(an_entry("xianfeng", "M"));  // ids 3..6 remain

    auto first = j.query(page(0, 2));
    REQUIRE(first.size() == 2);
    CHECK(first[0].id == 3);
    CHECK(first[1].id == 4);

    auto next = j.query(page(first.back().id, 2));
    REQUIRE(next.size() == 2);
    CHECK(next[0].id == 5);

    CHECK(j.query(page(6)).empty());
    CHECK(j.query(page(100)).empty());
    CHECK(j.query(page(0, 0)).empty());
}

TEST_CASE("entries keep their verdict and deviations") {
    sim::journal j;
    auto e = an_entry("xianfeng", "M");
    e.dir = sim::direction::in;
    e.virtual_time = meters::instant_from_ms(1000);
    e.verdict = "deviations";
    e.deviations.push_back({"meterNo", "required", "xianfeng §2.1"});
    j.append(std::move(e));
    auto got = j.query({});
    REQUIRE(got.size() == 1);
    CHECK(got[0].virtual_time == meters::instant_from_ms(1000));
    CHECK(sim::to_string(got[0].dir) == "in");
    REQUIRE(got[0].deviations.size() == 1);
    CHECK(got[0].deviations[0].section == "xianfeng §2.1");
}

TEST_CASE("a full ring's slots take entries of any size and give back exactly what was appended") {
    sim::journal j(2);
    std::string const big(5000, 'b');
    auto with_bodies = [](std::string req, std::string res) {
        sim::journal_entry e = an_entry("xianfeng", "M");
        e.request_body = std::move(req);
        e.response_body = std::move(res);
        return e;
    };
    j.append(with_bodies(big, big));
    j.append(with_bodies("", "short"));
    j.append(with_bodies("small", ""));  // overwrites the slot that held the big bodies
    auto e = with_bodies(big + "x", "r");
    e.deviations.push_back({"meterNo", "required", "xianfeng §1.1"});
    e.error = "an error";
    e.kind = "xianfeng.report";
    j.append(e);
    auto all = j.query({});
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == 3);
    CHECK(all[0].request_body == "small");
    CHECK(all[0].response_body.empty());
    CHECK(all[0].deviations.empty());
    CHECK(all[1].request_body == big + "x");
    CHECK(all[1].response_body == "r");
    CHECK(all[1].kind == "xianfeng.report");
    CHECK(all[1].error == "an error");
    CHECK(all[1].platform == "xianfeng");
    CHECK(all[1].meter_no == "M");
    CHECK(all[1].method == "POST");
    CHECK(all[1].target == "/x");
    REQUIRE(all[1].deviations.size() == 1);
    CHECK(all[1].deviations[0].field == "meterNo");
}

TEST_CASE("an entry appended from views reads back like one appended as a value") {
    sim::journal j(10);
    std::string const body = R"({"a":1})";
    sim::journal_view v;
    v.dir = sim::direction::out;
    v.platform = "cnmcsp";
    v.method = "POST";
    v.target = "http://cis/x";
    v.meter_no = "42";
    v.request_body = body;
    v.status = 503;
    v.latency_us = 12;
    v.verdict = "failed";
    CHECK(j.append(v) == 1);
    auto all = j.query(filter("cnmcsp", "42"));
    REQUIRE(all.size() == 1);
    CHECK(all[0].dir == sim::direction::out);
    CHECK(all[0].request_body == body);
    CHECK(all[0].status == 503);
    CHECK(all[0].latency_us == 12);
    CHECK(all[0].verdict == "failed");
    CHECK(all[0].wall_time != std::chrono::system_clock::time_point{});
    CHECK(all[0].kind.empty());
}

TEST_CASE("a shared request body is kept by pointer, and let go when its slot is reused") {
    sim::journal j(2);
    auto const body = std::make_shared<std::string const>(R"([{"pushed":1}])");
    sim::journal_view v;
    v.dir = sim::direction::out;
    v.platform = "xianfeng";
    v.meter_no = "7";
    v.request_body = "ignored when shared";
    v.shared_request_body = &body;
    v.response_body = "ok";
    v.verdict = "accepted";
    j.append(v);
    CHECK(body.use_count() == 2);  // the journal holds it, no copy of the bytes
    auto all = j.query(filter("xianfeng", "7"));
    REQUIRE(all.size() == 1);
    CHECK(all[0].request_body == *body);
    CHECK(all[0].response_body == "ok");
    CHECK(all[0].verdict == "accepted");
    CHECK(all[0].meter_no == "7");

    // A null shared pointer means no sharing: request_body is copied.
    std::shared_ptr<std::string const> const none;
    v.shared_request_body = &none;
    v.request_body = "copied";
    v.meter_no = "8";
    j.append(v);
    CHECK(j.query(filter("xianfeng", "8")).at(0).request_body == "copied");

    // The ring (capacity 2) overwrites the shared entry's slot with a plain one.
    v.shared_request_body = nullptr;
    v.request_body = "plain";
    v.meter_no = "9";
    j.append(v);
    CHECK(body.use_count() == 1);
    auto const rest = j.query(filter("xianfeng", ""));
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].request_body == "copied");
    CHECK(rest[1].request_body == "plain");
    CHECK(rest[1].response_body == "ok");
}

}  // TEST_SUITE

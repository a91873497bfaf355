#include "sim/conformance_tally.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/journal.hpp"

using namespace metersim::sim;

namespace {

journal_entry deviating(std::string target, std::vector<deviation> ds, std::string verdict = "deviations") {
    journal_entry e;
    e.dir = direction::in;
    e.platform = "xintian";
    e.method = "POST";
    e.target = std::move(target);
    e.verdict = std::move(verdict);
    e.deviations = std::move(ds);
    return e;
}

deviation as_string(std::string field) {
    return deviation{std::move(field), "number sent as string", "xintian §3.10", "sent as a JSON string"};
}

}  // namespace

TEST_SUITE("sim/conformance_tally") {

TEST_CASE("the journal counts deviations per platform, endpoint, field and rule, past its ring's capacity") {
    journal j{2};
    for (int i = 0; i < 5; ++i) j.append(deviating("/api/Meters/CreatePrice?x=1", {as_string("Price1")}));
    auto refused = as_string("Price2");
    refused.refused = true;
    j.append(deviating("/api/Meters/CreatePrice", {deviation{"X", "unknown key", "xintian §3.10", "", false}, refused},
                       "rejected: -200 Price2"));
    journal_entry ok = deviating("/api/Meters/CreatePrice", {});
    ok.verdict = "ok";
    j.append(ok);
    CHECK(j.size() == 2);  // the ring kept two entries; the tally kept every request
    auto rows = j.conformance();
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].platform == "xintian");
    CHECK(rows[0].endpoint == "POST /api/Meters/CreatePrice");
    CHECK(rows[0].field == "Price1");
    CHECK(rows[0].rule == "number sent as string");
    CHECK(rows[0].section == "xintian §3.10");
    CHECK(rows[0].count == 5);
    CHECK(rows[0].refused == 0);
    CHECK(rows[0].first_id == 1);
    CHECK(rows[0].example_id == 5);
    CHECK(rows[0].example_detail == "sent as a JSON string");
    CHECK(rows[1].field == "Price2");
    CHECK(rows[1].refused == 1);
    CHECK(rows[2].field == "X");  // journaled beside the refusal, not refused for it
    CHECK(rows[2].refused == 0);
    CHECK(j.deviating_requests() == 6);
}

TEST_CASE("a rule broken twice by one request counts once, and pushes out are not counted") {
    journal j;
    j.append(deviating("/p", {as_string("A"), as_string("A"), deviation{"B", "unknown key", "xintian §3.1", "", false}}));
    auto out = deviating("/p", {as_string("A")});
    out.dir = direction::out;
    j.append(out);
    auto rows = j.conformance();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].count == 1);
    CHECK(rows[1].field == "B");
    CHECK_FALSE(rows[1].strict_refuses);
}

TEST_CASE("the rows of several runs add up, and the text names each rule with its section and example") {
    conformance_tally a, b;
    auto refused = as_string("A");
    refused.refused = true;
    a.add("xintian", "POST", "/p", {as_string("A")}, 7);
    b.add("xintian", "POST", "/p", {refused}, 3);
    b.add("cnmcsp", "POST", "/q", {deviation{"Content-Type", "application/json", "cnmcsp §4.1", "text/plain"}}, 4);
    auto rows = merge_rows(a.rows(), b.rows());
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].platform == "cnmcsp");
    CHECK(rows[1].count == 2);
    CHECK(rows[1].refused == 1);
    CHECK(rows[1].example_id == 7);
    auto const text = conformance_text(rows);
    CHECK(text.find("2 rules broken") != std::string::npos);
    CHECK(text.find("POST /p A: number sent as string (xintian §3.10) x2, 1 refused, e.g. journal #7") != std::string::npos);
    CHECK(text.find("strict refuses it") != std::string::npos);
    CHECK(conformance_text({}) == "conformance: no deviations from the documents\n");
}

}

// Issue 16 item 8: Xianfeng §3.1/§3.2 callbacks carry a List<msgDTO>; with push batching on,
// several messages share one push (options::batch), so a CIS's list handling is exercised.

#include "tests/e2e/xianfeng_fixture.hpp"

#include <set>
#include <string>

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

xf::options batching(std::size_t messages, std::size_t max_bytes = 65536) {
    auto o = xianfeng_fixture::default_options();
    o.batch.messages = messages;
    o.batch.max_bytes = max_bytes;
    o.batch.max_delay = std::chrono::seconds{10};
    return o;
}

std::vector<received_request> reports(cis_receiver& cis) {
    std::vector<received_request> out;
    for (auto const& r : cis.requests())
        if (r.target == "/deviceReportData") out.push_back(r);
    return out;
}

}  // namespace

TEST_SUITE("e2e/xianfeng batching") {

TEST_CASE("issue 16: three reports share one signed push when batching takes three messages") {
    xianfeng_fixture f(batching(3));
    std::set<std::string> ids;
    for (char const* no : {"07602190100001601", "07602190100001602", "07602190100001603"}) {
        f.manufacture(no);
        ids.insert(f.register_device(no));
    }
    f.wake("07602190100001601");
    f.wake("07602190100001602");
    CHECK(reports(f.cis).empty());  // waiting for a third message or the delay
    f.wake("07602190100001603");
    REQUIRE(f.cis.wait_for_requests(1));
    f.settle();
    auto const seen = reports(f.cis);
    REQUIRE(seen.size() == 1);
    auto const list = json::parse(seen[0].body);
    REQUIRE(list.is_array());
    REQUIRE(list.size() == 3);
    std::set<std::string> pushed;
    for (auto const& msg : list) pushed.insert(msg.at("deviceId").get<std::string>());
    CHECK(pushed == ids);
    CHECK(seen[0].header("API_TOKEN") == xf::make_token(xf_key, xf_merchant, seen[0].header("API_TRANS_ID")));
}

TEST_CASE("issue 16: a batch that does not fill leaves after the delay, and one too big for max_bytes goes alone") {
    SUBCASE("the delay") {
        xianfeng_fixture f(batching(5));
        f.registered_device("07602190100001604");
        f.wake("07602190100001604");
        CHECK(reports(f.cis).empty());
        f.advance(9s);
        CHECK(reports(f.cis).empty());
        f.advance(1s);
        REQUIRE(f.cis.wait_for_requests(1));
        f.settle();
        auto const seen = reports(f.cis);
        REQUIRE(seen.size() == 1);
        CHECK(json::parse(seen[0].body).size() == 1);
    }
    SUBCASE("max_bytes") {
        xianfeng_fixture f(batching(5, 64));  // smaller than one report: each leaves at once
        f.registered_device("07602190100001605");
        f.registered_device("07602190100001606");
        f.wake("07602190100001605");
        f.wake("07602190100001606");
        REQUIRE(f.cis.wait_for_requests(2));
        f.settle();
        auto const seen = reports(f.cis);
        REQUIRE(seen.size() == 2);
        for (auto const& r : seen) CHECK(json::parse(r.body).size() == 1);
    }
}

TEST_CASE_FIXTURE(xianfeng_fixture, "issue 16: without batching (the default) every push carries exactly one message") {
    registered_device("07602190100001607");
    registered_device("07602190100001608");
    wake("07602190100001607");
    wake("07602190100001608");
    REQUIRE(cis.wait_for_requests(2));
    settle();
    auto const seen = reports(cis);
    REQUIRE(seen.size() == 2);
    for (auto const& r : seen) CHECK(json::parse(r.body).size() == 1);
}

}

// GET /admin/conformance (issue 16): the CIS's deviations from the vendor documents, per
// platform, endpoint and rule, over HTTP on an admin listener beside the platform, as `metersim
// serve` has them.

#include "tests/e2e/cnmcsp_fixture.hpp"
#include "tests/e2e/xianfeng_fixture.hpp"
#include "tests/e2e/xintian_fixture.hpp"
#include "tests/support/admin_server.hpp"

#include <memory>
#include <string>

using namespace metersim;
using namespace metersim::test;

namespace {

/// The sim's admin API over the fixture's fleet, clock and journal, on a listener of its own.
template <class Fixture>
struct with_admin {
    Fixture& f;
    sim::admin_context ctx{f.fleet, f.sched, f.clk, f.journal};
    std::unique_ptr<sim::http::server> server;
    std::uint16_t port = 0;

    explicit with_admin(Fixture& fixture) : f(fixture) {
        f.loop.call([&] {
            server = admin_server(f.loop.io(), ctx);
            port = server->port();
        });
    }
    ~with_admin() {
        f.loop.call([&] { server.reset(); });
    }
    with_admin(with_admin const&) = delete;
    with_admin& operator=(with_admin const&) = delete;

    /// GET /admin/conformance's rules (status 200 required).
    json rules(std::string const& query = {}) {
        auto a = http_request("GET", "127.0.0.1", port, "/admin/conformance" + query, {}, "");
        REQUIRE(a.status == 200);
        return json::parse(a.body);
    }
};

json const* find_rule(json const& body, std::string const& endpoint, std::string const& field, std::string const& rule) {
    for (auto const& r : body.at("rules"))
        if (r.at("endpoint") == endpoint && r.at("field") == field && r.at("rule") == rule) return &r;
    return nullptr;
}

}  // namespace

TEST_SUITE("e2e/conformance") {

TEST_CASE_FIXTURE(xintian_fixture, "issue 16: the conformance report counts each broken rule with its section, an example and strict's verdict") {
    with_admin admin(*this);
    CHECK(admin.rules().at("rules").empty());
    create_price("P1");
    for (char const* code : {"P2", "P3"}) {
        auto body = price_body(code);
        body["Price1"] = "2.5";  // declared a number (xintian §3.10), sent as a string
        REQUIRE(code_of(call_json("/api/Meters/CreatePrice", body)) == 1);
    }
    auto h = auth_headers();
    h.pop_back();  // no Content-Type
    REQUIRE(code(call_json("/api/Users/GetUserInfo", R"({"MeterAddr":"XT9"})", h)) == -1);
    call_json("/api/Users/GetPayList", R"({"MeterAddr":"XT9","Extra":1})");

    auto body = admin.rules();
    CHECK(body.at("deviating_requests") == 4);
    auto const* price = find_rule(body, "POST /api/Meters/CreatePrice", "Price1", "number sent as string");
    REQUIRE(price != nullptr);
    CHECK(price->at("platform") == "xintian");
    CHECK(price->at("count") == 2);
    CHECK(price->at("refused") == 0);
    CHECK(price->at("strict_refuses") == true);
    CHECK(price->at("example_detail") == "sent as a JSON string");
    // The example is the journal's entry of the latest such request, with the same section.
    auto const id = price->at("example_id").get<std::uint64_t>();
    auto example = journal.query(sim::journal_query{"xintian", "", id - 1, 1});
    REQUIRE(example.size() == 1);
    CHECK(example[0].target == "/api/Meters/CreatePrice");
    CHECK(example[0].request_body.find("P3") != std::string::npos);
    REQUIRE_FALSE(example[0].deviations.empty());
    CHECK(price->at("section") == example[0].deviations[0].section);
    CHECK(price->at("section").get<std::string>().starts_with("xintian §"));

    auto const* header = find_rule(body, "POST /api/Users/GetUserInfo", "Content-Type", "application/json");
    REQUIRE(header != nullptr);
    CHECK(header->at("count") == 1);
    CHECK(header->at("example_detail") == "absent");
    auto const* unknown = find_rule(body, "POST /api/Users/GetPayList", "Extra", "unknown key");
    REQUIRE(unknown != nullptr);
    CHECK(unknown->at("strict_refuses") == false);  // recorded, never refused
    CHECK(admin.rules("?platform=cnmcsp").at("rules").empty());
}

TEST_CASE("issue 16: strict mode refuses exactly the reported deviation with the document's code, and the report counts it refused") {
    xintian_fixture f(xintian_fixture::strict_options());
    with_admin admin(f);
    auto body = xintian_fixture::price_body("P1");
    body["Price1"] = "2.5";
    auto j = f.call_json("/api/Meters/CreatePrice", body);
    CHECK(xintian_fixture::code(j) == -200);
    CHECK(j.at("Message").get<std::string>().find("Price1") != std::string::npos);
    auto rules = admin.rules();
    auto const* price = find_rule(rules, "POST /api/Meters/CreatePrice", "Price1", "number sent as string");
    REQUIRE(price != nullptr);
    CHECK(price->at("count") == 1);
    CHECK(price->at("refused") == 1);
    // An unknown key is journaled in strict mode too, and not refused.
    f.call_json("/api/Users/GetPayList", R"({"MeterAddr":"XT9","Extra":1})");
    auto const after = admin.rules();
    auto const* unknown = find_rule(after, "POST /api/Users/GetPayList", "Extra", "unknown key");
    REQUIRE(unknown != nullptr);
    CHECK(unknown->at("refused") == 0);
}

TEST_CASE("issue 16: CNMCSP §4.1.1 requires Accept: lenient reports its absence, strict refuses it with 80002003") {
    auto without_accept = [] {
        auto h = cnmcsp_fixture::auth_headers();
        h.erase(h.begin());  // Accept
        return h;
    };
    {
        cnmcsp_fixture f;
        with_admin admin(f);
        REQUIRE(f.code(f.call_json("meter/meteradd", cnmcsp_fixture::meter_add_body("U1", "M1"), without_accept())) ==
                "0");
        auto const rules = admin.rules("?platform=cnmcsp");
        auto const* accept = find_rule(rules, "POST /rest/Standard/meter/meteradd", "Accept", "application/json");
        REQUIRE(accept != nullptr);
        CHECK(accept->at("example_detail") == "absent");
        CHECK(accept->at("strict_refuses") == true);
        // With the header, nothing to report.
        REQUIRE(f.code(f.call_json("meter/meteradd", cnmcsp_fixture::meter_add_body("U2", "M2"))) == "0");
        CHECK(admin.rules("?platform=cnmcsp").at("deviating_requests") == 1);
    }
    cnmcsp_fixture f(cnmcsp_fixture::strict_options());
    with_admin admin(f);
    auto j = f.call_json("meter/meteradd", cnmcsp_fixture::meter_add_body("U1", "M1"), without_accept());
    CHECK(f.code(j) == "80002003");
    CHECK(j.at("returnMessage").get<std::string>().find("Accept") != std::string::npos);
    auto const rules = admin.rules();
    auto const* accept = find_rule(rules, "POST /rest/Standard/meter/meteradd", "Accept", "application/json");
    REQUIRE(accept != nullptr);
    CHECK(accept->at("refused") == 1);
}

TEST_CASE_FIXTURE(xianfeng_fixture, "issue 16: the conformance report lists Xianfeng's key case and query quirks per endpoint") {
    with_admin admin(*this);
    manufacture("07602190000000161");
    auto j = call_json("POST", "/iotcloud/app/devices/v1.0.0/register?companyCode=000000",
                       R"({"manuId":1,"DeviceNo":"07602190000000161","userNo":"0000000001"})");
    REQUIRE(code(j) == "100000");
    REQUIRE(code(call_json("POST", "/iotcloud/app/devices/v1.0.0/query?companyCode=000000",
                           R"({"deviceNo":"07602190000000161"})")) == "100000");
    auto body = admin.rules("?platform=xianfeng");
    auto const* key = find_rule(body, "POST /iotcloud/app/devices/v1.0.0/register", "deviceNo", "key case");
    REQUIRE(key != nullptr);
    CHECK(key->at("section") == "xianfeng §1.1");
    CHECK(key->at("example_detail") == R"(sent as "DeviceNo")");
    auto const* method = find_rule(body, "POST /iotcloud/app/devices/v1.0.0/query", "method", "GET");
    REQUIRE(method != nullptr);
    CHECK(method->at("section") == "xianfeng §1.3");
    CHECK(method->at("count") == 1);
}

}

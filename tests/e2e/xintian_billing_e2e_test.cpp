#include "tests/e2e/xintian_fixture.hpp"

#include "platforms/common/crypto.hpp"

#include <set>

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

std::string answer(std::string const& no, std::string const& price, std::string const& remnant, int valve = 1) {
    return R"({"ResultCode":1,"Message":"ok","DataList":[{"MeterAddr":")" + no + R"(","UnitPrice":)" + price +
           R"(,"Remnant":)" + remnant + R"(,"RemnantTime":"2026-01-01 00:00:00","ValveMode":)" + std::to_string(valve) +
           R"(,"LastPayMoney":100,"LastPayTime":"2025-12-31 10:00:00"}]})";
}

/// One §3.6.2 DataList entry.
std::string entry(std::string const& no, std::string const& price, std::string const& remnant, int valve = 1) {
    return R"({"MeterAddr":")" + no + R"(","UnitPrice":)" + price + R"(,"Remnant":)" + remnant +
           R"(,"ValveMode":)" + std::to_string(valve) + "}";
}

std::string answer_list(std::vector<std::string> const& entries) {
    std::string s = R"({"ResultCode":1,"Message":"ok","DataList":[)";
    for (std::size_t i = 0; i < entries.size(); ++i) s += (i == 0 ? "" : ",") + entries[i];
    return s + "]}";
}

/// The timestamp a §2-signed request carries, after checking that its two headers agree.
std::string signed_timestamp(received_request const& req) {
    auto decoded = platforms::crypto::base64_decode(req.header("Authorization"));
    REQUIRE(decoded.has_value());
    REQUIRE(decoded->rfind(std::string(xt_app_id) + ":", 0) == 0);
    auto ts = decoded->substr(std::string(xt_app_id).size() + 1);
    CHECK(req.header("AccessToken") == platforms::crypto::md5_hex(std::string(xt_app_id) + xt_secret + ts));
    return ts;
}

std::vector<received_request> report_requests(cis_receiver const& cis) {
    std::vector<received_request> out;
    for (auto const& r : cis.requests())
        if (r.target == xt_report_path) out.push_back(r);
    return out;
}

scripted_answer ok(std::string body) {
    scripted_answer a;
    a.body = std::move(body);
    return a;
}

/// A third-party meter created and opened, its first report answered with price 3.20, 50.00.
struct billing_fixture : xintian_fixture {
    billing_fixture() {
        cis.answer_always(ok(answer("XT0006", "3.20", "50.00")));
        create_meter("XT0006", "U006", "6", "");
    }
    std::size_t billing_rejections() {
        std::size_t n = 0;
        for (auto const& e : journal.query(sim::journal_query{"xintian", {}, 0, 1000}))
            if (e.verdict == "bad billing answer") ++n;
        return n;
    }
};

}  // namespace

TEST_SUITE("e2e/xintian third-party billing") {

TEST_CASE_FIXTURE(billing_fixture, "a third-party meter's report reaches the CIS with §3.6's fields and signed headers") {
    REQUIRE_FALSE(reports().empty());
    auto const r = reports().back();
    for (auto k : {"UserCode", "UserName", "MeterAddr", "ReadNumber", "Voltage", "ValveState", "MeterCSQ", "RSRP", "SNR",
                   "CC", "MeterStatus", "BatteryState", "ReadDate", "PeriodDosage", "Reserve"})
        CHECK_MESSAGE(r.contains(k), k);
    CHECK(r.at("MeterAddr") == "XT0006");
    CHECK(r.at("UserCode") == "U006");
    auto const req = cis.requests().back();
    CHECK(req.target == "/api/Meters/GetData");
    CHECK(signed_timestamp(req).size() == 14);
    CHECK(req.header("Content-Type") == "application/json;charset=utf-8");
}

TEST_CASE_FIXTURE(billing_fixture, "each retry of a billing report is signed with a timestamp not used before") {
    cis.enqueue(ok(R"({"ResultCode":0,"Message":"请求失败"})"));
    cis.enqueue(ok(R"({"ResultCode":0,"Message":"请求失败"})"));
    auto const before = report_requests(cis).size();
    wake("XT0006");
    advance(1s);
    advance(2s);
    auto const all = report_requests(cis);
    REQUIRE(all.size() == before + 3);
    // spec: xintian §2: a CIS refuses a timestamp it has seen (时间戳重复); the body is the same.
    xt::authenticator receiver(xt::auth_config{{xt_app_id, xt_secret, std::chrono::hours{1}, xt_zone}, 100});
    std::set<std::string> stamps;
    for (auto const& r : all) {
        stamps.insert(signed_timestamp(r));
        CHECK_FALSE(receiver.verify({r.header("AccessToken"), r.header("Authorization")}).has_value());
    }
    CHECK(stamps.size() == all.size());
    CHECK(all[before].body == all[before + 1].body);
    CHECK(all[before].body == all[before + 2].body);
    CHECK(state("XT0006").billing.balance == meters::money::from_units(50));
}

TEST_CASE_FIXTURE(billing_fixture, "issue #5: the answer is applied to the meter of the report it answers, not to every meter it names") {
    // The CIS answers every report with entries for both third-party meters.
    cis.answer_always(ok(answer_list({entry("XT0006", "9.99", "1.00", 2), entry("XT0007", "2.80", "30.00")})));
    create_meter("XT0007", "U007", "6", "");
    auto s7 = state("XT0007");
    CHECK(s7.billing.backend.unit_price == meters::price::from_e4(28000));
    CHECK(s7.billing.balance == meters::money::from_units(30));
    // XT0006 did not report: the entry for it in XT0007's answer changes nothing.
    auto s6 = state("XT0006");
    CHECK(s6.billing.backend.unit_price == meters::price::from_e4(32000));
    CHECK(s6.billing.balance == meters::money::from_units(50));
    CHECK(valve("XT0006") == meters::valve_position::open);
}

TEST_CASE_FIXTURE(billing_fixture, "an answer with only another third-party meter's entry is not accepted for this report") {
    cis.answer_always(ok(answer_list({entry("XT0007", "2.80", "30.00")})));
    create_meter("XT0007", "U007", "6", "");
    REQUIRE(state("XT0007").billing.balance == meters::money::from_units(30));
    auto const before = report_requests(cis).size();
    wake("XT0006");  // answered with XT0007's entry only
    CHECK(report_requests(cis).size() == before + 1);
    CHECK(state("XT0006").billing.balance == meters::money::from_units(50));
    CHECK(state("XT0007").billing.balance == meters::money::from_units(30));
    CHECK(outbox->counters().pending == 1);
    cis.answer_always(ok(answer("XT0006", "3.30", "45.00")));
    advance(1s);  // the retry, with the same body, answered for XT0006
    CHECK(state("XT0006").billing.balance == meters::money::from_units(45));
    CHECK(state("XT0007").billing.balance == meters::money::from_units(30));
    CHECK(outbox->counters().pending == 0);
}

TEST_CASE_FIXTURE(billing_fixture, "the CIS's answer sets the unit price and the remaining money on the meter") {
    auto s = state("XT0006");
    CHECK(s.billing.backend.unit_price == meters::price::from_e4(32000));
    CHECK(s.billing.balance == meters::money::from_units(50));
    // The next report carries what the CIS set, and its answer moves the meter again.
    cis.answer_always(ok(answer("XT0006", "3.50", "42.75")));
    wake("XT0006");
    CHECK(reports().back().at("Reserve") == 50);
    s = state("XT0006");
    CHECK(s.billing.backend.unit_price == meters::price::from_e4(35000));
    CHECK(s.billing.balance == meters::money::from_e4(427500));
}

TEST_CASE_FIXTURE(billing_fixture, "ValveMode 2 closes the valve, 1 opens it again") {
    cis.answer_always(ok(answer("XT0006", "3.20", "50.00", 2)));
    wake("XT0006");
    advance(30s);
    CHECK(valve("XT0006") == meters::valve_position::closed);
    cis.answer_always(ok(answer("XT0006", "3.20", "50.00", 1)));
    wake("XT0006");
    advance(30s);
    CHECK(valve("XT0006") == meters::valve_position::open);
}

TEST_CASE_FIXTURE(billing_fixture, "a bad answer leaves the meter as it was and is retried until a good one") {
    auto const pushes_before = reports().size();
    SUBCASE("not JSON") { cis.enqueue(ok("<html>oops</html>")); }
    SUBCASE("UnitPrice mistyped") { cis.enqueue(ok(answer("XT0006", R"("cheap")", "10.00"))); }
    SUBCASE("ResultCode 0") { cis.enqueue(ok(R"({"ResultCode":0,"Message":"请求失败"})")); }
    SUBCASE("another meter's entry only") { cis.enqueue(ok(answer("XT9999", "1.00", "10.00"))); }
    SUBCASE("an HTTP error") {
        scripted_answer a;
        a.status = 500;
        a.body = "{}";
        cis.enqueue(a);
    }
    cis.answer_always(ok(answer("XT0006", "4.00", "20.00", 1)));
    wake("XT0006");
    auto s = state("XT0006");
    CHECK(s.billing.balance == meters::money::from_units(50));
    CHECK(s.billing.backend.unit_price == meters::price::from_e4(32000));
    CHECK(reports().size() == pushes_before + 1);
    advance(2s);  // the outbox's first retry, with the same body
    auto const all = reports();
    REQUIRE(all.size() == pushes_before + 2);
    CHECK(all[all.size() - 1] == all[all.size() - 2]);
    s = state("XT0006");
    CHECK(s.billing.balance == meters::money::from_units(20));
    CHECK(s.billing.backend.unit_price == meters::price::from_e4(40000));
}

TEST_CASE_FIXTURE(billing_fixture, "a bad answer is journaled with what was wrong") {
    cis.enqueue(ok(answer("XT0006", "3.20", R"("x")")));
    wake("XT0006");
    CHECK(billing_rejections() == 1);
    bool named = false;
    for (auto const& e : journal.query(sim::journal_query{"xintian", "XT0006", 0, 1000}))
        if (e.verdict == "bad billing answer" && e.error.find("Remnant") != std::string::npos) named = true;
    CHECK(named);
}

TEST_CASE_FIXTURE(billing_fixture, "while the CIS is down the meter keeps its terms and the report waits") {
    cis.down();
    wake("XT0006");
    advance(5s);
    CHECK(state("XT0006").billing.balance == meters::money::from_units(50));
    CHECK(outbox->counters().pending == 1);
    cis.up();
    cis.answer_always(ok(answer("XT0006", "3.20", "11.00")));
    advance(10s);
    CHECK(state("XT0006").billing.balance == meters::money::from_units(11));
    CHECK(outbox->counters().pending == 0);
}

TEST_CASE_FIXTURE(xintian_fixture, "meter-side billed meters send no billing report") {
    create_price();
    create_meter("XT0001", "U001");
    wake("XT0001");
    CHECK(reports().empty());
}

}  // TEST_SUITE

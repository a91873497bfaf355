#include "tests/e2e/xianfeng_fixture.hpp"

using namespace metersim;
using namespace metersim::test;
using namespace std::chrono_literals;

namespace {

constexpr char const* close_valve = R"({"method":"VALVE_CONTROL","paras":{"controlFlag":1}})";
constexpr char const* open_valve = R"({"method":"VALVE_CONTROL","paras":{"controlFlag":0}})";

struct commands_fixture : xianfeng_fixture {
    std::string no = "07602190100007116";
    std::string id;
    commands_fixture() : id{registered_device(no)} {}
    int state(std::string const& cmd) { return query_command(id, cmd).at("commandState").get<int>(); }
    std::string cancel(std::string const& cmd) {
        return code(call_json("PUT", "/iotcloud/app/cmd/v1.0.0/cancelCmd?deviceId=" + id +
                                         "&commandId=" + cmd));
    }
    std::string batch(std::string const& body) {
        return code(call_json("POST", "/iotcloud/app/cmd/v1.0.0/batchQueryCmd?companyCode=000000", body));
    }
};

/// The default options with the command store's bounds changed by `bound` (a store_bounds&).
template <class Bound>
xf::options command_bounds(Bound&& bound) {
    auto o = xianfeng_fixture::default_options();
    bound(o.commands);
    return o;
}

}  // namespace

TEST_SUITE("e2e/xianfeng commands") {

TEST_CASE_FIXTURE(commands_fixture, "a command waits for the meter's session, is sent (4), then succeeds (1) and is pushed") {
    auto cmd = create_command(id, close_valve);
    CHECK(cmd.size() == 32);
    CHECK(state(cmd) == 0);
    advance(1h);  // no session yet: still pending
    CHECK(state(cmd) == 0);
    wake(no);
    CHECK(state(cmd) == 4);
    advance(2s);
    auto r = query_command(id, cmd);
    CHECK(r.at("commandState") == 1);
    CHECK(r.at("resultDetail").at("commandResult") == "0");
    CHECK(r.at("commandUpdateTime").get<std::string>().size() == 14);
    // The meter really closes its valve for the remote cause.
    CHECK(loop.call([&] { return (fleet.find(no)->meter.valve_causes() & 1u) != 0; }));
    REQUIRE(cis.wait_for_requests(1));
    settle();
    auto responses = pushes("/deviceResponseData");
    REQUIRE(responses.size() == 1);
    CHECK(responses[0][0].at("callbackType") == "1");
    CHECK(responses[0][0].at("commandId") == cmd);
    CHECK(responses[0][0].at("deviceId") == id);
    CHECK(responses[0][0].at("callbackData").at("commandResult") == "0");
    for (auto const& rq : cis.requests()) {
        if (rq.target != "/deviceResponseData") continue;
        CHECK(rq.header("API_ORG_NUM") == "000000");
        CHECK(rq.header("API_TOKEN") == xf::make_token(xf_key, xf_merchant, rq.header("API_TRANS_ID")));
    }
}

TEST_CASE_FIXTURE(commands_fixture, "commands reach the meter one at a time, in order") {
    auto a = create_command(id, close_valve);
    auto b = create_command(id, open_valve);
    wake(no);
    CHECK(state(a) == 4);
    CHECK(state(b) == 0);
    advance(2s);
    CHECK(state(a) == 1);
    CHECK(state(b) == 4);
    advance(2s);
    CHECK(state(b) == 1);
}

TEST_CASE_FIXTURE(commands_fixture, "a pending command expires at its expireTime") {
    auto cmd = create_command(id, close_valve, R"(,"expireTime":60,"expireCount":3)");
    advance(59s);
    CHECK(state(cmd) == 0);
    advance(2s);
    CHECK(state(cmd) == 3);
    wake(no);
    advance(5s);
    CHECK(state(cmd) == 3);  // an expired command is never sent
}

TEST_CASE_FIXTURE(commands_fixture, "a command the meter cannot carry out expires after expireCount attempts") {
    inject(no, meters::events::valve_fault{meters::valve_fault::damaged});
    auto cmd = create_command(id, open_valve, R"(,"expireCount":2)");
    wake(no);
    advance(2s);
    CHECK(state(cmd) == 0);  // first failed attempt: pending again
    wake(no);
    advance(2s);
    CHECK(state(cmd) == 3);
}

TEST_CASE_FIXTURE(commands_fixture, "cancelCmd cancels a pending command only") {
    auto cmd = create_command(id, close_valve);
    CHECK(cancel(cmd) == "100000");
    CHECK(state(cmd) == 5);
    CHECK(cancel(cmd) == "500046");
    auto sending = create_command(id, close_valve);
    wake(no);
    CHECK(state(sending) == 4);
    CHECK(cancel(sending) == "500046");  // the race lost: already sent
    advance(2s);
    CHECK(state(sending) == 1);
    CHECK(cancel(std::string(32, 'a')) == "500043");
    CHECK(cancel("nothex") == "101001");
}

TEST_CASE_FIXTURE(commands_fixture, "queryCmd errors: unknown command 500043, a command of another device 500044") {
    manufacture("07602190100000099");
    auto other = register_device("07602190100000099");
    auto cmd = create_command(other, close_valve);
    CHECK(code(call_json("GET", "/iotcloud/app/cmd/v1.0.0/queryCmd?deviceId=" + id + "&commandId=" + cmd)) == "500044");
    CHECK(code(call_json("GET", "/iotcloud/app/cmd/v1.0.0/queryCmd?deviceId=" + id + "&commandId=" + std::string(32, 'b'))) == "500043");
    CHECK(code(call_json("GET", "/iotcloud/app/cmd/v1.0.0/queryCmd?deviceId=" + id)) == "101001");
}

TEST_CASE_FIXTURE(commands_fixture, "batchQueryCmd answers up to ten commands and refuses a bad list with 500048") {
    auto a = create_command(id, close_valve);
    auto b = create_command(id, open_valve);
    auto j = call_json("POST", "/iotcloud/app/cmd/v1.0.0/batchQueryCmd?companyCode=000000",
                       "[\"" + a + "\",\"" + b + "\"]");
    REQUIRE(code(j) == "100000");
    REQUIRE(j.at("result").size() == 2);
    CHECK(j.at("result")[1].at("commandId") == b);
    CHECK(j.at("result")[1].at("commandState") == 0);
    CHECK(j.at("result")[1].at("resultDetail") == "");
    std::string eleven = "[";
    for (int i = 0; i < 11; ++i) eleven += (i ? ",\"" : "\"") + a + "\"";
    eleven += "]";
    CHECK(batch(eleven) == "500048");
    CHECK(batch("[]") == "500048");
    CHECK(batch(R"({"ids":[]})") == "500048");
    CHECK(batch(R"(["short"])") == "500048");
    CHECK(batch("[\"" + std::string(32, 'c') + "\"]") == "500043");
}

TEST_CASE_FIXTURE(commands_fixture, "creatCmd validates expireTime, expireCount, the method and its parameters") {
    auto const target = "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id;
    auto send = [&](std::string const& body) { return code(call_json("POST", target, body)); };
    CHECK(send(R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":0})") == "101001");
    CHECK(send(R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":2678401})") == "101001");
    CHECK(send(R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireCount":6})") == "101001");
    CHECK(send(R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":2}}})") == "500015");
    CHECK(send(R"({"command":{"method":"FLY"}})") == "500013");
    CHECK(send(R"({"command":{"method":"BALANCE_SYNC"}})") == "500013");
    CHECK(send(R"({"expireTime":60})") == "101001");
    CHECK(send(R"({"command":{"method":"RECHARGE_REMOTE","paras":{"prepaidType":0,"billNo":0,"rechargeValue":1}}})") == "500032");
}

TEST_CASE_FIXTURE(commands_fixture, "RECHARGE_REMOTE checks a rechargeTime when one is sent (500037)") {
    auto const target = "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id;
    auto send = [&](std::string const& extra) {
        return call_json("POST", target,
                         R"({"command":{"method":"RECHARGE_REMOTE","paras":{"prepaidType":0,"billNo":3,"rechargeValue":5)" +
                             extra + "}}}");
    };
    auto bad = send(R"(,"rechargeTime":"2026-01-01")");
    CHECK(code(bad) == "500037");
    CHECK(bad.at("message").get<std::string>().find("rechargeTime") != std::string::npos);
    CHECK(code(send(R"(,"rechargeTime":"20261301000000")")) == "500037");
    CHECK(code(send(R"(,"rechargeTime":"20260101120000")")) == "100000");
}

TEST_CASE("creatCmd answers 500014 once a device has max_queued_commands waiting") {
    xianfeng_fixture f{command_bounds([](auto& c) { c.waiting = 2; })};
    auto id = f.registered_device("07602190100000210");
    auto first = f.create_command(id, close_valve);
    f.create_command(id, open_valve);
    auto const target = "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id;
    auto full = f.call_json("POST", target, std::string(R"({"command":)") + close_valve + "}");
    CHECK(xianfeng_fixture::code(full) == "500014");
    CHECK(full.at("message").get<std::string>().find("deviceId") != std::string::npos);
    // A command that leaves the queue makes room again.
    CHECK(xianfeng_fixture::code(f.call_json("PUT", "/iotcloud/app/cmd/v1.0.0/cancelCmd?deviceId=" + id +
                                                        "&commandId=" + first)) == "100000");
    f.create_command(id, close_valve);
}

// Issue 16 item 4: a burst of 50 commands to one device met the old default cap of 16.
TEST_CASE_FIXTURE(commands_fixture, "50 commands to one device in a burst are all accepted by default") {
    for (int i = 0; i < 50; ++i) {
        CAPTURE(i);
        auto j = call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id,
                           std::string(R"({"command":)") + (i % 2 == 0 ? close_valve : open_valve) + "}");
        CHECK(code(j) == "100000");
    }
}

TEST_CASE("max_queued_commands_total bounds the commands waiting over all devices: 500014 naming it") {
    xianfeng_fixture f{command_bounds([](auto& c) { c.waiting_total = 2; })};
    auto a = f.registered_device("07602190100000212");
    auto b = f.registered_device("07602190100000213");
    f.create_command(a, close_valve);
    f.create_command(b, close_valve);
    auto full = f.call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + a,
                            std::string(R"({"command":)") + open_valve + "}");
    REQUIRE(xianfeng_fixture::code(full) == "500014");
    CHECK(full.at("message").get<std::string>().find("all meters together (at most 2)") != std::string::npos);
}

TEST_CASE("the 500014 answer names deviceId, the commands waiting and the limit") {
    xianfeng_fixture f{command_bounds([](auto& c) { c.waiting = 3; })};
    auto id = f.registered_device("07602190100000211");
    for (int i = 0; i < 3; ++i) f.create_command(id, close_valve);
    auto full = f.call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id,
                            std::string(R"({"command":)") + open_valve + "}");
    REQUIRE(xianfeng_fixture::code(full) == "500014");
    auto const message = full.at("message").get<std::string>();
    CHECK(message.find("生成指令发生异常") != std::string::npos);
    CHECK(message.find("deviceId " + id) != std::string::npos);
    CHECK(message.find("already has 3 commands waiting") != std::string::npos);
    CHECK(message.find("at most 3") != std::string::npos);
    CHECK(full.at("result").is_null());
}

TEST_CASE("a command that expired makes room in the queue") {
    xianfeng_fixture f{command_bounds([](auto& c) { c.waiting = 1; })};
    auto id = f.registered_device("07602190100000212");
    auto first = f.create_command(id, close_valve, R"(,"expireTime":60)");
    auto const target = "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id;
    CHECK(xianfeng_fixture::code(f.call_json("POST", target, std::string(R"({"command":)") + close_valve + "}")) == "500014");
    f.advance(61s);
    CHECK(f.query_command(id, first).at("commandState") == 3);
    f.create_command(id, close_valve);
}

TEST_CASE("a finished command stays queryable for command_retention, then answers 500043") {
    xianfeng_fixture f{command_bounds([](auto& c) { c.retention = std::chrono::hours{1}; })};
    auto id = f.registered_device("07602190100000213");
    auto cmd = f.create_command(id, close_valve);
    auto const cancel = "/iotcloud/app/cmd/v1.0.0/cancelCmd?deviceId=" + id + "&commandId=" + cmd;
    REQUIRE(xianfeng_fixture::code(f.call_json("PUT", cancel)) == "100000");
    f.advance(59min);
    CHECK(f.query_command(id, cmd).at("commandState") == 5);
    f.advance(1min);
    auto j = f.call_json("GET", "/iotcloud/app/cmd/v1.0.0/queryCmd?deviceId=" + id + "&commandId=" + cmd);
    CHECK(xianfeng_fixture::code(j) == "500043");
    CHECK(j.at("message").get<std::string>().find("commandId") != std::string::npos);
    CHECK(xianfeng_fixture::code(f.call_json(
              "POST", "/iotcloud/app/cmd/v1.0.0/batchQueryCmd?companyCode=000000", "[\"" + cmd + "\"]")) == "500043");
}

TEST_CASE("a device keeps its last command_history finished commands") {
    xianfeng_fixture f{command_bounds([](auto& c) { c.history = 2; })};
    auto id = f.registered_device("07602190100000214");
    std::vector<std::string> cmds;
    for (int i = 0; i < 4; ++i) {
        cmds.push_back(f.create_command(id, i % 2 ? open_valve : close_valve));
        f.advance(1s);
    }
    auto const waiting = f.create_command(id, close_valve);  // stays pending: never dropped
    for (std::size_t i = 0; i < 4; ++i) {
        auto const cancel = "/iotcloud/app/cmd/v1.0.0/cancelCmd?deviceId=" + id + "&commandId=" + cmds[i];
        REQUIRE(xianfeng_fixture::code(f.call_json("PUT", cancel)) == "100000");
        f.advance(1s);
    }
    auto q = [&](std::string const& c) {
        return xianfeng_fixture::code(f.call_json("GET", "/iotcloud/app/cmd/v1.0.0/queryCmd?deviceId=" + id + "&commandId=" + c));
    };
    CHECK(q(cmds[0]) == "500043");  // finished first: forgotten first
    CHECK(q(cmds[1]) == "500043");
    CHECK(q(cmds[2]) == "100000");
    CHECK(q(cmds[3]) == "100000");
    CHECK(f.query_command(id, waiting).at("commandState") == 0);
}

TEST_CASE_FIXTURE(commands_fixture, "creatCmd with the §2.1 example body, spaced or not, stores the same command") {
    auto const target = "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id;
    auto a = call_json("POST", target, R"({"command":{"method":"VALVE_CONTROL","paras":{"controlFlag":1}},"expireTime":60,"expireCount":2})");
    auto b = call_json("POST", target, "{\n \"expireCount\": 2,\n \"command\": {\"paras\": {\"controlFlag\": 1},\"method\":\"VALVE_CONTROL\"},\n \"expireTime\": 60\n}");
    REQUIRE(code(a) == "100000");
    REQUIRE(code(b) == "100000");
    advance(61s);
    CHECK(state(a.at("result").get<std::string>()) == 3);
    CHECK(state(b.at("result").get<std::string>()) == 3);
}

TEST_CASE_FIXTURE(commands_fixture, "account opening, recharge and price read carry their result fields") {
    auto open = create_command(id, account_open_money);
    wake(no);
    advance(2s);
    REQUIRE(state(open) == 1);
    auto recharge = create_command(
        id, R"({"method":"RECHARGE_REMOTE","paras":{"prepaidType":0,"billNo":7,"rechargeValue":50.5}})");
    auto read = create_command(id, R"({"method":"PRICE_READ","paras":{"priceType":0}})");
    wake(no);
    advance(2s);
    auto r = query_command(id, recharge);
    REQUIRE(r.at("commandState") == 1);
    CHECK(r.at("resultDetail").at("billNo") == "7");
    CHECK(r.at("resultDetail").at("surplusValue") == "150.50");
    advance(2s);
    auto p = query_command(id, read);
    REQUIRE(p.at("commandState") == 1);
    CHECK(p.at("resultDetail").at("priceOne") == "2.50");
    CHECK(p.at("resultDetail").at("ladderGasTwo") == "200");
    CHECK(p.at("resultDetail").at("priceVer") == "1");
}

TEST_CASE_FIXTURE(commands_fixture, "a refused command fails (2) with commandResult 1") {
    // Recharging a meter whose account is not open is refused by the meter.
    auto cmd = create_command(
        id, R"({"method":"RECHARGE_REMOTE","paras":{"prepaidType":0,"billNo":7,"rechargeValue":5}})");
    wake(no);
    advance(2s);
    auto r = query_command(id, cmd);
    CHECK(r.at("commandState") == 2);
    CHECK(r.at("resultDetail").at("commandResult") == "1");
}

TEST_CASE_FIXTURE(xianfeng_fixture, "a backend-billed meter opens with §4.8 and takes BALANCE_SYNC") {
    manufacture("07602190100000200", "xf-nb-backend");
    auto id = register_device("07602190100000200");
    auto open = create_command(
        id, R"({"method":"ACCOUNT_OPEN","paras":{"billingMethod":1,"prepaidType":0,"surplusValue":80.5,)"
            R"("price":2.8,"ladderNo":1,"accountDate":"20260101000000"}})");
    auto sync = create_command(
        id, R"({"method":"BALANCE_SYNC","paras":{"prepaidType":0,"surplusValue":60,"price":3.1,)"
            R"("accountDate":"20260101000000"}})");
    wake("07602190100000200");
    advance(2s);
    advance(2s);
    CHECK(query_command(id, open).at("commandState") == 1);
    CHECK(query_command(id, sync).at("commandState") == 1);
    CHECK(loop.call([&] { return fleet.find("07602190100000200")->meter.billing().balance; }) ==
          meters::money::from_units(60));
    auto j = call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id,
                       R"({"command":{"method":"ACCOUNT_OPEN","paras":{"billingMethod":3}}})");
    CHECK(code(j) == "500017");
    j = call_json("POST", "/iotcloud/app/cmd/v1.0.0/creatCmd?deviceId=" + id,
                  R"({"command":{"method":"PRICE_CHANGE","paras":{}}})");
    CHECK(code(j) == "500013");
}

}  // TEST_SUITE

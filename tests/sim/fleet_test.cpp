#include "sim/fleet.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/scheduler.hpp"

using namespace metersim;
using namespace std::chrono_literals;

namespace {

/// 2026-01-01 00:00:00 +08:00.
meters::instant const start = meters::instant_from_ms(1'767'196'800'000);

struct fleet_fixture {
    sim::clock clk{sim::clock_mode::stepped, 1.0, start};
    sim::scheduler sched{clk};
    sim::catalogue cat = sim::catalogue::builtin();
    sim::fleet fleet{sched, cat, sim::fleet_options{}};

    auto manufacture(std::string no, std::string model, std::string device) {
        meters::meter_identity id;
        id.meter_no = std::move(no);
        id.device_id = std::move(device);
        return fleet.manufacture(sim::manufacture_request{std::move(model), id});
    }
    sim::fleet_meter* make(std::string no, std::string model = "xf-nb-money", std::string device = {}) {
        auto r = manufacture(std::move(no), std::move(model), std::move(device));
        REQUIRE(r.has_value());
        return r.value();
    }
    std::string error_of(std::string no, std::string model = "xf-nb-money", std::string device = {}) {
        auto r = manufacture(std::move(no), std::move(model), std::move(device));
        REQUIRE_FALSE(r.has_value());
        return r.error();
    }
    std::vector<std::string> numbers(std::string_view platform, std::size_t offset, std::size_t limit) {
        std::vector<std::string> out;
        for (auto* m : fleet.list(platform, offset, limit)) out.push_back(m->meter_no());
        return out;
    }
};

meters::commands::open_account opening(std::int64_t yuan) {
    meters::commands::open_account c;
    c.opening_credit = meters::money::from_units(yuan);
    c.price = meters::flat_tariff(meters::price::from_units(3));
    return c;
}

/// Records what the fleet hands a platform, and delivers a queued command in the session.
struct recording_listener : sim::fleet_listener {
    sim::fleet* fleet = nullptr;
    std::vector<std::string> calls;
    std::vector<meters::command> queued;
    std::vector<bool> results;

    void on_effects(sim::fleet_meter& m, meters::effects const& e) override {
        calls.push_back("effects " + m.meter_no() + " reports=" + std::to_string(e.reports.size()));
    }
    void on_session(sim::fleet_meter& m, meters::instant) override {
        calls.push_back("session " + m.meter_no());
        auto pending = std::move(queued);
        queued.clear();
        for (auto const& c : pending) {
            auto fx = fleet->apply(m, c);
            results.push_back(fx.result && fx.result->accepted());
        }
    }
};

}  // namespace

TEST_SUITE("sim/fleet") {

TEST_CASE_FIXTURE(fleet_fixture, "a manufactured meter is found by number and device id") {
    auto* m = make("07602190000001", "xf-nb-money", "0123456789abcdef0123456789abcdef");
    CHECK(m->platform() == "xianfeng");
    CHECK(m->entry->key == "xf-nb-money");
    CHECK(m->meter.account() == meters::account_state::manufactured);
    CHECK(m->meter.now() == start);
    CHECK(fleet.find("07602190000001") == m);
    CHECK(fleet.find_device("0123456789abcdef0123456789abcdef") == m);
    CHECK(fleet.find("nope") == nullptr);
    CHECK(fleet.size() == 1);
}

TEST_CASE_FIXTURE(fleet_fixture, "manufacturing refuses unknown models, empty and duplicate ids") {
    make("A1", "xf-nb-money", "dev-1");
    CHECK(error_of("A2", "no-such-model").find("unknown model") != std::string::npos);
    CHECK(error_of("").find("empty") != std::string::npos);
    CHECK(error_of("A1").find("exists") != std::string::npos);
    CHECK(error_of("A3", "xf-nb-money", "dev-1").find("taken") != std::string::npos);
    CHECK(fleet.size() == 1);
}

TEST_CASE_FIXTURE(fleet_fixture, "list pages in manufacture order and filters by platform") {
    make("C1", "cn-nb-money");
    make("X1");
    make("C2", "cn-nb-money");
    make("X2");
    make("T1", "xt-nb-meter");
    CHECK(numbers("", 0, 100) == std::vector<std::string>{"C1", "X1", "C2", "X2", "T1"});
    CHECK(numbers("", 1, 2) == std::vector<std::string>{"X1", "C2"});
    CHECK(numbers("", 5, 10).empty());
    CHECK(numbers("cnmcsp", 0, 10) == std::vector<std::string>{"C1", "C2"});
    CHECK(numbers("xianfeng", 1, 10) == std::vector<std::string>{"X2"});
    CHECK(fleet.count("") == 5);
    CHECK(fleet.count("xintian") == 1);
}

TEST_CASE_FIXTURE(fleet_fixture, "rename re-keys a meter and refuses a taken number") {
    auto* m = make("R1");
    make("R2");
    CHECK(fleet.rename(*m, "R9"));
    CHECK(fleet.find("R9") == m);
    CHECK(fleet.find("R1") == nullptr);
    CHECK(m->meter_no() == "R9");
    CHECK_FALSE(fleet.rename(*m, "R2"));
    CHECK_FALSE(fleet.rename(*m, ""));
    CHECK(fleet.find("R9") == m);
}

TEST_CASE_FIXTURE(fleet_fixture, "bind_device moves the device id") {
    auto* m = make("B1", "xf-nb-money", "old-id");
    fleet.bind_device(*m, "new-id");
    CHECK(fleet.find_device("new-id") == m);
    CHECK(fleet.find_device("old-id") == nullptr);
    CHECK(m->meter.identity().device_id == "new-id");
}

TEST_CASE_FIXTURE(fleet_fixture, "a removed meter is neither found, listed nor scheduled") {
    auto* m = make("D1", "xf-nb-money", "dev-d1");
    make("D2");
    auto const pending = sched.pending();
    fleet.remove(*m);
    CHECK(fleet.find("D1") == nullptr);
    CHECK(fleet.find_device("dev-d1") == nullptr);
    CHECK(numbers("", 0, 10) == std::vector<std::string>{"D2"});
    CHECK(fleet.size() == 1);
    CHECK(sched.pending() == pending - 1);
    fleet.remove(*m);  // twice changes nothing
    CHECK(fleet.size() == 1);
}

TEST_CASE_FIXTURE(fleet_fixture, "every meter has exactly one scheduler event") {
    for (int i = 0; i < 20; ++i) make("S" + std::to_string(i), i % 2 ? "xf-nb-money" : "cn-nb-money");
    CHECK(sched.pending() == 20);
    for (int i = 0; i < 20; ++i) (void)fleet.apply(*fleet.find("S" + std::to_string(i)), opening(100));
    CHECK(sched.pending() == 20);
    (void)sched.advance(std::chrono::days{3});
    CHECK(sched.pending() == 20);
    CHECK(fleet.wakes() > 0);
    for (auto* m : fleet.list("", 0, 100)) CHECK(m->wake_at > sched.now());
}

TEST_CASE_FIXTURE(fleet_fixture, "a report reaches the listener, then the session delivers queued commands") {
    recording_listener l;
    l.fleet = &fleet;
    fleet.set_listener("xianfeng", &l);
    auto* m = make("L1");
    (void)fleet.apply(*m, opening(100));
    l.calls.clear();
    l.queued.push_back(meters::commands::valve_control{meters::commands::valve_action::close});

    (void)sched.advance(std::chrono::days{1} + 3h);  // past the first daily report (02:00 + jitter)

    REQUIRE(l.calls.size() >= 3);
    CHECK(l.calls[0] == "effects L1 reports=1");
    CHECK(l.calls[1] == "session L1");
    CHECK(l.calls[2] == "effects L1 reports=0");  // the command's own effects, no new session
    REQUIRE(l.results.size() == 1);
    CHECK(l.results[0]);
    CHECK(m->meter.valve_position_now() == meters::valve_position::closed);
    CHECK(fleet.reports() >= 1);
}

TEST_CASE_FIXTURE(fleet_fixture, "meters of a platform without a listener still run") {
    auto* m = make("N1", "cn-nb-money");
    (void)sched.advance(std::chrono::days{2});
    CHECK(m->meter.now() >= start);
    CHECK(fleet.reports() >= 1);
    fleet.touch(*m);
    CHECK(m->meter.now() == sched.now());
}

}  // TEST_SUITE

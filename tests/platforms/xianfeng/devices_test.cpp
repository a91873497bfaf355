#include "platforms/xianfeng/devices.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace metersim;
using namespace metersim::platforms::xianfeng;

namespace {

/// "0760219" and `i` on 7 digits: a 14-digit meter number.
std::string number(int i) {
    auto digits = std::to_string(i);
    return "0760219" + std::string(7 - digits.size(), '0') + digits;
}

}  // namespace

TEST_SUITE("platforms/xianfeng/devices") {

TEST_CASE("a device id is the first 32 hex characters of SHA-256 over the prefixed number") {
    auto const id = derive_device_id("07602190000001");
    CHECK(id.size() == 32);
    CHECK(id == derive_device_id("07602190000001"));  // stable across restarts
    CHECK(id != derive_device_id("07602190000002"));
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("ensure creates a device once, unopened, found by number and by id") {
    device_registry r;
    meters::instant const t0{std::chrono::milliseconds{1'000}};
    CHECK(r.find_no("07602190000001") == nullptr);
    auto& d = r.ensure("07602190000001", device_kind::meter, t0);
    CHECK(r.size() == 1);
    CHECK(d.device_no == "07602190000001");
    CHECK(d.device_id == derive_device_id("07602190000001"));
    CHECK(d.state == device_state::unopened);
    CHECK(d.product_time == t0);
    CHECK(r.find_no("07602190000001") == &d);
    CHECK(r.find_id(d.device_id) == &d);
    CHECK(r.find_id("07602190000001") == nullptr);  // a number is not an id
    auto& again = r.ensure("07602190000001", device_kind::meter, t0 + std::chrono::hours{1});
    CHECK(&again == &d);
    CHECK(again.product_time == t0);  // the first sight stays
    CHECK(r.size() == 1);
}

TEST_CASE("a preset id (the fleet's) is used instead of the derived one") {
    device_registry r;
    auto& d = r.ensure("C001", device_kind::concentrator, {}, "0123456789abcdef0123456789abcdef");
    CHECK(d.device_id == "0123456789abcdef0123456789abcdef");
    CHECK(d.kind == device_kind::concentrator);
    CHECK(r.find_id("0123456789abcdef0123456789abcdef") == &d);
}

TEST_CASE("records keep their address while thousands more are added") {
    device_registry r;
    std::vector<device_record*> first;
    for (int i = 0; i < 5; ++i) first.push_back(&r.ensure(number(i), device_kind::meter, {}));
    first[2]->user_name = "kept";
    for (int i = 5; i < 3'000; ++i) r.ensure(number(i), device_kind::meter, {});
    CHECK(r.size() == 3'000);
    for (int i = 0; i < 5; ++i) {
        CHECK(r.find_no(number(i)) == first[static_cast<std::size_t>(i)]);
        CHECK(r.find_id(first[static_cast<std::size_t>(i)]->device_id) == first[static_cast<std::size_t>(i)]);
    }
    CHECK(first[2]->user_name == "kept");
    auto* last = r.find_no("07602190002999");
    REQUIRE(last != nullptr);
    CHECK(last->device_id == derive_device_id("07602190002999"));
}

TEST_CASE("message_in gives the msgDTO between the brackets of a push body") {
    CHECK(message_in(nullptr).empty());
    CHECK(message_in(std::make_shared<std::string const>("[]")).empty());
    CHECK(message_in(std::make_shared<std::string const>(R"([{"a":"1"}])")) == R"({"a":"1"})");
    device_record d;
    CHECK(d.last_report == nullptr);
    CHECK(d.last_alarm == nullptr);
}

}  // TEST_SUITE

#include "platforms/xianfeng/errors.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "platforms/common/json_reader.hpp"

using namespace metersim::platforms;
using namespace metersim::platforms::xianfeng;

TEST_SUITE("platforms/xianfeng/errors") {

TEST_CASE("appendix 7 lists 100000, 101001 and 500000 to 500050, each once") {
    auto const all = all_codes();
    CHECK(all.size() == 53);
    std::set<std::string_view> seen;
    for (auto const& row : all) {
        CAPTURE(row.code);
        CHECK(seen.insert(row.code).second);
        CHECK(row.code.size() == 6);
        CHECK_FALSE(row.meaning.empty());
        CHECK_FALSE(row.name.empty());
    }
    CHECK(seen.count("100000") == 1);
    CHECK(seen.count("101001") == 1);
    for (int n = 500000; n <= 500050; ++n) CHECK(seen.count(std::to_string(n)) == 1);
}

TEST_CASE("named constants carry the spec's codes and meanings") {
    CHECK(codes::device_not_found == "500001");
    CHECK(codes::company_not_found == "500002");
    CHECK(codes::token_invalid == "500003");
    CHECK(codes::batch_query_ids_invalid == "500048");
    CHECK(codes::report_not_found == "500050");
    CHECK(meaning_of(codes::device_not_found) == "设备信息不存在");
    CHECK(meaning_of(codes::token_invalid) == "Token校验未通过");
    CHECK(meaning_of(codes::msg_type_invalid) == "查询设备最新一条上报数据的消息类型错误");
    CHECK(meaning_of("999999").empty());
}

TEST_CASE("an error answers HTTP 200 with the vendor's four-field body") {
    auto r = to_response(missing_field(codes::bad_parameter, "deviceNo"));
    CHECK(r.status == 200);
    CHECK(r.body == R"({"responseCode":"101001","message":"参数异常: deviceNo is required","result":null,"args":""})");
    auto body = parse_json(r.body);
    REQUIRE(body.has_value());
    CHECK(body->find("responseCode")->is_string());
    CHECK(body->find("result")->is_null());
}

TEST_CASE("the message is the code's meaning alone when the error carries no text") {
    auto r = to_response(api_error{std::string(codes::device_not_found), "deviceId", ""});
    CHECK(r.body == R"({"responseCode":"500001","message":"设备信息不存在","result":null,"args":""})");
}

TEST_CASE("hostile text in an error message still gives valid JSON") {
    auto r = to_response(make_api_error(codes::bad_parameter, "x", "x \"quoted\" \\ \n \x01 \xff end"));
    auto body = parse_json(r.body);
    REQUIRE(body.has_value());
    CHECK(body->find("message")->text().find("\"quoted\"") != std::string::npos);
}

TEST_CASE("a success body wraps the result verbatim") {
    CHECK(success_body("\"673ae176a7124ffbac397429e5b79131\"") ==
          R"({"responseCode":"100000","message":"运行正确","result":"673ae176a7124ffbac397429e5b79131","args":""})");
    CHECK(success_response().body ==
          R"({"responseCode":"100000","message":"运行正确","result":null,"args":""})");
    CHECK(success_response().status == 200);
}

}  // TEST_SUITE

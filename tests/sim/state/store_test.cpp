// sim::state::store: the state file is created, reopened, and a bad one refused with one line
// naming the file and the problem, never written (issue 15).
#include "sim/state/store.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace st = metersim::sim::state;
using metersim::test::file_bytes;
using metersim::test::temp_dir;
using metersim::test::write_file;

namespace {

/// Runs SQL on a database file outside the store (to make files the store must refuse).
void raw_sql(std::string const& path, char const* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    auto const rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

/// A state file with `meters` meters in it, closed.
std::string a_state_file(temp_dir const& dir, int meters) {
    auto const path = dir.file("state.db");
    auto s = st::store::open(path);
    REQUIRE(s.has_value());
    std::string const json(2000, 'x');
    for (int i = 0; i < meters; ++i) s.value()->save_meter(i, "xf-nb-money", json);
    s.value()->commit();
    return path;
}

/// Opening `path` fails with an error naming it and containing `problem`, and leaves it as it was.
void refused(std::string const& path, std::string const& problem) {
    auto const before = file_bytes(path);
    auto s = st::store::open(path);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().find("state file " + path + ": ") == 0);
    CHECK_MESSAGE(s.error().find(problem) != std::string::npos, s.error());
    CHECK(s.error().find('\n') == std::string::npos);
    CHECK(file_bytes(path) == before);
}

}  // namespace

TEST_CASE("a new state file is created with the current schema, and reopens with what was saved") {
    temp_dir dir;
    auto const path = dir.file("new.db");
    {
        auto s = st::store::open(path);
        REQUIRE(s.has_value());
        CHECK(s.value()->created());
        s.value()->save_clock({"stepped", 2.5, metersim::meters::instant{std::chrono::milliseconds{1'767'225'600'000}}});
        s.value()->save_meter(7, "cn-nb-money", "{\"format\":1}");
        s.value()->save_meter(3, "xf-nb-money", "{\"a\":2}");
        s.value()->commit();
    }
    auto s = st::store::open(path);
    REQUIRE(s.has_value());
    CHECK_FALSE(s.value()->created());
    auto c = s.value()->load_clock();
    REQUIRE(c.has_value());
    CHECK(c->mode == "stepped");
    CHECK(c->speed == 2.5);
    CHECK(c->now.time_since_epoch().count() == 1'767'225'600'000);
    std::vector<std::pair<std::int64_t, std::string>> seen;
    s.value()->for_each_meter([&](std::int64_t slot, std::string_view model, std::string_view json) {
        seen.emplace_back(slot, std::string(model) + " " + std::string(json));
        return true;
    });
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == std::pair<std::int64_t, std::string>{3, "xf-nb-money {\"a\":2}"});
    CHECK(seen[1] == std::pair<std::int64_t, std::string>{7, "cn-nb-money {\"format\":1}"});
    s.value()->erase_meter(3);
    s.value()->commit();
    CHECK(s.value()->meter_count() == 1);
}

TEST_CASE("a file with no clock saved gives none") {
    temp_dir dir;
    auto s = st::store::open(dir.file("s.db"));
    REQUIRE(s.has_value());
    CHECK_FALSE(s.value()->load_clock().has_value());
}

TEST_CASE("a state file of schema 0 is migrated forward to the current schema") {
    temp_dir dir;
    auto const path = dir.file("old.db");
    auto const sql = "PRAGMA application_id=" + std::to_string(st::application_id) + "; CREATE TABLE t(x);";
    raw_sql(path, sql.c_str());  // a metersim file at version 0
    auto s = st::store::open(path);
    REQUIRE_MESSAGE(s.has_value(), (s.has_value() ? "" : s.error()));
    s.value()->save_meter(1, "m", "{}");
    s.value()->commit();
    CHECK(s.value()->meter_count() == 1);
}

TEST_CASE("a file that is not a SQLite database is refused and left as it was") {
    temp_dir dir;
    auto const path = dir.file("notes.txt");
    write_file(path, std::string(4096, 'n') + "not a database");
    refused(path, "is not a SQLite database, so not a metersim state file");
}

TEST_CASE("an empty file is refused as not a metersim state") {
    temp_dir dir;
    auto const path = dir.file("empty.db");
    write_file(path, "");
    refused(path, "is empty, not a metersim state file");
}

TEST_CASE("a SQLite database of another application is refused") {
    temp_dir dir;
    auto const path = dir.file("other.db");
    raw_sql(path, "CREATE TABLE customers(id INTEGER); INSERT INTO customers VALUES (1);");
    refused(path, "is a SQLite database but not a metersim state file");
}

TEST_CASE("a state file of a newer schema is refused, naming both versions") {
    temp_dir dir;
    auto const path = a_state_file(dir, 1);
    raw_sql(path, "PRAGMA user_version=99; PRAGMA wal_checkpoint(TRUNCATE);");
    refused(path, "has schema version 99, newer than this metersim's " + std::to_string(st::schema_version));
}

TEST_CASE("a truncated state file is refused") {
    temp_dir dir;
    auto const path = a_state_file(dir, 50);
    raw_sql(path, "PRAGMA wal_checkpoint(TRUNCATE);");
    auto const size = std::filesystem::file_size(path);
    REQUIRE(size > 8192);
    std::filesystem::resize_file(path, size / 2);
    refused(path, "is truncated");
}

TEST_CASE("a corrupted state file is refused") {
    temp_dir dir;
    auto const path = a_state_file(dir, 50);
    raw_sql(path, "PRAGMA wal_checkpoint(TRUNCATE);");
    auto bytes = file_bytes(path);
    REQUIRE(bytes.size() > 3 * 4096);
    // Scribble over the pages after the first (the tables' b-tree pages).
    for (std::size_t i = 4096; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(0xA5);
    write_file(path, bytes);
    refused(path, "is corrupt");
}

TEST_CASE("a read-only state file is refused") {
    temp_dir dir;
    auto const path = a_state_file(dir, 1);
    ::chmod(path.c_str(), 0444);
    refused(path, "is read-only");
}

TEST_CASE("a state file in use by another store is refused as locked, and free again once closed") {
    temp_dir dir;
    auto const path = a_state_file(dir, 1);
    {
        auto first = st::store::open(path);
        REQUIRE(first.has_value());
        auto second = st::store::open(path);
        REQUIRE_FALSE(second.has_value());
        CHECK(second.error() == "state file " + path +
                                    ": is locked by another process (a second metersim serve on the same file?)");
    }
    CHECK(st::store::open(path).has_value());
}

TEST_CASE("a directory is refused as not a regular file") {
    temp_dir dir;
    auto s = st::store::open(dir.path().string());
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().find("is not a regular file") != std::string::npos);
}

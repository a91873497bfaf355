#pragma once
/// sim::state::store: the state file, a SQLite database in WAL mode (DESIGN.md "durable state",
/// README "State").
///
/// open() checks an existing file before anything writes to it, and refuses it with one line
/// naming the file and the problem: not a SQLite database, not a metersim state (the database's
/// application_id), a schema newer than this metersim's, truncated (shorter than its header
/// says), corrupt (PRAGMA quick_check), read-only (no write permission bit, or the file system
/// refuses writing), or locked by another process (a second `metersim serve` on the same file:
/// an advisory flock held for the store's life). A refused file is never written. A file that
/// does not exist is created with the current schema. An older schema is migrated forward, in
/// one transaction, once every check has passed.
///
/// Writes go into one open transaction (begin() is implied by every write) that commit() ends:
/// the caller decides how much work one commit carries (group commit). synchronous=NORMAL in WAL
/// mode: a commit survives the process being killed (kill -9); a power cut may lose the last
/// commits, never corrupt the file.
///
/// Tables: meta (key/value: the clock), meters (slot, model, the meter JSON of
/// sim/meter_json.hpp), pushes and push_headers (the outbox's pending pushes) since schema 1;
/// faults (the fault rules in force), journal and journal_deviations (the journal's newest
/// entries) since schema 2. SQLite stays in
/// the .cpp. Not thread-safe: the loop's thread only. Errors from SQLite after open() throw
/// std::runtime_error naming the file (a disk that fails mid-run is an edge, not a value).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "meters/instant.hpp"
#include "meters/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace metersim::sim::state {

/// The schema this metersim writes; open() migrates older files up to it.
inline constexpr int schema_version = 2;
/// PRAGMA application_id of a metersim state file ("MSIM").
inline constexpr std::int32_t application_id = 0x4d53494d;

/// The clock as saved: its mode name ("stepped", ...), accelerated speed and virtual now.
struct clock_record {
    std::string mode;
    double speed = 1;
    meters::instant now{};
};

class statement;

class store {
public:
    /// Opens or creates the state file at `path`. The error is one line:
    /// "state file FILE: <problem>".
    static meters::result<std::unique_ptr<store>, std::string> open(std::string const& path);
    ~store();
    store(store const&) = delete;
    store& operator=(store const&) = delete;

    std::string const& path() const noexcept { return path_; }
    /// True when open() created the file (nothing to resume).
    bool created() const noexcept { return created_; }

    // ---- the clock
    std::optional<clock_record> load_clock();
    void save_clock(clock_record const& c);

    // ---- meters, by slot (a number the caller keeps stable for a meter)
    /// Calls `fn` for every saved meter in slot order; stops early when fn returns false.
    void for_each_meter(std::function<bool(std::int64_t slot, std::string_view model,
                                           std::string_view json)> const& fn);
    std::int64_t meter_count();
    void save_meter(std::int64_t slot, std::string_view model, std::string_view json);
    void erase_meter(std::int64_t slot);

    // ---- pushes (sim/state/outbox_store.hpp reads and writes them)
    sqlite3* db() noexcept { return db_; }
    /// A prepared statement, cached by its text.
    statement& prepare(std::string_view sql);

    /// Starts the write transaction if none is open (every save_* does).
    void begin();
    /// Commits the open transaction, if any.
    void commit();
    bool in_transaction() const noexcept { return in_tx_; }
    /// Commits made since open (tests, metrics).
    std::uint64_t commits() const noexcept { return commits_; }

private:
    store() = default;
    void exec(char const* sql);

    std::string path_;
    sqlite3* db_ = nullptr;
    int lock_fd_ = -1;
    bool created_ = false;
    bool in_tx_ = false;
    std::uint64_t commits_ = 0;
    struct cache;
    std::unique_ptr<cache> cache_;
};

/// A prepared statement: bind from 1, step, read columns from 0; reset() after each use.
class statement {
public:
    statement(store& owner, sqlite3_stmt* s) noexcept : owner_(&owner), s_(s) {}
    ~statement();
    statement(statement const&) = delete;
    statement& operator=(statement const&) = delete;

    statement& bind(int i, std::int64_t v);
    statement& bind(int i, double v);
    statement& bind(int i, std::string_view v);
    /// Runs the statement to its next row: true when a row is there.
    bool step();
    /// Runs it to the end (a write).
    void run();
    std::int64_t int_at(int col) const noexcept;
    double double_at(int col) const noexcept;
    std::string_view text_at(int col) const noexcept;
    bool is_null(int col) const noexcept;
    void reset() noexcept;

private:
    store* owner_;
    sqlite3_stmt* s_;
};

}  // namespace metersim::sim::state

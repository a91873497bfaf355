#include "sim/state/store.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace metersim::sim::state {

namespace {

/// Schema changes, oldest first: migrations[v] takes a file from version v to v + 1.
constexpr std::array<char const*, schema_version> migrations{
    // 0 -> 1: the clock, the meters, the outbox's pending pushes.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE meters(slot INTEGER PRIMARY KEY, model TEXT NOT NULL, state TEXT NOT NULL);"
    "CREATE TABLE pushes(id INTEGER PRIMARY KEY, platform TEXT NOT NULL, kind TEXT NOT NULL,"
    " meter_no TEXT NOT NULL, url TEXT NOT NULL, body BLOB NOT NULL, serial_no TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE push_headers(push_id INTEGER NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,"
    " value TEXT NOT NULL, PRIMARY KEY(push_id, seq)) WITHOUT ROWID;",
    // 1 -> 2: the fault rules (sim/faults.hpp), as the admin API shows them.
    "CREATE TABLE faults(id INTEGER PRIMARY KEY, target TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,"
    " status INTEGER NOT NULL, body TEXT NOT NULL, delay_ms INTEGER NOT NULL, remaining INTEGER,"
    " until_ms INTEGER, hits INTEGER NOT NULL);"
    // ... and the newest journal entries (sim/journal.hpp), as many as the journal keeps.
    "CREATE TABLE journal(id INTEGER PRIMARY KEY, wall_ms INTEGER NOT NULL, virtual_ms INTEGER NOT NULL,"
    " dir TEXT NOT NULL, platform TEXT NOT NULL, kind TEXT NOT NULL, method TEXT NOT NULL, target TEXT NOT NULL,"
    " meter_no TEXT NOT NULL, request_body BLOB NOT NULL, status INTEGER NOT NULL, response_body BLOB NOT NULL,"
    " latency_us INTEGER NOT NULL, verdict TEXT NOT NULL, error TEXT NOT NULL);"
    "CREATE TABLE journal_deviations(entry_id INTEGER NOT NULL, seq INTEGER NOT NULL, field TEXT NOT NULL,"
    " rule TEXT NOT NULL, section TEXT NOT NULL, PRIMARY KEY(entry_id, seq)) WITHOUT ROWID;",
};

std::uint32_t be32(unsigned char const* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

/// What is wrong with an existing file's first 100 bytes (the SQLite header), if anything.
std::optional<std::string> check_header(int fd, off_t size) {
    if (size == 0) return "is empty, not a metersim state file (remove it to start afresh)";
    std::array<unsigned char, 100> h{};
    auto const n = ::pread(fd, h.data(), h.size(), 0);
    if (n < 0) return fmt::format("cannot be read: {}", std::strerror(errno));
    if (n < 100 || std::memcmp(h.data(), "SQLite format 3", 16) != 0)
        return "is not a SQLite database, so not a metersim state file";
    if (static_cast<std::int32_t>(be32(&h[68])) != application_id)
        return "is a SQLite database but not a metersim state file (wrong application_id)";
    unsigned page_size = (unsigned{h[16]} << 8) | h[17];
    if (page_size == 1) page_size = 65536;
    auto const pages = be32(&h[28]);
    // The page count is valid when "version-valid-for" matches the change counter.
    if (be32(&h[92]) == be32(&h[24]) && pages != 0) {
        auto const want = static_cast<off_t>(pages) * page_size;
        if (size < want) return fmt::format("is truncated: {} bytes where its header says {}", size, want);
    }
    return std::nullopt;
}

}  // namespace

struct store::cache {
    std::unordered_map<std::string, std::unique_ptr<statement>> statements;
};

statement::~statement() { sqlite3_finalize(s_); }

namespace {
[[noreturn]] void fail(store const& st, sqlite3* db, std::string_view what) {
    throw std::runtime_error(
        fmt::format("state file {}: {}: {}", st.path(), what, db ? sqlite3_errmsg(db) : "no database"));
}
}  // namespace

statement& statement::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) fail(*owner_, owner_->db(), "bind");
    return *this;
}
statement& statement::bind(int i, double v) {
    if (sqlite3_bind_double(s_, i, v) != SQLITE_OK) fail(*owner_, owner_->db(), "bind");
    return *this;
}
statement& statement::bind(int i, std::string_view v) {
    if (sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
        fail(*owner_, owner_->db(), "bind");
    return *this;
}
bool statement::step() {
    auto const rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    auto const msg = std::string(sqlite3_errmsg(owner_->db()));
    sqlite3_reset(s_);
    throw std::runtime_error(fmt::format("state file {}: {}", owner_->path(), msg));
}
void statement::run() {
    while (step()) {
    }
    reset();
}
std::int64_t statement::int_at(int col) const noexcept { return sqlite3_column_int64(s_, col); }
double statement::double_at(int col) const noexcept { return sqlite3_column_double(s_, col); }
std::string_view statement::text_at(int col) const noexcept {
    auto const* p = reinterpret_cast<char const*>(sqlite3_column_blob(s_, col));
    auto const n = sqlite3_column_bytes(s_, col);
    return p == nullptr ? std::string_view{} : std::string_view(p, static_cast<std::size_t>(n));
}
bool statement::is_null(int col) const noexcept { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
void statement::reset() noexcept {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
}

meters::result<std::unique_ptr<store>, std::string> store::open(std::string const& path) {
    std::unique_ptr<store> s(new store());
    s->path_ = path;
    s->cache_ = std::make_unique<cache>();
    auto problem = [&](std::string_view what) { return fmt::format("state file {}: {}", path, what); };

    // Our own descriptor first: it tells read-only files apart and holds the lock.
    struct stat st {};
    bool const exists = ::stat(path.c_str(), &st) == 0;
    if (exists) {
        if (!S_ISREG(st.st_mode)) return problem("is not a regular file");
        if ((st.st_mode & 0222) == 0) return problem("is read-only (no write permission)");
        s->lock_fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    } else {
        s->lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        s->created_ = s->lock_fd_ >= 0;
    }
    if (s->lock_fd_ < 0) {
        auto const e = errno;
        if (e == EACCES || e == EROFS || e == EPERM) return problem(fmt::format("is read-only ({})", std::strerror(e)));
        return problem(fmt::format("cannot be opened: {}", std::strerror(e)));
    }
    if (::flock(s->lock_fd_, LOCK_EX | LOCK_NB) != 0)
        return problem("is locked by another process (a second metersim serve on the same file?)");
    if (exists)
        if (auto bad = check_header(s->lock_fd_, st.st_size)) return problem(*bad);

    if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        return problem(fmt::format("cannot be opened: {}", s->db_ ? sqlite3_errmsg(s->db_) : "out of memory"));

    // Read-only checks on an existing file; nothing below writes until they all passed.
    int version = 0;
    if (!s->created_) {
        auto one = [&](char const* sql, std::string& out) -> bool {
            sqlite3_stmt* q = nullptr;
            bool ok = sqlite3_prepare_v2(s->db_, sql, -1, &q, nullptr) == SQLITE_OK &&
                      sqlite3_step(q) == SQLITE_ROW;
            if (ok) {
                auto const* t = sqlite3_column_text(q, 0);
                out = t ? reinterpret_cast<char const*>(t) : "";
            }
            sqlite3_finalize(q);
            return ok;
        };
        std::string text;
        if (!one("PRAGMA user_version", text))
            return problem(fmt::format("is corrupt: {}", sqlite3_errmsg(s->db_)));
        version = std::stoi(text);
        if (version > schema_version)
            return problem(fmt::format("has schema version {}, newer than this metersim's {} (use a newer metersim)",
                                       version, schema_version));
        if (!one("PRAGMA quick_check(1)", text))
            return problem(fmt::format("is corrupt: {}", sqlite3_errmsg(s->db_)));
        if (text != "ok") {
            std::replace(text.begin(), text.end(), '\n', ' ');
            return problem(fmt::format("is corrupt: {}", text));
        }
    }
    try {
        s->exec("PRAGMA busy_timeout=0");
        if (s->created_) s->exec(fmt::format("PRAGMA application_id={}", application_id).c_str());
        s->exec("PRAGMA journal_mode=WAL");
        s->exec("PRAGMA synchronous=NORMAL");
        if (version < schema_version) {
            s->begin();
            for (auto v = version; v < schema_version; ++v) s->exec(migrations[static_cast<std::size_t>(v)]);
            s->exec(fmt::format("PRAGMA user_version={}", schema_version).c_str());
            s->commit();
        }
    } catch (std::exception const& e) {
        return std::string(e.what());
    }
    return s;
}

store::~store() {
    try {
        commit();
    } catch (...) {  // NOLINT(bugprone-empty-catch): closing regardless; the last commit is lost
    }
    cache_.reset();  // finalize the statements before closing
    if (db_ != nullptr) sqlite3_close(db_);
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

void store::exec(char const* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        throw std::runtime_error(fmt::format("state file {}: {}", path_, msg));
    }
}

statement& store::prepare(std::string_view sql) {
    auto [it, fresh] = cache_->statements.try_emplace(std::string(sql));
    if (fresh) {
        sqlite3_stmt* q = nullptr;
        if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &q,
                               nullptr) != SQLITE_OK) {
            cache_->statements.erase(it);
            fail(*this, db_, "prepare");
        }
        it->second = std::make_unique<statement>(*this, q);
    }
    return *it->second;
}

void store::begin() {
    if (in_tx_) return;
    exec("BEGIN IMMEDIATE");
    in_tx_ = true;
}

void store::commit() {
    if (!in_tx_) return;
    exec("COMMIT");
    in_tx_ = false;
    ++commits_;
}

std::optional<clock_record> store::load_clock() {
    auto& q = prepare("SELECT key, value FROM meta WHERE key IN ('clock.mode','clock.speed','clock.now')");
    clock_record c;
    int found = 0;
    while (q.step()) {
        auto const key = q.text_at(0);
        auto const value = std::string(q.text_at(1));
        if (key == "clock.mode") c.mode = value;
        else if (key == "clock.speed") c.speed = std::stod(value);
        else c.now = meters::instant{meters::duration{std::stoll(value)}};
        ++found;
    }
    q.reset();
    if (found != 3) return std::nullopt;
    return c;
}

void store::save_clock(clock_record const& c) {
    begin();
    auto& q = prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
    q.bind(1, std::string_view{"clock.mode"}).bind(2, std::string_view{c.mode}).run();
    q.bind(1, std::string_view{"clock.speed"}).bind(2, std::string_view{fmt::format("{}", c.speed)}).run();
    q.bind(1, std::string_view{"clock.now"})
        .bind(2, std::string_view{std::to_string(c.now.time_since_epoch().count())})
        .run();
}

void store::for_each_meter(
    std::function<bool(std::int64_t, std::string_view, std::string_view)> const& fn) {
    auto& q = prepare("SELECT slot, model, state FROM meters ORDER BY slot");
    while (q.step())
        if (!fn(q.int_at(0), q.text_at(1), q.text_at(2))) break;
    q.reset();
}

std::int64_t store::meter_count() {
    auto& q = prepare("SELECT count(*) FROM meters");
    std::int64_t n = q.step() ? q.int_at(0) : 0;
    q.reset();
    return n;
}

void store::save_meter(std::int64_t slot, std::string_view model, std::string_view json) {
    begin();
    prepare("INSERT OR REPLACE INTO meters(slot, model, state) VALUES (?1, ?2, ?3)")
        .bind(1, slot)
        .bind(2, model)
        .bind(3, json)
        .run();
}

void store::erase_meter(std::int64_t slot) {
    begin();
    prepare("DELETE FROM meters WHERE slot = ?1").bind(1, slot).run();
}

}  // namespace metersim::sim::state

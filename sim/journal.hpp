#pragma once
/// sim::journal: every request in (CIS -> platform) and every push out (platform -> CIS), with
/// the conformance verdict, kept in memory in a bounded ring (the oldest entries fall off).
///
/// The admin API exposes it (`GET /admin/journal?platform=&meter=&since=`); scenarios and tests
/// query it. Entries get a sequence id that grows by one per append and is never reused, so a
/// reader polls with `since_id` = the last id it saw. Thread-safe (a mutex): appends may come
/// from several io_contexts once the fleet is sharded. Plain C++: no Asio here.

#include "meters/instant.hpp"
#include "sim/conformance_tally.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace metersim::sim {

enum class direction { in, out };

/// "in" / "out".
std::string_view to_string(direction d) noexcept;

/// One way a request differs from its spec.
struct deviation {
    std::string field;    ///< the field or header, in the vendor's spelling ("meterNo")
    std::string rule;     ///< what was expected ("required", "length <= 20", "yyyyMMddHHmmss")
    std::string section;  ///< where the spec says so ("xianfeng §2.1")
    std::string detail{};  ///< what was sent ("sent as \"price3\""); may be empty
    bool strict_refuses = true;  ///< whether `conformance: strict` refuses the request for it
    bool refused = false;        ///< strict mode refused this request for it
};

struct journal_entry {
    std::uint64_t id = 0;  ///< set by journal::append
    /// Wall time of the append (set by journal::append when left at its epoch default).
    std::chrono::system_clock::time_point wall_time{};
    meters::instant virtual_time{};  ///< the simulation's time at the event (the caller's clock)
    direction dir = direction::in;
    std::string platform;  ///< "cnmcsp", "xianfeng", "xintian", "admin"
    std::string kind;      ///< a push's kind ("xianfeng.report", see sim::push); empty for requests in
    std::string method;
    std::string target;  ///< path (in) or URL (out)
    std::string meter_no;
    std::string request_body;
    unsigned status = 0;  ///< HTTP status; 0 when no answer came (see error)
    std::string response_body;
    std::int64_t latency_us = 0;
    std::string verdict;  ///< "ok", "deviations", "rejected", "delivered", "failed", ... (free text)
    std::vector<deviation> deviations;
    std::string error;  ///< transport error, empty when an answer came
};

/// The same fields as journal_entry, as views: what journal::append copies, once, into the
/// ring's storage (a request handler journals without building a journal_entry of its own).
/// The views need to live only during the call.
struct journal_view {
    std::chrono::system_clock::time_point wall_time{};  ///< epoch default: stamped by append
    meters::instant virtual_time{};
    direction dir = direction::in;
    std::string_view platform;
    std::string_view kind;
    std::string_view method;
    std::string_view target;
    std::string_view meter_no;
    std::string_view request_body;
    /// When set, the request body is **this one (a push's shared body): the entry keeps the
    /// pointer rather than a copy of the bytes, and `request_body` is not read.
    std::shared_ptr<std::string const> const* shared_request_body = nullptr;
    unsigned status = 0;
    std::string_view response_body;
    std::int64_t latency_us = 0;
    std::string_view verdict;
    std::vector<deviation> const* deviations = nullptr;  ///< null: none
    std::string_view error;
};

/// A filter; empty strings match everything. Entries come back oldest first.
struct journal_query {
    std::string_view platform;
    std::string_view meter_no;
    std::uint64_t since_id = 0;  ///< only entries with id > since_id
    std::size_t limit = 100;     ///< at most this many (0: none)
};

class journal {
public:
    /// Keeps the newest `capacity` entries (at least 1).
    explicit journal(std::size_t capacity = 10'000);

    /// Stores `e`, assigning its id (and its wall time if unset); returns the id.
    std::uint64_t append(journal_entry const& e);
    /// The same from views: the text is copied once into the ring, whose slots keep their
    /// storage from one entry to the next (no allocation per append once the ring is warm); a
    /// shared request body is kept by pointer, not copied.
    std::uint64_t append(journal_view const& e);

    /// Persistence (sim/state/): puts back a saved entry under its own id and wall time. The ids
    /// stay consecutive: into an empty journal any id goes (the next append follows it), after
    /// that only last_id() + 1; false (nothing stored) otherwise.
    bool restore(journal_entry const& e);

    /// The matching entries with the smallest ids above since_id, up to limit, oldest first.
    std::vector<journal_entry> query(journal_query const& q) const;

    std::size_t size() const;
    std::size_t capacity() const noexcept { return capacity_; }
    /// The id of the newest entry (0 when nothing was ever appended).
    std::uint64_t last_id() const;
    /// Entries dropped because the ring was full.
    std::uint64_t dropped() const;
    /// The deviations of every request appended so far (kept when their entries fall off the
    /// ring), per platform, endpoint, field and rule.
    std::vector<conformance_row> conformance() const;
    /// Requests appended with deviations so far.
    std::uint64_t deviating_requests() const;

private:
    /// One stored entry: the text fields back to back in one string (their ends in `ends`),
    /// so an entry costs one allocation, reused when the slot is overwritten.
    struct slot {
        std::uint64_t id = 0;
        std::chrono::system_clock::time_point wall_time{};
        meters::instant virtual_time{};
        direction dir = direction::in;
        unsigned status = 0;
        std::int64_t latency_us = 0;
        std::array<std::uint32_t, 9> ends{};  ///< platform, kind, method, target, meter_no,
                                              ///< request_body, response_body, verdict, error
        std::string text;
        std::shared_ptr<std::string const> shared_request;  ///< field 5 when set (then empty in text)
        std::vector<deviation> deviations;

        std::string_view field(std::size_t i) const noexcept;
    };
    static void fill(slot& s, journal_view const& e);
    static journal_entry to_entry(slot const& s);

    std::size_t const capacity_;
    mutable std::mutex mutex_;
    std::vector<slot> ring_;  ///< grows up to capacity_, then overwritten in place
    std::size_t head_ = 0;             ///< index of the oldest entry once full
    std::uint64_t next_id_ = 1;
    conformance_tally tally_;
};

}  // namespace metersim::sim

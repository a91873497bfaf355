#pragma once
/// sim::fault_registry: the faults injected into metersim (issue #6; DESIGN.md admin API
/// `POST /admin/faults`): the CIS unreachable or slow for the pushes, a vendor platform answering
/// errors, dropping connections or answering slowly.
///
/// Push-side kinds (target cis, issue 16), each journaled by the outbox with what it did:
/// duplicate (the push is sent twice, same body and serial), reorder (held until the same
/// meter's next push has been delivered), delay (held `delay` of wall time while the meter's
/// later pushes go ahead), bad_signature (this attempt's signature headers spoiled),
/// truncated (this attempt's body cut in half).
///
/// A rule names a target ("cis", or a platform: "cnmcsp", "xianfeng", "xintian"), a kind, an
/// optional exact path (platforms only; empty: every path) and how long it lasts: a count of
/// requests (platforms) or push attempts (cis), an instant of virtual time, both (whichever runs
/// out first), or neither (until removed).
///
/// take() finds the rule a request or a push attempt meets and consumes one from its count; a
/// rule whose count reaches 0, or whose `until` has come, is gone. One rule applies per request:
/// a rule for the request's exact path before an every-path rule, then the oldest (lowest id).
///
/// Pure and single-threaded: no I/O, no clock of its own (every call takes the caller's virtual
/// now), no lock. The serve loop's thread owns it. The delays it hands out are wall time; the
/// callers wait on timers, never blocking the loop.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meters/instant.hpp"
#include "meters/result.hpp"
#include "sim/http/server.hpp"

namespace metersim::sim {

class journal;

/// unreachable, slow, duplicate, reorder, delay, bad_signature, truncated (target cis: the
/// pushes, see sim/outbox.hpp); error, drop, slow (target a platform).
enum class fault_kind { unreachable, slow, error, drop, duplicate, reorder, delay, bad_signature, truncated };

/// "unreachable", "slow", "error", "drop", "duplicate", "reorder", "delay", "bad_signature",
/// "truncated".
std::string_view to_string(fault_kind k) noexcept;
/// The inverse of to_string; nullopt for anything else.
std::optional<fault_kind> parse_fault_kind(std::string_view text) noexcept;

/// The targets a rule may name: "cis", "cnmcsp", "xianfeng", "xintian".
bool is_fault_target(std::string_view target) noexcept;

/// The longest injected delay: 5 minutes of wall time.
inline constexpr std::chrono::milliseconds max_fault_delay{5 * 60 * 1000};

struct fault_rule {
    std::uint64_t id = 0;  ///< assigned by fault_registry::add
    std::string target;    ///< "cis" or a platform name
    fault_kind kind = fault_kind::error;
    std::string path;             ///< platforms: the exact request path; empty: every path
    unsigned status = 500;        ///< error: the HTTP status answered (100-599)
    std::string body;             ///< error: the answer's body; empty: a JSON message naming the fault
    std::chrono::milliseconds delay{0};     ///< slow, delay: wall time added before the answer / the push
    std::optional<std::uint64_t> remaining;  ///< requests or pushes left; nullopt: no count limit
    std::optional<meters::instant> until;    ///< gone once virtual time reaches it; nullopt: no time limit
    std::uint64_t hits = 0;                  ///< requests or pushes it applied to so far
};

/// Why add() refused a rule: the admin API's field name and a message.
struct fault_error {
    std::string field;
    std::string message;
};

class fault_registry {
public:
    /// Checks `r` (target, kind for that target, path for platforms only, status 100-599 and
    /// body for errors only, a delay in (0, max_fault_delay] for slow and none otherwise, a count
    /// of at least 1, an `until` after `now`) and stores it with the next id. Refused: nothing
    /// changes.
    meters::result<std::uint64_t, fault_error> add(fault_rule r, meters::instant now);

    /// The rule a request to `target` on `path` meets at `now` (path is ignored for "cis"),
    /// after consuming one from its count: the returned copy shows what is left. nullopt: no
    /// fault applies.
    std::optional<fault_rule> take(std::string_view target, std::string_view path, meters::instant now);

    /// The rules still in force at `now`, by id (expired ones are dropped first).
    std::vector<fault_rule> active(meters::instant now);

    /// Removes one rule; false when there is no such id.
    bool remove(std::uint64_t id);
    /// Removes every rule; returns how many there were.
    std::size_t clear() noexcept;

    /// Rules stored (expired ones included until the next take() or active()).
    std::size_t size() const noexcept { return rules_.size(); }
    /// True when no rule for `target` is stored: the hot path's early exit.
    bool none_for(std::string_view target) const noexcept;

    /// Persistence (sim/state/): the rules stored, by id (expired ones included until the next
    /// take() or active()), and a number that moves whenever they change.
    std::vector<fault_rule> const& rules() const noexcept { return rules_; }
    std::uint64_t version() const noexcept { return version_; }
    /// Puts a saved rule back under its own id, unchecked (after a restart; ids stay unique).
    void restore(fault_rule r);

private:
    void expire(meters::instant now);

    std::vector<fault_rule> rules_;  ///< by id (ascending)
    std::uint64_t next_id_ = 1;
    std::uint64_t version_ = 0;
};

/// The server hook of a platform listener (sim::http::server_options::on_request): consults
/// `registry` for `platform` and `req.path` at `now` and says what the server does. An error or
/// a drop is journaled (direction in, verdict "fault") when `journal_or_null` is set, since the
/// platform never sees that request.
http::request_fault platform_fault(fault_registry& registry, std::string_view platform, http::request const& req,
                                   meters::instant now, journal* journal_or_null);

}  // namespace metersim::sim

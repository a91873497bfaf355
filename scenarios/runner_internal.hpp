#pragma once
/// INTERNAL to the runner (scenarios/runner*.cpp): the state of one scenario run and the pieces
/// each runner file implements. No Asio here (the loop is reached through the world).
///
///   runner.cpp         run_scenario, building the world, the step loop, records and labels
///   runner_loop.cpp    the loop (pump with wall deadlines), settling pushes, moving time, the
///                      journal mirror, variables and built-ins, journal context lines
///   runner_steps.cpp   call, advance, event, fault, cis_answer, set, repeat, for_each_meter
///   runner_expect.cpp  expect_push, expect_no_push, expect_request, expect_meter

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "platforms/common/json_reader.hpp"
#include "scenarios/cis_auth.hpp"
#include "scenarios/interpolate.hpp"
#include "scenarios/recorder.hpp"
#include "scenarios/result.hpp"
#include "scenarios/runner.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"

namespace boost::asio {
class io_context;
}
namespace metersim::sim {
struct journal_entry;
namespace http {
class client;
}
}  // namespace metersim::sim

namespace metersim::scenarios::detail {

/// A push that reached the CIS (its first answered attempt; retries of the same body are one push).
struct push_seen {
    std::uint64_t id = 0;  ///< journal id
    meters::instant at{};
    std::string kind, meter, body, answer;
    unsigned status = 0;
    std::string verdict;
    bool consumed = false;
    std::shared_ptr<platforms::json_value const> doc;  ///< the body parsed, once needed (null JSON if not JSON)
};

/// A request a platform received.
struct request_seen {
    std::uint64_t id = 0;
    meters::instant at{};
    std::string platform, method, path, body;
    unsigned status = 0;
    bool consumed = false;
    std::shared_ptr<platforms::json_value const> doc;
};

/// How a step ended.
struct step_end {
    outcome result = outcome::passed;
    std::string message;
    std::vector<std::string> context;

    bool ok() const noexcept { return result == outcome::passed; }
};
inline step_end passed() { return {}; }
inline step_end failed(std::string message, std::vector<std::string> context = {}) {
    return {outcome::failed, std::move(message), std::move(context)};
}
inline step_end errored(std::string message) { return {outcome::error, std::move(message), {}}; }

/// Real-time limits, so that nothing a scenario contains hangs the runner.
struct wall_limits {
    std::chrono::milliseconds settle{60'000};  ///< pushes settling after a step (stepped clock)
    std::chrono::milliseconds call{35'000};    ///< one call's answer
    std::chrono::milliseconds cis_grace{150};  ///< stepped clock + real CIS: time the CIS gets to act
    std::chrono::milliseconds live_margin{5'000};  ///< past the wall instant a live wait ends at
};

class run_state {
public:
    run_state(scenario const& s, run_options const& o, scenario_result& r);
    ~run_state();
    run_state(run_state const&) = delete;
    run_state& operator=(run_state const&) = delete;

    // ---- runner.cpp
    bool start();  ///< builds the world; false with res.error set when it cannot
    /// Starts the recorder on the world's loop; the push URLs to it.
    named_texts start_recorder(boost::asio::io_context& io, std::vector<platform_decl> const& platforms);
    void run_steps(std::vector<step> const& steps, int depth);
    void sample_meters();

    // ---- runner_steps.cpp
    step_end exec(step const& s, int depth);
    step_end do_call(call_step const& c, step const& s);
    step_end check_answer(call_step const& c, step const& s, unsigned status, std::string const& body);
    step_end do_advance(advance_step const& a);
    step_end do_event(event_step const& e);
    step_end do_fault(fault_step const& f);
    step_end do_cis_answer(cis_answer_step const& a);
    step_end do_set(set_step const& s);
    step_end do_repeat(repeat_step const& r, int depth);
    step_end do_for_each(for_each_meter_step const& f, int depth);

    // ---- runner_expect.cpp
    step_end do_expect_push(expect_push_step const& e, step const& s);
    step_end do_expect_no_push(expect_no_push_step const& e);
    step_end do_expect_request(expect_request_step const& e);
    step_end do_expect_meter(expect_meter_step const& e);

    // ---- runner_loop.cpp
    /// Runs the loop until done() or the wall deadline; true when done.
    bool pump(std::function<bool()> const& done, std::chrono::steady_clock::time_point deadline);
    /// Stepped clock: waits until every push is settled (answered or its retry scheduled).
    step_end settle();
    /// Moves virtual time on by `d`: stepped, in slices each followed by settle(); live, waiting.
    /// `until` (optional) is checked after each slice: true ends the move early.
    step_end move_time(meters::duration d, std::function<bool()> const& until = {});
    /// An expectation's wait: when `enough()` does not hold yet, moves time on up to `within`
    /// (or, against a real CIS with no window, gives it cis_grace), then ingests what came.
    step_end await(meters::duration within, std::function<bool()> const& enough);
    void ingest();
    meters::instant now();
    var_lookup lookup();
    meters::result<std::string, std::string> text(std::string_view t);
    /// The journal entries around now, one line each (failure context).
    std::vector<std::string> journal_context(std::size_t n = 10);
    /// An admin call, its answer parsed (status 0 and an error text when it is not JSON).
    admin_reply admin(std::string_view method, std::string_view target, std::string_view body = {});

    scenario const& sc;
    run_options const& opt;
    scenario_result& res;
    wall_limits limits;

    std::unique_ptr<world> w;
    std::unique_ptr<recorder> rec;  ///< null with a real CIS
    std::unique_ptr<sim::http::client> client;
    std::unique_ptr<cis_signer> signer;
    bool live = false;      ///< the clock runs on its own (accelerated, realtime)
    bool real_cis = false;  ///< pushes go to a CIS under test

    std::map<std::string, var_value, std::less<>> vars;
    std::uint64_t seq = 0;

    std::deque<push_seen> pushes;
    std::deque<request_seen> requests;
    std::unordered_set<std::size_t> push_keys;  ///< hashes of kind+meter+body already counted
    std::uint64_t journal_seen = 0;             ///< the last journal id mirrored
    std::uint64_t journal_lost = 0;             ///< entries the ring dropped before they were read
    std::uint64_t activity = 0;                 ///< answered pushes and requests seen
    std::uint64_t failed_attempts = 0;          ///< push attempts that got no answer
    bool stopped = false;                       ///< a step failed: the rest are skipped
    outcome stopped_by = outcome::failed;       ///< what the step that stopped the run ended with
    /// "a step failed" / "a step could not run": how a block tells why it stopped.
    std::string stop_text() const;
    int sample_meter_count = 0;

private:
    void take(sim::journal_entry&& e);
};

/// "1d12h", "90s", "500ms", "0s".
std::string duration_text(meters::duration d);
/// The label of a step as the runner shows it (its name, or one made from it).
std::string step_label(step const& s, var_lookup const& lookup);
/// Text cut to `limit` bytes ("..." appended when cut).
std::string cut(std::string_view text, std::size_t limit);
/// The POST /admin/faults body of a fault step, its path and error body already resolved.
std::string fault_body(fault_step const& f, std::optional<std::string> const& path,
                       std::optional<std::string> const& body);

}  // namespace metersim::scenarios::detail

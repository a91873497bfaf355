#pragma once
/// scenarios::scenario: a loaded scenario file (scenarios/README.md is the format), as plain data.
///
/// The loader (loader.hpp) builds it from YAML, checking everything that can be checked without
/// running: keys, types, step kinds, platforms, models, meters, push kinds, durations, decimals,
/// times, regular expressions and variables. The runner (runner.hpp) executes it. Texts may still
/// hold `${var}` references: they are resolved when the step runs. No yaml-cpp type appears here.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "meters/calendar.hpp"
#include "meters/instant.hpp"
#include "platforms/common/api_error.hpp"
#include "sim/clock.hpp"

namespace metersim::scenarios {

/// Where something was written: file, 1-based line and column (0 when it has no place).
struct source_pos {
    std::string file;
    int line = 0;
    int column = 0;
};

/// A YAML value kept as written: request bodies, event fields, scripted CIS answers.
/// A plain (unquoted) scalar that reads as a JSON number, true, false or null becomes that JSON
/// value when sent; any quoted scalar, and any other plain scalar, becomes a JSON string.
struct value {
    enum class kind { null, scalar, list, map };
    kind k = kind::null;
    std::string text;     ///< scalar text as written (may hold ${var})
    bool quoted = false;  ///< the scalar was written in quotes
    std::vector<value> items;                           ///< kind::list
    std::vector<std::pair<std::string, value>> fields;  ///< kind::map, in file order
    source_pos at;
};

/// What a field must look like (README "Matchers").
struct matcher {
    enum class kind { equals, decimal, regex, range, present, absent, any_of, contains };
    kind k = kind::equals;
    std::string text;  ///< equals: the text; decimal: the decimal text; regex: the pattern (may hold ${var})
    std::optional<std::int64_t> low_e4, high_e4;  ///< range ends in 1e-4 units; nullopt: open end
    std::vector<matcher> inner;  ///< any_of: the alternatives; contains: one element
    source_pos at;
};

/// A field path (README "field paths") and its matcher.
struct field_expectation {
    std::string path;  ///< "data.deviceId", "DataList[0].Remnant", "$"
    matcher m;
    source_pos at;
};

using named_texts = std::vector<std::pair<std::string, std::string>>;

struct step;

struct call_step {
    std::string platform;  ///< "cnmcsp", "xianfeng", "xintian"
    std::string method = "POST";
    std::string path;
    named_texts query;
    named_texts headers;
    bool signed_auth = true;  ///< auth: signed (true) or none
    std::optional<value> body;
    std::optional<unsigned> expect_status;
    std::vector<field_expectation> expect_body;
};

struct advance_step {
    std::optional<meters::duration> by;  ///< `advance: 2h`
    std::optional<meters::instant> to;   ///< `advance: { to: ... }` (resolved in the scenario's timezone)
};

struct event_step {
    std::string meter;
    value event;  ///< the admin API event body: a map with "type" and its fields (no "meter")
};

struct fault_step {
    bool clear = false;   ///< `fault: clear`
    std::string target;   ///< "cis" or a platform name
    std::string kind;     ///< unreachable, slow, error, drop
    std::string path;     ///< platforms only; empty: every path
    unsigned status = 500;                    ///< kind error
    std::optional<value> body;                ///< kind error; absent: a JSON message naming the fault
    meters::duration delay{};                 ///< kind slow (real time)
    std::optional<meters::duration> for_;     ///< virtual time it lasts
    std::optional<std::uint64_t> count;       ///< requests or pushes it lasts (default 1 when neither is given)
};

struct cis_answer_step {
    std::string kind;   ///< a push kind ("xintian.billing")
    std::string meter;  ///< empty: every meter
    std::optional<std::uint64_t> count;  ///< nullopt: until replaced
    unsigned status = 200;
    value body;
};

struct expect_push_step {
    std::string kind;
    std::string meter;  ///< empty: any meter
    std::vector<field_expectation> fields;
    meters::duration within{};
    std::uint64_t count = 1;  ///< at least
};

struct expect_no_push_step {
    std::string kind;
    std::string meter;
    std::vector<field_expectation> fields;
    meters::duration within{};
};

struct expect_request_step {
    std::string platform;
    std::string method;  ///< empty: any
    std::string path;    ///< empty: any
    std::vector<field_expectation> body;
    std::uint64_t count = 1;  ///< at least
    meters::duration within{};
};

struct expect_meter_step {
    std::string meter;
    std::vector<field_expectation> fields;  ///< paths into the admin state JSON
};

struct set_step {
    named_texts vars;
};

struct repeat_step {
    std::uint64_t times = 1;
    std::vector<step> steps;
};

struct for_each_meter_step {
    std::string platform;  ///< empty: any
    std::string model;     ///< empty: any
    std::vector<step> steps;
};

using step_kind = std::variant<call_step, advance_step, event_step, fault_step, cis_answer_step, expect_push_step,
                               expect_no_push_step, expect_request_step, expect_meter_step, set_step, repeat_step,
                               for_each_meter_step>;

struct step {
    std::string name;  ///< as written; empty: the runner makes a label from the step
    source_pos at;
    step_kind what;
    named_texts save;  ///< variable -> field path (call: the answer body; expect_push: the push body)
};

/// The step kind's key as written in YAML ("call", "expect_push", ...).
std::string_view kind_name(step const& s) noexcept;

/// One platform the scenario starts, with the settings it changed (keys of README "platforms",
/// values as written; the world turns them into the serve config).
struct platform_decl {
    std::string name;
    std::vector<std::pair<std::string, value>> settings;
    source_pos at;
};

/// One meter, or a fleet (`fleet` > 0) numbered id_prefix + 6-digit sequence from 000001.
struct meter_decl {
    std::string no;  ///< empty for a fleet
    std::string platform;
    std::string model;
    std::uint32_t fleet = 0;
    std::string id_prefix;
    source_pos at;
};

struct cis_decl {
    bool recorder = true;
    std::string url;  ///< a real CIS (recorder == false)
    named_texts paths;  ///< push kind -> path, over the defaults of push_kinds()
};

struct clock_decl {
    sim::clock_mode mode = sim::clock_mode::stepped;
    double speed = 60;
};

/// What a scenario declares of the world it runs in; the runner hands it on to the world
/// (world_spec) as it is, but for the seed and the platforms it settles.
struct world_decl {
    std::uint64_t seed = 1;
    meters::instant start{};
    meters::utc_offset zone{480};
    clock_decl clock;
    metersim::platforms::conformance conformance = metersim::platforms::conformance::lenient;
    std::vector<platform_decl> platforms;
    std::vector<meter_decl> meters;
};

struct scenario : world_decl {
    std::string file;
    std::string name;
    std::string description;
    std::string start_text = "2026-01-01 00:00:00";
    cis_decl cis;
    named_texts vars;
    std::vector<step> steps;
};

/// A push kind: its name, platform and default path (README "cis").
struct push_kind_info {
    std::string_view name;      ///< "xianfeng.report"
    std::string_view platform;  ///< "xianfeng"
    std::string_view default_path;
};
/// The six push kinds.
std::vector<push_kind_info> const& push_kinds();

}  // namespace metersim::scenarios

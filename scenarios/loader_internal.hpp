#pragma once
/// The scenario loader's insides, shared by scenarios/loader*.cpp only (yaml-cpp lives here, never
/// in a public header).
///
/// One `reader` walks the YAML tree once, top-level declarations first (timezone, platforms,
/// meters, cis, vars) and then the steps in file order, and collects every problem as a
/// load_error instead of stopping at the first. Variables are checked on the way: a `${name}` is
/// fine when something defined it earlier in the walk (vars, set, save), when it is a built-in,
/// or inside the block that defines it (`${i}` in repeat, `${meter}` in for_each_meter).
///
/// Never crashes or hangs on any input: nesting is capped (aliases can build cycles), and the
/// shared reader caps the nodes visited and the errors kept.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader.hpp"
#include "scenarios/yaml_reader.hpp"

namespace metersim::scenarios::detail {

using yaml::describe;
using yaml::field;
using yaml::is_digits;
using yaml::is_listen_address;
using yaml::key_of;
using yaml::name_list;
using yaml::one_of;
using yaml::shown;

/// A variable name as `vars`, `set` and `save` may define it: letters, digits, '_' and '-',
/// not starting with a digit.
bool is_var_name(std::string_view s) noexcept;
/// True when the text holds a `${`: it is resolved (and checked) at run time.
bool has_var(std::string_view s) noexcept;

/// "90s", "15m", "2h", "3d", "1d12h", "500ms" (units in decreasing order, each once) or "0".
std::optional<std::int64_t> parse_duration_ms(std::string_view s) noexcept;
/// "yyyy-MM-dd HH:mm:ss", a real date in 1970-9999, resolved in `zone`.
std::optional<meters::instant> parse_local_time(std::string_view s, meters::utc_offset zone) noexcept;
/// A field path: "$", "a.b", "DataList[0].Remnant" (a `${var}` may stand for a name or index).
bool is_field_path(std::string_view s);

inline constexpr int max_depth = 64;  ///< nesting of values, matchers and blocks

/// The scenario walk on the shared positioned reader (scenarios/yaml_reader.hpp: errors, maps,
/// lists, scalars, integers, booleans).
class reader : public yaml::reader {
public:
    reader(std::string_view file, sim::catalogue const& models) : yaml::reader(file, "scenario"), models_(models) {}

    /// The whole file (loader.cpp).
    scenario read(YAML::Node const& root);

    // --- plain values (loader_values.cpp) ---
    /// A scalar's text, with its `${...}` references checked.
    std::optional<std::string> text(field const& f, std::string_view expected = "a text");
    /// A name from a fixed list.
    std::optional<std::string> word(field const& f, name_list list);
    std::optional<std::string> word(field const& f, std::initializer_list<std::string_view> list) {
        return word(f, name_list{list.begin(), list.size()});
    }
    /// GET, POST, PUT, DELETE, PATCH or HEAD.
    std::optional<std::string> http_method(field const& f);
    /// A text starting with / (or with a `${...}` that will).
    std::optional<std::string> request_path(field const& f);
    /// `platform`, `method` or `path` of a request (call, expect_request) into the out
    /// parameters; false when `g` is another key.
    bool read_request_line(field const& g, std::string& platform_name, std::string& method, std::string& path,
                           std::string_view default_method);
    std::optional<meters::duration> duration(field const& f);
    /// A decimal text (parse_fixed4) in 1e-4 units.
    std::optional<std::int64_t> decimal(field const& f);
    std::optional<meters::instant> time(field const& f);
    std::optional<unsigned> status(field const& f);
    /// A YAML value kept as written (bodies, event fields, settings).
    value to_value(field const& f, int depth = 0);
    /// A map of name -> text (query, headers).
    named_texts texts(field const& f);
    std::optional<std::string> field_path(field const& f);

    // --- matchers (loader_matchers.cpp) ---
    std::optional<matcher> read_matcher(field const& f, int depth);
    /// A map of field path -> matcher.
    std::vector<field_expectation> expectations(field const& f);
    /// One entry of such a map: its key is the path.
    std::optional<field_expectation> expectation(field const& e);
    /// The one key of a matcher map into m.
    bool read_matcher_key(field const& g, matcher& m, int depth);
    bool read_regex(field const& g, matcher& m);
    /// `range: [low, high]` into m.
    bool read_range(field const& f, matcher& m);

    // --- names: platforms, meters, push kinds, variables (loader_names.cpp) ---
    /// A platform name the scenario starts.
    std::optional<std::string> platform(field const& f);
    /// A catalogue model name.
    std::optional<std::string> model(field const& f);
    /// A meter the scenario declares (or a text with `${...}`, checked at run time). When
    /// `on_platform` is given, the meter must be on it.
    std::optional<std::string> meter(field const& f, std::string_view on_platform = {});
    /// A push kind whose platform the scenario starts.
    std::optional<std::string> push_kind(field const& f);
    /// Checks every `${...}` in a text.
    void check_vars(field const& f, std::string_view text);
    void define(std::string const& name) { defined_.insert(name); }
    /// A variable name for vars, set and save (not a built-in).
    std::optional<std::string> var_name(field const& key);

    // --- steps (loader_steps.cpp, loader_expect.cpp) ---
    std::vector<step> read_steps(field const& f, int depth);

private:
    // loader.cpp: the top-level keys.
    void read_top(std::vector<field> const& top, scenario& s);
    void read_zone_and_start(std::vector<field> const& top, scenario& s);
    void read_clock(field const& f, clock_decl& c);
    void read_cis(field const& f, cis_decl& c);
    void read_vars(field const& f, named_texts& out);

    // loader_decls.cpp: platforms and meters.
    void read_platforms(field const& f, std::vector<platform_decl>& out);
    void read_platform_settings(field const& f, platform_decl& p);
    void read_meters(field const& f, std::vector<meter_decl>& out);
    std::optional<meter_decl> read_meter(field const& f);
    bool read_meter_key(field const& g, meter_decl& m);
    void check_duplicate_meters(std::vector<meter_decl> const& ms, std::vector<field> const& at);

    // loader_names.cpp
    void check_ref(field const& f, std::string_view ref, std::string_view text);
    /// The platform of a declared meter, or nullopt.
    std::optional<std::string> meter_platform(std::string_view no) const;

    // loader_steps.cpp
    std::optional<step> read_step(field const& f, int depth);
    bool read_kind(field const& kind, step& s, int depth);
    void read_save(field const& f, step& s);
    call_step read_call(field const& f);
    void read_call_expect(field const& f, call_step& c);
    advance_step read_advance(field const& f);
    event_step read_event(field const& f);
    void check_event_fields(field const& f, std::string const& type, std::vector<field> const& got);
    set_step read_set(field const& f);
    repeat_step read_repeat(field const& f, int depth);
    for_each_meter_step read_for_each(field const& f, int depth);

    // loader_expect.cpp
    fault_step read_fault(field const& f);
    void check_fault(field const& f, fault_step const& x, std::vector<field> const& got);
    /// A push step's required `kind` and its `meter` (on the kind's platform).
    void read_push_target(field const& f, std::vector<field> const& got, std::string_view what, std::string& kind,
                          std::string& meter_no);
    cis_answer_step read_cis_answer(field const& f);
    expect_push_step read_expect_push(field const& f);
    expect_no_push_step read_expect_no_push(field const& f);
    expect_request_step read_expect_request(field const& f);
    expect_meter_step read_expect_meter(field const& f);

    sim::catalogue const& models_;
    meters::utc_offset zone_{480};
    meters::instant start_{};
    std::set<std::string> started_;                  ///< platforms the scenario starts
    std::map<std::string, std::string> singles_;     ///< meter no -> platform
    std::vector<meter_decl> fleets_;
    std::set<std::string> defined_;                  ///< variables defined so far
    std::vector<std::string> locals_;                ///< i, meter: defined inside their block
};

}  // namespace metersim::scenarios::detail

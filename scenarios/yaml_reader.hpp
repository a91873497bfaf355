#pragma once
/// The positioned YAML reader shared by the scenario loader (scenarios/loader*.cpp) and the
/// `metersim serve` config (tools/config.cpp): a walk over a yaml-cpp tree that collects every
/// problem as a load_error at its file, line and column, worded
/// `PATH: found X, expected Y` (DESIGN.md "Errors, never surprises").
///
/// Include it from .cpp files only: it brings yaml-cpp, which public headers keep out.
///
/// Never crashes or hangs on any input: the number of nodes visited is capped (aliases can make
/// a small file expand exponentially), and so is the number of errors kept.

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/loader.hpp"

namespace metersim::scenarios::yaml {

/// A value in the tree with the path that names it in messages ("steps[2].call.platform") and a
/// fallback place: yaml-cpp puts an empty value's mark on the next token, so an empty value is
/// reported at its key.
struct field {
    YAML::Node value;
    YAML::Mark where;
    std::string path;
    std::string key;  ///< the key, for a map entry; empty for a list item or a whole
    YAML::Mark mark() const;
};

/// The key of a map entry ("platform").
inline std::string const& key_of(field const& f) noexcept { return f.key; }

/// How a node looks, for "found ...": "\"text\"" (cut and escaped), "a list", "a map", "nothing".
std::string describe(YAML::Node const& n);
/// A text as it can be shown inside quotes in a message: escaped, cut after 60 bytes.
std::string shown(std::string_view s);
using name_list = std::span<std::string_view const>;
/// "a, b or c".
std::string one_of(name_list list);
inline std::string one_of(std::initializer_list<std::string_view> list) { return one_of(name_list{list.begin(), list.size()}); }
bool is_digits(std::string_view s) noexcept;

/// "host:port": an IPv4 address, "[IPv6]" or localhost, port 0-65535. The host comes back
/// without its brackets.
struct host_port {
    std::string host;
    std::uint16_t port = 0;
};
std::optional<host_port> parse_listen_address(std::string_view s);
inline bool is_listen_address(std::string_view s) { return parse_listen_address(s).has_value(); }

inline constexpr std::size_t max_nodes = 500'000;    ///< nodes visited in one file
inline constexpr std::size_t max_errors = 500;       ///< errors kept from one file

class reader {
public:
    /// `file` names the text in errors; `root` names the whole document in messages
    /// ("scenario", "config"): its keys' paths are the bare key names.
    reader(std::string_view file, std::string_view root) : file_(file), root_(root) {}

    std::vector<load_error> errors;

    /// The YAML text parsed; on a syntax error (which stops the parser, so it is the one error
    /// there is) nothing, and the error recorded.
    std::optional<YAML::Node> parse(std::string_view text);
    /// Runs `walk`; a yaml-cpp exception (or any other) escaping it becomes one more error.
    template <class Walk>
    void guarded(Walk&& walk) {
        try {
            std::forward<Walk>(walk)();
        } catch (YAML::Exception const& e) {
            error_at(e.mark, "YAML: " + e.msg);
        } catch (std::exception const& e) {
            error_at(YAML::Mark::null_mark(),
                     root_ + ": found input the loader cannot read (" + e.what() + "), expected a " + root_);
        }
    }
    /// The errors in file order, whichever check found them.
    std::vector<load_error> sorted_errors();
    /// The whole document, as a field named `root`.
    field whole(YAML::Node const& root) const { return field{root, YAML::Mark::null_mark(), root_, {}}; }

    // --- errors ---
    void error_at(YAML::Mark const& m, std::string message);
    /// "PATH: found F, expected E" at the field.
    void wrong(field const& f, std::string_view expected);
    source_pos pos(YAML::Mark const& m) const;
    /// Counts a node against max_nodes; false (once reported) when the budget is spent.
    bool spend(field const& f);

    // --- maps and lists ---
    /// The entries of a map: non-scalar and repeated keys are errors and skipped. Null is an empty
    /// map; anything else is an error (expected `what`) and gives nothing.
    std::vector<field> map_entries(field const& f, std::string_view what = "a map");
    /// map_entries with the keys checked against `known`.
    std::vector<field> entries(field const& f, name_list known, std::string_view what = "a map");
    std::vector<field> entries(field const& f, std::initializer_list<std::string_view> known,
                               std::string_view what = "a map") {
        return entries(f, name_list{known.begin(), known.size()}, what);
    }
    /// True when the field holds a node of `type` (counted against max_nodes); null or nothing
    /// is false, anything else an error (expected `what`) and false.
    bool holds(field const& f, YAML::NodeType::value type, std::string_view what);
    /// The items of a list (null: none); anything else is an error.
    std::vector<field> items(field const& f, std::string_view what);
    /// Reports "found no K, expected K: what" at `f` for each required key missing from `got`.
    void require(field const& f, std::vector<field> const& got, std::string_view key, std::string_view what);

    // --- plain values ---
    /// True when the field is a scalar; otherwise reports it (expected `expected`).
    bool scalar(field const& f, std::string_view expected);
    std::optional<std::uint64_t> integer(field const& f, std::uint64_t min, std::uint64_t max);
    std::optional<bool> boolean(field const& f);
    /// A clock speed: a number greater than 0 and at most 1e9 (sim::clock::is_valid_speed).
    std::optional<double> speed(field const& f);

protected:
    std::string file_;
    std::string root_;
    /// Between the last two names of a list of known keys: "a, b or c" (scenarios) or
    /// "a, b, c" (config): each file format keeps the wording its users and tests know.
    std::string_view key_list_last_ = " or ";
    std::size_t nodes_ = 0;
    bool exhausted_ = false;
};

}  // namespace metersim::scenarios::yaml

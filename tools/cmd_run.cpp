#include "tools/cmd_run.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "scenarios/loader.hpp"
#include "scenarios/report.hpp"
#include "scenarios/report_text.hpp"
#include "scenarios/runner.hpp"
#include "sim/catalogue.hpp"
#include "sim/http/client.hpp"
#include "tools/exit_codes.hpp"
#include "tools/scenario_world.hpp"

namespace metersim::tools {

namespace rt = scenarios::report_text;

// ---------------------------------------------------------------------------------------------
// The command line.

CLI::App* add_run_command(CLI::App& app, run_command_options& opts) {
    auto* cmd = app.add_subcommand("run", "Run scenario files and check their expectations");
    cmd->add_option("SCENARIO", opts.files, "Scenario files (YAML, see scenarios/README.md)")
        ->required()
        ->type_name("FILE");
    cmd->add_option("--junit", opts.junit_file, "Write JUnit XML for CI to FILE (also when a scenario fails)")
        ->type_name("FILE");
    cmd->add_option("--report", opts.report_file,
                    "Write a self-contained HTML report with a timeline of each scenario to FILE")
        ->type_name("FILE");
    cmd->add_option_function<std::string>(
           "--cis", [&opts](std::string const& url) { opts.cis_url = url; },
           "Run every scenario against the real CIS at URL (pushes go to URL + the path of their kind)")
        ->type_name("URL");
    cmd->add_option_function<std::uint64_t>(
           "--seed", [&opts](std::uint64_t const& n) { opts.seed = n; }, "Replace every scenario's seed with N")
        ->type_name("N");
    cmd->add_option("--filter", opts.filter, "Run only the scenarios whose name contains TEXT")->type_name("TEXT");
    cmd->footer("Every file is loaded first: any problem in any file is printed as FILE:LINE:COLUMN: error: ...\n"
                "and nothing runs. Then each scenario runs with a line per step and a summary table, then the\n"
                "conformance summary: each rule of the vendor documents the CIS's requests broke, per platform and\n"
                "endpoint, with the section, a count, an example journal id and whether strict mode refuses it\n"
                "(--junit carries it in each scenario's system-out).\n"
                "Exit codes: 0 every expectation held; 1 an expectation failed (shown with expected vs seen\n"
                "and the journal around it); 2 bad input: flags, a file that does not load, no scenario\n"
                "left by --filter, a scenario that could not run, a --junit/--report file that cannot be written.");
    return cmd;
}

CLI::App* add_validate_command(CLI::App& app, validate_command_options& opts) {
    auto* cmd = app.add_subcommand("validate", "Check scenario files without running them");
    cmd->add_option("SCENARIO", opts.files, "Scenario files (YAML, see scenarios/README.md)")
        ->required()
        ->type_name("FILE");
    cmd->footer("Prints every problem of every file, each as FILE:LINE:COLUMN: error: WHAT: found F, expected E,\n"
                "or one line \"N scenarios OK\".\n"
                "Exit codes: 0 every file is a valid scenario; 2 bad input (a problem in a file, bad flags).");
    return cmd;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Loading.

/// Loads every file; prints every problem of every file to stderr. Returns nullopt when any
/// file did not load.
std::optional<std::vector<scenarios::scenario>> load_all(std::vector<std::string> const& files) {
    auto const models = sim::catalogue::builtin();
    std::vector<scenarios::scenario> loaded;
    bool ok = true;
    for (auto const& f : files) {
        auto r = scenarios::load_scenario_file(f, models);
        if (r) {
            loaded.push_back(std::move(r).value());
            continue;
        }
        ok = false;
        for (auto const& e : r.error()) fmt::print(stderr, "{}\n", scenarios::to_string(e));
    }
    if (!ok) return std::nullopt;
    return loaded;
}

// ---------------------------------------------------------------------------------------------
// Output files.

/// Checks that `path` can be written before anything runs (opening it for appending creates it
/// and keeps what it holds); prints one line and returns false when it cannot.
bool check_writable(std::string_view flag, std::string const& path) {
    if (path.empty()) return true;
    std::ofstream out{path, std::ios::app};
    if (out) return true;
    fmt::print(stderr, "metersim run: error: {} {}: cannot write: {}\n", flag, path, std::strerror(errno));
    return false;
}

bool write_file(std::string_view flag, std::string const& path, std::string const& content) {
    if (path.empty()) return true;
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << content;
    out.close();
    if (out) return true;
    fmt::print(stderr, "metersim run: error: {} {}: cannot write: {}\n", flag, path, std::strerror(errno));
    return false;
}

// ---------------------------------------------------------------------------------------------
// Running.

/// Prints `text` indented, a line at a time (the expected vs seen of a failed step).
void print_indented(std::string_view text, std::size_t indent) {
    while (!text.empty()) {
        auto const nl = text.find('\n');
        fmt::print("{}{}\n", std::string(indent, ' '),
                   rt::escape(text.substr(0, nl), rt::escape_for::terminal));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
}

void print_step(scenarios::step_record const& r, meters::utc_offset zone) {
    fmt::print("{}\n", scenarios::live_line(r, zone));
    if (r.result == scenarios::outcome::failed || r.result == scenarios::outcome::error) {
        std::size_t const indent = 6 + 2 * static_cast<std::size_t>(std::max(r.depth, 0));
        auto const where = rt::format_pos(r.at);
        if (!where.empty()) print_indented("at " + where, indent);
        print_indented(r.message, indent);
        if (!r.context.empty()) {
            print_indented("journal around it:", indent);
            for (auto const& line : r.context) print_indented(line, indent + 2);
        }
    }
    std::fflush(stdout);
}

scenarios::scenario_result run_one(scenarios::scenario const& s, run_command_options const& opts,
                                   scenarios::world_factory const& factory) {
    fmt::print("▶ {}  ({})\n", rt::escape(s.name, rt::escape_for::terminal), s.file);
    std::fflush(stdout);
    scenarios::run_options ro;
    ro.make_world = factory;
    ro.cis_url = opts.cis_url;
    ro.seed = opts.seed;
    ro.keep_timeline = !opts.report_file.empty();  // only the HTML report reads the timeline
    ro.on_step = [zone = s.zone](scenarios::step_record const& r) { print_step(r, zone); };
    scenarios::scenario_result result;
    try {
        result = scenarios::run_scenario(s, ro);
    } catch (std::exception const& e) {  // the runner promises not to throw; a bug must not lose the reports
        result.file = s.file;
        result.name = s.name;
        result.description = s.description;
        result.zone = s.zone;
        result.result = scenarios::outcome::error;
        result.error = e.what();
    }
    if (!result.error.empty())
        fmt::print("  ! could not run: {}\n", rt::escape(result.error, rt::escape_for::terminal));
    fmt::print("  {} {}\n\n", to_string(result.result), rt::format_wall(result.wall));
    std::fflush(stdout);
    return result;
}

/// One line per scenario that did not pass, after the summary table: where to look.
void print_problems(std::vector<scenarios::scenario_result> const& results) {
    for (auto const& r : results) {
        if (r.result == scenarios::outcome::passed || r.result == scenarios::outcome::skipped) continue;
        auto const* step = rt::first_problem(r);
        std::string where = step != nullptr ? fmt::format(": step \"{}\" at {}", step->label, rt::format_pos(step->at))
                                            : fmt::format(": {}", r.error);
        fmt::print("{} {} ({}){}\n", to_string(r.result), r.name, r.file, rt::escape(where, rt::escape_for::terminal));
    }
}

int exit_code_of(std::vector<scenarios::scenario_result> const& results) {
    bool failed = false;
    for (auto const& r : results) {
        if (r.result == scenarios::outcome::error) return exit_code::bad_input;
        failed = failed || r.result == scenarios::outcome::failed;
    }
    return failed ? exit_code::expectation_failed : exit_code::ok;
}

}  // namespace

int run_run(run_command_options const& opts) {
    auto loaded = load_all(opts.files);
    if (!loaded) return exit_code::bad_input;

    std::vector<scenarios::scenario> chosen;
    for (auto& s : *loaded)
        if (opts.filter.empty() || s.name.find(opts.filter) != std::string::npos) chosen.push_back(std::move(s));
    if (chosen.empty()) {
        fmt::print(stderr, "metersim run: error: --filter {}: no scenario name contains it\n", opts.filter);
        return exit_code::bad_input;
    }
    if (opts.cis_url) {
        if (auto u = sim::http::parse_url(*opts.cis_url); !u) {
            fmt::print(stderr, "metersim run: error: --cis {}: {}\n", *opts.cis_url, u.error());
            return exit_code::bad_input;
        }
    }
    if (!check_writable("--junit", opts.junit_file) || !check_writable("--report", opts.report_file))
        return exit_code::bad_input;

    auto const factory = scenario_world_factory();
    std::vector<scenarios::scenario_result> results;
    for (auto const& s : chosen) results.push_back(run_one(s, opts, factory));

    fmt::print("{}", scenarios::summary_table(results));
    print_problems(results);
    // The CIS's deviations from the documents, all scenarios together (issue 16).
    std::vector<sim::conformance_row> deviations;
    for (auto const& r : results) deviations = sim::merge_rows(std::move(deviations), r.conformance);
    fmt::print("{}", sim::conformance_text(deviations));
    std::fflush(stdout);

    bool written = write_file("--junit", opts.junit_file, opts.junit_file.empty() ? "" : scenarios::junit_xml(results));
    written = write_file("--report", opts.report_file, opts.report_file.empty() ? "" : scenarios::html_report(results)) &&
              written;
    return written ? exit_code_of(results) : exit_code::bad_input;
}

int run_validate(validate_command_options const& opts) {
    auto loaded = load_all(opts.files);
    if (!loaded) return exit_code::bad_input;
    fmt::print("{} scenario{} OK\n", loaded->size(), loaded->size() == 1 ? "" : "s");
    return exit_code::ok;
}

}  // namespace metersim::tools

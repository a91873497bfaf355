// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): the common subset of the
// format they all read.
//
//   <testsuites name="metersim" tests= failures= errors= skipped= time=>
//     <testsuite name=FILE tests= failures= errors= skipped= time=>      one per scenario file
//       <testcase name=SCENARIO classname=FILE time=SECONDS>              one per scenario
//         <failure message=ONE-LINE type="expectation">expected vs seen, journal context</failure>
//         <error message=ONE-LINE type="error">why it could not run</error>
//         <skipped/>
//         <system-out>a line per step, then the conformance summary when the CIS deviated</system-out>
//
// Everything that comes from a scenario or a run is escaped (report_text::escape): the output is
// well-formed XML 1.0 whatever bytes the names, bodies and messages hold.
#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "scenarios/report.hpp"
#include "scenarios/report_text.hpp"

namespace metersim::scenarios {

namespace {

namespace rt = report_text;

std::string attr(std::string_view s) { return rt::escape(s, rt::escape_for::xml_attribute); }
std::string text(std::string_view s) { return rt::escape(s, rt::escape_for::xml_text); }

/// The scenarios of one file, in run order.
struct suite {
    std::string file;
    std::vector<scenario_result const*> cases;
};

std::vector<suite> group_by_file(std::vector<scenario_result> const& results) {
    std::vector<suite> suites;
    for (auto const& r : results) {
        auto it = std::find_if(suites.begin(), suites.end(), [&](suite const& s) { return s.file == r.file; });
        if (it == suites.end()) it = suites.insert(suites.end(), suite{r.file, {}});
        it->cases.push_back(&r);
    }
    return suites;
}

struct counts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    std::chrono::microseconds time{0};

    void add(scenario_result const& r) {
        ++tests;
        failures += r.result == outcome::failed ? 1 : 0;
        errors += r.result == outcome::error ? 1 : 0;
        skipped += r.result == outcome::skipped ? 1 : 0;
        time += r.wall;
    }
    std::string attributes() const {
        return fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="{}" time="{}")", tests, failures, errors,
                           skipped, rt::format_seconds(time));
    }
};

/// The one-line message attribute: the failing step and the first line of what went wrong.
std::string short_message(scenario_result const& r) {
    if (r.result == outcome::error && !r.error.empty()) return rt::fit(r.error.substr(0, r.error.find('\n')), 300);
    step_record const* s = rt::first_problem(r);
    if (s == nullptr) return std::string{to_string(r.result)};
    std::string const first = s->message.substr(0, s->message.find('\n'));
    return rt::fit(fmt::format("{}: {}", s->label, first.empty() ? to_string(s->result) : first), 300);
}

void append_problem(std::string& out, scenario_result const& r) {
    std::string_view const tag = r.result == outcome::failed ? "failure" : "error";
    std::string_view const type = r.result == outcome::failed ? "expectation" : "error";
    std::string body = rt::problem_text(r);
    if (body.empty()) body = fmt::format("the scenario {}\n", to_string(r.result));
    out += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag, attr(short_message(r)), type, text(body),
                       tag);
}

void append_testcase(std::string& out, scenario_result const& r) {
    std::string const name = r.name.empty() ? r.file : r.name;
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n", attr(name), attr(r.file),
                       rt::format_seconds(r.wall));
    if (r.result == outcome::failed || r.result == outcome::error) append_problem(out, r);
    if (r.result == outcome::skipped) out += "      <skipped/>\n";
    if (!r.steps.empty() || !r.conformance.empty()) {
        std::string lines;
        for (auto const& s : r.steps) lines += live_line(s, r.zone) + "\n";
        // The CIS's deviations from the documents (issue 16), after the steps.
        if (!r.conformance.empty()) lines += sim::conformance_text(r.conformance);
        out += fmt::format("      <system-out>{}</system-out>\n", text(lines));
    }
    out += "    </testcase>\n";
}

}  // namespace

std::string junit_xml(std::vector<scenario_result> const& results) {
    counts all;
    for (auto const& r : results) all.add(r);

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"metersim\" {}>\n", all.attributes());
    std::size_t id = 0;
    for (auto const& s : group_by_file(results)) {
        counts c;
        for (auto const* r : s.cases) c.add(*r);
        out += fmt::format("  <testsuite name=\"{}\" id=\"{}\" {}>\n", attr(s.file), id++, c.attributes());
        for (auto const* r : s.cases) append_testcase(out, *r);
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

}  // namespace metersim::scenarios

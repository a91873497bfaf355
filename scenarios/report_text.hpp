#pragma once
/// The small text helpers the reports share (report.cpp defines them): escaping for a terminal
/// and for XML/HTML, time and duration formats, and where a scenario went wrong. Internal to
/// scenarios/ and its tests; tools/ uses it for the failure text of `metersim run`.

#include <chrono>
#include <string>
#include <string_view>

#include "meters/calendar.hpp"
#include "meters/instant.hpp"
#include "scenarios/result.hpp"

namespace metersim::scenarios::report_text {

enum class escape_for {
    terminal,       ///< control characters shown as \xNN; newlines and tabs kept
    xml_text,       ///< also & < > " ' as entities (valid in XML 1.0 and HTML)
    xml_attribute,  ///< also tab, newline and carriage return as character references
};

/// Text made safe for `mode`: invalid UTF-8 becomes U+FFFD; characters that XML 1.0 cannot carry
/// at all (C0 controls other than tab/newline/return, DEL, C1 controls, U+FFFE, U+FFFF) are shown
/// as "\xNN" / "\uNNNN" text, so nothing is lost silently and the output is always well-formed.
std::string escape(std::string_view s, escape_for mode);

/// Columns the text takes in a terminal (East Asian wide characters count two).
std::size_t display_width(std::string_view s);
/// The text cut to at most `width` columns, with "…" at the end when it was cut.
std::string fit(std::string_view s, std::size_t width);

/// "2026-03-02 08:00:00" (milliseconds dropped) in `zone`.
std::string format_virtual(meters::instant t, meters::utc_offset zone);
/// A virtual span as the scenario format writes durations: "0s", "500ms", "1d2h", "15m30s".
std::string format_span(meters::duration d);
/// Wall time for people: "0.4 ms", "12 ms", "1.23 s".
std::string format_wall(std::chrono::microseconds us);
/// Wall time in seconds for JUnit's time attribute: "0.034".
std::string format_seconds(std::chrono::microseconds us);
/// "file:line:column" (or less when the place is not known).
std::string format_pos(source_pos const& at);

/// The first failed or error step of a result (nullptr when there is none).
step_record const* first_problem(scenario_result const& r);
/// What went wrong with a scenario, for a person: the step and its place, the message (expected
/// vs seen), and the journal entries around it; or the scenario's own error. Empty when it passed.
std::string problem_text(scenario_result const& r);

}  // namespace metersim::scenarios::report_text

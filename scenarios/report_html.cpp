// The HTML report: one self-contained page (inline CSS, inline JS, inline SVG; no external
// assets, so it can be archived as a CI artifact and opened anywhere).
//
// Per scenario: name, description, outcome, what went wrong (expected vs seen, the journal around
// it), a timeline over virtual time (steps, requests in, pushes out, state entries, and per meter
// its reading and balance as lines and its valve as a coloured band), the table of steps and the
// table of everything on the timeline. The page is also well-formed XML (polyglot HTML): tests
// and tools can parse it with any XML parser. Everything that comes from a run is escaped.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "meters/fixed4_text.hpp"
#include "scenarios/report.hpp"
#include "scenarios/report_text.hpp"

namespace metersim::scenarios {

namespace {

namespace rt = report_text;

std::string text(std::string_view s) { return rt::escape(s, rt::escape_for::xml_text); }

constexpr std::size_t max_rows = 5000;     ///< timeline rows (and marks per lane) shown per scenario
constexpr std::size_t max_charted = 12;    ///< meters charted per scenario

constexpr std::string_view style = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 2em 4em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-bottom: .2em; } h3 { font-size: 1em; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; font-size: 13px; }
td, th { padding: 2px 8px; text-align: left; vertical-align: top; border-bottom: 1px solid #eee; }
th { background: #f4f4f4; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
section.scenario { border-top: 2px solid #ccc; margin-top: 2em; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 3px; color: #fff; font-size: 12px; }
.badge.passed { background: #2e7d32; } .badge.failed { background: #c62828; }
.badge.error { background: #ef6c00; } .badge.skipped { background: #757575; }
.desc { color: #444; max-width: 60em; } .meta { color: #666; font-size: 12px; }
.problem { border-left: 4px solid #c62828; background: #fdecea; padding: .5em 1em; margin: 1em 0; }
.problem pre.message { font-size: 13px; margin: .3em 0; } .problem pre.context { color: #555; }
tr.bad { background: #fdecea; } tr.err { background: #fff3e0; } tr.skip { color: #999; }
tr.hl { outline: 2px solid #1565c0; }
svg.timeline { width: 100%; max-width: 1200px; height: auto; background: #fafafa; border: 1px solid #ddd; }
svg.timeline text { font: 11px system-ui, sans-serif; fill: #333; }
svg.timeline [data-row] { cursor: pointer; }
body.only-failed section.scenario.passed, body.only-failed tr.idx-passed { display: none; }
details summary { cursor: pointer; }
)";

// Written without '<' and '&' so that the page stays well-formed XML as well as HTML.
constexpr std::string_view script = R"(
document.getElementById('only-failed').addEventListener('change', function (e) {
  document.body.classList.toggle('only-failed', e.target.checked);
});
document.querySelectorAll('[data-row]').forEach(function (mark) {
  mark.addEventListener('click', function () {
    var row = document.getElementById(mark.getAttribute('data-row'));
    if (!row) return;
    document.querySelectorAll('tr.hl').forEach(function (r) { r.classList.remove('hl'); });
    row.classList.add('hl');
    var d = row.querySelector('details');
    if (d) d.open = true;
    row.scrollIntoView({block: 'center'});
  });
});
)";

std::string_view row_class(outcome o) {
    switch (o) {
        case outcome::failed: return "bad";
        case outcome::error: return "err";
        case outcome::skipped: return "skip";
        case outcome::passed: break;
    }
    return "ok";
}

std::string_view fill_of(outcome o) {
    switch (o) {
        case outcome::failed: return "#c62828";
        case outcome::error: return "#ef6c00";
        case outcome::skipped: return "#bdbdbd";
        case outcome::passed: break;
    }
    return "#2e7d32";
}

std::string badge(outcome o) { return fmt::format(R"(<span class="badge {0}">{0}</span>)", to_string(o)); }

/// Escaped text with the words that introduce the expected and the seen value in bold.
std::string emphasize(std::string_view message) {
    std::string out = text(message);
    auto is_letter = [&](std::size_t i) { return i < out.size() && std::isalpha(static_cast<unsigned char>(out[i])); };
    for (std::string_view word : {"expected", "seen", "saw"}) {
        std::string const bold = fmt::format("<b>{}</b>", word);
        for (std::size_t p = out.find(word); p != std::string::npos; p = out.find(word, p)) {
            if ((p > 0 && is_letter(p - 1)) || is_letter(p + word.size())) {
                p += word.size();  // part of a longer word
                continue;
            }
            out.replace(p, word.size(), bold);
            p += bold.size();
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The timeline chart: x is virtual time, one lane per kind of thing, then a chart per meter.

constexpr double chart_width = 1000, label_width = 150, plot_right = 990;
constexpr double lane_height = 22, meter_height = 64, valve_height = 8;

/// Maps virtual time to x, over the scenario's span (at least 1 ms wide).
struct time_axis {
    meters::instant start;
    double span_ms;
    explicit time_axis(scenario_result const& r)
        : start(r.virtual_start), span_ms(static_cast<double>(std::max<std::int64_t>((r.virtual_end - r.virtual_start).count(), 1))) {}
    double x(meters::instant t) const {
        double const f = static_cast<double>((t - start).count()) / span_ms;
        return label_width + std::clamp(f, 0.0, 1.0) * (plot_right - label_width);
    }
};

std::string lane_label(double y, std::string_view label) {
    return fmt::format(R"(<text x="6" y="{:.1f}">{}</text>)", y + lane_height * 0.65, text(label)) +
           fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#e0e0e0"/>)", label_width,
                       y + lane_height, plot_right, y + lane_height);
}

std::string step_marks(scenario_result const& r, std::size_t sid, time_axis const& ax, double y) {
    std::string out = lane_label(y, "steps");
    for (std::size_t i = 0; i < r.steps.size() && i < max_rows; ++i) {
        auto const& s = r.steps[i];
        // A step that moved time is a thin pale bar over its span; one at an instant is a tick.
        double const x0 = ax.x(s.virtual_start);
        double const w = ax.x(s.virtual_end) - x0;
        bool const span = w >= 2.0 && s.result == outcome::passed;
        out += fmt::format(
            R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" opacity="{}" data-row="s{}-st{}"><title>{}</title></rect>)",
            x0, y + (span ? 8 : 3), std::max(2.0, w), lane_height - (span ? 16 : 6), fill_of(s.result),
            span ? "0.4" : "0.9", sid, i,
            text(fmt::format("{} ({}) {}", s.label, to_string(s.result), rt::format_virtual(s.virtual_start, r.zone))));
    }
    return out;
}

std::string entry_marks(scenario_result const& r, std::size_t sid, time_axis const& ax, double y,
                        timeline_entry::kind k, std::string_view label, std::string_view colour) {
    std::string out = lane_label(y, label);
    for (std::size_t i = 0; i < r.timeline.size() && i < max_rows; ++i) {
        auto const& e = r.timeline[i];
        if (e.k != k) continue;
        double const x = ax.x(e.at);
        // A push the CIS did not take (the runner's summary says "failed") stands out in red.
        bool const refused = k == timeline_entry::kind::push && e.summary.find(" failed") != std::string::npos;
        out += fmt::format(
            R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="2" data-row="s{4}-ev{5}"><title>{6}</title></line>)",
            x, y + 3, y + lane_height - 3, refused ? "#e53935" : colour, sid, i,
            text(fmt::format("{} {}", rt::format_virtual(e.at, r.zone), e.summary)));
    }
    return out;
}

/// The meters that have samples, in order of first appearance.
std::vector<std::string> sampled_meters(scenario_result const& r) {
    std::vector<std::string> out;
    for (auto const& s : r.samples)
        if (std::find(out.begin(), out.end(), s.meter) == out.end()) out.push_back(s.meter);
    return out;
}

/// One series of a meter (reading or balance) as a step line scaled to the lane.
std::string series_line(scenario_result const& r, std::string_view meter, time_axis const& ax, double y,
                        std::string meter_sample::*field, std::string_view colour, std::string_view name) {
    std::vector<std::pair<double, std::int64_t>> points;
    std::string low_text, high_text;
    std::int64_t low = 0, high = 0;
    for (auto const& s : r.samples) {
        if (s.meter != meter) continue;
        auto v = meters::parse_fixed4(s.*field);
        if (!v) continue;
        if (points.empty() || v.value() < low) {
            low = v.value();
            low_text = s.*field;
        }
        if (points.empty() || v.value() > high) {
            high = v.value();
            high_text = s.*field;
        }
        points.emplace_back(ax.x(s.at), v.value());
    }
    if (points.empty()) return {};
    double const top = y + 6, bottom = y + meter_height - valve_height - 6;
    auto y_of = [&](std::int64_t v) {
        if (high == low) return (top + bottom) / 2;
        return bottom - static_cast<double>(v - low) / static_cast<double>(high - low) * (bottom - top);
    };
    std::string path;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (i > 0) path += fmt::format(" {:.1f},{:.1f}", points[i].first, y_of(points[i - 1].second));
        path += fmt::format(" {:.1f},{:.1f}", points[i].first, y_of(points[i].second));
    }
    path += fmt::format(" {:.1f},{:.1f}", plot_right, y_of(points.back().second));
    return fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"><title>{}</title></polyline>)",
                       path, colour, text(fmt::format("{} {}: {} .. {}", meter, name, low_text, high_text)));
}

std::string_view valve_colour(std::string_view valve) {
    if (valve == "open") return "#66bb6a";
    if (valve == "closed") return "#e57373";
    return "#ffb74d";
}

std::string valve_band(scenario_result const& r, std::string_view meter, time_axis const& ax, double y) {
    std::vector<meter_sample const*> mine;
    for (auto const& s : r.samples)
        if (s.meter == meter && !s.valve.empty()) mine.push_back(&s);
    std::string out;
    double const band_y = y + meter_height - valve_height - 2;
    for (std::size_t i = 0; i < mine.size(); ++i) {
        double const x0 = ax.x(mine[i]->at);
        double const x1 = i + 1 < mine.size() ? ax.x(mine[i + 1]->at) : plot_right;
        out += fmt::format(
            R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{}" fill="{}"><title>{}</title></rect>)", x0, band_y,
            std::max(1.0, x1 - x0), valve_height, valve_colour(mine[i]->valve),
            text(fmt::format("{} valve {} at {}", meter, mine[i]->valve, rt::format_virtual(mine[i]->at, r.zone))));
    }
    return out;
}

std::string meter_chart(scenario_result const& r, std::string_view meter, time_axis const& ax, double y) {
    std::string out = fmt::format(R"(<text x="6" y="{:.1f}">{}</text>)", y + 16, text(meter));
    out += fmt::format(R"(<text x="6" y="{:.1f}" style="fill:#1565c0">reading</text>)", y + 30);
    out += fmt::format(R"(<text x="6" y="{:.1f}" style="fill:#ef6c00">balance</text>)", y + 44);
    out += fmt::format(R"(<text x="6" y="{:.1f}" style="fill:#888">valve</text>)", y + meter_height - 2);
    out += series_line(r, meter, ax, y, &meter_sample::reading, "#1565c0", "reading");
    out += series_line(r, meter, ax, y, &meter_sample::balance, "#ef6c00", "balance");
    out += valve_band(r, meter, ax, y);
    out += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#e0e0e0"/>)", label_width,
                       y + meter_height, plot_right, y + meter_height);
    return out;
}

std::string time_ticks(scenario_result const& r, time_axis const& ax, double y) {
    std::string out;
    constexpr int ticks = 4;
    auto const span = r.virtual_end - r.virtual_start;
    for (int i = 0; i <= ticks; ++i) {
        auto const t = r.virtual_start + span * i / ticks;
        double const x = ax.x(t);
        std::string_view const anchor = i == 0 ? "start" : i == ticks ? "end" : "middle";
        out += fmt::format(R"(<line x1="{0:.1f}" y1="0" x2="{0:.1f}" y2="{1:.1f}" stroke="#eee"/>)", x, y);
        out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>)", x, y + 14, anchor,
                           text(rt::format_virtual(t, r.zone)));
        if (span.count() == 0) break;
    }
    return out;
}

std::string timeline_svg(scenario_result const& r, std::size_t sid) {
    time_axis const ax{r};
    std::string body;
    double y = 4;
    body += step_marks(r, sid, ax, y);
    y += lane_height;
    using k = timeline_entry::kind;
    body += entry_marks(r, sid, ax, y, k::request, fmt::format("requests ({})", r.requests), "#1565c0");
    y += lane_height;
    body += entry_marks(r, sid, ax, y, k::push, fmt::format("pushes ({})", r.pushes), "#6a1b9a");
    y += lane_height;
    if (std::any_of(r.timeline.begin(), r.timeline.end(), [](auto const& e) { return e.k == k::state; })) {
        body += entry_marks(r, sid, ax, y, k::state, "state", "#00838f");
        y += lane_height;
    }
    auto const meters_list = sampled_meters(r);
    for (std::size_t i = 0; i < meters_list.size() && i < max_charted; ++i, y += meter_height)
        body += meter_chart(r, meters_list[i], ax, y);
    if (step_record const* bad = rt::first_problem(r))
        body += fmt::format(R"(<line x1="{0:.1f}" y1="0" x2="{0:.1f}" y2="{1:.1f}" stroke="#c62828" stroke-dasharray="4 3"/>)",
                            ax.x(bad->virtual_start), y);
    std::string svg = fmt::format(
        R"(<svg class="timeline" viewBox="0 0 {} {:.0f}" role="img"><title>{}</title>)",
        chart_width, y + 24, text("timeline of " + r.name));
    svg += time_ticks(r, ax, y) + body + "</svg>\n";
    if (meters_list.size() > max_charted)
        svg += fmt::format("<p class=\"meta\">{} more meters not charted.</p>\n", meters_list.size() - max_charted);
    return svg;
}

// ---------------------------------------------------------------------------------------------
// The tables.

/// "2026-03-01 08:00:00", or "2026-03-01 08:00:00 → 2026-03-02 08:00:00" for a step that moved time.
std::string span_text(meters::instant from, meters::instant to, meters::utc_offset zone) {
    if (from == to) return rt::format_virtual(from, zone);
    return rt::format_virtual(from, zone) + " → " + rt::format_virtual(to, zone);
}

std::string steps_table(scenario_result const& r, std::size_t sid) {
    std::string out = "<table class=\"steps\"><thead><tr><th>#</th><th>outcome</th><th>step</th><th>kind</th>"
                      "<th>virtual time</th><th>wall</th><th>where</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
        auto const& s = r.steps[i];
        out += fmt::format(
            R"(<tr id="s{}-st{}" class="{}"><td>{}</td><td>{}</td><td style="padding-left:{}em">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)",
            sid, i, row_class(s.result), i + 1, badge(s.result), 0.5 + 1.5 * std::clamp(s.depth, 0, 8), text(s.label),
            text(s.kind), text(span_text(s.virtual_start, s.virtual_end, r.zone)),
            s.result == outcome::skipped ? "" : text(rt::format_wall(s.wall)), text(rt::format_pos(s.at)));
        out += "\n";
        if (s.message.empty() && s.context.empty()) continue;
        std::string detail = s.message;
        if (!s.context.empty()) detail += "\n\njournal around it:";
        for (auto const& c : s.context) detail += "\n  " + c;
        out += fmt::format("<tr class=\"{}\"><td></td><td colspan=\"6\"><pre>{}</pre></td></tr>\n",
                           row_class(s.result), emphasize(detail));
    }
    return out + "</tbody></table>\n";
}

std::string_view kind_text(timeline_entry::kind k) {
    switch (k) {
        case timeline_entry::kind::step: return "step";
        case timeline_entry::kind::request: return "request";
        case timeline_entry::kind::push: return "push";
        case timeline_entry::kind::state: return "state";
    }
    return "?";
}

std::string events_table(scenario_result const& r, std::size_t sid) {
    if (r.timeline.empty()) return "<p class=\"meta\">Nothing on the timeline.</p>\n";
    std::string out = "<table class=\"events\"><thead><tr><th>virtual time</th><th>what</th><th>platform</th>"
                      "<th>meter</th><th>summary</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < r.timeline.size() && i < max_rows; ++i) {
        auto const& e = r.timeline[i];
        std::string summary = text(e.summary);
        if (!e.detail.empty())
            summary = fmt::format("<details><summary>{}</summary><pre>{}</pre></details>", summary, text(e.detail));
        out += fmt::format(
            R"(<tr id="s{}-ev{}" class="ev-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)", sid, i,
            kind_text(e.k), text(rt::format_virtual(e.at, r.zone)), kind_text(e.k), text(e.platform), text(e.meter),
            summary);
        out += "\n";
    }
    out += "</tbody></table>\n";
    if (r.timeline.size() > max_rows)
        out += fmt::format("<p class=\"meta\">{} more entries not shown.</p>\n", r.timeline.size() - max_rows);
    return out;
}

// ---------------------------------------------------------------------------------------------
// The page.

/// The box at the top of a scenario that did not pass: which step, where, expected vs seen, and
/// the journal entries around it (or why the scenario could not run).
std::string problem_box(scenario_result const& r, std::size_t sid) {
    step_record const* s = rt::first_problem(r);
    if (s == nullptr && r.error.empty()) return {};
    std::string out = "<div class=\"problem\"><h3>What went wrong</h3>\n";
    if (!r.error.empty()) out += fmt::format("<p>Could not run: {}</p>\n", text(r.error));
    if (s != nullptr) {
        auto const index = static_cast<std::size_t>(s - r.steps.data());
        out += fmt::format("<p>Step <a href=\"#s{}-st{}\">{}</a> {} at {}</p>\n", sid, index, text(s->label),
                           s->result == outcome::failed ? "failed" : "could not run", text(rt::format_pos(s->at)));
        if (!s->message.empty()) out += fmt::format("<pre class=\"message\">{}</pre>\n", emphasize(s->message));
        if (!s->context.empty()) {
            out += "<p class=\"meta\">journal around it:</p>\n<pre class=\"context\">";
            for (auto const& c : s->context) out += text(c) + "\n";
            out += "</pre>\n";
        }
    }
    return out + "</div>\n";
}

std::string scenario_section(scenario_result const& r, std::size_t sid) {
    std::string out = fmt::format("<section class=\"scenario {}\" id=\"s{}\">\n<h2>{} {}</h2>\n",
                                  to_string(r.result), sid, badge(r.result), text(r.name));
    if (!r.description.empty()) out += fmt::format("<p class=\"desc\">{}</p>\n", text(r.description));
    out += fmt::format("<p class=\"meta\">{} · virtual {} → {} ({}) · wall {} · {} requests · {} pushes</p>\n",
                       text(r.file), text(rt::format_virtual(r.virtual_start, r.zone)),
                       text(rt::format_virtual(r.virtual_end, r.zone)),
                       text(rt::format_span(r.virtual_end - r.virtual_start)), text(rt::format_wall(r.wall)),
                       r.requests, r.pushes);
    out += problem_box(r, sid);
    out += "<h3>Timeline</h3>\n" + timeline_svg(r, sid);
    out += "<h3>Steps</h3>\n" + steps_table(r, sid);
    out += "<h3>Requests, pushes and state</h3>\n" + events_table(r, sid);
    return out + "</section>\n";
}

std::string index_table(std::vector<scenario_result> const& results) {
    std::string out = "<table class=\"index\"><thead><tr><th>outcome</th><th>scenario</th><th>file</th>"
                      "<th>steps</th><th>virtual</th><th>wall</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        auto const& r = results[i];
        auto const passed = std::count_if(r.steps.begin(), r.steps.end(),
                                          [](auto const& s) { return s.result == outcome::passed; });
        out += fmt::format(
            R"(<tr class="idx-{}"><td>{}</td><td><a href="#s{}">{}</a></td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td></tr>)",
            to_string(r.result), badge(r.result), i, text(r.name), text(r.file), passed, r.steps.size(),
            text(rt::format_span(r.virtual_end - r.virtual_start)), text(rt::format_wall(r.wall)));
        out += "\n";
    }
    return out + "</tbody></table>\n";
}

std::string totals_line(std::vector<scenario_result> const& results) {
    std::size_t n[4] = {0, 0, 0, 0};
    for (auto const& r : results) ++n[static_cast<std::size_t>(r.result)];
    return fmt::format("{} scenarios: {} passed, {} failed, {} errors, {} skipped", results.size(),
                       n[static_cast<std::size_t>(outcome::passed)], n[static_cast<std::size_t>(outcome::failed)],
                       n[static_cast<std::size_t>(outcome::error)], n[static_cast<std::size_t>(outcome::skipped)]);
}

}  // namespace

std::string html_report(std::vector<scenario_result> const& results) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                      "<meta charset=\"utf-8\"/>\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                      "<title>metersim scenario report</title>\n<style>";
    out += style;
    out += "</style>\n</head>\n<body>\n<h1>metersim scenario report</h1>\n";
    out += fmt::format("<p>{}</p>\n", text(totals_line(results)));
    out += "<p><label><input type=\"checkbox\" id=\"only-failed\"/> show only scenarios that did not pass</label></p>\n";
    out += index_table(results);
    for (std::size_t i = 0; i < results.size(); ++i) out += scenario_section(results[i], i);
    out += "<script>//<![CDATA[";
    out += script;
    out += "//]]></script>\n</body>\n</html>\n";
    return out;
}

}  // namespace metersim::scenarios

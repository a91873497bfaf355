// The HTML report of `metersim load --report FILE.html`: one self-contained page (no network):
// the summary, the thresholds, and four charts drawn by Chart.js, inlined from the dashboard's
// embedded copy (sim/admin/dashboard_assets.hpp, Debian's libjs-chart.js): achieved throughput
// against the target, latency percentiles over time, the latency histogram, errors over time by
// cause. The data goes in as one JSON block; the page's script only draws it.

#include <set>

#include <fmt/format.h>

#include "sim/admin/dashboard_assets.hpp"
#include "sim/json/text.hpp"
#include "tools/load/load_summary.hpp"

namespace metersim::tools::load {

namespace {

std::string_view chart_js() {
    for (auto const& a : sim::admin::dashboard_assets())
        if (a.url == "/assets/chart.js") return a.body;
    return {};
}

/// Text safe inside a <script> element: no "</" can end it early.
std::string script_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string fixed3(double v) { return fmt::format("{:.3f}", v); }

/// The timeline and the histogram as one JSON object for the page's script.
std::string chart_data(load_stats const& s) {
    std::set<std::string> causes;
    for (auto const& row : s.timeline)
        for (auto const& [c, n] : row.failed_by_cause) causes.insert(c);
    std::string out;
    sim::json::json_text j{out};
    j.begin_object();
    auto series = [&](std::string_view name, auto get) {
        j.key(name);
        j.begin_array();
        for (auto const& row : s.timeline) j.raw(get(row));
        j.end_array();
    };
    series("t", [](interval_row const& r) { return fmt::format("{:.1f}", r.t_s); });
    series("target", [](interval_row const& r) { return fixed3(r.target_rate); });
    series("attempted", [](interval_row const& r) { return std::to_string(r.attempted); });
    series("delivered", [](interval_row const& r) { return std::to_string(r.delivered); });
    series("p50", [](interval_row const& r) { return fixed3(r.latency.p50); });
    series("p90", [](interval_row const& r) { return fixed3(r.latency.p90); });
    series("p99", [](interval_row const& r) { return fixed3(r.latency.p99); });
    series("max", [](interval_row const& r) { return fixed3(r.latency.max); });
    series("outbox", [](interval_row const& r) { return std::to_string(r.process.outbox_depth); });
    j.object("errors");
    for (auto const& c : causes)
        series(c, [&c](interval_row const& r) {
            auto it = r.failed_by_cause.find(c);
            return std::to_string(it == r.failed_by_cause.end() ? 0 : it->second);
        });
    j.end_object();
    j.array("histogram");
    s.push_latency_us.for_each_bucket([&](std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
        j.begin_array();
        j.raw(fixed3(static_cast<double>(lo) / 1000.0));
        j.raw(fixed3(static_cast<double>(hi) / 1000.0));
        j.raw(std::to_string(n));
        j.end_array();
    });
    j.end_array();
    j.end_object();
    j.finish();
    return out;
}

constexpr std::string_view page_script = R"js(
const d = JSON.parse(document.getElementById('load-data').textContent);
const line = (label, data, color) => ({label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2});
const opts = (y) => ({animation: false, responsive: true, maintainAspectRatio: false,
  scales: {x: {title: {display: true, text: 'seconds'}}, y: {beginAtZero: true, title: {display: true, text: y}}}});
const charts = [];
charts.push(new Chart(document.getElementById('throughput'), {type: 'line', options: opts('pushes/s'),
  data: {labels: d.t, datasets: [line('target', d.target, '#888'), line('attempted', d.attempted, '#1f77b4'),
                                 line('delivered', d.delivered, '#2ca02c')]}}));
charts.push(new Chart(document.getElementById('latency'), {type: 'line', options: opts('ms'),
  data: {labels: d.t, datasets: [line('p50', d.p50, '#2ca02c'), line('p90', d.p90, '#1f77b4'),
                                 line('p99', d.p99, '#ff7f0e'), line('max', d.max, '#d62728')]}}));
charts.push(new Chart(document.getElementById('histogram'), {type: 'bar',
  options: Object.assign(opts('attempts'), {scales: {x: {title: {display: true, text: 'ms (bucket upper bound)'}},
                                                     y: {beginAtZero: true}}}),
  data: {labels: d.histogram.map(b => b[1]), datasets: [{label: 'attempts', data: d.histogram.map(b => b[2]),
                                                         backgroundColor: '#1f77b4'}]}}));
const palette = ['#d62728', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const causes = Object.keys(d.errors);
charts.push(new Chart(document.getElementById('errors'), {type: 'bar',
  options: Object.assign(opts('failed attempts'), {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}),
  data: {labels: d.t, datasets: causes.map((c, i) => ({label: c, data: d.errors[c], backgroundColor: palette[i % palette.length]}))}}));
document.body.dataset.charts = String(charts.length);
)js";

}  // namespace

std::string report_html(load_stats const& s, run_info const& r, std::vector<threshold> const& t) {
    std::string rows;
    for (auto const& x : t)
        rows += fmt::format("<tr class=\"{}\"><td>{}</td><td>{:.3f}</td><td>{:.3f}</td><td>{}</td></tr>\n",
                            x.ok ? "ok" : "miss", html_escape(x.name), x.limit, x.value, x.ok ? "ok" : "MISSED");
    std::string page;
    page += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    page += fmt::format("<title>metersim load: {} meters on {}</title>\n", r.meters, html_escape(r.platform));
    page += R"(<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
pre { background: #f6f6f6; padding: 1em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .6em; }
tr.miss { background: #fdd; } tr.ok { background: #efe; }
.chart { position: relative; height: 280px; margin: 1em 0 2em; }
</style></head><body>
)";
    page += fmt::format("<h1>metersim load: {} meters on {}</h1>\n", r.meters, html_escape(r.platform));
    page += fmt::format("<p id=\"verdict\">{}</p>\n", all_ok(t) ? "Passed: every threshold held." : "Failed: a threshold was missed.");
    page += "<table id=\"thresholds\"><tr><th>threshold</th><th>limit</th><th>value</th><th></th></tr>\n" + rows + "</table>\n";
    page += "<h2>Summary</h2>\n<pre id=\"summary\">" + html_escape(summary_table(s, r, t)) + "</pre>\n";
    page += "<h2>Throughput (pushes/s)</h2><div class=\"chart\"><canvas id=\"throughput\"></canvas></div>\n";
    page += "<h2>CIS answer latency over time (ms)</h2><div class=\"chart\"><canvas id=\"latency\"></canvas></div>\n";
    page += "<h2>CIS answer latency histogram</h2><div class=\"chart\"><canvas id=\"histogram\"></canvas></div>\n";
    page += "<h2>Failed attempts over time, by cause</h2><div class=\"chart\"><canvas id=\"errors\"></canvas></div>\n";
    page += "<script type=\"application/json\" id=\"load-data\">" + script_safe(chart_data(s)) + "</script>\n";
    page += "<script>" + script_safe(chart_js()) + "</script>\n";
    page += "<script>" + std::string(page_script) + "</script>\n</body></html>\n";
    return page;
}

}  // namespace metersim::tools::load

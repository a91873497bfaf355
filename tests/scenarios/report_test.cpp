// The reports: live lines, the summary table, JUnit XML and the HTML page, from results built by
// hand. A small XML well-formedness checker (below) stands in for a CI system's parser.
#include "scenarios/report.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/report_text.hpp"

namespace sc = metersim::scenarios;
namespace rt = metersim::scenarios::report_text;
using metersim::meters::instant_from_ms;

namespace {

// ---------------------------------------------------------------------------------------------
// A strict-enough XML 1.0 well-formedness check: tags nest and match, one root element,
// attributes quoted and unique per tag, '&' only in references, '<' only in markup, no character
// XML cannot carry, valid UTF-8. Returns what is wrong, or "" when the document is well-formed.

bool valid_utf8_and_chars(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto const b = static_cast<unsigned char>(s[i]);
        if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return false;
        std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > s.size() || (len == 2 && b < 0xC2)) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        if (len == 3 && b == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) return false;  // surrogate
        if (len == 3 && b == 0xEF && s.substr(i, 3) >= "\xEF\xBF\xBE") return false;             // U+FFFE/F
        i += len;
    }
    return true;
}

bool valid_reference(std::string_view s, std::size_t amp) {
    auto const semi = s.find(';', amp);
    if (semi == std::string_view::npos || semi - amp > 10) return false;
    auto const name = s.substr(amp + 1, semi - amp - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() < 2 || name[0] != '#') return false;
    bool const hex = name[1] == 'x';
    auto const digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return false;
    for (char c : digits)
        if (!(std::isdigit(static_cast<unsigned char>(c)) || (hex && std::isxdigit(static_cast<unsigned char>(c))))) return false;
    return true;
}

bool valid_text(std::string_view s, std::size_t from, std::size_t to) {
    for (auto i = from; i < to; ++i) {
        if (s[i] == '<') return false;
        if (s[i] == '&' && !valid_reference(s, i)) return false;
    }
    return true;
}

std::string check_tag(std::string_view doc, std::size_t open, std::size_t& pos, std::vector<std::string>& stack,
                      int& roots) {
    auto const close = doc.find('>', open);
    if (close == std::string_view::npos) return "unclosed tag";
    std::string_view tag = doc.substr(open + 1, close - open - 1);
    pos = close + 1;
    if (tag.starts_with("/")) {
        std::string const name{tag.substr(1, tag.find_first_of(" \t\n") - 1)};
        if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
        stack.pop_back();
        return {};
    }
    bool const empty = tag.ends_with("/");
    if (empty) tag.remove_suffix(1);
    auto const name_end = std::min(tag.find_first_of(" \t\n"), tag.size());
    std::string const name{tag.substr(0, name_end)};
    if (name.empty()) return "a tag without a name";
    std::vector<std::string> seen;
    for (auto i = name_end; i < tag.size();) {
        if (std::isspace(static_cast<unsigned char>(tag[i]))) { ++i; continue; }
        auto const eq = tag.find('=', i);
        if (eq == std::string_view::npos || eq + 1 >= tag.size()) return "attribute without a value in <" + name + ">";
        std::string const attr{tag.substr(i, eq - i)};
        for (auto const& a : seen) if (a == attr) return "duplicate attribute " + attr;
        seen.push_back(attr);
        char const q = tag[eq + 1];
        if (q != '"' && q != '\'') return "unquoted attribute " + attr;
        auto const end = tag.find(q, eq + 2);
        if (end == std::string_view::npos) return "unterminated attribute " + attr;
        auto const base = static_cast<std::size_t>(tag.data() - doc.data());
        if (!valid_text(doc, base + eq + 2, base + end)) return "bad character in attribute " + attr;
        i = end + 1;
    }
    if (stack.empty()) ++roots;
    if (!empty) stack.push_back(name);
    return {};
}

std::string xml_problem(std::string_view doc) {
    if (!valid_utf8_and_chars(doc)) return "invalid UTF-8 or a character XML cannot carry";
    std::vector<std::string> stack;
    int roots = 0;
    std::size_t pos = 0;
    while (pos < doc.size()) {
        auto const lt = doc.find('<', pos);
        auto const text_end = lt == std::string_view::npos ? doc.size() : lt;
        if (!valid_text(doc, pos, text_end)) return "bad text near offset " + std::to_string(pos);
        if (stack.empty() && doc.substr(pos, text_end - pos).find_first_not_of(" \t\r\n") != std::string_view::npos)
            return "text outside the root element";
        if (lt == std::string_view::npos) break;
        auto const rest = doc.substr(lt);
        std::string_view end_mark;
        if (rest.starts_with("<?")) end_mark = "?>";
        else if (rest.starts_with("<!--")) end_mark = "-->";
        else if (rest.starts_with("<![CDATA[")) end_mark = "]]>";
        else if (rest.starts_with("<!DOCTYPE")) end_mark = ">";
        if (!end_mark.empty()) {
            auto const e = doc.find(end_mark, lt);
            if (e == std::string_view::npos) return "unterminated markup";
            pos = e + end_mark.size();
            continue;
        }
        if (auto p = check_tag(doc, lt, pos, stack, roots); !p.empty()) return p;
    }
    if (!stack.empty()) return "unclosed <" + stack.back() + ">";
    if (roots != 1) return "not exactly one root element";
    return {};
}

std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size())) ++n;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Results built by hand.

constexpr std::int64_t t0 = 1'772'323'200'000;  // 2026-03-01 00:00:00 UTC = 08:00:00 at +08:00

sc::step_record a_step(std::string label, sc::outcome o, std::int64_t start_s, std::int64_t end_s) {
    sc::step_record s;
    s.label = std::move(label);
    s.kind = "advance";
    s.at = sc::source_pos{"a.yaml", 7, 5};
    s.result = o;
    s.virtual_start = instant_from_ms(t0 + start_s * 1000);
    s.virtual_end = instant_from_ms(t0 + end_s * 1000);
    s.wall = std::chrono::microseconds{420};
    return s;
}

sc::timeline_entry an_entry(sc::timeline_entry::kind k, std::int64_t at_s, std::string summary) {
    sc::timeline_entry e;
    e.k = k;
    e.at = instant_from_ms(t0 + at_s * 1000);
    e.platform = "xianfeng";
    e.meter = "07602190000001";
    e.summary = std::move(summary);
    e.detail = R"({"code":"0"})";
    return e;
}

sc::scenario_result a_result(std::string file, std::string name, sc::outcome o) {
    sc::scenario_result r;
    r.file = std::move(file);
    r.name = std::move(name);
    r.description = "A meter runs dry & comes back";
    r.result = o;
    r.virtual_start = instant_from_ms(t0);
    r.virtual_end = instant_from_ms(t0 + 86'400'000);
    r.wall = std::chrono::microseconds{12'345};
    r.steps.push_back(a_step("register the meter", sc::outcome::passed, 0, 0));
    r.steps.push_back(a_step("advance 1d", o == sc::outcome::skipped ? sc::outcome::skipped : sc::outcome::passed, 0, 86'400));
    r.timeline.push_back(an_entry(sc::timeline_entry::kind::request, 0, "POST /iotcloud/app/devices/v1.0.0/register -> 200"));
    r.timeline.push_back(an_entry(sc::timeline_entry::kind::push, 3600, "xianfeng.report 07602190000001 accepted"));
    r.samples.push_back({instant_from_ms(t0), "07602190000001", "0.0000", "10.0000", "open"});
    r.samples.push_back({instant_from_ms(t0 + 86'400'000), "07602190000001", "3.5000", "0.0000", "closed"});
    r.requests = 1;
    r.pushes = 1;
    return r;
}

sc::scenario_result a_failed_result() {
    auto r = a_result("b.yaml", "valve closes when the balance runs out", sc::outcome::failed);
    auto s = a_step("expect_meter 07602190000001", sc::outcome::failed, 86'400, 86'400);
    s.kind = "expect_meter";
    s.message = "valve: expected \"closed\", seen \"open\"";
    s.context = {"08:00:01 in  xianfeng POST /iotcloud/app/cmd/v1.0.0/creatCmd -> 200",
                 "08:00:02 out xianfeng.response 07602190000001 -> 200"};
    r.steps.push_back(s);
    r.steps.push_back(a_step("advance 1h", sc::outcome::skipped, 86'400, 86'400));
    return r;
}

std::vector<sc::scenario_result> four_results() {
    auto errored = a_result("b.yaml", "cannot start", sc::outcome::error);
    errored.error = "xianfeng: cannot listen on 127.0.0.1:8802: address in use";
    return {a_result("a.yaml", "opens an account", sc::outcome::passed), a_failed_result(), errored,
            a_result("c.yaml", "left out", sc::outcome::skipped)};
}

}  // namespace

TEST_SUITE("scenarios/report") {

TEST_CASE("the checker itself tells well-formed XML from broken XML") {
    CHECK(xml_problem("<a x=\"1\"><b/>t &amp; &#10;</a>").empty());
    CHECK_FALSE(xml_problem("<a><b></a></b>").empty());
    CHECK_FALSE(xml_problem("<a>x & y</a>").empty());
    CHECK_FALSE(xml_problem("<a x=\"<\"/>").empty());
    CHECK_FALSE(xml_problem("<a>\x01</a>").empty());
    CHECK_FALSE(xml_problem("<a>\xff</a>").empty());
    CHECK_FALSE(xml_problem("<a/><b/>").empty());
}

TEST_CASE("escaping turns markup characters into entities and keeps other text") {
    CHECK(rt::escape(R"(<a href="x">&'</a>)", rt::escape_for::xml_text) ==
          "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    CHECK(rt::escape("表具 ✓ 🔥", rt::escape_for::xml_text) == "表具 ✓ 🔥");
    CHECK(rt::escape("a\tb\nc", rt::escape_for::xml_text) == "a\tb\nc");
    CHECK(rt::escape("a\tb\nc\r", rt::escape_for::xml_attribute) == "a&#9;b&#10;c&#13;");
    CHECK(rt::escape("<x>", rt::escape_for::terminal) == "<x>");
}

TEST_CASE("escaping shows control characters as text and replaces invalid UTF-8") {
    CHECK(rt::escape("a\x01z\x1b[31m\x7f", rt::escape_for::xml_text) == "a\\x01z\\x1b[31m\\x7f");
    CHECK(rt::escape("\xc2\x85", rt::escape_for::xml_text) == "\\x85");          // C1 control (NEL)
    CHECK(rt::escape("\xef\xbf\xbe", rt::escape_for::xml_text) == "\\ufffe");    // a noncharacter
    CHECK(rt::escape("a\xffz", rt::escape_for::xml_text) == "a\xEF\xBF\xBDz");   // a stray byte
    CHECK(rt::escape("\xc0\xaf", rt::escape_for::xml_text) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    CHECK(rt::escape("\xed\xa0\x80", rt::escape_for::xml_text).find("\xed\xa0") == std::string::npos);  // surrogate
    CHECK(rt::escape("ab\xe8\xa1", rt::escape_for::xml_text) == "ab\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
    CHECK(rt::escape(std::string_view{"a\0b", 3}, rt::escape_for::terminal) == "a\\x00b");
}

TEST_CASE("durations and wall times read like the scenario format") {
    using std::chrono::microseconds;
    using std::chrono::milliseconds;
    CHECK(rt::format_span(milliseconds{0}) == "0s");
    CHECK(rt::format_span(milliseconds{500}) == "500ms");
    CHECK(rt::format_span(milliseconds{129'600'000}) == "1d12h");
    CHECK(rt::format_span(milliseconds{930'000}) == "15m30s");
    CHECK(rt::format_wall(microseconds{420}) == "0.4 ms");
    CHECK(rt::format_wall(microseconds{12'345}) == "12 ms");
    CHECK(rt::format_wall(microseconds{1'234'567}) == "1.23 s");
    CHECK(rt::format_seconds(microseconds{12'345}) == "0.012");
    CHECK(rt::format_virtual(instant_from_ms(t0), metersim::meters::utc_offset{480}) == "2026-03-01 08:00:00");
}

TEST_CASE("a live line shows the mark, the label, the virtual time the step ended in the zone and the wall time") {
    auto const line = sc::live_line(a_step("advance 1d", sc::outcome::passed, 0, 86'400));
    CHECK(line.starts_with("  ✓ advance 1d "));
    CHECK(line.find("[2026-03-02 08:00:00] 0.4 ms") != std::string::npos);
    CHECK(sc::live_line(a_step("x", sc::outcome::passed, 0, 0), metersim::meters::utc_offset{0})
              .find("[2026-03-01 00:00:00]") != std::string::npos);
    CHECK(sc::live_line(a_step("x", sc::outcome::failed, 0, 0)).find("✗ x") != std::string::npos);
    auto const skipped = sc::live_line(a_step("x", sc::outcome::skipped, 0, 0));
    CHECK(skipped.ends_with("[2026-03-01 08:00:00]"));
    auto nested = a_step("inner", sc::outcome::passed, 0, 0);
    nested.depth = 2;
    CHECK(sc::live_line(nested).starts_with("      ✓ inner"));
    auto const long_line = sc::live_line(a_step(std::string(200, 'z'), sc::outcome::passed, 0, 0));
    CHECK(long_line.find("…") != std::string::npos);
    CHECK(sc::live_line(a_step("bell\x07", sc::outcome::passed, 0, 0)).find('\x07') == std::string::npos);
}

TEST_CASE("the summary table has a row per scenario and the totals") {
    auto const table = sc::summary_table(four_results());
    CHECK(count(table, "\n") == 6);  // header, four rows, totals
    CHECK(table.find("opens an account") != std::string::npos);
    CHECK(table.find("valve closes when the balance runs out  failed") != std::string::npos);
    CHECK(table.find("2/4") != std::string::npos);  // the failed one: two passed, one failed, one skipped
    CHECK(table.find("4 scenarios: 1 passed, 1 failed, 1 error, 1 skipped") != std::string::npos);
    CHECK(table.find("1d") != std::string::npos);
}

TEST_CASE("JUnit: one testsuite per file, one testcase per scenario, with the counts") {
    auto const xml = sc::junit_xml(four_results());
    INFO(xml);
    REQUIRE(xml_problem(xml).empty());
    CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"metersim\" tests=\"4\" "
                          "failures=\"1\" errors=\"1\" skipped=\"1\" time=\"0.049\">"));
    CHECK(count(xml, "<testsuite ") == 3);
    CHECK(count(xml, "<testcase ") == 4);
    CHECK(xml.find(R"(<testsuite name="b.yaml" id="1" tests="2" failures="1" errors="1" skipped="0" time="0.024">)") !=
          std::string::npos);
    CHECK(xml.find(R"(<testcase name="opens an account" classname="a.yaml" time="0.012">)") != std::string::npos);
    CHECK(count(xml, "<skipped/>") == 1);
}

TEST_CASE("JUnit: a failure carries expected vs seen, the step's place and the journal context") {
    auto const xml = sc::junit_xml({a_failed_result()});
    REQUIRE(xml_problem(xml).empty());
    CHECK(xml.find(R"(<failure message="expect_meter 07602190000001: valve: expected &quot;closed&quot;, seen &quot;open&quot;" type="expectation">)") !=
          std::string::npos);
    CHECK(xml.find("at a.yaml:7:5") != std::string::npos);
    CHECK(xml.find("journal around it:") != std::string::npos);
    CHECK(xml.find("xianfeng.response 07602190000001 -&gt; 200") != std::string::npos);
    CHECK(xml.find("<system-out>") != std::string::npos);
}

TEST_CASE("JUnit: a scenario that could not run is an error with its reason") {
    auto const xml = sc::junit_xml(four_results());
    CHECK(xml.find(R"(<error message="xianfeng: cannot listen on 127.0.0.1:8802: address in use" type="error">)") !=
          std::string::npos);
}

TEST_CASE("JUnit: names, messages and context are escaped, whatever bytes they hold") {
    auto r = a_failed_result();
    r.name = "quotes \" ' <tag> & \x01\x1b \xff\xfe end";
    r.file = "we<ird>&\"file\".yaml";
    r.steps[2].message = "expected <a> & \"b\"\nseen \x02\x03 \xc3";
    r.steps[2].context.push_back("body {\"x\":\"]]>\"} \x7f");
    auto const xml = sc::junit_xml({r});
    INFO(xml);
    CHECK(xml_problem(xml).empty());
    CHECK(xml.find("quotes &quot; &#39; &lt;tag&gt; &amp; \\x01\\x1b \xEF\xBF\xBD\xEF\xBF\xBD end") != std::string::npos);
    CHECK(xml.find("classname=\"we&lt;ird&gt;&amp;&quot;file&quot;.yaml\"") != std::string::npos);
    CHECK(xml.find("]]&gt;") != std::string::npos);
}

TEST_CASE("issue 16: JUnit carries a scenario's conformance summary in its system-out") {
    auto r = a_failed_result();
    metersim::sim::conformance_row row;
    row.platform = "xintian";
    row.endpoint = "POST /api/Meters/CreatePrice";
    row.field = "Price1";
    row.rule = "number sent as string";
    row.section = "xintian §3.10";
    row.count = 2;
    row.example_id = 17;
    row.example_detail = "sent as <a JSON string>";
    row.example_run = r.name;
    r.conformance.push_back(row);
    auto const xml = sc::junit_xml({r});
    INFO(xml);
    REQUIRE(xml_problem(xml).empty());
    CHECK(xml.find("conformance: 1 rule broken") != std::string::npos);
    CHECK(xml.find("POST /api/Meters/CreatePrice Price1: number sent as string (xintian §3.10) x2, e.g. journal #17") !=
          std::string::npos);
    CHECK(xml.find("(sent as &lt;a JSON string&gt;)") != std::string::npos);
    CHECK(sc::junit_xml({a_failed_result()}).find("conformance:") == std::string::npos);  // none: nothing said
}

TEST_CASE("JUnit: no results is still a valid document") {
    auto const xml = sc::junit_xml({});
    CHECK(xml_problem(xml).empty());
    CHECK(xml.find(R"(tests="0")") != std::string::npos);
}

TEST_CASE("HTML: well-formed, self-contained, with every scenario, step and push") {
    auto const results = four_results();
    auto const html = sc::html_report(results);
    REQUIRE(xml_problem(html).empty());
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find(" src=") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<style>") != std::string::npos);
    CHECK(html.find("<script>") != std::string::npos);
    for (auto const& r : results) {
        CHECK(html.find(r.name) != std::string::npos);
        for (auto const& s : r.steps) CHECK(html.find(rt::escape(s.label, rt::escape_for::xml_text)) != std::string::npos);
        for (auto const& e : r.timeline) CHECK(html.find(rt::escape(e.summary, rt::escape_for::xml_text)) != std::string::npos);
    }
    CHECK(count(html, "<section class=\"scenario ") == 4);
    CHECK(count(html, "<svg class=\"timeline\"") == 4);
    CHECK(html.find("A meter runs dry &amp; comes back") != std::string::npos);
    CHECK(html.find("<td>2026-03-01 08:00:00 → 2026-03-02 08:00:00</td>") != std::string::npos);  // advance 1d
}

TEST_CASE("HTML: a failure is highlighted with expected vs seen and the journal context") {
    auto const html = sc::html_report({a_failed_result()});
    REQUIRE(xml_problem(html).empty());
    CHECK(html.find("<div class=\"problem\">") != std::string::npos);
    CHECK(html.find("valve: <b>expected</b> &quot;closed&quot;, <b>seen</b> &quot;open&quot;") != std::string::npos);
    CHECK(html.find("<a href=\"#s0-st2\">expect_meter 07602190000001</a> failed at a.yaml:7:5") != std::string::npos);
    CHECK(html.find("tr id=\"s0-st2\" class=\"bad\"") != std::string::npos);
    CHECK(html.find("xianfeng.response 07602190000001 -&gt; 200") != std::string::npos);
}

TEST_CASE("HTML: meter samples become a reading line, a balance line and a valve band") {
    auto const html = sc::html_report({a_result("a.yaml", "chart", sc::outcome::passed)});
    CHECK(count(html, "<polyline ") == 2);
    CHECK(html.find("07602190000001 valve closed at 2026-03-02 08:00:00") != std::string::npos);
    CHECK(html.find("07602190000001 balance: 0.0000 .. 10.0000") != std::string::npos);
}

TEST_CASE("HTML: everything from the run is escaped") {
    auto r = a_failed_result();
    r.name = "<script>alert('x')</script>";
    r.description = "desc & <b>bold</b> \x01";
    r.timeline[1].summary = "push <img src=x> \xff";
    r.timeline[1].detail = "</pre></details></td>";
    r.samples[0].reading = "not a number";
    r.steps[2].message = "an unexpected field, unseen";
    auto const html = sc::html_report({r});
    INFO(html);
    CHECK(xml_problem(html).empty());
    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("desc &amp; &lt;b&gt;bold&lt;/b&gt; \\x01") != std::string::npos);
    CHECK(html.find("an unexpected field, unseen") != std::string::npos);  // only whole words are made bold
}

TEST_CASE("HTML: a scenario with no virtual time span and no samples still renders") {
    sc::scenario_result r;
    r.file = "empty.yaml";
    r.name = "empty";
    auto const html = sc::html_report({r});
    CHECK(xml_problem(html).empty());
    CHECK(html.find("Nothing on the timeline.") != std::string::npos);
}

}  // TEST_SUITE

// Reports for people: the live line of a step and the summary table; and the text helpers every
// report shares (report_text.hpp): UTF-8 checking, escaping, time and duration formats.
#include "scenarios/report.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "platforms/common/timestamp.hpp"
#include "scenarios/report_text.hpp"

namespace metersim::scenarios {

namespace report_text {

namespace {

constexpr char32_t replacement = 0xFFFD;

/// Decodes one UTF-8 sequence at s[i] and moves i past it; invalid input (a stray continuation
/// byte, a truncated or overlong sequence, a surrogate, beyond U+10FFFF) gives U+FFFD and skips
/// one byte, so the next valid character is kept.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    auto const b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    // The lead byte gives the length, its payload bits and the smallest code point of that length.
    struct lead {
        unsigned mask, tag;
        std::size_t len;
        char32_t min;
    };
    static constexpr lead leads[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    for (auto const& l : leads) {
        if ((b0 & l.mask) != l.tag) continue;
        len = l.len;
        cp = b0 & ~l.mask & 0xFFu;
        min = l.min;
        break;
    }
    if (len == 0 || i + len > s.size()) {
        ++i;
        return replacement;
    }
    for (std::size_t k = 1; k < len; ++k) {
        auto const b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return replacement;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return replacement;
    }
    i += len;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// A character XML 1.0 cannot carry, or a terminal would act on, is shown as text instead.
bool is_unprintable(char32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
}

std::optional<std::string_view> xml_entity(char32_t cp, escape_for mode) {
    if (mode == escape_for::terminal) return std::nullopt;
    switch (cp) {
        case '&': return "&amp;";
        case '<': return "&lt;";
        case '>': return "&gt;";
        case '"': return "&quot;";
        case '\'': return "&#39;";
        default: break;
    }
    if (mode != escape_for::xml_attribute) return std::nullopt;
    switch (cp) {
        case '\t': return "&#9;";
        case '\n': return "&#10;";
        case '\r': return "&#13;";
        default: return std::nullopt;
    }
}

bool is_wide(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

std::string escape(std::string_view s, escape_for mode) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (std::size_t i = 0; i < s.size();) {
        char32_t const cp = next_code_point(s, i);
        if (auto e = xml_entity(cp, mode)) {
            out += *e;
        } else if (is_unprintable(cp)) {
            out += cp <= 0xFF ? fmt::format("\\x{:02x}", static_cast<unsigned>(cp))
                              : fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        } else {
            append_utf8(out, cp);
        }
    }
    return out;
}

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) w += is_wide(next_code_point(s, i)) ? 2u : 1u;
    return w;
}

std::string fit(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) return std::string{s};
    std::string out;
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        char32_t const cp = next_code_point(s, i);
        std::size_t const cw = is_wide(cp) ? 2 : 1;
        if (w + cw + 1 > width) break;
        append_utf8(out, cp);
        w += cw;
    }
    return out + "…";
}

std::string format_virtual(meters::instant t, meters::utc_offset zone) {
    return platforms::format_instant(t, platforms::timestamp_format::spaced, std::chrono::minutes{zone.minutes});
}

std::string format_span(meters::duration d) {
    std::int64_t ms = d.count();
    if (ms == 0) return "0s";
    std::string out = ms < 0 ? "-" : "";
    std::uint64_t left = ms < 0 ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
    struct unit {
        std::uint64_t ms;
        char const* name;
    };
    static constexpr unit units[] = {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
    for (auto const& u : units) {
        if (left >= u.ms) out += fmt::format("{}{}", left / u.ms, u.name);
        left %= u.ms;
    }
    return out;
}

std::string format_wall(std::chrono::microseconds us) {
    auto const n = us.count();
    if (n < 10'000) return fmt::format("{}.{} ms", n / 1000, (n % 1000) / 100);
    if (n < 1'000'000) return fmt::format("{} ms", n / 1000);
    return fmt::format("{}.{:02} s", n / 1'000'000, (n % 1'000'000) / 10'000);
}

std::string format_seconds(std::chrono::microseconds us) {
    auto const n = std::max<std::int64_t>(us.count(), 0);
    return fmt::format("{}.{:03}", n / 1'000'000, (n % 1'000'000) / 1000);
}

std::string format_pos(source_pos const& at) {
    if (at.file.empty()) return at.line > 0 ? fmt::format("line {}", at.line) : std::string{};
    if (at.line <= 0) return at.file;
    if (at.column <= 0) return fmt::format("{}:{}", at.file, at.line);
    return fmt::format("{}:{}:{}", at.file, at.line, at.column);
}

step_record const* first_problem(scenario_result const& r) {
    for (auto const& s : r.steps)
        if (s.result == outcome::failed || s.result == outcome::error) return &s;
    return nullptr;
}

std::string problem_text(scenario_result const& r) {
    std::string out;
    if (!r.error.empty()) out += fmt::format("could not run: {}\n", r.error);
    step_record const* s = first_problem(r);
    if (s == nullptr) return out;
    auto const where = format_pos(s->at);
    out += fmt::format("step \"{}\" {}{}{}\n", s->label, s->result == outcome::failed ? "failed" : "could not run",
                       where.empty() ? "" : " at ", where);
    if (!s->message.empty()) out += s->message + (s->message.back() == '\n' ? "" : "\n");
    if (!s->context.empty()) {
        out += "journal around it:\n";
        for (auto const& line : s->context) out += "  " + line + "\n";
    }
    return out;
}

}  // namespace report_text

namespace {

namespace rt = report_text;

std::string_view mark_of(outcome o) {
    switch (o) {
        case outcome::passed: return "✓";
        case outcome::failed: return "✗";
        case outcome::error: return "!";
        case outcome::skipped: return "-";
    }
    return "?";
}

/// Left-aligns `s` in `width` columns (cut with "…" when longer).
std::string pad(std::string_view s, std::size_t width) {
    std::string out = rt::fit(s, width);
    std::size_t const w = rt::display_width(out);
    if (w < width) out.append(width - w, ' ');
    return out;
}

struct tally {
    std::size_t passed = 0, failed = 0, error = 0, skipped = 0;
    void add(outcome o) {
        switch (o) {
            case outcome::passed: ++passed; break;
            case outcome::failed: ++failed; break;
            case outcome::error: ++error; break;
            case outcome::skipped: ++skipped; break;
        }
    }
    std::size_t total() const { return passed + failed + error + skipped; }
};

}  // namespace

std::string live_line(step_record const& r, meters::utc_offset zone) {
    constexpr std::size_t label_columns = 50;
    std::size_t const indent = 2 + 2 * static_cast<std::size_t>(std::clamp(r.depth, 0, 8));
    std::string const label = rt::escape(r.label, rt::escape_for::terminal);
    std::string line(indent, ' ');
    line += fmt::format("{} {} [{}]", mark_of(r.result), pad(label, label_columns > indent ? label_columns - indent : 8),
                        rt::format_virtual(r.virtual_end, zone));
    if (r.result != outcome::skipped) line += " " + rt::format_wall(r.wall);
    return line;
}

std::string summary_table(std::vector<scenario_result> const& results) {
    std::size_t name_w = 8;
    for (auto const& r : results) name_w = std::max(name_w, rt::display_width(r.name));
    name_w = std::min<std::size_t>(name_w, 48);

    std::string out = fmt::format("{}  {:<7}  {:>9}  {:>12}  {:>9}\n", pad("scenario", name_w), "result", "steps",
                                  "virtual", "wall");
    tally scenarios;
    std::size_t steps_passed = 0, steps_total = 0;
    std::chrono::microseconds wall{0};
    for (auto const& r : results) {
        tally steps;
        for (auto const& s : r.steps) steps.add(s.result);
        scenarios.add(r.result);
        steps_passed += steps.passed;
        steps_total += steps.total();
        wall += r.wall;
        out += fmt::format("{}  {:<7}  {:>9}  {:>12}  {:>9}\n", pad(rt::escape(r.name, rt::escape_for::terminal), name_w),
                           to_string(r.result), fmt::format("{}/{}", steps.passed, steps.total()),
                           rt::format_span(r.virtual_end - r.virtual_start), rt::format_wall(r.wall));
    }
    out += fmt::format("{} scenario{}: {} passed, {} failed, {} error{}, {} skipped; {}/{} steps passed; {}\n",
                       scenarios.total(), scenarios.total() == 1 ? "" : "s", scenarios.passed, scenarios.failed,
                       scenarios.error, scenarios.error == 1 ? "" : "s", scenarios.skipped, steps_passed, steps_total,
                       rt::format_wall(wall));
    return out;
}

}  // namespace metersim::scenarios

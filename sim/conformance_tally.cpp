#include "sim/conformance_tally.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "sim/journal.hpp"

namespace metersim::sim {

std::string endpoint_of(std::string_view method, std::string_view target) {
    std::string out(method);
    out += ' ';
    out += target.substr(0, target.find('?'));
    return out;
}

void conformance_tally::add(std::string_view platform, std::string_view method, std::string_view target,
                            std::vector<deviation> const& ds, std::uint64_t id) {
    if (ds.empty()) return;
    ++requests_;
    std::string const endpoint = endpoint_of(method, target);
    // A request that broke one rule twice (two keys in the wrong case) counts once for it.
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (auto const& d : ds) {
        if (!seen.emplace(d.field, d.rule).second) continue;
        key k{std::string(platform), endpoint, d.field, d.rule};
        auto [it, fresh] = rows_.try_emplace(std::move(k));
        conformance_row& r = it->second;
        if (fresh) {
            r.platform = std::string(platform);
            r.endpoint = endpoint;
            r.field = d.field;
            r.rule = d.rule;
            r.section = d.section;
            r.first_id = id;
        }
        ++r.count;
        if (d.refused) ++r.refused;
        r.example_id = id;
        r.example_detail = d.detail;
        r.strict_refuses = d.strict_refuses;
    }
}

std::vector<conformance_row> conformance_tally::rows() const {
    std::vector<conformance_row> out;
    out.reserve(rows_.size());
    for (auto const& [k, r] : rows_) out.push_back(r);
    return out;
}

void conformance_tally::clear() noexcept {
    rows_.clear();
    requests_ = 0;
}

std::vector<conformance_row> merge_rows(std::vector<conformance_row> a, std::vector<conformance_row> const& b) {
    auto same = [](conformance_row const& x, conformance_row const& y) {
        return std::tie(x.platform, x.endpoint, x.field, x.rule) == std::tie(y.platform, y.endpoint, y.field, y.rule);
    };
    for (auto const& r : b) {
        auto it = std::find_if(a.begin(), a.end(), [&](conformance_row const& x) { return same(x, r); });
        if (it == a.end()) {
            a.push_back(r);
            continue;
        }
        it->count += r.count;
        it->refused += r.refused;
        // Journal ids restart with each run: keep the first run's example, which names it.
    }
    std::sort(a.begin(), a.end(), [](conformance_row const& x, conformance_row const& y) {
        return std::tie(x.platform, x.endpoint, x.field, x.rule) < std::tie(y.platform, y.endpoint, y.field, y.rule);
    });
    return a;
}

std::string conformance_text(std::vector<conformance_row> const& rows) {
    if (rows.empty()) return "conformance: no deviations from the documents\n";
    std::string out = fmt::format("conformance: {} rule{} broken (the CIS's to-do list)\n", rows.size(),
                                  rows.size() == 1 ? "" : "s");
    for (auto const& r : rows) {
        out += fmt::format("  {:<9} {} {}: {} ({}) x{}", r.platform, r.endpoint, r.field, r.rule, r.section, r.count);
        if (r.refused != 0) out += fmt::format(", {} refused", r.refused);
        out += fmt::format(", e.g. journal #{}", r.example_id);
        if (!r.example_run.empty()) out += fmt::format(" of \"{}\"", r.example_run);
        if (!r.example_detail.empty()) out += fmt::format(" ({})", r.example_detail);
        out += r.strict_refuses ? "; strict refuses it\n" : "; strict accepts it too\n";
    }
    return out;
}

}  // namespace metersim::sim

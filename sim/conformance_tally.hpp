#pragma once
/// sim::conformance_tally: the CIS's deviations from the vendor documents, counted per platform,
/// endpoint, field and rule (DESIGN.md "Conformance"; issue 16). The journal feeds it on every
/// append of a request that carries deviations, so the counts cover every request since the
/// start, not only the entries the journal's ring still holds. `GET /admin/conformance` and
/// `metersim run` show it: the CIS team's to-do list.
///
/// Not thread-safe on its own: the journal calls it under its mutex. Plain C++: no Asio here.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace metersim::sim {

struct deviation;

/// One rule a CIS broke on one endpoint, with how often.
struct conformance_row {
    std::string platform;  ///< "cnmcsp", "xianfeng", "xintian"
    std::string endpoint;  ///< "POST /api/Pay/RemotePay" (method and path, no query string)
    std::string field;     ///< the field or header in the vendor's spelling
    std::string rule;      ///< "key case", "number sent as string", "application/json", ...
    std::string section;   ///< the document's section ("xianfeng §2.1")
    std::uint64_t count = 0;    ///< requests that deviated so (accepted and refused)
    std::uint64_t refused = 0;  ///< of them, refused for it (strict mode)
    std::uint64_t first_id = 0;    ///< the journal id of the first such request
    std::uint64_t example_id = 0;  ///< the journal id of the latest such request (the likeliest kept)
    std::string example_detail;    ///< what that request sent ("sent as \"price3\"")
    std::string example_run;       ///< `metersim run`: the scenario the example id belongs to
    bool strict_refuses = true;    ///< whether `conformance: strict` refuses it
};

class conformance_tally {
public:
    /// Counts each distinct (field, rule) of `ds` once for the request `id` on `endpoint`, as
    /// refused when strict mode refused the request for it (deviation::refused).
    void add(std::string_view platform, std::string_view method, std::string_view target,
             std::vector<deviation> const& ds, std::uint64_t id);
    /// Every row, ordered by platform, endpoint, field, rule.
    std::vector<conformance_row> rows() const;
    /// Requests counted (each once, however many rules it broke).
    std::uint64_t requests() const noexcept { return requests_; }
    void clear() noexcept;

private:
    using key = std::tuple<std::string, std::string, std::string, std::string>;
    std::map<key, conformance_row, std::less<>> rows_;
    std::uint64_t requests_ = 0;
};

/// "POST /api/Pay/RemotePay" from a method and a target (its query string cut off).
std::string endpoint_of(std::string_view method, std::string_view target);

/// The rows of several tallies (several scenario runs) added together, in the same order.
std::vector<conformance_row> merge_rows(std::vector<conformance_row> a, std::vector<conformance_row> const& b);

/// A plain-text table of `rows` (one line each: platform, endpoint, field, rule, section, count,
/// refused, example id, whether strict refuses); "no deviations from the documents" when empty.
std::string conformance_text(std::vector<conformance_row> const& rows);

}  // namespace metersim::sim

#pragma once
/// The end of every vendor's request pipeline: the journal entry of one request in (CIS ->
/// platform) and the HTTP answer made from the vendor's rendered response. Knows no vendor: the
/// platform name, verdict and deviations come from the caller.

#include <string>
#include <string_view>
#include <vector>

#include "meters/instant.hpp"
#include "platforms/common/api_error.hpp"
#include "sim/http/routes.hpp"
#include "sim/journal.hpp"

namespace metersim::platforms {

/// The journal's form of deviations (accepted, or refused in strict mode).
std::vector<sim::deviation> to_journal(std::vector<deviation> const& ds);

/// One request in, as the journal records it (the answer is passed beside it).
struct inbound_exchange {
    std::string_view platform;  ///< "cnmcsp", "xianfeng", "xintian"
    sim::http::request const& req;
    std::string_view request_body;  ///< as recorded: req.body, or e.g. a decrypted envelope
    std::string meter_no;
    std::string verdict;
    std::vector<deviation> const& deviations;
};

/// The journal entry (direction in) of `ex` answered with `answer`, at virtual time `now`.
sim::journal_entry inbound_entry(meters::instant now, inbound_exchange ex, vendor_response const& answer);

/// Appends the journal entry of `ex` answered with `out` at `now`, and returns `out` as the
/// HTTP response.
sim::http::response journal_and_answer(sim::journal& journal, meters::instant now, inbound_exchange ex,
                                       vendor_response out);

}  // namespace metersim::platforms

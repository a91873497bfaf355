#pragma once
/// The dashboard's files (page, script, style, Chart.js), built into the binary: CMake reads
/// them into a generated .cpp at build time (sim/admin/dashboard/embed_assets.cmake), so the
/// page needs no file at run time and no network.

#include <span>
#include <string_view>

namespace metersim::sim::http {
class router;
}

namespace metersim::sim::admin {

struct dashboard_asset {
    std::string_view url;           ///< "/", "/assets/app.js", ...
    std::string_view content_type;  ///< "text/html; charset=utf-8", ...
    std::string_view body;
};

/// Every asset, in no particular order.
std::span<dashboard_asset const> dashboard_assets() noexcept;

/// GET of every asset's url (the page at "/"), with its content type and a cache header.
void add_dashboard_routes(http::router& r);

}  // namespace metersim::sim::admin

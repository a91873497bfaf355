// GET / and GET /assets/{file}: the dashboard, served from the assets built into the binary
// (dashboard_assets.hpp). The page itself reads only the documented admin API.
#include "sim/admin/dashboard_assets.hpp"

#include <string>

#include "sim/admin/admin_api.hpp"
#include "sim/http/routes.hpp"

namespace metersim::sim::admin {

namespace {

/// Chart.js changes only with the Debian package: a browser keeps it a day. The page, its
/// script and its style change with every build of metersim: a browser asks again each time.
std::string cache_control(std::string_view url) {
    return url == "/assets/chart.js" ? "public, max-age=86400" : "no-cache";
}

http::response serve_asset(dashboard_asset const& a) {
    http::response r;
    r.content_type = std::string(a.content_type);
    r.body = std::string(a.body);
    r.headers.emplace_back("Cache-Control", cache_control(a.url));
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
}

}  // namespace

void add_dashboard_routes(http::router& r) {
    for (dashboard_asset const& a : dashboard_assets())
        r.get(a.url, [&a](http::request const&) { return serve_asset(a); });
}

}  // namespace metersim::sim::admin

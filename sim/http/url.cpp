// parse_url (client.hpp): "http://host[:port][/path[?query]]" into its parts. Kept apart from
// client.cpp: no Asio or Beast here.
#include "sim/http/client.hpp"

#include <charconv>
#include <string>
#include <string_view>

#include "sim/text.hpp"

namespace metersim::sim::http {

meters::result<url, std::string> parse_url(std::string_view text) {
    using meters::unexpected;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) return unexpected<std::string>{"missing scheme (expected http://host:port/path)"};
    url u;
    u.scheme = std::string(text.substr(0, sep));
    for (auto& c : u.scheme) c = ascii_lower(c);
    if (u.scheme != "http" && u.scheme != "https") return unexpected<std::string>{"unsupported scheme '" + u.scheme + "'"};
    if (u.scheme == "https") u.port = 443;
    auto rest = text.substr(sep + 3);
    auto slash = rest.find_first_of("/?#");
    auto authority = rest.substr(0, slash);
    auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
    if (authority.find('@') != std::string_view::npos) return unexpected<std::string>{"user info in URLs is not supported"};

    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return unexpected<std::string>{"unterminated IPv6 address"};
        u.host = std::string(authority.substr(1, close - 1));
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return unexpected<std::string>{"garbage after IPv6 address"};
            port_text = after.substr(1);
        }
    } else {
        auto colon = authority.rfind(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (u.host.empty()) return unexpected<std::string>{"missing host"};
    if (!port_text.empty() || authority.ends_with(':')) {
        unsigned port = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            return unexpected<std::string>{"bad port '" + std::string(port_text) + "'"};
        }
        u.port = static_cast<std::uint16_t>(port);
    }
    u.target = path.empty() ? "/" : (path.front() == '?' ? "/" + std::string(path) : std::string(path));
    return u;
}

}  // namespace metersim::sim::http

// libFuzzer target: the server's HTTP/1.1 request framing (sim/http/request_parser.hpp: Beast's
// basic_parser with metersim's callbacks), fed as the server feeds it: the head, then the body,
// with the server's default limits; then the query string as the server decodes it. Requests
// are read one after another from the same bytes (pipelining), like a kept-alive connection.
#include "sim/http/request_parser.hpp"
#include "sim/http/routes.hpp"

#include <boost/asio/buffer.hpp>

#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    using namespace metersim::sim::http;
    detail::parsed_request parsed;
    std::vector<param> params;
    std::size_t at = 0;
    for (int message = 0; message < 8 && at < size; ++message) {
        detail::request_parser p(parsed);
        p.body_limit(1024 * 1024);
        p.header_limit(16 * 1024);
        p.eager(true);
        boost::beast::error_code ec;
        while (at < size && !p.is_done()) {
            auto n = p.put(boost::asio::buffer(data + at, size - at), ec);
            if (ec == boost::beast::http::error::need_more) break;  // the rest never came
            if (ec) return 0;
            if (n == 0) break;
            at += n;
        }
        if (!p.is_done()) {
            if (p.got_some()) p.put_eof(ec);  // the client went away mid-request (put_eof needs a byte)
            return 0;
        }
        auto target = parsed.view(parsed.target);
        if (target.size() > size) std::abort();
        auto q = target.find('?');
        if (q != std::string_view::npos) (void)parse_query(target.substr(q + 1), params);
        if (!p.keep_alive()) return 0;
    }
    return 0;
}

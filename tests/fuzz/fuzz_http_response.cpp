// libFuzzer target: the push client's answer parser (sim/http/request_parser.hpp
// response_parser), fed what a hostile CIS could answer, in the pieces the client reads them
// (the first input byte sets the piece size), with the client's default body limit.
#include "sim/http/request_parser.hpp"

#include <boost/asio/buffer.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    using namespace metersim::sim::http;
    if (size == 0) return 0;
    std::size_t const piece = 1 + data[0] % 64;
    ++data;
    --size;
    std::string body;
    std::string buffered;  // what the client holds between reads (put consumes whole lines)
    std::size_t at = 0;
    for (int message = 0; message < 8; ++message) {
        detail::response_parser p(body);
        p.body_limit(8 * 1024 * 1024);
        p.eager(true);
        boost::beast::error_code ec;
        while (!p.is_done()) {
            if (buffered.empty() || ec == boost::beast::http::error::need_more) {
                if (at >= size) {
                    // The connection closed: as the client does (client_io.cpp on_eof), an
                    // answer framed by the close ends here; put_eof needs a byte first.
                    if (p.got_some()) p.put_eof(ec);
                    return 0;
                }
                std::size_t n = std::min(piece, size - at);
                buffered.append(reinterpret_cast<char const*>(data + at), n);
                at += n;
            }
            ec = {};
            auto used = p.put(boost::asio::buffer(buffered), ec);
            if (ec && ec != boost::beast::http::error::need_more) return 0;
            buffered.erase(0, used);
        }
        if (p.status() < 100 || p.status() > 999) std::abort();
        if (!p.keep_alive()) return 0;
    }
    return 0;
}

#pragma once
/// The short Asio and Beast names of the support files (http_client.cpp, cis_receiver.cpp). For
/// .cpp files only: the support headers stay free of Beast.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace metersim::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

}  // namespace metersim::test

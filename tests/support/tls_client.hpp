#pragma once
/// A small blocking HTTPS client for tests (OpenSSL's BIO, no Asio): one request per
/// connection, certificate and host name verified against a CA file. And a self-signed pair
/// written to a fresh temporary directory, for the listeners under test.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace metersim::test {

struct https_answer {
    unsigned status = 0;  ///< 0 when the exchange failed (see error)
    std::string body;
    std::string error;    ///< OpenSSL's reason, with the verification result when it failed
};

/// `method target` to 127.0.0.1:port over TLS, verifying the server's certificate against
/// `ca_file` and its name against `server_name` (also sent as SNI and Host).
https_answer https_request(std::string_view method, std::uint16_t port, std::string_view target,
                           std::string const& ca_file, std::string const& server_name = "localhost",
                           std::string_view body = {});

/// A self-signed certificate for `hosts` and its key, written as cert.pem and key.pem in a new
/// directory under the system's temporary directory (removed by the destructor).
struct temp_cert {
    explicit temp_cert(std::vector<std::string> const& hosts = {"localhost", "127.0.0.1"});
    ~temp_cert();
    temp_cert(temp_cert const&) = delete;
    temp_cert& operator=(temp_cert const&) = delete;
    std::string dir;
    std::string cert;  ///< path of cert.pem
    std::string key;   ///< path of key.pem
};

}  // namespace metersim::test

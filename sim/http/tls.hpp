#pragma once
/// TLS for metersim's listeners and pushes (issue #18): the certificate files a listener serves,
/// the trust a push client verifies with, and a self-signed pair for local use (`metersim cert`).
/// OpenSSL and Beast's ssl_stream stay in the .cpp files (server.cpp, client_io.cpp, tls.cpp).

#include "meters/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace metersim::sim::http {

/// A listener's certificate chain and private key, PEM files. Both empty: plain HTTP.
struct tls_files {
    std::string cert;  ///< certificate chain (the server's first)
    std::string key;   ///< its private key, unencrypted
    bool enabled() const noexcept { return !cert.empty() || !key.empty(); }
    bool operator==(tls_files const&) const = default;
};

/// A certificate and its key, PEM text.
struct pem_pair {
    std::string cert;
    std::string key;
};

/// A self-signed certificate (EC P-256, SHA-256, `days` valid from an hour ago) for `hosts`
/// (DNS names or IP addresses, each a subjectAltName; the first is also the subject's CN).
/// Errors name what OpenSSL refused.
meters::result<pem_pair, std::string> make_self_signed(std::vector<std::string> const& hosts, int days = 825);

/// Checks that `files` load as a certificate chain and its matching key: nullopt when they do,
/// else the error naming the file and OpenSSL's reason ("cert.pem: no start line").
std::optional<std::string> check_tls_files(tls_files const& files);

}  // namespace metersim::sim::http

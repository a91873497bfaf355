#include "tests/support/tls_client.hpp"

#include "sim/http/tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace metersim::test {

namespace {

std::string openssl_error() {
    std::string out;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        out += out.empty() ? "" : "; ";
        out += buf;
    }
    return out.empty() ? "failed" : out;
}

void write_file(std::string const& path, std::string const& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

https_answer https_request(std::string_view method, std::uint16_t port, std::string_view target,
                           std::string const& ca_file, std::string const& server_name, std::string_view body) {
    https_answer out;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) return {0, {}, openssl_error()};
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
        out.error = "loading " + ca_file + ": " + openssl_error();
        SSL_CTX_free(ctx);
        return out;
    }
    BIO* bio = BIO_new_ssl_connect(ctx);
    SSL* ssl = nullptr;
    BIO_get_ssl(bio, &ssl);
    std::string const at = "127.0.0.1:" + std::to_string(port);
    BIO_set_conn_hostname(bio, at.c_str());
    SSL_set_tlsext_host_name(ssl, server_name.c_str());
    SSL_set1_host(ssl, server_name.c_str());
    if (BIO_do_connect(bio) != 1 || BIO_do_handshake(bio) != 1) {
        out.error = openssl_error();
        long const verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) out.error += std::string(" (verify: ") + X509_verify_cert_error_string(verify) + ")";
        BIO_free_all(bio);
        SSL_CTX_free(ctx);
        return out;
    }
    std::string req(method);
    req += " ";
    req += target;
    req += " HTTP/1.1\r\nHost: " + server_name + "\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n";
    req += body;
    if (BIO_write(bio, req.data(), static_cast<int>(req.size())) != static_cast<int>(req.size())) {
        out.error = "write: " + openssl_error();
    } else {
        std::string answer;
        char buf[4096];
        for (;;) {
            int n = BIO_read(bio, buf, sizeof buf);
            if (n <= 0) break;
            answer.append(buf, static_cast<std::size_t>(n));
        }
        auto const sp = answer.find(' ');
        auto const end = answer.find("\r\n\r\n");
        if (answer.rfind("HTTP/1.", 0) != 0 || sp == std::string::npos || end == std::string::npos) {
            out.error = "no HTTP answer: " + answer.substr(0, 80);
        } else {
            out.status = static_cast<unsigned>(std::stoul(answer.substr(sp + 1, 3)));
            out.body = answer.substr(end + 4);
        }
    }
    BIO_free_all(bio);
    SSL_CTX_free(ctx);
    return out;
}

temp_cert::temp_cert(std::vector<std::string> const& hosts) {
    static std::atomic<int> counter{0};
    auto pair = sim::http::make_self_signed(hosts);
    if (!pair) throw std::runtime_error("make_self_signed: " + pair.error());
    auto d = std::filesystem::temp_directory_path() /
             ("metersim-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(d);
    dir = d.string();
    cert = (d / "cert.pem").string();
    key = (d / "key.pem").string();
    write_file(cert, pair->cert);
    write_file(key, pair->key);
}

temp_cert::~temp_cert() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

}  // namespace metersim::test

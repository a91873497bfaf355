#include "sim/http/tls.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <fstream>
#include <memory>

namespace metersim::sim::http {

namespace {

template <class T, void (*Free)(T*)>
struct openssl_free {
    void operator()(T* p) const noexcept { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_free<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_free<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_free<BIO, BIO_free_all>>;
using ctx_ptr = std::unique_ptr<SSL_CTX, openssl_free<SSL_CTX, SSL_CTX_free>>;

/// OpenSSL's reason for the last failure (its error queue emptied).
std::string openssl_reason(std::string_view what) {
    std::string out(what);
    unsigned long code = ERR_get_error();
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        out += ": ";
        out += buf;
    }
    ERR_clear_error();
    return out;
}

/// Adds an X.509v3 extension to a self-signed certificate.
bool add_extension(X509* cert, int nid, char const* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return false;
    bool const ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

std::string subject_alt_names(std::vector<std::string> const& hosts) {
    std::string san;
    for (auto const& h : hosts) {
        boost::system::error_code ec;
        (void)boost::asio::ip::make_address(h, ec);
        san += san.empty() ? "" : ",";
        san += (ec ? "DNS:" : "IP:") + h;
    }
    return san;
}

std::string pem_of(int (*write)(BIO*, void const*), void const* what) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get(), what) != 1) return {};
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

meters::result<pem_pair, std::string> make_self_signed(std::vector<std::string> const& hosts, int days) {
    if (hosts.empty()) return meters::unexpected{std::string("no host name given")};
    for (auto const& h : hosts)
        if (h.empty() || h.find_first_of(", \t\r\n") != std::string::npos) return meters::unexpected{"bad host name \"" + h + "\""};
    pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key) return meters::unexpected{openssl_reason("generating the key")};
    x509_ptr cert(X509_new());
    if (!cert) return meters::unexpected{openssl_reason("making the certificate")};

    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) return meters::unexpected{openssl_reason("drawing the serial number")};
    serial[0] &= 0x7f;  // a positive serial
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    bool ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr;
    BN_free(bn);
    ok = ok && X509_set_version(cert.get(), 2) == 1;  // v3
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr;
    ok = ok && X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86'400L * days) != nullptr;
    ok = ok && X509_set_pubkey(cert.get(), key.get()) == 1;
    X509_NAME* name = X509_get_subject_name(cert.get());
    auto const& cn = hosts.front();
    ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<unsigned char const*>("metersim"), -1, -1, 0) == 1;
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<unsigned char const*>(cn.c_str()), -1, -1, 0) == 1;
    ok = ok && X509_set_issuer_name(cert.get(), name) == 1;
    if (!ok) return meters::unexpected{openssl_reason("filling the certificate")};
    // Self-signed and its own trust anchor: a CA for itself, for TLS servers only.
    if (!add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
        !add_extension(cert.get(), NID_ext_key_usage, "serverAuth") ||
        !add_extension(cert.get(), NID_subject_key_identifier, "hash") ||
        !add_extension(cert.get(), NID_subject_alt_name, subject_alt_names(hosts).c_str()))
        return meters::unexpected{openssl_reason("adding the certificate's extensions")};
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return meters::unexpected{openssl_reason("signing the certificate")};

    pem_pair out;
    out.cert = pem_of([](BIO* b, void const* x) { return PEM_write_bio_X509(b, static_cast<X509*>(const_cast<void*>(x))); },
                      cert.get());
    out.key = pem_of(
        [](BIO* b, void const* k) {
            return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(const_cast<void*>(k)), nullptr, nullptr, 0,
                                            nullptr, nullptr);
        },
        key.get());
    if (out.cert.empty() || out.key.empty()) return meters::unexpected{openssl_reason("writing PEM")};
    return out;
}

std::optional<std::string> check_tls_files(tls_files const& files) {
    if (files.cert.empty()) return std::string("tls.cert is missing (tls.key is set)");
    if (files.key.empty()) return std::string("tls.key is missing (tls.cert is set)");
    for (auto const* file : {&files.cert, &files.key})
        if (!std::ifstream(*file)) return *file + ": cannot read the file";
    ctx_ptr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) return openssl_reason("making a TLS context");
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), files.cert.c_str()) != 1)
        return openssl_reason(files.cert + ": not a PEM certificate chain");
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), files.key.c_str(), SSL_FILETYPE_PEM) != 1) {
        bool const mismatch = ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH;
        return openssl_reason(files.key + (mismatch ? ": does not match the certificate in " + files.cert
                                                    : std::string(": not a PEM private key")));
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1)
        return openssl_reason(files.key + ": does not match the certificate in " + files.cert);
    return std::nullopt;
}

}  // namespace metersim::sim::http

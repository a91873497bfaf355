#pragma once
/// `metersim cert --out DIR [--host NAME...] [--days N] [--force]`: a self-signed certificate and
/// its key for local HTTPS (sim::http::make_self_signed), written as DIR/cert.pem and DIR/key.pem
/// (the key readable by its owner only), for `tls: { cert, key }` under admin or a platform,
/// and as the CIS's trust for them. CLI11 stays out of this header.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace metersim::tools {

struct cert_command_options {
    std::string out_dir;
    std::vector<std::string> hosts;  ///< empty: localhost, 127.0.0.1 and ::1
    int days = 825;
    bool force = false;  ///< overwrite cert.pem and key.pem when they are there
};

/// Adds the `cert` subcommand to `app` with its flags bound to `opts`; returns the subcommand.
CLI::App* add_cert_command(CLI::App& app, cert_command_options& opts);
/// Writes the pair; exit 0, or 2 with one line on stderr (a file there already, unwritable).
int run_cert(cert_command_options const& opts);

}  // namespace metersim::tools

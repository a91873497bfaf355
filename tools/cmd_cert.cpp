#include "tools/cmd_cert.hpp"

#include "sim/http/tls.hpp"
#include "tools/exit_codes.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <system_error>

namespace metersim::tools {

namespace fs = std::filesystem;

CLI::App* add_cert_command(CLI::App& app, cert_command_options& opts) {
    auto* cmd = app.add_subcommand("cert", "Write a self-signed certificate and key for local HTTPS (tls: { cert, key })");
    cmd->add_option("--out,-o", opts.out_dir, "Directory to write cert.pem and key.pem in (made if missing)")
        ->required()
        ->type_name("DIR");
    cmd->add_option("--host", opts.hosts,
                    "A name or address the certificate is for (repeatable; default localhost, 127.0.0.1, ::1)")
        ->type_name("NAME");
    cmd->add_option("--days", opts.days, "Days the certificate is valid (default 825)")->check(CLI::Range(1, 3650));
    cmd->add_flag("--force", opts.force, "Overwrite cert.pem and key.pem if they are there");
    cmd->footer("Exit codes: 0 written; 2 bad flags, a file there already (without --force), or not writable.");
    return cmd;
}

namespace {

/// Writes `text` to `path` with `perms`, set while the file is still empty (a key is never
/// readable by others, not even for a moment); false (and `error` set) when it cannot.
bool write_file(fs::path const& path, std::string const& text, fs::perms perms, std::string& error) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        error = fmt::format("{}: cannot write", path.string());
        return false;
    }
    std::error_code ec;
    fs::permissions(path, perms, fs::perm_options::replace, ec);
    if (ec) {
        error = fmt::format("{}: cannot set its permissions: {}", path.string(), ec.message());
        return false;
    }
    out << text;
    out.close();
    if (!out) {
        error = fmt::format("{}: cannot write", path.string());
        return false;
    }
    return true;
}

}  // namespace

int run_cert(cert_command_options const& opts) {
    auto hosts = opts.hosts.empty() ? std::vector<std::string>{"localhost", "127.0.0.1", "::1"} : opts.hosts;
    fs::path const dir(opts.out_dir);
    fs::path const cert = dir / "cert.pem";
    fs::path const key = dir / "key.pem";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        fmt::print(stderr, "metersim cert: --out {}: {}\n", opts.out_dir, ec.message());
        return exit_code::bad_input;
    }
    if (!opts.force && (fs::exists(cert) || fs::exists(key))) {
        fmt::print(stderr, "metersim cert: {} or {} is there already (--force overwrites)\n", cert.string(), key.string());
        return exit_code::bad_input;
    }
    auto pair = sim::http::make_self_signed(hosts, opts.days);
    if (!pair) {
        fmt::print(stderr, "metersim cert: {}\n", pair.error());
        return exit_code::bad_input;
    }
    std::string error;
    if (!write_file(key, pair->key, fs::perms::owner_read | fs::perms::owner_write, error) ||
        !write_file(cert, pair->cert, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                          fs::perms::others_read, error)) {
        fmt::print(stderr, "metersim cert: {}\n", error);
        return exit_code::bad_input;
    }
    fmt::print("wrote {} and {} (self-signed, for {}; {} days)\n", cert.string(), key.string(), fmt::join(hosts, ", "),
               opts.days);
    fmt::print("use: tls: {{ cert: {}, key: {} }}; a CIS trusts {} as its CA\n", cert.string(), key.string(),
               cert.string());
    return exit_code::ok;
}

}  // namespace metersim::tools

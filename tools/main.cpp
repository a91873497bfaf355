// metersim: the one executable. main() only parses the command line and dispatches to cmd_*.cpp.

#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/version.hpp"
#include "tools/cmd_load.hpp"
#include "tools/cmd_cert.hpp"
#include "tools/cmd_run.hpp"
#include "tools/cmd_serve.hpp"
#include "tools/exit_codes.hpp"

int main(int argc, char** argv) {
    namespace tools = metersim::tools;
    try {
        CLI::App app{"metersim: a gas-meter firmware simulator and vendor-platform emulator.\n"
                     "Virtual gas meters behind fakes of the CNMCSP, Xianfeng and Xintian platforms, "
                     "for testing a CIS end to end.",
                     "metersim"};
        app.set_version_flag("--version", fmt::format("metersim {}", metersim::sim::version()), "Print the version and exit");
        app.require_subcommand(1);
        app.footer("Exit codes: 0 ok, 1 an expectation failed, 2 bad input (flags, config, scenario).\n"
                   "Run `metersim SUBCOMMAND --help` for the flags of a subcommand.");

        tools::serve_options serve;
        auto* serve_cmd = tools::add_serve_command(app, serve);
        tools::run_command_options run;
        auto* run_cmd = tools::add_run_command(app, run);
        tools::validate_command_options validate;
        auto* validate_cmd = tools::add_validate_command(app, validate);
        tools::load_options load;
        auto* load_cmd = tools::add_load_command(app, load);
        tools::cert_command_options cert;
        auto* cert_cmd = tools::add_cert_command(app, cert);

        try {
            app.parse(argc, argv);
        } catch (CLI::ParseError const& e) {
            // --help and --version exit 0; every other command-line error is bad input.
            return app.exit(e) == 0 ? tools::exit_code::ok : tools::exit_code::bad_input;
        }

        if (serve_cmd->parsed()) return tools::run_serve(serve);
        if (run_cmd->parsed()) return tools::run_run(run);
        if (validate_cmd->parsed()) return tools::run_validate(validate);
        if (load_cmd->parsed()) return tools::run_load(load);
        if (cert_cmd->parsed()) return tools::run_cert(cert);
        return tools::exit_code::bad_input;
    } catch (std::exception const& e) {
        fmt::print(stderr, "metersim: error: {}\n", e.what());
        return tools::exit_code::bad_input;
    }
}

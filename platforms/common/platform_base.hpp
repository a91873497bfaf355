#pragma once
/// What the three fake vendor platforms (cnmcsp/, xianfeng/, xintian/) share in shape.
///
/// Each vendor's `platform` answers the CIS's requests on the routes it adds to a router, and
/// its inside is the fleet_listener of every meter whose catalogue entry names the vendor. It
/// never listens: the caller builds the server around the router. Single-threaded: handlers,
/// listener calls and scheduler events all run on the one io_context thread of the fleet.
/// Construction registers the listener; destruction removes it. Not copyable: the fleet and the
/// outbox hold pointers to its inside.
///
/// The inside is a pimpl, `<vendor>::platform_impl` (platform_impl.hpp), declared here so that
/// users of platform.hpp compile without any of it. The files of a vendor folder mean the same
/// in all three (see each platform.hpp for the vendor's own):
///   platform.hpp / platform.cpp   the options, the class; construction, the fleet listener,
///                                 command delivery at the meter's session
///   platform_impl.hpp             the inside, shared by the folder's .cpp files only
///   routes.cpp                    the vendor's parts of the request pipeline (common/endpoint.hpp)
///                                 and the routes; routes_<topic>.cpp: the endpoints, `do_<name>`
///   auth.hpp / auth.cpp           authentication of the CIS's requests (and of the pushes)
///   codec.hpp / codec.cpp         reading request bodies and writing answer data
///   errors.hpp / errors.cpp       the vendor's codes and its one to_response(api_error)
///   push.cpp                      what the platform sends to the CIS (Xintian: billing_report)

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "platforms/common/api_error.hpp"
#include "sim/fleet.hpp"
#include "sim/http/routes.hpp"

namespace metersim::sim {
class outbox;
class journal;
class scheduler;
}  // namespace metersim::sim

namespace metersim::platforms {

/// The options every vendor platform has, the base of each vendor's `options`.
struct platform_options {
    platforms::conformance conformance = platforms::conformance::lenient;
    std::chrono::minutes utc_offset{480};  ///< the zone of every vendor timestamp
};

/// The engine parts a platform works with: the caller owns them, and they outlive the platform.
/// The base of each vendor's platform_impl.
struct platform_context {
    sim::fleet& fleet;
    sim::outbox& outbox;
    sim::journal& journal;
    sim::scheduler& sched;
};

/// The base of each vendor's `platform`: `Options` are its options, `Impl` its platform_impl,
/// complete only in the vendor's .cpp files (where the derived class's constructor and
/// destructor are defined). `Impl` is a sim::fleet_listener with an `opts` member.
template <class Options, class Impl>
class platform_base {
public:
    platform_base(platform_base const&) = delete;
    platform_base& operator=(platform_base const&) = delete;

    /// Adds the vendor's endpoints to `r`, with a fallback answering unknown paths in the
    /// vendor's shape.
    virtual void add_routes(sim::http::router& r) = 0;

    using impl = Impl;

    /// The options the platform runs with.
    Options const& settings() const noexcept { return *settings_; }

protected:
    /// Registers the inside (a sim::fleet_listener) as the fleet's listener for the meters of
    /// `name`.
    platform_base(std::string_view name, sim::fleet& fleet, std::unique_ptr<Impl> inside)
        : impl_(std::move(inside)), settings_(&impl_->opts), fleet_(fleet), name_(name) {
        fleet_.set_listener(std::string(name_), impl_.get());
    }
    virtual ~platform_base() { fleet_.set_listener(std::string(name_), nullptr); }

    std::unique_ptr<Impl> impl_;

private:
    Options const* settings_;
    sim::fleet& fleet_;
    std::string_view name_;  ///< a string literal: "cnmcsp", "xianfeng", "xintian"
};

}  // namespace metersim::platforms

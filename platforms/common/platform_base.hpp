#pragma once
/// What the three fake vendor platforms (cnmcsp/, xianfeng/, xintian/) share in shape.
///
/// Each vendor's `platform` answers the CIS's requests on the routes it adds to a router, and
/// is the fleet_listener of every meter whose catalogue entry names the vendor. It never
/// listens: the caller builds the server around the router. Single-threaded: handlers, listener
/// calls and scheduler events all run on the one io_context thread of the fleet. Construction
/// registers the listener; destruction removes it. Not copyable: the fleet and the outbox hold
/// pointers to it.
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

#include <memory>
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

/// The engine parts a platform works with: the caller owns them, and they outlive the platform.
/// The base of each vendor's platform_impl.
struct platform_context {
    sim::fleet& fleet;
    sim::outbox& outbox;
    sim::journal& journal;
    sim::scheduler& sched;
};

/// The base of each vendor's `platform`; `Impl` is its platform_impl, complete only in the
/// vendor's .cpp files (where the derived class's constructor and destructor are defined).
template <class Impl>
class platform_base : public sim::fleet_listener {
public:
    platform_base(platform_base const&) = delete;
    platform_base& operator=(platform_base const&) = delete;

    /// Adds the vendor's endpoints to `r`, with a fallback answering unknown paths in the
    /// vendor's shape.
    virtual void add_routes(sim::http::router& r) = 0;

protected:
    explicit platform_base(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
    ~platform_base() override = default;

    std::unique_ptr<Impl> impl_;
};

}  // namespace metersim::platforms

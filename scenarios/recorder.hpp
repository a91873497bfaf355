#pragma once
/// The built-in CIS of a self-contained scenario (scenarios/README.md `cis: recorder`): an HTTP
/// receiver on 127.0.0.1:0, on the world's loop, that answers every push as the vendor documents
/// say a CIS answers success, unless a `cis_answer` step scripted another answer:
///   - cnmcsp.realtime / cnmcsp.alarm: 200 {"ReturnCode":"0","ReturnMessage":"接口功能执行成功"} (spec: cnmcsp §6);
///   - xianfeng.report / .alarm / .response: 200 with an empty body (spec: xianfeng §3.1, §3.2:
///     "Status Code: 200 OK");
///   - xintian.billing: 200 {"ResultCode":1, "DataList":[{MeterAddr, UnitPrice, Remnant, ValveMode}]}
///     (spec: xintian §3.6.2) with values that leave the meter as it is: Remnant is the report's
///     Reserve, ValveMode follows its ValveState (2 closed -> 2, else 1), UnitPrice is the meter's
///     own (read through `unit_price_of`).
/// The pushes themselves are read from the journal by the runner; the recorder only answers.
/// Asio stays in recorder.cpp. Loop thread only.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace metersim::scenarios {

/// A scripted answer (`cis_answer`).
struct scripted_answer {
    std::string kind;                    ///< a push kind ("xintian.billing")
    std::string meter;                   ///< empty: every meter
    std::optional<std::uint64_t> count;  ///< answers left; nullopt: until replaced
    unsigned status = 200;
    std::optional<std::string> body;  ///< sent as is; nullopt: the kind's default success body
};

/// What the recorder asks the world about a meter (both may return "").
struct recorder_lookups {
    std::function<std::string(std::string_view meter)> unit_price_of;  ///< "3.5000"
    std::function<std::string(std::string_view meter)> device_id_of;   ///< the platform device id
};

class recorder {
public:
    /// Listens on 127.0.0.1:0. Throws when it cannot bind (start-up).
    recorder(boost::asio::io_context& io, recorder_lookups lookups);
    ~recorder();
    recorder(recorder const&) = delete;
    recorder& operator=(recorder const&) = delete;

    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:<port>" (a push kind's default path goes after it).
    std::string base_url() const;

    /// Adds a scripted answer; one with the same kind and meter is replaced.
    void script(scripted_answer a);
    /// Pushes received (answered) so far.
    std::uint64_t received() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

/// The push kind of a request the recorder receives at `path` with `body` (xianfeng.alarm is a
/// report with reportType 99); "" when the path is no push kind's default path.
std::string push_kind_of(std::string_view path, std::string_view body);

/// The default success answer body for a push (see the class comment); for xintian.billing it
/// reads the push body and takes the unit price given.
std::string default_answer(std::string_view kind, std::string_view body, std::string_view unit_price);

}  // namespace metersim::scenarios

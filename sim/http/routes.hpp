#pragma once
/// HTTP request/response values and the route table shared by every listener (the three vendor
/// platforms and the admin API).
///
/// `request` and `response` are plain values with no Beast type in them, so platform code and
/// its tests include this header without pulling Asio in. A `router` maps (method, pattern) to a
/// synchronous handler; a pattern is a path whose segments are literals or `{name}` parameters
/// ("/devices/{deviceId}/commands"). Handlers run on the server's io_context thread and must
/// not block; an exception escaping a handler becomes a 500 answer (see server.hpp).
///
/// Lifetime: every string_view in a `request` points into the connection's buffers and is valid
/// only for the duration of the handler call (and of the server's journal hook). Copy what you
/// keep.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metersim::sim::http {

/// A decoded name/value pair (query parameter or path parameter).
struct param {
    std::string name;
    std::string value;
};

/// A request header as received (views into the connection's buffer).
struct header_field {
    std::string_view name;
    std::string_view value;
};

class deferrer;

/// An incoming request as a handler sees it.
struct request {
    std::string_view method;        ///< "GET", "POST", ... as sent (case-sensitive per RFC 9110)
    std::string_view target;        ///< raw request target: path and query string
    std::string_view path;          ///< target up to '?', not percent-decoded
    std::string_view query_string;  ///< target after '?', not decoded ("" when none)
    std::string_view body;
    std::vector<header_field> headers;
    std::vector<param> query_params;  ///< percent-decoded, '+' as space, in order of appearance
    std::vector<param> path_params;   ///< filled by the router from `{name}` segments, decoded
    std::string_view remote_address;  ///< client IP as text
    std::uint16_t remote_port = 0;
    /// Set by the server: lets the handler answer later (see deferrer). Null when the router is
    /// called in process (router::dispatch from the scenario runner): answer synchronously then.
    deferrer* async = nullptr;

    /// Case-insensitive header lookup; the first field of that name.
    std::optional<std::string_view> header(std::string_view name) const noexcept;
    /// The first query parameter of that name (names compare exactly).
    std::optional<std::string_view> query(std::string_view name) const noexcept;
    /// A `{name}` path parameter of the matched route.
    std::optional<std::string_view> path_param(std::string_view name) const noexcept;
};

/// What a handler answers. The default is an empty 200 JSON answer.
struct response {
    unsigned status = 200;
    /// Empty means "application/json; charset=utf-8" (kept empty so the hot path allocates
    /// nothing for the common case).
    std::string content_type;
    std::string body;
    /// Extra headers; a name or value holding CR or LF is dropped, never sent.
    std::vector<std::pair<std::string, std::string>> headers;
    /// Artificial delay before the answer is written (fault injection); the connection waits on
    /// a timer, the io_context does not block.
    std::chrono::milliseconds delay{0};
    /// Close the connection after this answer even if the client asked for keep-alive.
    bool close = false;
};

inline constexpr std::string_view json_content_type = "application/json; charset=utf-8";

/// An answer given after the handler has returned: a long step (POST /admin/clock/advance) runs
/// in chunks on later loop turns, so other requests and pushes go on meanwhile. io thread only.
class deferred_answer {
public:
    virtual ~deferred_answer() = default;
    /// Gives the answer; the first call counts, later ones are ignored.
    virtual void answer(response r) = 0;
    /// Runs `fn` on a later turn of the server's loop, after what is ready to run now.
    virtual void post(std::function<void()> fn) = 0;
    /// False once nobody waits for the answer any more (the server stopped or closed the
    /// connection): the work may stop early.
    virtual bool wanted() const noexcept = 0;
};

/// What request::async points to. A handler that calls defer() (at most once, during the call)
/// answers through the returned object: what the handler returns is then ignored, the connection
/// waits for that answer (the loop does not), and it is journaled and written like any other.
/// A handler that throws after defer() answers 500 at once, as usual.
class deferrer {
public:
    virtual std::shared_ptr<deferred_answer> defer() = 0;

protected:
    ~deferrer() = default;
};

/// A JSON answer `{"message": "..."}` with the given status; the message is JSON-escaped.
response json_error(unsigned status, std::string_view message);

/// Appends `text` to `out` escaped as the inside of a JSON string (no surrounding quotes).
void append_json_escaped(std::string& out, std::string_view text);

/// Percent-decodes `in` into `out` (cleared first). With `plus_as_space`, '+' becomes ' '
/// (application/x-www-form-urlencoded, used in query strings). False on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

/// Parses "a=1&b=x%20y&c" into `out` (cleared first): decoded names and values, a missing '='
/// gives an empty value, empty pieces ("a=1&&b=2") are skipped. False on a malformed escape.
bool parse_query(std::string_view query, std::vector<param>& out);

using handler = std::function<response(request const&)>;

/// Why no handler matched: no route has that path, or routes have it but not for that method.
enum class route_miss { not_found, method_not_allowed };

/// Answers requests no route matched; each vendor answers unknown paths in its own format.
using fallback_handler = std::function<response(request const&, route_miss)>;

/// Method + path pattern -> handler table. Built at start-up, then only read (dispatch is const
/// and may run on several io_contexts at once).
class router {
public:
    router();

    /// Adds a route. Patterns start with '/'; a segment "{name}" captures that segment (decoded)
    /// as a path parameter. Throws std::invalid_argument on a malformed pattern (start-up only).
    router& add(std::string_view method, std::string_view pattern, handler h);
    router& get(std::string_view pattern, handler h) { return add("GET", pattern, std::move(h)); }
    router& post(std::string_view pattern, handler h) { return add("POST", pattern, std::move(h)); }
    router& put(std::string_view pattern, handler h) { return add("PUT", pattern, std::move(h)); }
    router& del(std::string_view pattern, handler h) { return add("DELETE", pattern, std::move(h)); }

    /// Replaces the answer for unmatched requests. The default answers 404 or 405 (with Allow)
    /// as JSON `{"message": ...}`.
    router& set_fallback(fallback_handler f);

    /// Finds the route for `req.method` and `req.path`, fills `req.path_params` and calls its
    /// handler, or the fallback. Exceptions from handlers propagate (the server catches them).
    response dispatch(request& req) const;

    std::size_t size() const noexcept { return routes_.size(); }

private:
    struct segment {
        std::string text;  ///< literal text, or the parameter name
        bool is_param = false;
    };
    struct route {
        std::string method;
        std::string pattern;
        std::vector<segment> segments;
        handler fn;
    };

    bool matches(route const& r, std::string_view path, std::vector<param>* params) const;
    response miss(request const& req, route_miss why) const;

    std::vector<route> routes_;
    fallback_handler fallback_;
};

}  // namespace metersim::sim::http

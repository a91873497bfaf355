#include "sim/http/routes.hpp"

#include "sim/json/text.hpp"

#include <stdexcept>

#include "sim/text.hpp"

namespace metersim::sim::http {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string_view> find_param(std::vector<param> const& params,
                                           std::string_view name) noexcept {
    for (auto const& p : params) {
        if (p.name == name) return std::string_view{p.value};
    }
    return std::nullopt;
}

/// Walks the '/'-separated pieces of a path without its leading '/': "a/b/" gives "a", "b", ""
/// and "" gives one empty piece (the path "/").
class segment_reader {
public:
    explicit segment_reader(std::string_view rest) noexcept : rest_(rest) {}
    bool next(std::string_view& seg) noexcept {
        if (done_) return false;
        auto slash = rest_.find('/');
        if (slash == std::string_view::npos) {
            seg = rest_;
            done_ = true;
        } else {
            seg = rest_.substr(0, slash);
            rest_ = rest_.substr(slash + 1);
        }
        return true;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

}  // namespace

std::optional<std::string_view> request::header(std::string_view name) const noexcept {
    for (auto const& h : headers) {
        if (iequals(h.name, name)) return h.value;
    }
    return std::nullopt;
}

std::optional<std::string_view> request::query(std::string_view name) const noexcept {
    return find_param(query_params, name);
}

std::optional<std::string_view> request::path_param(std::string_view name) const noexcept {
    return find_param(path_params, name);
}

void append_json_escaped(std::string& out, std::string_view text) {
    std::size_t const at = out.size();
    json::append_json_quoted(out, text);  // the one escaper, quotes included: drop them
    out.erase(at, 1);
    out.pop_back();
}

response json_error(unsigned status, std::string_view message) {
    response r;
    r.status = status;
    json::json_text w(r.body, json::bad_utf8::per_byte);
    w.begin_object();
    w.field("message", message);
    w.end_object();
    w.finish();
    return r;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = hex_value(in[i + 1]);
            int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return true;
}

bool parse_query(std::string_view query, std::vector<param>& out) {
    // The elements already in `out` are reused (their strings keep their storage): a connection
    // parses each request's query into the same vector without allocating.
    std::size_t n = 0;
    auto next = [&out, &n]() -> param& {
        if (n == out.size()) out.emplace_back();
        return out[n++];
    };
    bool ok = true;
    while (!query.empty() && ok) {
        auto amp = query.find('&');
        auto piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (piece.empty()) continue;
        auto eq = piece.find('=');
        auto& p = next();
        ok = percent_decode(piece.substr(0, eq), p.name, true);
        if (ok && eq != std::string_view::npos) ok = percent_decode(piece.substr(eq + 1), p.value, true);
        else if (ok) p.value.clear();
    }
    out.resize(n);
    return ok;
}

router::router() = default;

router& router::add(std::string_view method, std::string_view pattern, handler h) {
    if (method.empty()) throw std::invalid_argument("route method is empty");
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
    }
    if (!h) throw std::invalid_argument("route handler is empty: " + std::string(pattern));
    route r{std::string(method), std::string(pattern), {}, std::move(h)};
    segment_reader reader{pattern.substr(1)};
    std::string_view seg;
    while (reader.next(seg)) {
        if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
            r.segments.push_back({std::string(seg.substr(1, seg.size() - 2)), true});
        } else if (seg.find_first_of("{}") != std::string_view::npos) {
            throw std::invalid_argument("malformed route segment: " + std::string(pattern));
        } else {
            r.segments.push_back({std::string(seg), false});
        }
    }
    routes_.push_back(std::move(r));
    return *this;
}

router& router::set_fallback(fallback_handler f) {
    fallback_ = std::move(f);
    return *this;
}

bool router::matches(route const& r, std::string_view path, std::vector<param>* params) const {
    if (path.empty() || path.front() != '/') return false;
    segment_reader reader{path.substr(1)};
    std::string_view seg;
    std::size_t n = 0;  // params filled; the vector's elements are reused (no allocation)
    for (auto const& s : r.segments) {
        if (!reader.next(seg)) return false;
        if (!s.is_param) {
            if (seg != s.text) return false;
            continue;
        }
        if (seg.empty()) return false;
        if (params != nullptr) {
            if (n == params->size()) params->emplace_back();
            auto& p = (*params)[n++];
            p.name = s.text;
            if (!percent_decode(seg, p.value, false)) return false;
        }
    }
    if (reader.next(seg)) return false;
    if (params != nullptr) params->resize(n);
    return true;
}

response router::dispatch(request& req) const {
    bool path_known = false;
    for (auto const& r : routes_) {
        if (r.method != req.method) {
            // Only to tell 405 from 404; a hit on the right method returns before this matters.
            if (!path_known && matches(r, req.path, nullptr)) path_known = true;
            continue;
        }
        if (matches(r, req.path, &req.path_params)) return r.fn(req);
    }
    req.path_params.clear();
    return miss(req, path_known ? route_miss::method_not_allowed : route_miss::not_found);
}

response router::miss(request const& req, route_miss why) const {
    if (fallback_) return fallback_(req, why);
    if (why == route_miss::not_found) {
        std::string msg = "no route for ";
        msg += req.path;
        return json_error(404, msg);
    }
    std::string allow;
    for (auto const& r : routes_) {
        if (!matches(r, req.path, nullptr)) continue;
        if (allow.find(r.method) != std::string::npos) continue;
        if (!allow.empty()) allow += ", ";
        allow += r.method;
    }
    std::string msg = "method ";
    msg += req.method;
    msg += " not allowed for ";
    msg += req.path;
    auto res = json_error(405, msg);
    res.headers.emplace_back("Allow", std::move(allow));
    return res;
}

}  // namespace metersim::sim::http

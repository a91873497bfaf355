#pragma once
/// The HTTP/1.1 parsers of the server (requests) and of the push client (answers).
///
/// The server's request parser: Beast's basic_parser (framing, limits, chunked
/// bodies, keep-alive rules) with the parts of the request kept in buffers the connection owns
/// and reuses request after request, where Beast's `request_parser<string_body>` allocates a
/// node per header field and a new body string per request.
///
/// A basic_parser reads one message only: the session makes a new `request_parser` (a few dozen
/// bytes, no allocation) for each request over the same `parsed_request`. The client's
/// response parser keeps only what a push needs (status, keep-alive, body) and no header field.
/// Also the two helpers both write heads with (has_crlf, append_number). Included by server.cpp
/// and the client's files only (it pulls Beast in).

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace metersim::sim::http::detail {

/// Whether a header name or value holds CR or LF (such a field is never written). Two
/// vectorised scans: string_view::find_first_of would call memchr once per character.
inline bool has_crlf(std::string_view s) noexcept {
    return s.find('\r') != std::string_view::npos || s.find('\n') != std::string_view::npos;
}

/// Appends `v` in decimal (a Content-Length).
inline void append_number(std::string& out, std::uint64_t v) {
    std::array<char, 24> buf{};
    auto const r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

/// The parts of one request, in storage reused by the next request of the connection.
struct parsed_request {
    /// Offsets into `text`, which holds the method, the target, then each field's name and value.
    struct span {
        std::size_t begin = 0;
        std::size_t size = 0;
    };
    struct field_spans {
        span name;
        span value;
        boost::beast::http::field id = boost::beast::http::field::unknown;
    };

    std::string text;
    span method;
    span target;
    std::vector<field_spans> fields;
    std::string body;
    unsigned version = 11;

    /// Bodies larger than this do not keep their storage for the next request: an idle
    /// connection holds at most this much body buffer.
    static constexpr std::size_t kept_body_capacity = 64 * 1024;

    void clear() noexcept {
        text.clear();
        fields.clear();
        if (body.capacity() > kept_body_capacity) std::string{}.swap(body);
        body.clear();
        version = 11;
    }
    std::string_view view(span s) const noexcept { return std::string_view(text).substr(s.begin, s.size); }
    span keep(std::string_view s) {
        span out{text.size(), s.size()};
        text.append(s.data(), s.size());
        return out;
    }
    /// The first field with this id, or nullptr.
    field_spans const* find(boost::beast::http::field id) const noexcept {
        for (auto const& f : fields)
            if (f.id == id) return &f;
        return nullptr;
    }
};

/// Fills a parsed_request (cleared at construction) from the bytes Beast's reader hands it.
class request_parser final : public boost::beast::http::basic_parser<true> {
public:
    explicit request_parser(parsed_request& out) : out_(out) { out_.clear(); }

private:
    using error_code = boost::beast::error_code;
    using string_view = boost::beast::string_view;

    void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                         error_code&) override {
        out_.method = out_.keep({method.data(), method.size()});
        out_.target = out_.keep({target.data(), target.size()});
        out_.version = static_cast<unsigned>(version);
    }
    void on_response_impl(int, string_view, int, error_code&) override {}
    void on_field_impl(boost::beast::http::field id, string_view name, string_view value, error_code&) override {
        parsed_request::field_spans f;
        f.name = out_.keep({name.data(), name.size()});
        f.value = out_.keep({value.data(), value.size()});
        f.id = id;
        out_.fields.push_back(f);
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code&) override {
        // basic_parser has checked the length against its body limit already.
        if (length) out_.body.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(string_view body, error_code&) override {
        out_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
        out_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_finish_impl(error_code&) override {}

    parsed_request& out_;
};

/// An answer to a push: its status, and its body appended to a string the connection owns and
/// reuses (cleared at construction); header fields are parsed (framing, keep-alive) but not
/// stored. Fed by hand with put() (client.cpp): no composed read operation per answer.
class response_parser final : public boost::beast::http::basic_parser<false> {
public:
    explicit response_parser(std::string& body) : body_(body) { body_.clear(); }
    unsigned status() const noexcept { return status_; }

private:
    using error_code = boost::beast::error_code;
    using string_view = boost::beast::string_view;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
    void on_response_impl(int code, string_view, int, error_code& ec) override {
        // Beast reads any three digits; a status below 100 is no answer (RFC 9110 §15), and a
        // push's status 0 means "no answer came" (client.hpp). Found by fuzz_http_response.
        if (code < 100) {
            ec = boost::beast::http::error::bad_status;
            return;
        }
        status_ = static_cast<unsigned>(code);
    }
    void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code&) override {
        if (length) body_.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(string_view body, error_code&) override {
        body_.append(body.data(), body.size());
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
        body_.append(body.data(), body.size());
        return body.size();
    }
    void on_finish_impl(error_code&) override {}

    unsigned status_ = 0;
    std::string& body_;
};

}  // namespace metersim::sim::http::detail

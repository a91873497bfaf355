#include "sim/json/value.hpp"

// The JSON DOM that keeps raw number tokens: parsing (nlohmann SAX, never throwing), limits and
// writing.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cassert>
#include <charconv>
#include <exception>
#include <limits>
#include <optional>
#include <unordered_set>

#include "sim/json/text.hpp"

namespace metersim::sim::json {

namespace {

// ---------------------------------------------------------------------------------------------
// Parsing

void locate(std::string_view text, json_parse_error& e) {
    if (e.offset > text.size()) e.offset = text.size();
    e.line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < e.offset; ++i) {
        if (text[i] == '\n') {
            ++e.line;
            line_start = i + 1;
        }
    }
    e.column = e.offset - line_start + 1;
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." ->
// "syntax error ...": position is reported separately.
std::string reason_of(char const* what) {
    std::string_view w(what);
    if (auto c = w.find(", column "); c != std::string_view::npos) {
        if (auto colon = w.find(": ", c); colon != std::string_view::npos)
            return std::string(w.substr(colon + 2));
    }
    if (auto close = w.find("] "); close != std::string_view::npos && w.front() == '[')
        return std::string(w.substr(close + 2));
    return std::string(w);
}

// Finds where a structural limit is crossed in text nlohmann has accepted up to that point:
// the offset of the container opening past max_depth, or of the value past max_values.
std::size_t limit_offset(std::string_view t, json_limits const& lim) {
    std::vector<char> stack;  // '{' or '['
    bool expect_key = false;
    std::size_t values = 0;
    std::size_t i = 0;
    auto value_start = [&](std::size_t at) { return ++values > lim.max_values ? at : std::string_view::npos; };
    while (i < t.size()) {
        char const c = t[i];
        switch (c) {
        case ' ': case '\t': case '\r': case '\n': ++i; break;
        case '{': case '[':
            if (value_start(i) != std::string_view::npos) return i;
            if (stack.size() >= lim.max_depth) return i;
            stack.push_back(c);
            expect_key = c == '{';
            ++i;
            break;
        case '}': case ']':
            if (!stack.empty()) stack.pop_back();
            expect_key = false;
            ++i;
            break;
        case ':': expect_key = false; ++i; break;
        case ',': expect_key = !stack.empty() && stack.back() == '{'; ++i; break;
        case '"': {
            if (!expect_key && value_start(i) != std::string_view::npos) return i;
            ++i;
            while (i < t.size() && t[i] != '"') i += t[i] == '\\' ? std::size_t{2} : std::size_t{1};
            ++i;
            break;
        }
        default:
            if (value_start(i) != std::string_view::npos) return i;
            while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' &&
                   t[i] != '\t' && t[i] != '\r' && t[i] != '\n')
                ++i;
            break;
        }
    }
    return t.size();
}

using nl_json = nlohmann::json;

// SAX handler building a json_value; numbers keep their token text.
class dom_builder {
public:
    explicit dom_builder(json_limits lim) : lim_(lim) {}

    bool null() { return add(json_value{}); }
    bool boolean(bool b) { return add(json_value::boolean(b)); }
    // nlohmann hands integers over as values only; they are exact, so their decimal text is
    // the token (JSON integers have no '+' and no leading zeros; "-0" becomes "0").
    bool number_integer(nl_json::number_integer_t v) { return add(json_value::number(std::to_string(v))); }
    bool number_unsigned(nl_json::number_unsigned_t v) { return add(json_value::number(std::to_string(v))); }
    // Floats, and integers too large for 64 bits, come with their raw token; the double is
    // ignored by design.
    bool number_float(nl_json::number_float_t, nl_json::string_t const& raw) {
        return add(json_value::number(raw));
    }
    bool string(nl_json::string_t& s) { return add(json_value::string(std::move(s))); }
    bool binary(nl_json::binary_t&) { return fail_limit("binary values are not JSON"); }
    bool start_object(std::size_t) { return open(json_value::object()); }
    bool key(nl_json::string_t& k) {
        key_ = std::move(k);
        return true;
    }
    bool end_object() { stack_.pop_back(); return true; }
    bool start_array(std::size_t) { return open(json_value::array()); }
    bool end_array() { stack_.pop_back(); return true; }
    bool parse_error(std::size_t position, std::string const&, nlohmann::detail::exception const& ex) {
        error_.offset = position > 0 ? position - 1 : 0;
        error_.reason = reason_of(ex.what());
        has_error_ = true;
        limit_hit_ = false;
        return false;
    }

    json_value& root() { return root_; }
    bool has_error() const { return has_error_; }
    bool limit_hit() const { return limit_hit_; }
    json_parse_error& error() { return error_; }

private:
    bool fail_limit(std::string reason) {
        error_.reason = std::move(reason);
        has_error_ = true;
        limit_hit_ = true;
        return false;
    }

    json_value* place(json_value v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json_value& parent = *stack_.back();
        if (parent.is_object()) return &parent.add_member(std::move(key_), std::move(v));
        return &parent.push_back(std::move(v));
    }

    bool add(json_value v) {
        if (++values_ > lim_.max_values)
            return fail_limit(fmt::format("more than {} values", lim_.max_values));
        place(std::move(v));
        return true;
    }

    bool open(json_value v) {
        if (++values_ > lim_.max_values)
            return fail_limit(fmt::format("more than {} values", lim_.max_values));
        if (stack_.size() >= lim_.max_depth)
            return fail_limit(fmt::format("nesting deeper than {} levels", lim_.max_depth));
        stack_.push_back(place(std::move(v)));
        return true;
    }

    json_limits lim_;
    json_value root_;
    std::vector<json_value*> stack_;
    std::string key_;
    std::size_t values_ = 0;
    json_parse_error error_;
    bool has_error_ = false;
    bool limit_hit_ = false;
};

void write_json(std::string& out, json_value const& v) {
    switch (v.kind()) {
    case json_kind::null: out += "null"; break;
    case json_kind::boolean: out += v.as_bool() ? "true" : "false"; break;
    case json_kind::number: out += v.text(); break;
    case json_kind::string: append_json_quoted(out, v.text()); break;
    case json_kind::array:
    case json_kind::object: {
        bool const members = v.is_object();
        out += members ? '{' : '[';
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            if (members) {
                append_json_quoted(out, v.key_at(i));
                out += ':';
            }
            write_json(out, v.at(i));
        }
        out += members ? '}' : ']';
        break;
    }
    }
}

/// The first key, depth first in document order, that one object holds twice (what a SAX parser
/// refusing duplicates would stop at).
std::optional<std::string> duplicate_key(json_value const& v) {
    std::unordered_set<std::string_view> seen;  // large objects only: small ones are scanned
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v.is_object()) {
            std::string const& k = v.key_at(i);
            bool twice = false;
            if (v.size() > 16) twice = !seen.insert(k).second;
            else
                for (std::size_t j = 0; j < i && !twice; ++j) twice = v.key_at(j) == k;
            if (twice) return k;
        }
        if (auto k = duplicate_key(v.at(i))) return k;
    }
    return std::nullopt;
}

}  // namespace


// ---------------------------------------------------------------------------------------------
// json_value

std::string_view describe(json_kind k) noexcept {
    switch (k) {
    case json_kind::null: return "null";
    case json_kind::boolean: return "a boolean";
    case json_kind::number: return "a number";
    case json_kind::string: return "a string";
    case json_kind::array: return "an array";
    case json_kind::object: return "an object";
    }
    return "a value";
}

// Each factory sets the kind and the one field the kind uses.
json_value json_value::boolean(bool b) { json_value v; v.kind_ = json_kind::boolean; v.bool_ = b; return v; }
json_value json_value::number(std::string t) { json_value v = string(std::move(t)); v.kind_ = json_kind::number; return v; }
json_value json_value::string(std::string t) { json_value v; v.kind_ = json_kind::string; v.text_ = std::move(t); return v; }
json_value json_value::array() { json_value v; v.kind_ = json_kind::array; return v; }
json_value json_value::object() { json_value v; v.kind_ = json_kind::object; return v; }

bool json_value::is_integer() const noexcept {
    return kind_ == json_kind::number && text_.find_first_of(".eE") == std::string::npos;
}

std::optional<std::int64_t> json_value::as_int64() const noexcept {
    if (!is_integer()) return std::nullopt;
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
    if (ec != std::errc{} || end != text_.data() + text_.size()) return std::nullopt;
    return v;
}

std::string_view describe(json_value const& v) noexcept {
    if (v.is_number()) return v.is_integer() ? "an integer" : "a fractional number";
    return describe(v.kind());
}

json_value const* json_value::find(std::string_view key) const noexcept {
    for (std::size_t i = 0; i < keys_.size(); ++i)
        if (keys_[i] == key) return &items_[i];
    return nullptr;
}

json_value& json_value::push_back(json_value v) {
    assert(kind_ == json_kind::array);
    items_.push_back(std::move(v));
    return items_.back();
}

json_value& json_value::add_member(std::string key, json_value v) {
    assert(kind_ == json_kind::object);
    keys_.push_back(std::move(key));
    items_.push_back(std::move(v));
    return items_.back();
}

std::string to_json_text(json_value const& v) {
    std::string out;
    write_json(out, v);
    return out;
}

meters::result<json_value, json_parse_error> parse_json(std::string_view text, json_limits limits) {
    dom_builder b(limits);
    json_parse_error err;
    try {
        bool const ok = nl_json::sax_parse(text.data(), text.data() + text.size(), &b);
        if (ok && !b.has_error()) return std::move(b.root());
        if (b.has_error()) {
            err = b.error();
            if (b.limit_hit()) err.offset = limit_offset(text, limits);
        } else {
            err.offset = text.size();
            err.reason = "invalid JSON";
        }
    } catch (std::bad_alloc const&) {
        err.offset = 0;
        err.reason = "out of memory while parsing";
    } catch (std::exception const& e) {
        err.offset = 0;
        err.reason = reason_of(e.what());
    }
    locate(text, err);
    return meters::unexpected{std::move(err)};
}

meters::result<json_value, json_parse_error> parse_json_unique(std::string_view text) {
    auto r = parse_json(text, json_limits{64, std::numeric_limits<std::size_t>::max()});
    if (!r) return r;
    if (auto k = duplicate_key(r.value()))
        return meters::unexpected{json_parse_error{0, 1, 1, "key \"" + *k + "\" appears more than once"}};
    return r;
}

}  // namespace metersim::sim::json

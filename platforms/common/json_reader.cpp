#include "platforms/common/json_reader.hpp"

#include <fmt/format.h>

#include <cassert>
#include <charconv>
#include <utility>
#include <exception>

#include "meters/fixed4_text.hpp"
#include "platforms/common/field_check.hpp"
#include "sim/text.hpp"

namespace metersim::platforms {

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers shared by the readers

using sim::iequals;

// ---------------------------------------------------------------------------------------------
// Reading values

// Where a value sits, for errors and deviations.
struct spot {
    std::string const& path;
    std::string_view code;
    std::string_view section;
    reader_context& ctx;
};

std::string display_name(std::string const& path) { return path.empty() ? "body" : path; }

std::string child_path(std::string const& parent, std::string_view name) {
    if (parent.empty()) return std::string(name);
    std::string p = parent;
    p += '.';
    p += name;
    return p;
}

api_error bad(spot const& s, std::string_view what) {
    return invalid_field(s.code, display_name(s.path), what);
}

// Quotes a sent value for a message, shortened so a huge value cannot bloat the answer.
std::string shown(json_value const& v) {
    std::string t = v.is_string() ? "\"" + v.text() + "\"" : v.text();
    if (t.size() > 40) {
        std::size_t cut = 37;
        while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xc0u) == 0x80u) --cut;  // UTF-8
        t = t.substr(0, cut) + "...";
    }
    return t;
}

// The text of a scalar that may arrive as a JSON number or a JSON string, and the deviation to
// record once the text has been accepted.
struct scalar {
    std::string_view text;
    char const* rule = nullptr;  // "number sent as string" / "string sent as number"
    bool from_number = false;
};

api_result<scalar> scalar_of(json_value const& v, spot const& s, declared_as d,
                             std::string_view expected) {
    if (!v.is_number() && !v.is_string())
        return bad(s, fmt::format("must be {}, got {}", expected, describe(v.kind())));
    bool const number = v.is_number();
    // The quirk is a number where the spec declares a string, or a string where it declares a
    // number; `either` declares both.
    if (d != (number ? declared_as::string : declared_as::number)) return scalar{v.text(), nullptr, number};
    char const* const sent = number ? "number" : "string";
    if (s.ctx.mode == conformance::strict)
        return refusing(deviation{display_name(s.path), number ? "string sent as number" : "number sent as string",
                                  std::string(s.section), number ? "sent as a JSON number" : "sent as a JSON string"},
                        bad(s, fmt::format("must be a {}, got the {} {}", number ? "string" : "number", sent, shown(v))));
    return scalar{v.text(), number ? "string sent as number" : "number sent as string", number};
}

void commit(scalar const& sc, spot const& s) {
    if (sc.rule == nullptr) return;
    s.ctx.deviations.push_back(deviation{display_name(s.path), sc.rule, std::string(s.section),
                                         sc.from_number ? "sent as a JSON number"
                                                        : "sent as a JSON string"});
}

api_result<std::string> read_string(json_value const& v, spot const& s, length_limits lim,
                                    declared_as d) {
    auto sc = scalar_of(v, s, d, "a string");
    if (!sc) return meters::unexpected{sc.error()};
    if (auto e = check_length(display_name(s.path), s.code, sc->text, lim.min, lim.max)) return *e;
    commit(*sc, s);
    return std::string(sc->text);
}

api_result<std::int64_t> read_integer(json_value const& v, spot const& s, int_range r,
                                      declared_as d) {
    auto sc = scalar_of(v, s, d, "an integer");
    if (!sc) return meters::unexpected{sc.error()};
    std::string_view const t = sc->text;
    std::int64_t out = 0;
    auto const [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    bool const digits_only = !t.empty() && t.front() != '+' && end == t.data() + t.size();
    if (ec == std::errc::result_out_of_range && digits_only)
        return bad(s, fmt::format("is out of range, got {}", shown(v)));
    if (ec != std::errc{} || !digits_only) return bad(s, fmt::format("must be an integer, got {}", shown(v)));
    if (out < r.min || out > r.max)
        return bad(s, fmt::format("must be between {} and {}, got {}", r.min, r.max, out));
    commit(*sc, s);
    return out;
}

api_result<std::int64_t> read_fixed4(json_value const& v, spot const& s, int max_places,
                                     declared_as d) {
    auto sc = scalar_of(v, s, d, "a decimal number");
    if (!sc) return meters::unexpected{sc.error()};
    std::string_view const t = sc->text;
    if (sc->from_number && t.find_first_of("eE") != std::string_view::npos)
        return bad(s, fmt::format("must be written without an exponent, got {}", shown(v)));
    auto p = meters::parse_fixed4(t);
    if (!p)
        return bad(s, fmt::format("must be a decimal number with at most 4 decimals, got {} "
                                  "({} at position {})",
                                  shown(v), p.error().reason, p.error().position));
    if (auto e = check_decimals_e4(display_name(s.path), s.code, p.value(), max_places)) return *e;
    commit(*sc, s);
    return p.value();
}

api_result<bool> read_bool(json_value const& v, spot const& s) {
    if (!v.is_boolean()) return bad(s, fmt::format("must be true or false, got {}", describe(v.kind())));
    return v.as_bool();
}

template <class T>
api_result<T> read_enum_text(json_value const& v, spot const& s,
                             std::initializer_list<std::string_view> allowed, declared_as d) {
    auto sc = scalar_of(v, s, d, "a string");
    if (!sc) return meters::unexpected{sc.error()};
    if (auto e = check_enum(display_name(s.path), s.code, sc->text, allowed)) return *e;
    commit(*sc, s);
    return T(sc->text);
}

std::string_view or_default(std::string_view v, std::string const& fallback) {
    return v.empty() ? std::string_view(fallback) : v;
}

}  // namespace

api_error to_api_error(json_parse_error const& e, std::string_view code) {
    return make_api_error(code, "",
                          fmt::format("request body is not valid JSON at line {}, column {}: {}",
                                      e.line, e.column, e.reason));
}

// ---------------------------------------------------------------------------------------------
// object_reader

api_result<object_reader> object_reader::from(json_value const& v, reader_context& ctx,
                                              std::string path) {
    if (!v.is_object())
        return make_api_error(ctx.code, path, fmt::format("{} must be an object, got {}",
                                                          display_name(path), describe(v.kind())));
    return object_reader(v, ctx, std::move(path));
}

std::string object_reader::path_of(std::string_view name) const { return child_path(path_, name); }

bool object_reader::has(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < obj_->size(); ++i)
        if (iequals(obj_->key_at(i), name) && !obj_->at(i).is_null()) return true;
    return false;
}

api_result<json_value const*> object_reader::find(field f) const {
    std::string_view const code = or_default(f.code, ctx_->code);
    std::string_view const section = or_default(f.section, ctx_->section);
    json_value const* exact = nullptr;
    json_value const* folded = nullptr;
    std::string_view folded_key;
    std::size_t exact_count = 0;
    std::size_t folded_count = 0;
    for (std::size_t i = 0; i < obj_->size(); ++i) {
        std::string const& k = obj_->key_at(i);
        if (k == f.name) {
            if (exact_count++ == 0) exact = &obj_->at(i);
        } else if (iequals(k, f.name)) {
            if (folded_count++ == 0) {
                folded = &obj_->at(i);
                folded_key = k;
            }
        }
    }
    std::string const path = path_of(f.name);
    if (exact_count > 1) return invalid_field(code, path, "appears more than once");
    if (exact != nullptr) return exact->is_null() ? nullptr : exact;
    if (folded == nullptr) return static_cast<json_value const*>(nullptr);
    if (folded_count > 1)
        return invalid_field(code, path, "matches more than one key when case is ignored");
    std::string const detail = fmt::format("sent as \"{}\"", folded_key);
    if (ctx_->mode == conformance::strict)
        return refusing(deviation{path, "key case", std::string(section), detail},
                        invalid_field(code, path, "is required (a key differing only in case was " + detail + ")"));
    ctx_->deviations.push_back(deviation{path, "key case", std::string(section), detail});
    return folded->is_null() ? nullptr : folded;
}

// The getters differ only in the value reader they call: `required` and `optional` find the
// member, answer "X is required" or an empty optional when it is absent, and otherwise call
// read(value, spot) with the member's path, code and section.
namespace {
template <class Read>
auto required(object_reader const& r, field f, Read&& read) {
    std::string const path = child_path(r.path(), f.name);
    reader_context& ctx = r.context();
    spot const s{path, or_default(f.code, ctx.code), or_default(f.section, ctx.section), ctx};
    auto found = r.find(f);
    using result = decltype(read(std::declval<json_value const&>(), s));
    if (!found) return result(meters::unexpected{found.error()});
    if (found.value() == nullptr) return result(missing_field(s.code, path));
    return read(*found.value(), s);
}

template <class Read>
auto optional(object_reader const& r, field f, Read&& read) {
    std::string const path = child_path(r.path(), f.name);
    reader_context& ctx = r.context();
    spot const s{path, or_default(f.code, ctx.code), or_default(f.section, ctx.section), ctx};
    using value = std::decay_t<decltype(read(std::declval<json_value const&>(), s).value())>;
    using result = api_result<std::optional<value>>;
    auto found = r.find(f);
    if (!found) return result(meters::unexpected{found.error()});
    if (found.value() == nullptr) return result(std::optional<value>{});
    auto v = read(*found.value(), s);
    if (!v) return result(meters::unexpected{v.error()});
    return result(std::optional<value>{std::move(v.value())});
}

api_result<std::int64_t> read_int_enum(json_value const& v, spot const& s,
                                       std::initializer_list<std::int64_t> allowed, declared_as d) {
    auto n = read_integer(v, s, {}, d);
    if (!n) return n;
    if (auto e = check_enum(display_name(s.path), s.code, n.value(), allowed)) return *e;
    return n;
}

}  // namespace

api_result<std::string> object_reader::string_field(field f, length_limits lim,
                                                    declared_as d) const {
    return required(*this, f, [&](json_value const& v, spot const& s) { return read_string(v, s, lim, d); });
}

api_result<std::optional<std::string>> object_reader::optional_string_field(
    field f, length_limits lim, declared_as d) const {
    return optional(*this, f, [&](json_value const& v, spot const& s) { return read_string(v, s, lim, d); });
}

api_result<std::int64_t> object_reader::integer_field(field f, int_range r, declared_as d) const {
    return required(*this, f, [&](json_value const& v, spot const& s) { return read_integer(v, s, r, d); });
}

api_result<std::optional<std::int64_t>> object_reader::optional_integer_field(
    field f, int_range r, declared_as d) const {
    return optional(*this, f, [&](json_value const& v, spot const& s) { return read_integer(v, s, r, d); });
}

api_result<bool> object_reader::bool_field(field f) const {
    return required(*this, f, read_bool);
}

api_result<std::optional<bool>> object_reader::optional_bool_field(field f) const {
    return optional(*this, f, read_bool);
}

api_result<std::int64_t> object_reader::fixed4_e4_field(field f, int max_places,
                                                        declared_as d) const {
    return required(*this, f, [&](json_value const& v, spot const& s) {
        return read_fixed4(v, s, max_places, d);
    });
}

api_result<std::optional<std::int64_t>> object_reader::optional_fixed4_e4_field(
    field f, int max_places, declared_as d) const {
    return optional(*this, f, [&](json_value const& v, spot const& s) {
        return read_fixed4(v, s, max_places, d);
    });
}

api_result<std::string> object_reader::enum_field(field f,
                                                  std::initializer_list<std::string_view> allowed,
                                                  declared_as d) const {
    return required(*this, f, [&](json_value const& v, spot const& s) {
        return read_enum_text<std::string>(v, s, allowed, d);
    });
}

api_result<std::optional<std::string>> object_reader::optional_enum_field(
    field f, std::initializer_list<std::string_view> allowed, declared_as d) const {
    return optional(*this, f, [&](json_value const& v, spot const& s) {
        return read_enum_text<std::string>(v, s, allowed, d);
    });
}

api_result<std::int64_t> object_reader::int_enum_field(field f,
                                                       std::initializer_list<std::int64_t> allowed,
                                                       declared_as d) const {
    return required(*this, f, [&](json_value const& v, spot const& s) {
        return read_int_enum(v, s, allowed, d);
    });
}

api_result<std::optional<std::int64_t>> object_reader::optional_int_enum_field(
    field f, std::initializer_list<std::int64_t> allowed, declared_as d) const {
    return optional(*this, f, [&](json_value const& v, spot const& s) {
        return read_int_enum(v, s, allowed, d);
    });
}

api_result<object_reader> object_reader::object_field(field f) const {
    return required(*this, f, [this](json_value const& v, spot const& s) { return nested(v, s.code, s.path); });
}

api_result<std::optional<object_reader>> object_reader::optional_object_field(field f) const {
    return optional(*this, f, [this](json_value const& v, spot const& s) { return nested(v, s.code, s.path); });
}

api_result<object_reader> object_reader::nested(json_value const& v, std::string_view code,
                                                std::string const& path) const {
    if (!v.is_object())
        return invalid_field(code, path, fmt::format("must be an object, got {}", describe(v.kind())));
    return object_reader(v, *ctx_, path);
}

api_result<array_reader> object_reader::nested_array(json_value const& v, std::string_view code,
                                                    std::string_view section, std::string const& path,
                                                    std::size_t max_items) const {
    if (!v.is_array())
        return invalid_field(code, path, fmt::format("must be an array, got {}", describe(v.kind())));
    if (v.size() > max_items)
        return invalid_field(code, path, fmt::format("must have at most {} elements, got {}",
                                                     max_items, v.size()));
    return array_reader(v, *ctx_, path, std::string(code), std::string(section));
}

api_result<array_reader> object_reader::array_field(field f, std::size_t max_items) const {
    return required(*this, f, [&](json_value const& v, spot const& s) {
        return nested_array(v, s.code, s.section, s.path, max_items);
    });
}

api_result<std::optional<array_reader>> object_reader::optional_array_field(
    field f, std::size_t max_items) const {
    return optional(*this, f, [&](json_value const& v, spot const& s) {
        return nested_array(v, s.code, s.section, s.path, max_items);
    });
}

std::vector<std::string> object_reader::unknown_keys(
    std::initializer_list<std::string_view> known) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < obj_->size(); ++i) {
        bool match = false;
        for (auto k : known) match = match || iequals(obj_->key_at(i), k);
        if (!match) out.push_back(obj_->key_at(i));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// array_reader

api_result<array_reader> array_reader::from(json_value const& v, reader_context& ctx,
                                            std::string path, std::string_view code,
                                            std::size_t max_items) {
    std::string const c(or_default(code, ctx.code));
    if (!v.is_array())
        return make_api_error(c, path, fmt::format("{} must be an array, got {}",
                                                   display_name(path), describe(v.kind())));
    if (v.size() > max_items)
        return make_api_error(c, path, fmt::format("{} must have at most {} elements, got {}",
                                                   display_name(path), max_items, v.size()));
    return array_reader(v, ctx, std::move(path), c, ctx.section);
}

std::string array_reader::path_at(std::size_t i) const {
    return fmt::format("{}[{}]", path_, i);
}

api_result<std::string> array_reader::string_at(std::size_t i, length_limits lim,
                                                declared_as d) const {
    std::string const path = path_at(i);
    return read_string(arr_->at(i), spot{path, code_, section_, *ctx_}, lim, d);
}

api_result<std::int64_t> array_reader::integer_at(std::size_t i, int_range r, declared_as d) const {
    std::string const path = path_at(i);
    return read_integer(arr_->at(i), spot{path, code_, section_, *ctx_}, r, d);
}

api_result<std::int64_t> array_reader::fixed4_e4_at(std::size_t i, int max_places,
                                                    declared_as d) const {
    std::string const path = path_at(i);
    return read_fixed4(arr_->at(i), spot{path, code_, section_, *ctx_}, max_places, d);
}

api_result<object_reader> array_reader::object_at(std::size_t i) const {
    std::string path = path_at(i);
    json_value const& v = arr_->at(i);
    if (!v.is_object())
        return invalid_field(code_, path, fmt::format("must be an object, got {}", describe(v.kind())));
    return object_reader::from(v, *ctx_, std::move(path));
}

api_result<array_reader> array_reader::array_at(std::size_t i) const {
    std::string path = path_at(i);
    json_value const& v = arr_->at(i);
    if (!v.is_array())
        return invalid_field(code_, path, fmt::format("must be an array, got {}", describe(v.kind())));
    return array_reader(v, *ctx_, std::move(path), code_, section_);
}

}  // namespace metersim::platforms

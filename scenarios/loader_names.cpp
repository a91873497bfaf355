// What steps refer to by name: platforms the scenario starts, catalogue models, declared meters,
// push kinds, and `${...}` variables defined before their use.
#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"
#include "sim/catalogue.hpp"

namespace metersim::scenarios::detail {

namespace {

constexpr std::array<std::string_view, 4> builtins = {"now", "now_compact", "now_ms", "seq"};

bool is_builtin(std::string_view name) {
    return std::find(builtins.begin(), builtins.end(), name) != builtins.end();
}

std::string started_list(std::set<std::string> const& started) {
    if (started.empty()) return "none";
    std::string out;
    for (auto const& p : started) out += (out.empty() ? "" : ", ") + p;
    return out;
}

constexpr std::string_view var_expected =
    "a variable from vars, set or save defined before its use, a built-in (now, now_compact, now_ms, seq, "
    "imei:METER, iccid:METER), ${i} inside repeat or ${meter} inside for_each_meter";

}  // namespace

std::optional<std::string> reader::platform(field const& f) {
    auto p = word(f, {"cnmcsp", "xianfeng", "xintian"});
    if (!p) return std::nullopt;
    if (!started_.contains(*p)) {
        wrong(f, fmt::format("a platform the scenario starts (platforms: {})", started_list(started_)));
        return std::nullopt;
    }
    return p;
}

std::optional<std::string> reader::model(field const& f) {
    std::string known;
    for (auto const* e : models_.entries()) known += (known.empty() ? "" : ", ") + e->key;
    auto expected = fmt::format("a catalogue model: {}", known);
    if (!scalar(f, expected)) return std::nullopt;
    if (models_.find(f.value.Scalar()) == nullptr) {
        wrong(f, expected);
        return std::nullopt;
    }
    return f.value.Scalar();
}

std::optional<std::string> reader::meter_platform(std::string_view no) const {
    if (auto it = singles_.find(std::string{no}); it != singles_.end()) return it->second;
    for (auto const& fl : fleets_) {
        if (no.size() != fl.id_prefix.size() + 6 || !no.starts_with(fl.id_prefix)) continue;
        auto seq = no.substr(fl.id_prefix.size());
        if (!is_digits(seq)) continue;
        std::uint32_t n = 0;
        std::from_chars(seq.data(), seq.data() + seq.size(), n);
        if (n >= 1 && n <= fl.fleet) return fl.platform;
    }
    return std::nullopt;
}

std::optional<std::string> reader::meter(field const& f, std::string_view on_platform) {
    auto t = text(f, "a meter number");
    if (!t || has_var(*t)) return t;  // a ${...} is resolved, and checked, at run time
    auto p = meter_platform(*t);
    if (!p) {
        wrong(f, "a meter the scenario declares under meters");
        return std::nullopt;
    }
    if (!on_platform.empty() && *p != on_platform) {
        wrong(f, fmt::format("a {} meter (\"{}\" is on {})", on_platform, *t, *p));
        return std::nullopt;
    }
    return t;
}

std::optional<std::string> reader::push_kind(field const& f) {
    auto const& kinds = push_kinds();
    std::string kind_names;
    for (auto const& k : kinds) kind_names += fmt::format("{}{}", kind_names.empty() ? "" : ", ", k.name);
    auto expected = fmt::format("a push kind: {}", kind_names);
    if (!scalar(f, expected)) return std::nullopt;
    auto const& s = f.value.Scalar();
    auto it = std::find_if(kinds.begin(), kinds.end(), [&](push_kind_info const& k) { return k.name == s; });
    if (it == kinds.end()) {
        wrong(f, expected);
        return std::nullopt;
    }
    if (!started_.contains(std::string{it->platform})) {
        wrong(f, fmt::format("a push kind of a platform the scenario starts ({} is not started; platforms: {})",
                             it->platform, started_list(started_)));
        return std::nullopt;
    }
    return s;
}

void reader::check_vars(field const& f, std::string_view text) {
    std::size_t i = 0;
    while ((i = text.find("${", i)) != std::string_view::npos) {
        // The matching brace: references may nest (${imei:${meter}}).
        std::size_t j = i + 2;
        int depth = 1;
        for (; j < text.size() && depth > 0; ++j) {
            if (text[j] == '}') --depth;
            else if (text[j] == '{' && text[j - 1] == '$') ++depth;
        }
        if (depth > 0) {
            error_at(f.mark(), fmt::format("{}: found an unterminated \"${{\" in \"{}\", expected ${{name}}", f.path,
                                           shown(text)));
            return;
        }
        check_ref(f, text.substr(i + 2, j - i - 3), text.substr(i, j - i));
        i = j;
    }
}

void reader::check_ref(field const& f, std::string_view ref, std::string_view whole) {
    for (std::string_view fn : {"imei:", "iccid:"}) {
        if (!ref.starts_with(fn)) continue;
        auto arg = ref.substr(fn.size());
        if (has_var(arg)) return check_vars(f, arg);
        if (!meter_platform(arg))
            error_at(f.mark(), fmt::format("{}: found \"{}\" (\"{}\" is not a declared meter), expected "
                                           "${{{}METER}} with METER a meter the scenario declares",
                                           f.path, shown(whole), shown(arg), fn));
        return;
    }
    if (!is_var_name(ref)) {
        error_at(f.mark(), fmt::format("{}: found \"{}\", expected ${{name}} with a name of letters, digits, _ or -",
                                       f.path, shown(whole)));
        return;
    }
    std::string name{ref};
    if (is_builtin(name) || defined_.contains(name) ||
        std::find(locals_.begin(), locals_.end(), name) != locals_.end())
        return;
    error_at(f.mark(), fmt::format("{}: found \"{}\" (nothing defines {} before this use), expected {}", f.path,
                                   shown(whole), name, var_expected));
}

std::optional<std::string> reader::var_name(field const& key) {
    auto const& name = key.key;
    if (!is_var_name(name)) {
        error_at(key.where, fmt::format("{}: found \"{}\", expected a variable name of letters, digits, _ or - "
                                        "(not starting with a digit)", key.path, shown(name)));
        return std::nullopt;
    }
    if (is_builtin(name)) {
        error_at(key.where, fmt::format("{}: found the built-in \"{}\", expected a name that is not a built-in "
                                        "(now, now_compact, now_ms, seq)", key.path, name));
        return std::nullopt;
    }
    return name;
}

}  // namespace metersim::scenarios::detail

// The scenario's declarations: the platforms it starts (with their settings) and its meters.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "scenarios/loader_internal.hpp"
#include "sim/catalogue.hpp"

namespace metersim::scenarios::detail {

namespace {

constexpr std::array<std::string_view, 3> platform_names = {"cnmcsp", "xianfeng", "xintian"};

bool is_platform_name(std::string_view s) {
    return std::find(platform_names.begin(), platform_names.end(), s) != platform_names.end();
}

constexpr std::uint64_t max_window_s = 86'400 * 366;

}  // namespace

void reader::read_platforms(field const& f, std::vector<platform_decl>& out) {
    constexpr std::string_view expected = "a list of platform names or a map of platform name -> settings";
    auto add = [&](field const& at, std::string const& name) -> platform_decl* {
        if (!is_platform_name(name)) {
            error_at(at.where, fmt::format("{}: found unknown platform \"{}\", expected {}", f.path, shown(name),
                                           one_of(platform_names)));
            return nullptr;
        }
        for (auto const& p : out) {
            if (p.name != name) continue;
            error_at(at.where, fmt::format("{}: found \"{}\" a second time, expected each platform once", f.path, name));
            return nullptr;
        }
        out.push_back(platform_decl{name, {}, pos(at.where)});
        return &out.back();
    };
    if (f.value.IsSequence()) {
        for (auto const& item : items(f, expected)) {
            if (!scalar(item, one_of(platform_names))) continue;
            add(field{item.value, item.mark(), item.path, {}}, item.value.Scalar());
        }
        return;
    }
    for (auto const& e : map_entries(f, expected)) {
        if (auto* p = add(e, e.key)) read_platform_settings(e, *p);
    }
}

void reader::read_platform_settings(field const& f, platform_decl& p) {
    std::vector<field> got;
    if (p.name == "cnmcsp") got = entries(f, {"listen", "app_token", "app_secret", "auth_window_s"}, "a map of settings");
    else if (p.name == "xianfeng")
        got = entries(f,
                      {"listen", "company_code", "key", "merchant_id", "freshness_window_s", "replay_check",
                       "auto_provision"},
                      "a map of settings");
    else got = entries(f, {"listen", "app_id", "app_secret", "auth_window_s"}, "a map of settings");
    for (auto const& g : got) {
        auto const& k = g.key;
        bool ok = true;
        if (k == "listen") {
            constexpr std::string_view expected = "host:port, such as 127.0.0.1:8802 (port 0: any free port)";
            ok = scalar(g, expected) && is_listen_address(g.value.Scalar());
            if (!ok && g.value.IsScalar()) wrong(g, expected);
        } else if (k == "auth_window_s" || k == "freshness_window_s") {
            ok = integer(g, 0, max_window_s).has_value();
        } else if (k == "replay_check" || k == "auto_provision") {
            ok = boolean(g).has_value();
        } else {
            ok = scalar(g, "a text");
        }
        if (ok) p.settings.emplace_back(k, to_value(g));
    }
}

void reader::read_meters(field const& f, std::vector<meter_decl>& out) {
    std::vector<field> at;
    for (auto const& item : items(f, "a list of meters: {no, platform, model} or {fleet, platform, model, id_prefix}")) {
        if (auto m = read_meter(item)) {
            out.push_back(*m);
            at.push_back(item);
        }
    }
    check_duplicate_meters(out, at);
    for (auto const& m : out) {
        if (m.fleet > 0) fleets_.push_back(m);
        else singles_.emplace(m.no, m.platform);
    }
}

std::optional<meter_decl> reader::read_meter(field const& f) {
    constexpr std::string_view shape = "a map {no, platform, model} or {fleet, platform, model, id_prefix}";
    if (!f.value.IsMap()) {
        wrong(f, shape);
        return std::nullopt;
    }
    meter_decl m;
    m.at = pos(f.mark());
    auto got = entries(f, {"no", "fleet", "platform", "model", "id_prefix"}, shape);
    require(f, got, "platform", one_of(platform_names));
    require(f, got, "model", "a catalogue model such as xf-nb-money");
    bool ok = true;
    for (auto const& g : got) ok = read_meter_key(g, m) && ok;
    auto has = [&](std::string_view key) {
        return std::any_of(got.begin(), got.end(), [&](field const& g) { return g.key == key; });
    };
    if (has("no") == has("fleet")) {
        error_at(f.mark(), fmt::format("{}: found {}, expected either no (one meter) or fleet (a count)", f.path,
                                       has("no") ? "both no and fleet" : "neither no nor fleet"));
        ok = false;
    }
    if (has("no") && has("id_prefix")) {
        error_at(f.mark(), fmt::format("{}: found id_prefix beside no, expected id_prefix only with fleet", f.path));
        ok = false;
    }
    auto model_at = std::find_if(got.begin(), got.end(), [](field const& g) { return g.key == "model"; });
    if (model_at != got.end() && !m.model.empty() && !m.platform.empty()) {
        auto const* entry = models_.find(m.model);
        if (entry && entry->platform != m.platform) {
            wrong(*model_at, fmt::format("a {} model (\"{}\" is a {} model)", m.platform, m.model, entry->platform));
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return m;
}

bool reader::read_meter_key(field const& g, meter_decl& m) {
    auto const& k = g.key;
    if (k == "no") {
        constexpr std::string_view expected = "a meter number: 1 to 32 letters or digits";
        if (!scalar(g, expected)) return false;
        auto const& s = g.value.Scalar();
        bool const alnum =
            std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
        if (s.empty() || s.size() > 32 || !alnum) {
            wrong(g, expected);
            return false;
        }
        m.no = s;
    } else if (k == "fleet") {
        auto n = integer(g, 1, 1'000'000);
        if (!n) return false;
        m.fleet = static_cast<std::uint32_t>(*n);
    } else if (k == "platform") {
        auto p = word(g, platform_names);
        if (!p) return false;
        if (!started_.contains(*p)) {
            wrong(g, "a platform the scenario starts (see platforms)");
            return false;
        }
        m.platform = *p;
    } else if (k == "model") {
        auto name = model(g);
        if (!name) return false;
        m.model = *name;
    } else {
        constexpr std::string_view expected = "up to 16 digits";
        if (!scalar(g, expected)) return false;
        auto const& s = g.value.Scalar();
        if (s.size() > 16 || (!s.empty() && !is_digits(s))) {
            wrong(g, expected);
            return false;
        }
        m.id_prefix = s;
    }
    return true;
}

void reader::check_duplicate_meters(std::vector<meter_decl> const& ms, std::vector<field> const& at) {
    auto in_fleet = [](meter_decl const& fl, std::string_view no) {
        if (no.size() != fl.id_prefix.size() + 6 || !no.starts_with(fl.id_prefix)) return false;
        auto seq = no.substr(fl.id_prefix.size());
        if (!is_digits(seq)) return false;
        std::uint32_t n = 0;
        std::from_chars(seq.data(), seq.data() + seq.size(), n);
        return n >= 1 && n <= fl.fleet;
    };
    for (std::size_t i = 0; i < ms.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            auto const& a = ms[j];
            auto const& b = ms[i];
            bool clash = false;
            if (a.fleet == 0 && b.fleet == 0) clash = a.no == b.no;
            else if (a.fleet == 0) clash = in_fleet(b, a.no);
            else if (b.fleet == 0) clash = in_fleet(a, b.no);
            else clash = a.id_prefix == b.id_prefix;
            if (!clash) continue;
            auto what = b.fleet == 0 ? fmt::format("meter \"{}\"", b.no)
                                     : fmt::format("a fleet numbered {}000001...", b.id_prefix);
            error_at(at[i].mark(), fmt::format("{}: found {} again (already declared by {}), expected each meter "
                                               "number once", at[i].path, what, at[j].path));
            break;
        }
    }
}

}  // namespace metersim::scenarios::detail

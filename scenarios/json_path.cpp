// Field paths: a tiny parser and a walk over the raw-number JSON DOM.
#include "scenarios/json_path.hpp"

#include <charconv>

namespace metersim::scenarios {

namespace {

std::string at(std::string_view what, std::size_t pos) { return std::string(what) + " at " + std::to_string(pos); }

}  // namespace

meters::result<std::vector<path_step>, std::string> parse_path(std::string_view path) {
    std::vector<path_step> out;
    std::size_t i = 0;
    if (path.starts_with('$')) {
        i = 1;
        if (i < path.size() && path[i] == '.') ++i;
        if (i == path.size() && path.size() > 1) return meters::unexpected{at("a path ending in '.'", i)};
    }
    bool want_key = true;  // at the start, or after '.'
    while (i < path.size()) {
        char const c = path[i];
        if (c == '[') {
            auto close = path.find(']', i);
            if (close == std::string_view::npos) return meters::unexpected{at("unclosed [", i)};
            std::size_t index = 0;
            auto const* first = path.data() + i + 1;
            auto const* last = path.data() + close;
            auto [end, ec] = std::from_chars(first, last, index);
            if (first == last || ec != std::errc{} || end != last)
                return meters::unexpected{at("an index that is not a whole number", i + 1)};
            out.emplace_back(index);
            i = close + 1;
            want_key = false;
            continue;
        }
        if (c == '.') {
            if (want_key) return meters::unexpected{at("an empty key", i)};
            want_key = true;
            ++i;
            if (i == path.size()) return meters::unexpected{at("a path ending in '.'", i)};
            continue;
        }
        if (!want_key) return meters::unexpected{at("expected '.' or '['", i)};
        auto end = path.find_first_of(".[", i);
        if (end == std::string_view::npos) end = path.size();
        out.emplace_back(std::string(path.substr(i, end - i)));
        i = end;
        want_key = false;
    }
    return out;
}

platforms::json_value const* find_path(platforms::json_value const& doc, std::vector<path_step> const& steps) {
    platforms::json_value const* v = &doc;
    for (auto const& s : steps) {
        if (auto const* index = std::get_if<std::size_t>(&s)) {
            if (!v->is_array() || *index >= v->size()) return nullptr;
            v = &v->at(*index);
            continue;
        }
        auto const& key = std::get<std::string>(s);
        if (v->is_array() && v->size() == 1) v = &v->at(0);  // Xianfeng's one-message arrays
        if (!v->is_object()) return nullptr;
        v = v->find(key);
        if (v == nullptr) return nullptr;
    }
    return v;
}

platforms::json_value const* find_path(platforms::json_value const& doc, std::string_view path) {
    auto steps = parse_path(path);
    if (!steps) return nullptr;
    return find_path(doc, steps.value());
}

}  // namespace metersim::scenarios

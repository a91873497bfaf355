#include "platforms/xianfeng/creat_body.hpp"

#include "platforms/xianfeng/commands.hpp"

namespace metersim::platforms::xianfeng {

namespace {

/// A cursor over the body; every reader answers false on anything outside the accepted shape.
class cursor {
public:
    explicit cursor(std::string_view s) noexcept : s_(s) {}

    void skip_ws() noexcept {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
    }
    bool eat(char c) noexcept {
        skip_ws();
        if (i_ >= s_.size() || s_[i_] != c) return false;
        ++i_;
        return true;
    }
    bool at_end() noexcept {
        skip_ws();
        return i_ == s_.size();
    }
    /// A string of printable ASCII without escapes.
    bool string(std::string_view& out) noexcept {
        if (!eat('"')) return false;
        auto const start = i_;
        for (; i_ < s_.size(); ++i_) {
            auto const c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                out = s_.substr(start, i_ - start);
                ++i_;
                return true;
            }
            if (c == '\\' || c < 0x20 || c >= 0x7f) return false;
        }
        return false;
    }
    /// A non-negative JSON integer (no sign, fraction or exponent, no leading zero), at most
    /// 12 digits, followed by a delimiter.
    bool integer(std::int64_t& out) noexcept {
        skip_ws();
        auto const start = i_;
        std::int64_t v = 0;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            if (i_ - start >= 12) return false;
            v = v * 10 + (s_[i_] - '0');
            ++i_;
        }
        auto const n = i_ - start;
        if (n == 0 || (n > 1 && s_[start] == '0')) return false;
        if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return false;
        out = v;
        return true;
    }
    /// The member separator: true with `more` after ',', true without after the closing brace.
    bool next(bool& more) noexcept {
        if (eat(',')) {
            more = true;
            return true;
        }
        more = false;
        return eat('}');
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

/// {"controlFlag": 0|1}
bool read_paras(cursor& c, bool& close) noexcept {
    std::string_view key;
    std::int64_t flag = 0;
    bool more = false;
    if (!c.eat('{') || !c.string(key) || key != "controlFlag" || !c.eat(':') || !c.integer(flag) ||
        flag > 1 || !c.next(more) || more)
        return false;
    close = flag == 1;
    return true;
}

/// {"method": "VALVE_CONTROL", "paras": {...}} in either order.
bool read_command(cursor& c, bool& close) noexcept {
    if (!c.eat('{')) return false;
    bool method = false, paras = false, more = true;
    while (more) {
        std::string_view key;
        if (!c.string(key) || !c.eat(':')) return false;
        if (key == "method" && !method) {
            std::string_view name;
            if (!c.string(name) || name != "VALVE_CONTROL") return false;
            method = true;
        } else if (key == "paras" && !paras) {
            if (!read_paras(c, close)) return false;
            paras = true;
        } else {
            return false;
        }
        if (!c.next(more)) return false;
    }
    return method && paras;
}

}  // namespace

std::optional<valve_body> read_valve_body(std::string_view body) noexcept {
    cursor c(body);
    valve_body out;
    bool command = false, more = true;
    if (!c.eat('{')) return std::nullopt;
    while (more) {
        std::string_view key;
        if (!c.string(key) || !c.eat(':')) return std::nullopt;
        std::int64_t v = 0;
        if (key == "command" && !command) {
            if (!read_command(c, out.close)) return std::nullopt;
            command = true;
        } else if (key == "expireTime" && !out.expire_time_s) {
            // spec: xianfeng §2.1 expireTime 1 s..31 days
            if (!c.integer(v) || v < 1 || v > max_expire_time_s) return std::nullopt;
            out.expire_time_s = v;
        } else if (key == "expireCount" && !out.expire_count) {
            if (!c.integer(v) || v < 1 || v > max_expire_count) return std::nullopt;
            out.expire_count = v;
        } else {
            return std::nullopt;
        }
        if (!c.next(more)) return std::nullopt;
    }
    if (!command || !c.at_end()) return std::nullopt;
    return out;
}

}  // namespace metersim::platforms::xianfeng

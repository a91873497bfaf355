#pragma once
/// box<T>: an optional T kept on the heap, with value semantics.
///
/// For large members that are usually absent (a pending tariff, the last price switch): an
/// empty box is one null pointer, where std::optional<T> always takes sizeof(T). Copying a box
/// copies the T (deep copy), comparing compares the T's, so an aggregate holding boxes stays a
/// plain copyable, ==-comparable value. The optional-like members are the ones std::optional
/// spells the same way; conversions to and from std::optional sit at the edge (meter_state).

#include <memory>
#include <optional>
#include <utility>

namespace metersim::meters {

template <class T>
class box {
public:
    box() noexcept = default;
    box(std::nullopt_t) noexcept {}
    box(T value) : p_(std::make_unique<T>(std::move(value))) {}
    box(std::optional<T> const& o) : p_(o ? std::make_unique<T>(*o) : nullptr) {}
    box(std::optional<T>&& o) : p_(o ? std::make_unique<T>(std::move(*o)) : nullptr) {}
    box(box const& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    box(box&&) noexcept = default;
    box& operator=(box const& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    box& operator=(box&&) noexcept = default;
    box& operator=(std::nullopt_t) noexcept {
        p_.reset();
        return *this;
    }
    box& operator=(T value) {
        if (p_) *p_ = std::move(value);
        else p_ = std::make_unique<T>(std::move(value));
        return *this;
    }
    ~box() = default;

    bool has_value() const noexcept { return p_ != nullptr; }
    explicit operator bool() const noexcept { return has_value(); }
    T& operator*() noexcept { return *p_; }
    T const& operator*() const noexcept { return *p_; }
    T* operator->() noexcept { return p_.get(); }
    T const* operator->() const noexcept { return p_.get(); }
    void reset() noexcept { p_.reset(); }

    /// The value as a std::optional (a copy).
    std::optional<T> to_optional() const { return p_ ? std::optional<T>(*p_) : std::nullopt; }
    /// Moves the value out (as a std::optional) and leaves the box empty.
    std::optional<T> take() {
        if (!p_) return std::nullopt;
        std::optional<T> out(std::move(*p_));
        p_.reset();
        return out;
    }

    friend bool operator==(box const& a, box const& b) {
        if (!a.p_ || !b.p_) return !a.p_ && !b.p_;
        return *a.p_ == *b.p_;
    }

private:
    std::unique_ptr<T> p_;
};

}  // namespace metersim::meters

#pragma once
/// result<T, E>: a small expected-like type (C++20 has no std::expected).
///
/// Member names follow std::expected (has_value, operator bool, value, error, value_or), so a
/// move to C++23 is a search-and-replace. Errors are values: nothing here throws for a failed
/// result; calling value() on an error (or error() on a value) is a programmer error (assert).

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace metersim::meters {

/// Wraps an error so that result<T, E> can be built from it even when T and E are alike.
template <class E>
struct unexpected {
    E error;
};
template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class [[nodiscard]] result {
public:
    result(T value) : data_(std::in_place_index<0>, std::move(value)) {}            // NOLINT
    result(unexpected<E> e) : data_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT
    template <class U>
        requires(std::is_constructible_v<E, U> && !std::is_constructible_v<T, U>)
    result(U&& e) : data_(std::in_place_index<1>, E(std::forward<U>(e))) {}  // NOLINT

    bool has_value() const noexcept { return data_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { assert(has_value()); return std::get<0>(data_); }
    T const& value() const& { assert(has_value()); return std::get<0>(data_); }
    T&& value() && { assert(has_value()); return std::get<0>(std::move(data_)); }
    T* operator->() { return &value(); }
    T const* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    T const& operator*() const& { return value(); }

    E& error() & { assert(!has_value()); return std::get<1>(data_); }
    E const& error() const& { assert(!has_value()); return std::get<1>(data_); }

    template <class U>
    T value_or(U&& fallback) const& {
        return has_value() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> data_;
};

}  // namespace metersim::meters

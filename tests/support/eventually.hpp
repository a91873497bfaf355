#pragma once
/// Waiting in tests for what another thread makes true (a server's loop, a CIS receiver): the one
/// place tests poll, in place of sleeps scattered through them. Tests on virtual time advance the
/// clock instead (STYLE.md §8).

#include <chrono>
#include <thread>

namespace metersim::test {

/// Polls `condition` until it holds or `within` has passed; true when it held. The deadline is
/// a hang guard, not a timing: a slow machine only makes the wait longer.
template <class Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds within = std::chrono::seconds{5}) {
    auto const deadline = std::chrono::steady_clock::now() + within;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    return true;
}

}  // namespace metersim::test

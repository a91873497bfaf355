// The loader never crashes or hangs, whatever the input: it answers errors.
#include "scenarios/loader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/catalogue.hpp"

namespace sc = metersim::scenarios;

namespace {

sc::load_result load(std::string_view yaml) {
    static auto const models = metersim::sim::catalogue::builtin();
    return sc::parse_scenario(yaml, "t.yaml", models);
}

std::string first_error(std::string_view yaml) {
    auto r = load(yaml);
    REQUIRE_FALSE(r);
    REQUIRE_FALSE(r.error().empty());
    return sc::to_string(r.error()[0]);
}

/// The first error of `yaml` says `what` (among other words).
void check_first_error_says(std::string const& yaml, std::string_view what) {
    auto const e = first_error(yaml);
    INFO(e);
    CHECK(e.find(what) != std::string::npos);
}

}  // namespace

TEST_SUITE("scenarios/loader") {

TEST_CASE("an empty file is one error without a place") {
    CHECK(first_error("") == "t.yaml: error: scenario: found nothing, expected a map of scenario keys (name, "
                             "platforms, meters, steps, ...)");
    CHECK(first_error("# only a comment\n") == "t.yaml: error: scenario: found nothing, expected a map of scenario "
                                               "keys (name, platforms, meters, steps, ...)");
}

TEST_CASE("a list at the top level is an error") {
    CHECK(first_error("- advance: 1h\n") ==
          "t.yaml:1:1: error: scenario: found a list, expected a map of scenario keys (name, platforms, meters, "
          "steps, ...)");
}

TEST_CASE("binary junk is an error, shown escaped") {
    std::string junk;
    for (int i = 0; i < 512; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
    auto r = load(junk);
    CHECK_FALSE(r);
    std::string nul{"\x01\x02\xff\xfe", 4};
    check_first_error_says(nul, "\\x01");
}

TEST_CASE("huge numbers are errors, not overflows") {
    auto e = first_error("seed: 99999999999999999999999999\nsteps:\n  - advance: 1h\n");
    CHECK(e == "t.yaml:1:7: error: seed: found \"99999999999999999999999999\", expected an integer from 0 to "
               "18446744073709551615");
    CHECK_FALSE(load("steps:\n  - repeat: { times: 1e100, steps: [ { advance: 1h } ] }\n"));
    CHECK_FALSE(load("steps:\n  - advance: 9999999999999999999999h\n"));
    CHECK_FALSE(load("steps:\n  - event: { meter: x, type: consume, m3: \"99999999999999999999.5\" }\n"));
    CHECK_FALSE(load("clock: { mode: accelerated, speed: 1e400 }\nsteps:\n  - advance: 1h\n"));
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
    SUBCASE("beyond the YAML parser's own limit") {
        std::string deep = "steps:\n  - call: { platform: xianfeng, path: /p, body: " + std::string(5000, '[') +
                           std::string(5000, ']') + " }\n";
        CHECK_FALSE(load(deep));
    }
    SUBCASE("a body nested deeper than the loader's limit") {
        std::string deep = "steps:\n  - call: { platform: xianfeng, path: /p, body: " + std::string(100, '[') +
                           std::string(100, ']') + " }\n";
        check_first_error_says(deep, "nested at most 64 deep");
    }
    SUBCASE("matchers nested deeper than the limit") {
        std::string m = "x";
        for (int i = 0; i < 200; ++i) m = "{ any_of: [" + m + "] }";
        check_first_error_says("steps:\n  - expect_meter: { meter: \"${now}\", valve: " + m + " }\n",
                               "nested at most 64 deep");
    }
    SUBCASE("blocks nested deeper than the limit") {
        std::string steps = "[ { advance: 1h } ]";
        for (int i = 0; i < 40; ++i) steps = "[ { repeat: { times: 1, steps: " + steps + " } } ]";
        check_first_error_says("steps: " + steps + "\n", "blocks nested at most 16 deep");
    }
}

TEST_CASE("an alias that contains itself is an error, not an endless walk") {
    CHECK_FALSE(load("steps:\n  - call: { platform: xianfeng, path: /p, body: &a [ *a ] }\n"));
    CHECK_FALSE(load("steps: &s\n  - repeat: { times: 1, steps: *s }\n"));
    CHECK_FALSE(load("steps:\n  - expect_meter: &m { meter: \"1\", x: { any_of: [ *m ] } }\n"));
}

TEST_CASE("aliases that expand exponentially are cut off quickly") {
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 12; ++i) {
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
        bomb += "]\n";
    }
    std::string doc = "vars: {}\nsteps:\n  - call:\n      platform: xianfeng\n      path: /p\n      body:\n" +
                      [&] {
                          std::string indented;
                          std::size_t start = 0;
                          while (start < bomb.size()) {
                              auto end = bomb.find('\n', start);
                              indented += "        " + bomb.substr(start, end - start + 1);
                              start = end + 1;
                          }
                          return indented;
                      }();
    auto t0 = std::chrono::steady_clock::now();
    auto r = load(doc);
    auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(r);
    CHECK(sc::to_string(r.error().back()).find("YAML nodes (aliases expanded)") != std::string::npos);
    CHECK(took < std::chrono::seconds{20});
}

TEST_CASE("thousands of mistakes are cut to a readable number") {
    std::string steps = "steps:\n";
    for (int i = 0; i < 2000; ++i) steps += "  - advance: x\n";
    auto r = load(steps);
    REQUIRE_FALSE(r);
    CHECK(r.error().size() == 501);
}

TEST_CASE("odd but valid YAML: tags, block scalars, anchors reused") {
    auto r = load(R"(vars: { a: !!str 12 }
description: |
  two
  lines
steps:
  - &adv { advance: 1h }
  - *adv
)");
    REQUIRE(r);
    CHECK(r->description == "two\nlines\n");
    CHECK(r->steps.size() == 2);
}

TEST_CASE("random edits of a valid scenario load or fail, never crash") {
    std::string const base = R"(name: mutated
platforms: { xianfeng: { listen: "127.0.0.1:0" }, xintian: {} }
meters:
  - { no: "07602190000001", platform: xianfeng, model: xf-nb-money }
  - { fleet: 2, platform: xintian, model: xt-nb-meter, id_prefix: "3301" }
vars: { a: "1" }
steps:
  - call: { platform: xianfeng, path: /p, body: { x: [1, "${a}"], y: { z: ~ } } }
    expect: { status: 200, body: { code: { any_of: ["0", { decimal: "1.5" }] }, r: { range: ["1", null] } } }
    save: { s: "data[0].id" }
  - advance: 1d12h
  - fault: { target: cis, kind: slow, delay: 3s, count: 2 }
  - expect_push: { kind: xintian.billing, meter: "3301000002", fields: { a: { regex: "^x+$" } }, within: 1d }
  - repeat: { times: 2, steps: [ { event: { meter: "07602190000001", type: consume, m3: "0.5" } } ] }
  - for_each_meter: { platform: xintian, steps: [ { expect_meter: { meter: "${meter}", valve: open } } ] }
)";
    REQUIRE(load(base));
    std::string const alphabet = "{}[]:,-\"'&*!|>#%@`?~ \n\t$\\0123456789abxyz.";
    std::uint64_t state = 42;
    auto next = [&](std::uint64_t n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((state >> 33) % n);
    };
    int loaded = 0;
    for (int round = 0; round < 400; ++round) {
        std::string doc = base;
        for (std::size_t edits = 1 + next(4); edits > 0; --edits) {
            auto at = next(doc.size());
            switch (next(4)) {
            case 0: doc[at] = alphabet[next(alphabet.size())]; break;
            case 1: doc.erase(at, 1 + next(8)); break;
            case 2: doc.insert(at, 1, alphabet[next(alphabet.size())]); break;
            default: doc.insert(at, doc.substr(next(doc.size()), next(40))); break;
            }
        }
        auto r = load(doc);
        if (r) ++loaded;
        else
            for (auto const& e : r.error()) CHECK_FALSE(e.message.empty());
    }
    CHECK(loaded < 400);
}

}  // TEST_SUITE

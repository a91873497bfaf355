// Fleet memory and simulation speed (issue 2, "Tests and figures"):
//   - RSS per meter with 100,000 meters (goal: 100,000 meters in under 150 MB in total);
//   - simulated meter-days per CPU-second with daily reports (goal: a year of 100,000 meters in
//     under 30 s on one core).
// A plain executable, not Google Benchmark: RSS is a whole-process figure and one run of a
// simulated year is the measurement.
//
//   fleet_bench [--meters N] [--days D] [--profile daily|daily-each|random] [--seed S]
//
// The fleet: N meters spread round-robin over the built-in models that report daily (the flow
// meter reports hourly and is left out: it is not "a fleet with daily reports"), with realistic
// identities (14-digit meter number, IMEI, ICCID, a 32-hex device id on Xianfeng), accounts
// opened with credit that cannot run dry within the run (money meters on a yearly 3-tier ladder),
// and a consumption profile per meter:
//   - daily (default): a household daily pattern (breakfast, lunch, dinner peaks, nothing at
//     night, ~0.6-1.8 m³ a day): 16 archetypes (the base shape scaled 50 %..150 %), each meter
//     drawing one by its seed; a fleet built from templates shares its profiles the same way
//     (copies of a profile share its rate table);
//   - daily-each: the base shape scaled per meter by a factor drawn from its seed (every meter
//     its own table: the memory worst case);
//   - random: seeded random hourly rates, 0-0.25 m³/h, idle 70 % of the hours.
// With --serve-model MODEL the fleet is N meters of that model as `metersim serve` builds
// a config's fleet (numbered 0760000001..., not opened, the model's own flow), for
// tests/bench/serve_bench.py's checksum comparison.
// The scheduler then runs the simulated days in one stepped run_until. The checksum folds every
// meter's reading, balance, battery and session count: the same flags must print the same
// checksum before and after a performance change (behaviour unchanged).

#include <malloc.h>
#include <sys/resource.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meters/meter.hpp"
#include "meters/packed_records.hpp"
#include "meters/rng.hpp"
#include "sim/catalogue.hpp"
#include "sim/clock.hpp"
#include "sim/fleet.hpp"
#include "sim/scheduler.hpp"

using namespace metersim;
using namespace std::chrono_literals;

namespace {

constexpr auto t0 = meters::instant_from_ms(1'767'196'800'000);  // 2026-01-01 00:00 +08:00
constexpr meters::utc_offset zone{480};

enum class profile { daily, daily_each, random };
constexpr char const* profile_names[] = {"daily", "daily-each", "random"};

struct options {
    std::size_t meters = 100'000;
    int days = 365;
    profile flow = profile::daily;
    std::uint64_t seed = 1;
    std::string serve_model;  ///< --serve-model: the fleet as `metersim serve` builds it
};

[[noreturn]] void usage(char const* why) {
    std::fprintf(stderr, "fleet_bench: %s\nusage: fleet_bench [--meters N] [--days D] "
                         "[--profile daily|daily-each|random] [--seed S] [--serve-model MODEL]\n", why);
    std::exit(2);
}

template <class Int>
Int parse_int(char const* text) {
    Int v{};
    auto const end = text + std::strlen(text);
    auto const [p, ec] = std::from_chars(text, end, v);
    if (ec != std::errc{} || p != end) usage("bad number");
    return v;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (i + 1 >= argc) usage("missing value");
        char const* v = argv[++i];
        if (a == "--meters") o.meters = parse_int<std::size_t>(v);
        else if (a == "--days") o.days = parse_int<int>(v);
        else if (a == "--seed") o.seed = parse_int<std::uint64_t>(v);
        else if (a == "--serve-model") o.serve_model = v;
        else if (a == "--profile") {
            std::string_view const name = v;
            if (name == "daily") o.flow = profile::daily;
            else if (name == "daily-each") o.flow = profile::daily_each;
            else if (name == "random") o.flow = profile::random;
            else usage("--profile is daily, daily-each or random");
        } else usage("unknown flag");
    }
    if (o.meters == 0 || o.days <= 0) usage("--meters and --days must be positive");
    return o;
}

/// VmRSS of this process in KiB.
long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string digits(std::uint64_t x, std::size_t n) {
    std::string s(n, '0');
    for (std::size_t i = n; i-- > 0; x /= 10) s[i] = static_cast<char>('0' + x % 10);
    return s;
}

std::string hex32(std::uint64_t a, std::uint64_t b) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s(32, '0');
    for (std::size_t i = 0; i < 16; ++i) {
        s[i] = hex[(a >> (4 * i)) & 0xF];
        s[16 + i] = hex[(b >> (4 * i)) & 0xF];
    }
    return s;
}

meters::volume m3_e4(std::int64_t e4) { return meters::volume::from_e4(e4); }

/// A household: nothing at night, peaks at breakfast, lunch and dinner (m³/h, e4), ~1.2 m³/day,
/// scaled by `pct` percent.
meters::flow_profile daily_profile(std::int64_t pct) {
    static constexpr std::array<std::int64_t, 24> base{
        0, 0, 0, 0, 0, 200, 1500, 2500, 800, 300, 400, 2000,
        1800, 500, 200, 200, 400, 1500, 2500, 1200, 500, 300, 100, 0};
    std::array<meters::volume, 24> hourly{};
    for (std::size_t h = 0; h < 24; ++h) hourly[h] = m3_e4(base[h] * pct / 100);
    return meters::flow_profile::daily_pattern(hourly, zone.minutes);
}

meters::tariff yearly_ladder() {
    meters::tariff t;
    t.version = "1";
    t.code = "RES-2026";
    t.price_count = 3;
    t.prices = {meters::price::from_e4(26'100), meters::price::from_e4(31'300),
                meters::price::from_e4(39'200)};
    t.thresholds = {meters::volume::from_units(300), meters::volume::from_units(500)};
    t.cycle.kind = meters::cycle_kind::yearly;
    t.cycle.settle_month = 1;
    t.cycle.settle_day = 1;
    t.effective_at = t0;
    return t;
}

meters::commands::open_account opening(meters::billing_mode mode, std::uint32_t i) {
    meters::commands::open_account o;
    o.bill_no = 1;
    o.card_no = digits(i, 10);
    switch (mode) {
        case meters::billing_mode::money_prepaid:
            o.opening_credit = meters::money::from_units(1'000'000);
            o.price = yearly_ladder();
            break;
        case meters::billing_mode::gas_prepaid:
            o.opening_credit = meters::volume::from_units(1'000'000);
            break;
        case meters::billing_mode::backend: {
            meters::backend_terms terms;
            terms.prepaid = true;
            terms.surplus = meters::money::from_units(1'000'000);
            terms.unit_price = meters::price::from_e4(26'100);
            terms.account_date = t0;
            o.backend = terms;
            break;
        }
    }
    return o;
}

/// Frozen records held and the bytes their packed histories take (as the meters hold them).
std::pair<std::size_t, std::size_t> frozen_figures(sim::fleet& f) {
    std::size_t records = 0, bytes = 0;
    for (sim::fleet_meter* m : f.list("", 0, f.size())) {
        auto const s = m->meter.state().freezes;
        records += s.daily.size() + s.monthly.size();
        for (auto const* h : {&s.daily, &s.monthly}) {
            meters::packed_records p;
            for (auto const& r : *h) p.push(r, h->size());
            bytes += p.heap_bytes();
        }
    }
    return {records, bytes};
}

}  // namespace

int main(int argc, char** argv) {
    options const opt = parse(argc, argv);

    sim::catalogue const cat = sim::catalogue::builtin();
    std::vector<sim::catalogue_entry const*> models;
    for (auto const* e : cat.entries())
        if (e->model.report_interval == 24h) models.push_back(e);

    std::vector<meters::flow_profile_state> archetypes;
    for (std::int64_t k = 0; k < 16; ++k) archetypes.push_back(daily_profile(50 + k * 100 / 15).state());

    sim::clock clk{sim::clock_mode::stepped, 1, t0};
    sim::scheduler sched{clk};

    long const rss_before = rss_kib();
    double const cpu_build0 = cpu_seconds();
    sim::fleet fleet{sched, cat, sim::fleet_options{opt.seed, zone}};
    // --serve-model: `count` meters of one model numbered "0760" + 6 digits, fresh from the
    // factory, as `metersim serve` builds a config's fleet (tools/cmd_serve.cpp build_fleet):
    // serve_bench.py compares the checksums of the two runs.
    for (std::size_t i = 0; i < opt.meters && !opt.serve_model.empty(); ++i) {
        sim::manufacture_request req;
        req.model = opt.serve_model;
        std::string seq = std::to_string(i + 1);  // fmt's {:06}: at least 6 digits
        if (seq.size() < 6) seq.insert(0, 6 - seq.size(), '0');
        req.identity.meter_no = "0760" + seq;
        if (auto made = fleet.manufacture(req); !made) {
            std::fprintf(stderr, "fleet_bench: %s\n", made.error().c_str());
            return 1;
        }
    }
    for (std::size_t i = 0; i < opt.meters && opt.serve_model.empty(); ++i) {
        auto const& entry = *models[i % models.size()];
        auto const n = static_cast<std::uint32_t>(i);
        meters::meter_identity id;
        id.meter_no = "0760" + digits(n, 10);
        id.imei = "86" + digits(meters::mix64(n) % 10'000'000'000'000ULL, 13);
        id.iccid = "8986" + digits(meters::mix64(n + 1) % 10'000'000'000'000'000ULL, 16);
        if (entry.platform == "xianfeng") id.device_id = hex32(meters::mix64(n + 2), meters::mix64(n + 3));
        std::uint64_t const seed = meters::seed_for(opt.seed, id.meter_no);
        meters::meter_state s = meters::meter::manufacture(entry.model, std::move(id), seed, zone, sched.now());
        switch (opt.flow) {
            case profile::daily: s.flow = archetypes[static_cast<std::size_t>(meters::uniform_at(seed, 0xF10, 0, 15))]; break;
            case profile::daily_each: s.flow = daily_profile(meters::uniform_at(seed, 0xF10, 50, 150)).state(); break;
            case profile::random:
                s.flow = meters::flow_profile::seeded_random(m3_e4(0), m3_e4(2'500), 70, seed).state();
                break;
        }
        auto added = fleet.restore(entry.key, std::move(s));
        if (!added) {
            std::fprintf(stderr, "fleet_bench: %s\n", added.error().c_str());
            return 1;
        }
        auto const fx = fleet.apply(*added.value(), opening(entry.model.billing, n));
        if (!fx.result || !fx.result->accepted()) {
            std::fprintf(stderr, "fleet_bench: opening %s refused\n", entry.key.c_str());
            return 1;
        }
    }
    double const build_cpu = cpu_seconds() - cpu_build0;
    long const rss_fleet = rss_kib();
    // In use in malloc's arena: the fleet's meter blocks (2 MiB, mmapped) are not in it.
    auto const in_use = [] { return mallinfo2().uordblks; };
    std::size_t const heap_fleet = in_use();

    double const cpu0 = cpu_seconds();
    sched.run_until(t0 + std::chrono::days{opt.days});
    double const cpu = cpu_seconds() - cpu0;
    long const rss_after = rss_kib();

    auto const n = static_cast<double>(opt.meters);
    double const meter_days = n * opt.days;
    double const rate = meter_days / cpu;
    double const per_meter = static_cast<double>(rss_fleet - rss_before) * 1024.0 / n;
    if (opt.serve_model.empty())
        std::printf("fleet_bench: %zu meters over %zu models, %d days, %s profile, seed %llu\n",
                    opt.meters, models.size(), opt.days, profile_names[static_cast<int>(opt.flow)],
                    static_cast<unsigned long long>(opt.seed));
    else
        std::printf("fleet_bench: %zu %s meters as serve builds them, %d days, seed %llu\n",
                    opt.meters, opt.serve_model.c_str(), opt.days, static_cast<unsigned long long>(opt.seed));
    std::printf("  sizeof(meter)              %zu B (fleet_meter %zu B)\n", sizeof(meters::meter),
                sizeof(sim::fleet_meter));
    std::printf("  RSS before fleet           %.1f MB\n", static_cast<double>(rss_before) / 1024.0);
    std::printf("  RSS with fleet             %.1f MB  (%.0f B per meter; %.1f MB per 100,000)\n",
                static_cast<double>(rss_fleet) / 1024.0, per_meter, per_meter * 1e5 / 1048576.0);
    std::printf("  RSS after the run          %.1f MB  (%.0f B per meter)\n",
                static_cast<double>(rss_after) / 1024.0,
                static_cast<double>(rss_after - rss_before) * 1024.0 / n);
    auto const [records, record_bytes] = frozen_figures(fleet);
    std::printf("  frozen records             %.1f per meter, packed in %.0f B per meter\n",
                static_cast<double>(records) / n, static_cast<double>(record_bytes) / n);
    auto const heap = mallinfo2();
    std::printf("  malloc arena in use        %.1f MB with the fleet, %.1f MB after the run (%.1f MB free)\n",
                static_cast<double>(heap_fleet) / 1048576.0, static_cast<double>(in_use()) / 1048576.0,
                static_cast<double>(heap.fordblks) / 1048576.0);
    std::printf("  build CPU                  %.2f s\n", build_cpu);
    std::printf("  wakes                      %llu\n", static_cast<unsigned long long>(fleet.wakes()));
    std::printf("  reports                    %llu\n", static_cast<unsigned long long>(fleet.reports()));
    std::printf("  meter-days                 %.0f\n", meter_days);
    std::printf("  run CPU                    %.2f s\n", cpu);
    std::printf("  meter-days per CPU-second  %.0f\n", rate);
    std::printf("  projected year, 100,000    %.1f s  (goal < 30 s)\n", 1e5 * 365.0 / rate);
    std::printf("  checksum                   %016llx\n", static_cast<unsigned long long>(fleet.state_checksum()));
    return 0;
}

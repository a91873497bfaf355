// GET /admin/clock, POST /admin/clock, POST /admin/clock/advance.
#include "sim/admin/admin_internal.hpp"

#include <fmt/format.h>

namespace metersim::sim::admin {

namespace {

/// The longest single advance: ten years of 365 days. A longer step is refused rather than
/// tying the loop up for an unbounded time.
constexpr std::int64_t max_advance_s = 10LL * 365 * 24 * 3600;

http::response get_clock(admin_context& ctx, http::request const&) { return answer(clock_view(ctx)); }

/// {"mode": ..., "speed": ...}: both optional, at least one; checked in full before either is
/// applied. The speed is an exact decimal (up to 4 places), converted to the clock's double here.
http::response set_clock(admin_context& ctx, http::request const& req) {
    auto body = body_object(req);
    if (!body) return refuse(body.error());
    body_reader in(body.value());
    auto mode_text = in.text("mode", false);
    auto speed_e4 = in.decimal_e4("speed", false);
    if (!in.ok()) return refuse(in.problem());
    if (!mode_text && !speed_e4) return refuse({400, "mode", "give \"mode\", \"speed\" or both"});

    std::optional<clock_mode> mode;
    if (mode_text) {
        mode = parse_clock_mode(*mode_text);
        if (!mode) return refuse({400, "mode", "expected realtime, accelerated or stepped, found \"" + *mode_text + "\""});
    }
    std::optional<double> speed;
    if (speed_e4) {
        speed = static_cast<double>(*speed_e4) / 10000.0;
        if (*speed_e4 <= 0 || !clock::is_valid_speed(*speed))
            return refuse({400, "speed", "must be greater than 0 and at most 1000000000"});
    }
    if (speed) (void)ctx.clk.set_speed(*speed);  // checked above
    if (mode) ctx.clk.set_mode(*mode);
    return answer(clock_view(ctx));
}

/// {"seconds": N}: runs every event due in (now, now + N] in order, then stops there.
http::response advance_clock(admin_context& ctx, http::request const& req) {
    auto body = body_object(req);
    if (!body) return refuse(body.error());
    body_reader in(body.value());
    auto seconds_e4 = in.decimal_e4("seconds", true);
    if (!in.ok()) return refuse(in.problem());
    if (*seconds_e4 < 0) return refuse({400, "seconds", "must not be negative"});
    if (*seconds_e4 % 10 != 0) return refuse({400, "seconds", "finer than a millisecond"});
    if (*seconds_e4 > max_advance_s * 10000)
        return refuse({400, "seconds", fmt::format("must be at most {} (ten years)", max_advance_s)});
    if (ctx.clk.mode() != clock_mode::stepped) {
        return refuse({409, "mode", fmt::format("advance needs the stepped clock; the clock is {}",
                                                to_string(ctx.clk.mode()))});
    }
    auto const target = ctx.sched.now() + meters::duration{*seconds_e4 / 10};
    std::size_t const ran = ctx.sched.run_until(target);
    ojson view = clock_view(ctx);
    view["events_run"] = ran;
    return answer(view);
}

}  // namespace

ojson clock_view(admin_context& ctx) {
    auto const now = ctx.sched.now();
    auto const zone = ctx.fleet.options().zone;
    return ojson{{"mode", to_string(ctx.clk.mode())},
                 {"speed", ctx.clk.speed()},
                 {"rate", ctx.clk.rate()},
                 {"now", local_text(now, zone)},
                 {"now_ms", meters::to_ms(now)},
                 {"zone", zone_text(zone)},
                 {"pending_events", ctx.sched.pending()}};
}

void add_clock_routes(http::router& r, admin_context& ctx) {
    r.get("/admin/clock", guarded(ctx, get_clock));
    r.post("/admin/clock", guarded(ctx, set_clock));
    r.post("/admin/clock/advance", guarded(ctx, advance_clock));
}

}  // namespace metersim::sim::admin

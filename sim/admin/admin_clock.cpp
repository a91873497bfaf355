// GET /admin/clock, POST /admin/clock, POST /admin/clock/advance.
#include "sim/admin/admin_internal.hpp"

#include <fmt/format.h>

namespace metersim::sim {

/// A POST /admin/clock/advance answering over HTTP: it runs in chunks of events, one per turn of
/// the loop, so that pushes, their answers and other requests go on while it simulates.
struct admin_advance {
    meters::instant target{};
    std::size_t ran = 0;  ///< events run so far (the answer's events_run)
    std::shared_ptr<http::deferred_answer> reply;
};

namespace admin {

namespace {

/// The longest single advance: ten years of 365 days. A longer step is refused rather than
/// tying the loop up for an unbounded time.
constexpr std::int64_t max_advance_s = 10LL * 365 * 24 * 3600;

/// Events run per turn of the loop by an advance over HTTP (events due at the instant a chunk
/// stops on are all run in that chunk, however many: a chunk never splits an instant).
constexpr std::size_t advance_chunk_events = 64;

http::response busy_refusal(admin_context& ctx) {
    auto const& a = *ctx.advance;
    return refuse({409, "", fmt::format("an advance to {} is running ({} events so far); retry once it has answered",
                                        local_text(a.target, ctx.fleet.options().zone), a.ran)});
}

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
    if (ctx.advance) return busy_refusal(ctx);

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

/// The answer of an advance that has run `ran` events.
http::response advance_answer(admin_context& ctx, std::size_t ran) {
    ojson view = clock_view(ctx);
    view["events_run"] = ran;
    return answer(view);
}

/// One chunk of a running advance; the next one goes on a later turn of the loop. The answer is
/// given once every event due by the target has run, the clock then standing at the target.
void advance_chunk(admin_context& ctx, std::shared_ptr<admin_advance> const& a) {
    try {
        auto step = ctx.sched.run_until(a->target, advance_chunk_events);
        a->ran += step.ran;
        // Stopped on the budget: finish the instant it stopped at, so that between chunks every
        // event due by now() has run (what readers see is a state the sim really passes through).
        if (!step.reached) a->ran += ctx.sched.run_until(ctx.sched.now());
        if (!step.reached) {
            a->reply->post([&ctx, weak = std::weak_ptr<admin_advance>(a)] {
                if (auto self = weak.lock(); self && ctx.advance == self) advance_chunk(ctx, self);
            });
            return;
        }
        ctx.advance.reset();
        a->reply->answer(advance_answer(ctx, a->ran));
    } catch (std::exception const& e) {
        ctx.advance.reset();
        a->reply->answer(http::json_error(500, std::string("internal error: ") + e.what()));
    }
}

/// {"seconds": N}: runs every event due in (now, now + N] in order, then stops there. In process
/// (request::async null: the scenario runner) in one go; over HTTP in chunks, answered when done.
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
    if (ctx.advance) return busy_refusal(ctx);
    if (ctx.clk.mode() != clock_mode::stepped) {
        return refuse({409, "mode", fmt::format("advance needs the stepped clock; the clock is {}",
                                                to_string(ctx.clk.mode()))});
    }
    auto const target = ctx.sched.now() + meters::duration{*seconds_e4 / 10};
    if (req.async == nullptr) return advance_answer(ctx, ctx.sched.run_until(target));
    auto a = std::make_shared<admin_advance>();
    a->target = target;
    a->reply = req.async->defer();
    ctx.advance = a;
    advance_chunk(ctx, a);
    return {};  // answered through a->reply
}

}  // namespace

ojson clock_view(admin_context& ctx) {
    auto const now = ctx.sched.now();
    auto const zone = ctx.fleet.options().zone;
    ojson view{{"mode", to_string(ctx.clk.mode())},
               {"speed", ctx.clk.speed()},
               {"rate", ctx.clk.rate()},
               {"now", local_text(now, zone)},
               {"now_ms", meters::to_ms(now)},
               {"zone", zone_text(zone)},
               {"pending_events", ctx.sched.pending()}};
    // Only while an advance runs over HTTP: where it goes and how far it got.
    if (ctx.advance) {
        view["advancing"] = ojson{{"to", local_text(ctx.advance->target, zone)},
                                  {"to_ms", meters::to_ms(ctx.advance->target)},
                                  {"events_run", ctx.advance->ran}};
    }
    return view;
}

void add_clock_routes(http::router& r, admin_context& ctx) {
    r.get("/admin/clock", guarded(ctx, get_clock));
    r.post("/admin/clock", guarded(ctx, set_clock));
    r.post("/admin/clock/advance", guarded(ctx, advance_clock));
}

}  // namespace admin

}  // namespace metersim::sim

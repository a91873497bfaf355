#pragma once
/// The Xintian platform's own records (its "database"): user and meter archives (CreateMeter,
/// §3.7), price archives (CreatePrice, §3.10), and what waits for each meter's next session
/// (a sim::pending_store): the commands of every endpoint and the recharge records (RemotePay,
/// §3.2, listed by GetPayList, §3.3), which stay once settled. Plain data with lookups; no HTTP,
/// no fleet, no clock.
///
/// One archive per meter: a user (UserCode) may own several meters, a meter belongs to one user.
/// Recharge records are kept in arrival order with a PayID that grows by one; a TransId is
/// unique across the platform (spec: xintian §3.2 "唯一，不能重复").
/// Single-threaded (the platform's io thread).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/tariff.hpp"
#include "platforms/xintian/codec_price.hpp"
#include "sim/pending_store.hpp"
#include "sim/session_item.hpp"

namespace metersim::platforms::xintian {

/// A meter's archive as CreateMeter gives it (spec: xintian §3.7.1), vendor fields verbatim.
struct meter_archive {
    std::string user_code;
    std::string user_name;
    std::string phone;
    std::string dept_id;
    std::string dept_name;
    std::string doorplate;
    std::string address;
    std::string meter_addr;
    std::string imei;
    meters::volume meter_base;
    std::string install_date;      ///< yyyy-MM-dd
    std::string install_addr;
    std::string pay_type;          ///< CreateMeter PayType: "1", "3", "5" or "6"
    std::string comm_provider_id;  ///< "1", "2", "3" or empty
    std::string remark;
    std::string price_type_code;   ///< empty for PayType 6
    std::string meter_type_id;     ///< "51" or "178"
};

/// A price archive (spec: xintian §3.10): the vendor's shape plus a version that grows with
/// every modification (OperationType 2).
struct price_archive {
    std::string name;
    std::string remark;
    xintian_price price;
    std::uint32_t version = 1;
};

/// GetPayList PayResult (spec: xintian §3.3.2): 0 waiting, 1 success, 2 failure.
enum class pay_result : std::uint8_t { waiting = 0, success = 1, failure = 2 };

struct pay_record {
    std::int64_t pay_id = 0;
    std::string trans_id;
    std::string user_code;
    std::string meter_addr;
    meters::money money;
    meters::instant pay_date{};  ///< PayDate as the CIS sent it (read at the platform's zone)
    std::int32_t pay_way = 1;
    pay_result result = pay_result::waiting;
    std::string failure;         ///< why the meter refused (meter_errc), for the journal
    std::optional<meters::instant> settled_at;  ///< when PayResult became 1 or 2

    std::string_view key() const noexcept { return trans_id; }
};

/// What waits for a meter's next session: a plain command (`record` empty: "CreateMeter",
/// "ControlValve 2", ...) or a RemotePay's recharge with its record.
using session_item = sim::session_item<pay_record>;

class archive {
public:
    // ---- meters and users
    meter_archive const* find_meter(std::string_view meter_addr) const noexcept;
    meter_archive* find_meter(std::string_view meter_addr) noexcept;
    /// The meters of a user, in creation order (empty when the user is unknown).
    std::vector<meter_archive const*> meters_of(std::string_view user_code) const;
    bool has_user(std::string_view user_code) const noexcept;
    /// Adds or replaces a meter's archive.
    void put_meter(meter_archive a);
    /// Moves an archive to a new meter number (ChangeMeter). False when `from` is unknown or
    /// `to` is taken.
    bool rename_meter(std::string_view from, std::string const& to);

    // ---- prices
    price_archive const* find_price(std::string_view code) const noexcept;
    void put_price(std::string const& code, price_archive p);
    /// The meters whose archive uses a price code.
    std::vector<std::string> meters_with_price(std::string_view code) const;

    // ---- the sessions' work, and recharges
    /// Queues a plain command for the meter's next session.
    void enqueue(std::string_view meter_addr, meters::command c, std::string what);
    /// The next command for the meter's session, in the order accepted (a recharge's record
    /// stays, PayResult 0, until settle_pay).
    std::optional<sim::session_work> take_next(std::string_view meter_addr);
    /// Commands queued for a meter and not yet taken.
    std::size_t queued(std::string_view meter_addr) const noexcept;
    /// Recharges waiting for the meter's next session.
    std::size_t waiting_pays(std::string_view meter_addr) const noexcept;
    /// Why the meter may take no more RemotePay credits (sim::pending_store::no_room), or nullopt.
    std::optional<std::string> no_pay_room(std::string_view meter_addr) const;

    pay_record const* find_pay(std::string_view trans_id) const noexcept;
    pay_record* find_pay(std::string_view trans_id) noexcept;
    /// A record by PayID (a scan: tests and tools).
    pay_record* find_pay_id(std::int64_t pay_id) noexcept;
    /// Stores a new record (pay_id assigned), queues its recharge for the meter's next session
    /// and returns it.
    pay_record& add_pay(pay_record r);
    /// A waiting record gets its result at `now`; the meter's settled records past the bounds
    /// are forgotten (the record itself may be: do not use `p` afterwards).
    void settle_pay(pay_record& p, pay_result result, meters::instant now);
    /// Forgets the meter's settled records older than the retention.
    void forget_pays(std::string_view meter_addr, meters::instant now);
    /// Waiting recharges per meter (RemotePay answers -203 past it), settled records kept per
    /// meter (the one settled first forgotten first) and for how long (applied when the meter's
    /// records are next used); metersim's choices, the spec gives none. Waiting records
    /// (PayResult 0) are never forgotten.
    void set_pay_bounds(sim::store_bounds b) noexcept { sessions_.set_bounds(b); }
    sim::store_bounds const& pay_bounds() const noexcept { return sessions_.bounds(); }
    /// Records of a meter with PayDate in [from, to], in PayID order.
    std::vector<pay_record const*> pays_of(std::string_view meter_addr, meters::instant from,
                                           meters::instant to) const;

    std::size_t meter_count() const noexcept { return meters_.size(); }
    std::size_t pay_count() const noexcept;

private:
    std::unordered_map<std::string, meter_archive> meters_;
    std::unordered_map<std::string, std::vector<std::string>> users_;  ///< user -> meter numbers
    std::unordered_map<std::string, price_archive> prices_;
    sim::pending_store<session_item> sessions_{sim::store_bounds{256, 64, std::chrono::hours{24 * 31}}};
    std::int64_t last_pay_id_ = 0;
};

}  // namespace metersim::platforms::xintian

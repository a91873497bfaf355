#pragma once
/// What the CNMCSP platform remembers about its accounts and trades, as plain data.
///
/// `account` is one registered meter with its user (spec: cnmcsp §5.3.1 meteradd), keyed by
/// MeterID; `trade` is one accepted money movement (recharge §5.3.8, remainOption §5.3.13), keyed
/// by TradeNo, with its delivery state. What waits for a meter's next radio session lives in
/// `sessions` (a sim::pending_store, per MeterID): plain commands, and trades, which stay there
/// once settled (the duplicate TradeNo check) within the store's bounds. Every member is a plain
/// value so that a store can persist the registry as it is ("durable before the answer",
/// DESIGN.md "Platforms"); the registry has no behaviour beyond its indexes and the trade life
/// cycle. Single-threaded (the fleet's thread).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "meters/billing.hpp"
#include "meters/commands.hpp"
#include "meters/effects.hpp"
#include "meters/fixed4.hpp"
#include "meters/instant.hpp"
#include "meters/tariff.hpp"
#include "sim/pending_store.hpp"
#include "sim/session_item.hpp"

namespace metersim::platforms::cnmcsp {

/// spec: cnmcsp §8 气表状态: 开户 0, 用气 1, 停用 -1, 注销 -2.
enum class meter_status : std::int8_t { opened = 0, in_use = 1, suspended = -1, cancelled = -2 };

/// The user fields of §5.3.1 / §5.3.2, as sent (UserType normalised to §8's "001".."005").
struct user_info {
    std::string user_name;
    std::string user_type;
    std::string phone;
    std::string full_addr_detail;
    std::string addr_detail;
    std::string building_name;
    std::string fire_date;  ///< yyyy-MM-dd HH:mm:ss as sent (empty: not given)
};

struct account {
    std::string user_id;
    std::string meter_id;
    std::string meter_no;
    std::string data_from;
    user_info user;
    std::string model_key;  ///< catalogue key ("cn-nb-money")
    meters::billing_mode billing = meters::billing_mode::money_prepaid;
    meter_status status = meter_status::opened;
    std::optional<meters::tariff> tariff;  ///< the last price accepted (meter-billed meters)
    std::optional<meters::volume> end_reading;  ///< OldENDREADING once replaced (§5.3.6)
    std::string replaced_by;                    ///< the new MeterID once replaced
    meters::instant registered_at{};

    bool meter_billed() const noexcept { return billing != meters::billing_mode::backend; }
    bool active() const noexcept {
        return status == meter_status::opened || status == meter_status::in_use;
    }
};

enum class trade_kind : std::uint8_t { recharge, remain_option };
/// queued: accepted, waiting for the meter; delivered: the meter took it; refused: the meter
/// refused it (see `refusal`); cancelled: cancelRecharge took it back, or the account ended.
enum class trade_state : std::uint8_t { queued, delivered, refused, cancelled };
std::string_view to_string(trade_state s) noexcept;

struct trade {
    std::string trade_no;
    trade_kind kind = trade_kind::recharge;
    std::string user_id;
    std::string meter_id;
    meters::money amount;
    std::uint16_t option = 0;      ///< remainOption CMDOption (1000/2000)
    std::string trade_time;        ///< RechargeTime / OptionTime as sent
    meters::instant accepted_at{};
    trade_state state = trade_state::queued;
    std::optional<meters::instant> settled_at;  ///< delivered, refused or cancelled
    std::string refusal;           ///< the meter's meter_errc when refused

    std::string_view key() const noexcept { return trade_no; }
};

/// What waits for a meter's next session: a plain command (`record` empty: "open_account",
/// "set_tariff", "valve", ...) or a trade's (label "recharge" / "remain_option").
using delivery = sim::session_item<trade>;
using session_store = sim::pending_store<delivery>;

/// The meter's last report as the platform received it.
struct last_reading {
    meters::meter_report report;
    meters::instant received_at{};
};

struct registry {
    std::unordered_map<std::string, account> accounts;        ///< by MeterID
    std::unordered_map<std::string, std::string> meter_of_no;  ///< MeterNo -> MeterID
    std::unordered_map<std::string, std::string> meter_of_user;  ///< UserID -> MeterID (not cancelled)
    session_store sessions;                                   ///< by MeterID; trades by TradeNo

    account* find(std::string_view meter_id);
    account* find_no(std::string_view meter_no);
    trade* find_trade(std::string_view trade_no);
    trade const* find_trade(std::string_view trade_no) const;
    /// Registers `a` (indexes by MeterID, MeterNo and, unless cancelled, UserID).
    account& add(account a);
    /// The account ended (cancelled or replaced): its user may open another meter.
    void release_user(account const& a);

    /// The trade of TradeNo, waiting or taken, settles (delivered, refused, cancelled) at `now`.
    /// Its meter's settled trades past the history bound are forgotten (the trade itself may
    /// be: do not use it afterwards).
    void settle(std::string_view trade_no, trade_state s, meters::instant now);
    /// Forgets the settled trades of a meter past the retention.
    void forget_settled(std::string_view meter_id, meters::instant now);
};

}  // namespace metersim::platforms::cnmcsp

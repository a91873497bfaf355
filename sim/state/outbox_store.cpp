#include "sim/state/outbox_store.hpp"

#include "sim/state/store.hpp"

namespace metersim::sim::state {

void sqlite_outbox_store::save_pending(push const& p) {
    store_.begin();
    store_
        .prepare("INSERT OR REPLACE INTO pushes(id, platform, kind, meter_no, url, body, serial_no, attempts)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, static_cast<std::int64_t>(p.id))
        .bind(2, p.platform)
        .bind(3, p.kind)
        .bind(4, p.meter_no)
        .bind(5, p.url)
        .bind(6, p.body_view())
        .bind(7, p.serial_no)
        .bind(8, std::int64_t{p.failures})
        .run();
    auto& h = store_.prepare("INSERT OR REPLACE INTO push_headers(push_id, seq, name, value) VALUES (?1, ?2, ?3, ?4)");
    std::int64_t seq = 0;
    for (auto const& [name, value] : p.headers)
        h.bind(1, static_cast<std::int64_t>(p.id)).bind(2, seq++).bind(3, name).bind(4, value).run();
    if (on_write_) on_write_();
}

void sqlite_outbox_store::mark_delivered(std::uint64_t id) {
    store_.begin();
    store_.prepare("DELETE FROM pushes WHERE id = ?1").bind(1, static_cast<std::int64_t>(id)).run();
    store_.prepare("DELETE FROM push_headers WHERE push_id = ?1").bind(1, static_cast<std::int64_t>(id)).run();
    if (on_write_) on_write_();
}

void sqlite_outbox_store::save_failures(std::uint64_t id, unsigned failures) {
    store_.begin();
    store_.prepare("UPDATE pushes SET attempts = ?2 WHERE id = ?1")
        .bind(1, static_cast<std::int64_t>(id))
        .bind(2, std::int64_t{failures})
        .run();
    if (on_write_) on_write_();
}

std::vector<push> sqlite_outbox_store::load_pending() {
    std::vector<push> out;
    auto& q = store_.prepare("SELECT id, platform, kind, meter_no, url, body, serial_no, attempts FROM pushes ORDER BY id");
    while (q.step()) {
        push p;
        p.id = static_cast<std::uint64_t>(q.int_at(0));
        p.platform = q.text_at(1);
        p.kind = q.text_at(2);
        p.meter_no = q.text_at(3);
        p.url = q.text_at(4);
        p.body = q.text_at(5);
        p.serial_no = q.text_at(6);
        p.failures = static_cast<unsigned>(q.int_at(7));
        out.push_back(std::move(p));
    }
    q.reset();
    auto& h = store_.prepare("SELECT push_id, name, value FROM push_headers ORDER BY push_id, seq");
    std::size_t i = 0;
    while (h.step()) {
        auto const id = static_cast<std::uint64_t>(h.int_at(0));
        while (i < out.size() && out[i].id < id) ++i;
        if (i < out.size() && out[i].id == id) out[i].headers.emplace_back(h.text_at(1), h.text_at(2));
    }
    h.reset();
    return out;
}

}  // namespace metersim::sim::state

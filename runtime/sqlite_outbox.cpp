// The SQLite store: the outbox.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

void SqliteStore::enqueue(const OutboxItem& o) {
  Query q(cache_, "INSERT INTO outbox (created_at, case_id, task, node, role, kind, status, person) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, o.created_at);
  q.bind(2, o.case_id);
  q.bind(3, static_cast<int64_t>(o.task));
  q.bind(4, o.node);
  q.bind(5, o.role);
  q.bind(6, o.kind);
  q.bind(7, o.status.empty() ? "pending" : o.status);
  q.bind(8, o.person);
  q.exec();
}

std::vector<OutboxItem> SqliteStore::outbox(const std::string& status, std::int64_t after, int limit) {
  Query q(cache_, std::string("SELECT ") + kOutboxColumns + " FROM outbox" + " WHERE id > ?2" + (status.empty() ? "" : " AND status = ?1") +
                      " ORDER BY id LIMIT ?3");
  if (!status.empty()) q.bind(1, status);
  q.bind(2, static_cast<int64_t>(after));
  q.bind(3, limit > 0 ? limit : -1);
  return outbox_items(q);
}

std::vector<OutboxItem> SqliteStore::notifications(const std::vector<std::string>* roles, std::int64_t before, int limit) {
  // The roles as one bound JSON array; the newest rows are read first and the scan stops
  // at the page.
  Query q(cache_, std::string("SELECT ") + kOutboxColumns + " FROM outbox" + " WHERE id < ?1" +
                      (roles ? " AND role IN (SELECT value FROM json_each(?3))" : " AND role <> ''") + " ORDER BY id DESC LIMIT ?2");
  q.bind(1, static_cast<int64_t>(before > 0 ? before : std::numeric_limits<std::int64_t>::max()));
  q.bind(2, limit > 0 ? limit : -1);
  if (roles) q.bind(3, json(*roles).dump());
  return outbox_items(q);
}

std::vector<OutboxItem> SqliteStore::claim_outbox(const std::string& now, const std::string& until, int limit) {
  Query q(cache_, std::string("UPDATE outbox SET next_attempt = ?3 WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' "
                              "AND (next_attempt = '' OR next_attempt <= ?1) ORDER BY id LIMIT ?2) RETURNING ") +
                      kOutboxColumns);
  q.bind(1, now);
  q.bind(2, limit);
  q.bind(3, until);
  auto items = outbox_items(q);
  std::sort(items.begin(), items.end(), [](const OutboxItem& a, const OutboxItem& b) { return a.id < b.id; });
  return items;
}

void SqliteStore::update_outbox(const OutboxItem& o) {
  Query q(cache_, "UPDATE outbox SET status = ?, attempts = ?, next_attempt = ?, last_error = ?, delivered_at = ?, sent = ? WHERE id = ?");
  q.bind(1, o.status);
  q.bind(2, o.attempts);
  q.bind(3, o.next_attempt);
  q.bind(4, o.last_error);
  q.bind(5, o.delivered_at);
  q.bind(6, o.sent);
  q.bind(7, static_cast<int64_t>(o.id));
  q.exec();
}

std::vector<OutboxItem> SqliteStore::outbox_items(SQLite::Statement& q) {
  std::vector<OutboxItem> out;
  SqliteRow row{q};
  while (q.executeStep()) out.push_back(outbox_item_of(row));
  return out;
}

}  // namespace raciflow::runtime::sqlite_detail

// The SQLite store: the audit trail.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

std::optional<ChainHead> SqliteStore::chain_head(const std::string& case_id) {
  Query q(cache_, case_id.empty() ? "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
                                  : "SELECT seq, hash FROM audit WHERE case_id = ? ORDER BY seq DESC LIMIT 1");
  if (!case_id.empty()) q.bind(1, case_id);
  if (!q.executeStep()) return std::nullopt;
  return ChainHead{q.getColumn(0).getInt64(), column_text(q.getColumn(1))};
}

void SqliteStore::append(const AuditRecord& r) {
  Query q(cache_, "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, static_cast<int64_t>(r.seq));
  q.bind(2, r.time);
  q.bind(3, r.case_id);
  q.bind(4, r.process);
  q.bind(5, r.version);
  q.bind(6, r.node);
  q.bind(7, r.action);
  q.bind(8, r.actor);
  q.bind(9, r.role);
  q.bind(10, r.raci);
  q.bind(11, r.data);
  q.bind(12, r.prev_hash);
  std::string bytes = hash_bytes(r.hash);
  if (bytes.empty())
    q.bind(13, r.hash);
  else
    q.bind(13, static_cast<const void*>(bytes.data()), static_cast<int>(bytes.size()));
  q.bind(14, r.events);
  q.exec();
}

std::int64_t SqliteStore::record_count() {
  Query q(cache_, "SELECT max(seq) FROM audit");  // seq has no gaps; verify says so when it has
  q.executeStep();
  return q.getColumn(0).isNull() ? 0 : q.getColumn(0).getInt64();
}

std::map<std::string, std::int64_t> SqliteStore::last_records() {
  Query q(cache_, "SELECT case_id, max(seq) FROM audit WHERE case_id <> '' GROUP BY case_id");
  std::map<std::string, std::int64_t> out;
  while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  return out;
}

std::vector<AuditRecord> SqliteStore::records_page(const std::string& case_id, std::int64_t after, int limit) {
  Query q(cache_, case_id.empty() ? "SELECT * FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                                  : "SELECT * FROM audit WHERE case_id = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2");
  q.bind(1, static_cast<int64_t>(after));
  q.bind(2, limit > 0 ? limit : -1);
  if (!case_id.empty()) q.bind(3, case_id);
  std::vector<AuditRecord> out;
  while (q.executeStep()) out.push_back(record_of_row(SqliteRow{q}));
  return out;
}

void SqliteStore::scan_records(const std::string& case_id, const std::function<void(const AuditRecord&)>& visit) {
  Query q(cache_, case_id.empty() ? "SELECT * FROM audit ORDER BY seq"
                                           : "SELECT * FROM audit WHERE case_id = ? ORDER BY seq");
  if (!case_id.empty()) q.bind(1, case_id);
  while (q.executeStep()) visit(record_of_row(SqliteRow{q}));
}

}  // namespace raciflow::runtime::sqlite_detail

// The PostgreSQL store: the audit trail.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

std::optional<ChainHead> PgStore::chain_head(const std::string& case_id) {
  if (case_id.empty()) {
    Result r = c_.run("SELECT head_seq, head_hash FROM tenants WHERE id = $1", {t()});
    if (r.rows() == 0 || r.integer(0, 0) == 0) return std::nullopt;
    return ChainHead{r.integer(0, 0), r.text(0, 1)};
  }
  Result r = c_.run("SELECT seq, hash FROM audit WHERE tenant = $1 AND case_id = $2 ORDER BY seq DESC LIMIT 1", {t(), case_id});
  if (r.rows() == 0) return std::nullopt;
  return ChainHead{r.integer(0, 0), r.text(0, 1)};
}

void PgStore::append(const AuditRecord& r) {
  c_.run("INSERT INTO audit VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
         {t(), num(r.seq), r.time, r.case_id, r.process, num(r.version), r.node, r.action, r.actor, r.role, r.raci, r.data,
          r.prev_hash, r.hash, r.events});
  c_.run("UPDATE tenants SET head_seq = $2, head_hash = $3 WHERE id = $1 AND head_seq < $2", {t(), num(r.seq), r.hash});
}

std::int64_t PgStore::record_count() {
  return c_.run("SELECT max(seq) FROM audit WHERE tenant = $1", {t()}).integer(0, 0);
}

std::map<std::string, std::int64_t> PgStore::last_records() {
  Result r = c_.run("SELECT case_id, max(seq) FROM audit WHERE tenant = $1 AND case_id <> '' GROUP BY case_id", {t()});
  std::map<std::string, std::int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.integer(i, 1);
  return out;
}

std::vector<AuditRecord> PgStore::records_page(const std::string& case_id, std::int64_t after, int limit) {
  Result r = case_id.empty()
                 ? c_.run(select(kAuditColumns, "audit") + " AND seq > $2 ORDER BY seq LIMIT $3",
                          {t(), num(after), num(limit > 0 ? limit : kNoLimit)})
                 : c_.run(select(kAuditColumns, "audit") + " AND case_id = $4 AND seq > $2 ORDER BY seq LIMIT $3",
                          {t(), num(after), num(limit > 0 ? limit : kNoLimit), case_id});
  std::vector<AuditRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(record_of_row(PgRow{r, i}));
  return out;
}

void PgStore::scan_records(const std::string& case_id, const std::function<void(const AuditRecord&)>& visit) {
  // A page at a time, so that a whole trail is never one result in memory.
  std::int64_t after = 0;
  for (;;) {
    auto page = records_page(case_id, after, 4096);
    for (const auto& r : page) visit(r);
    if (page.size() < 4096) return;
    after = page.back().seq;
  }
}

}  // namespace raciflow::runtime::pg_detail

// The PostgreSQL store: the outbox.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

void PgStore::enqueue(const OutboxItem& o) {
  c_.run("INSERT INTO outbox (tenant, id, created_at, case_id, task, node, role, kind, status, person) "
         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
         {t(), num(next("outbox")), o.created_at, o.case_id, num(o.task), o.node, o.role, o.kind,
          o.status.empty() ? "pending" : o.status, o.person});
}

std::vector<OutboxItem> PgStore::outbox(const std::string& status, std::int64_t after, int limit) {
  Values values{t(), num(after), num(limit > 0 ? limit : kNoLimit)};
  std::string filter;
  if (!status.empty()) {
    values.push_back(status);
    filter = " AND status = $4";
  }
  return outbox_rows(c_.run(select(kOutboxColumns, "outbox") + " AND id > $2" + filter + " ORDER BY id LIMIT $3", values));
}

std::vector<OutboxItem> PgStore::notifications(const std::vector<std::string>* roles, std::int64_t before, int limit) {
  Values values{t(), num(before > 0 ? before : std::numeric_limits<std::int64_t>::max()), num(limit > 0 ? limit : kNoLimit)};
  std::string filter = " AND role <> ''";  // a digest is a person's, not a role's
  if (roles) {
    values.push_back(json(*roles).dump());
    filter = " AND role IN (SELECT jsonb_array_elements_text($4::jsonb))";
  }
  return outbox_rows(c_.run(select(kOutboxColumns, "outbox") + " AND id < $2" + filter + " ORDER BY id DESC LIMIT $3", values));
}

std::vector<OutboxItem> PgStore::claim_outbox(const std::string& now, const std::string& until, int limit) {
  // SKIP LOCKED: should a writer ever claim outside the tenant's lock, it passes over
  // what another has claimed rather than waiting for it.
  auto items = outbox_rows(c_.run(std::string("UPDATE outbox SET next_attempt = $4 WHERE tenant = $1 AND id IN (SELECT id FROM outbox "
                                              "WHERE tenant = $1 AND status = 'pending' AND (next_attempt = '' OR next_attempt <= $2) "
                                              "ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING ") +
                                      kOutboxColumns,
                                  {t(), now, num(limit), until}));
  std::sort(items.begin(), items.end(), [](const OutboxItem& a, const OutboxItem& b) { return a.id < b.id; });
  return items;
}

void PgStore::update_outbox(const OutboxItem& o) {
  c_.run("UPDATE outbox SET status = $3, attempts = $4, next_attempt = $5, last_error = $6, delivered_at = $7, sent = $8 "
         "WHERE tenant = $1 AND id = $2",
         {t(), num(o.id), o.status, num(o.attempts), o.next_attempt, o.last_error, o.delivered_at, o.sent});
}

std::vector<OutboxItem> PgStore::outbox_rows(const Result& r) {
  std::vector<OutboxItem> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(outbox_item_of(PgRow{r, i}));
  return out;
}

}  // namespace raciflow::runtime::pg_detail

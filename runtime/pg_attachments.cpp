// The PostgreSQL store: files attached to cases, their bytes as bytea in the attachments
// row. Not large objects: a bytea column is in the same transaction as the record that
// seals it and under the tenant's row-level security, which large objects are not; the
// size limit (25 MB by default) is far below bytea's 1 GB. Bytes travel as hex text.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

std::int64_t PgStore::add_attachment(const Attachment& a, const std::string& bytes) {
  std::int64_t id = next("attachment");
  c_.run(std::string("INSERT INTO attachments (tenant, ") + kAttachmentColumns +
             ", bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, decode($11, 'hex'))",
         {t(), num(id), a.case_id, num(a.task), a.name, a.type, num(a.size), a.sha256, a.added_at, a.added_by,
          to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size())});
  return id;
}

std::vector<Attachment> PgStore::attachments(const std::string& case_id) {
  Result r = case_id.empty() ? c_.run(select(kAttachmentColumns, "attachments") + " ORDER BY id", {t()})
                             : c_.run(select(kAttachmentColumns, "attachments") + " AND case_id = $2 ORDER BY id", {t(), case_id});
  std::vector<Attachment> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(attachment_of(PgRow{r, i}));
  return out;
}

std::optional<Attachment> PgStore::find_attachment(std::int64_t id) {
  Result r = c_.run(select(kAttachmentColumns, "attachments") + " AND id = $2", {t(), num(id)});
  if (r.rows() == 0) return std::nullopt;
  return attachment_of(PgRow{r, 0});
}

std::optional<std::string> PgStore::attachment_bytes(std::int64_t id) {
  Result r = c_.run("SELECT encode(bytes, 'hex') FROM attachments WHERE tenant = $1 AND id = $2", {t(), num(id)});
  if (r.rows() == 0) return std::nullopt;
  auto bytes = from_hex(r.text(0, 0));
  if (!bytes) throw StoreError("attachment " + std::to_string(id) + " cannot be read back");
  return bytes;
}

std::optional<FormVersion> PgStore::latest_in(const char* table, const std::string& id) {
  Result r = c_.run(select(kFormColumns, table) + " AND id = $2 ORDER BY version DESC LIMIT 1", {t(), id});
  if (r.rows() == 0) return std::nullopt;
  return form_of(PgRow{r, 0});
}

std::optional<FormVersion> PgStore::version_in(const char* table, const std::string& id, int version) {
  Result r = c_.run(select(kFormColumns, table) + " AND id = $2 AND version = $3", {t(), id, num(version)});
  if (r.rows() == 0) return std::nullopt;
  return form_of(PgRow{r, 0});
}

void PgStore::add_to(const char* table, const FormVersion& f) {
  c_.run(std::string("INSERT INTO ") + table + " (tenant, " + kFormColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
         {t(), f.id, num(f.version), f.name, f.file, f.digest, f.source, f.deployed_at, f.deployed_by});
}

std::optional<FormVersion> PgStore::latest_form(const std::string& id) { return latest_in("forms", id); }
std::optional<FormVersion> PgStore::form(const std::string& id, int version) { return version_in("forms", id, version); }
void PgStore::add_form(const FormVersion& f) { add_to("forms", f); }

std::optional<DecisionModelVersion> PgStore::latest_decision_model(const std::string& id) { return latest_in("decision_models", id); }
std::optional<DecisionModelVersion> PgStore::decision_model(const std::string& id, int version) {
  return version_in("decision_models", id, version);
}
void PgStore::add_decision_model(const DecisionModelVersion& m) { add_to("decision_models", m); }

std::vector<DecisionModelVersion> PgStore::latest_decision_models() {
  Result r = c_.run(std::string("SELECT DISTINCT ON (id) ") + kFormColumns +
                        " FROM decision_models WHERE tenant = $1 ORDER BY id, version DESC",
                    {t()});
  std::vector<DecisionModelVersion> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(form_of(PgRow{r, i}));
  return out;
}

}  // namespace raciflow::runtime::pg_detail

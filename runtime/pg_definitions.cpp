// The PostgreSQL store: deployed definitions and timer start events.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

std::optional<DefinitionVersion> PgStore::latest_definition(const std::string& process) {
  Result r = c_.run(select(kDefinitionColumns, "definitions") + " AND process = $2 ORDER BY version DESC LIMIT 1", {t(), process});
  if (r.rows() == 0) return std::nullopt;
  return definition_of(PgRow{r, 0});
}

std::optional<DefinitionVersion> PgStore::definition(const std::string& process, int version) {
  Result r = c_.run(select(kDefinitionColumns, "definitions") + " AND process = $2 AND version = $3", {t(), process, num(version)});
  if (r.rows() == 0) return std::nullopt;
  return definition_of(PgRow{r, 0});
}

void PgStore::add_definition(const DefinitionVersion& d) {
  c_.run("INSERT INTO definitions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
         {t(), d.process, num(d.version), d.name, d.file, d.digest, d.source, d.deployed_at, d.deployed_by, forms_text(d.forms)});
}

std::vector<DefinitionVersion> PgStore::latest_definitions() {
  Result r = c_.run(std::string("SELECT DISTINCT ON (process) ") + kDefinitionColumns +
                    " FROM definitions WHERE tenant = $1 ORDER BY process, version DESC", {t()});
  std::vector<DefinitionVersion> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(definition_of(PgRow{r, i}));
  return out;
}

void PgStore::replace_start_timers(const std::string& process, const std::vector<StartTimer>& timers) {
  c_.run("DELETE FROM start_timers WHERE tenant = $1 AND process = $2", {t(), process});
  for (const auto& timer : timers) update_start_timer(timer);
}

std::vector<StartTimer> PgStore::start_timers_due(const std::string& now) {
  Result r = c_.run("SELECT process, version, node, due, remaining FROM start_timers WHERE tenant = $1 AND due <= $2 "
                    "ORDER BY due, process, node", {t(), now});
  std::vector<StartTimer> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), static_cast<int>(r.integer(i, 1)), r.text(i, 2), r.text(i, 3), static_cast<int>(r.integer(i, 4))});
  return out;
}

void PgStore::update_start_timer(const StartTimer& s) {
  if (s.due.empty()) {
    c_.run("DELETE FROM start_timers WHERE tenant = $1 AND process = $2 AND node = $3", {t(), s.process, s.node});
    return;
  }
  c_.run("INSERT INTO start_timers VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, process, node) DO UPDATE SET "
         "version = excluded.version, due = excluded.due, remaining = excluded.remaining",
         {t(), s.process, num(s.version), s.node, s.due, num(s.remaining)});
}

}  // namespace raciflow::runtime::pg_detail

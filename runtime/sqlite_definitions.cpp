// The SQLite store: deployed definitions and timer start events.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

std::optional<DefinitionVersion> SqliteStore::latest_definition(const std::string& process) {
  Query q(cache_, "SELECT * FROM definitions WHERE process = ? ORDER BY version DESC LIMIT 1");
  q.bind(1, process);
  if (!q.executeStep()) return std::nullopt;
  return definition_of(SqliteRow{q});
}

std::optional<DefinitionVersion> SqliteStore::definition(const std::string& process, int version) {
  Query q(cache_, "SELECT * FROM definitions WHERE process = ? AND version = ?");
  q.bind(1, process);
  q.bind(2, version);
  if (!q.executeStep()) return std::nullopt;
  return definition_of(SqliteRow{q});
}

void SqliteStore::add_definition(const DefinitionVersion& d) {
  Query q(cache_, "INSERT INTO definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, d.process);
  q.bind(2, d.version);
  q.bind(3, d.name);
  q.bind(4, d.file);
  q.bind(5, d.digest);
  q.bind(6, d.source);
  q.bind(7, d.deployed_at);
  q.bind(8, d.deployed_by);
  q.bind(9, forms_text(d.forms));
  q.exec();
}

namespace {

// Forms and decision models: the same columns, each in a table of its own.
std::optional<FormVersion> latest_in(StatementCache& cache, const char* table, const std::string& id) {
  Query q(cache, std::string("SELECT ") + kFormColumns + " FROM " + table + " WHERE id = ? ORDER BY version DESC LIMIT 1");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return form_of(SqliteRow{q});
}

std::optional<FormVersion> version_in(StatementCache& cache, const char* table, const std::string& id, int version) {
  Query q(cache, std::string("SELECT ") + kFormColumns + " FROM " + table + " WHERE id = ? AND version = ?");
  q.bind(1, id);
  q.bind(2, version);
  if (!q.executeStep()) return std::nullopt;
  return form_of(SqliteRow{q});
}

void add_to(StatementCache& cache, const char* table, const FormVersion& f) {
  Query q(cache, std::string("INSERT INTO ") + table + " (" + kFormColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, f.id);
  q.bind(2, f.version);
  q.bind(3, f.name);
  q.bind(4, f.file);
  q.bind(5, f.digest);
  q.bind(6, f.source);
  q.bind(7, f.deployed_at);
  q.bind(8, f.deployed_by);
  q.exec();
}

}  // namespace

std::optional<FormVersion> SqliteStore::latest_form(const std::string& id) { return latest_in(cache_, "forms", id); }
std::optional<FormVersion> SqliteStore::form(const std::string& id, int version) { return version_in(cache_, "forms", id, version); }
void SqliteStore::add_form(const FormVersion& f) { add_to(cache_, "forms", f); }

std::optional<DecisionModelVersion> SqliteStore::latest_decision_model(const std::string& id) {
  return latest_in(cache_, "decision_models", id);
}
std::optional<DecisionModelVersion> SqliteStore::decision_model(const std::string& id, int version) {
  return version_in(cache_, "decision_models", id, version);
}
void SqliteStore::add_decision_model(const DecisionModelVersion& m) { add_to(cache_, "decision_models", m); }

std::vector<DecisionModelVersion> SqliteStore::latest_decision_models() {
  Query q(cache_, std::string("SELECT ") + kFormColumns +
                      " FROM decision_models d WHERE version = (SELECT MAX(version) FROM decision_models e WHERE e.id = d.id) ORDER BY id");
  std::vector<DecisionModelVersion> out;
  while (q.executeStep()) out.push_back(form_of(SqliteRow{q}));
  return out;
}

std::vector<DefinitionVersion> SqliteStore::latest_definitions() {
  Query q(cache_,
                      "SELECT d.* FROM definitions d WHERE d.version = "
                      "(SELECT MAX(version) FROM definitions e WHERE e.process = d.process) ORDER BY d.process");
  std::vector<DefinitionVersion> out;
  while (q.executeStep()) out.push_back(definition_of(SqliteRow{q}));
  return out;
}

void SqliteStore::replace_start_timers(const std::string& process, const std::vector<StartTimer>& timers) {
  Query del(cache_, "DELETE FROM start_timers WHERE process = ?");
  del.bind(1, process);
  del.exec();
  for (const auto& t : timers) update_start_timer(t);
}

std::vector<StartTimer> SqliteStore::start_timers_due(const std::string& now) {
  Query q(cache_, "SELECT process, version, node, due, remaining FROM start_timers WHERE due <= ? ORDER BY due, process, node");
  q.bind(1, now);
  std::vector<StartTimer> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getInt()});
  return out;
}

void SqliteStore::update_start_timer(const StartTimer& t) {
  if (t.due.empty()) {
    Query del(cache_, "DELETE FROM start_timers WHERE process = ? AND node = ?");
    del.bind(1, t.process);
    del.bind(2, t.node);
    del.exec();
    return;
  }
  Query q(cache_, "INSERT OR REPLACE INTO start_timers VALUES (?, ?, ?, ?, ?)");
  q.bind(1, t.process);
  q.bind(2, t.version);
  q.bind(3, t.node);
  q.bind(4, t.due);
  q.bind(5, t.remaining);
  q.exec();
}

}  // namespace raciflow::runtime::sqlite_detail

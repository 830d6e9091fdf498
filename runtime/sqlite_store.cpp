#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime {

using nlohmann::json;

std::set<std::string> inbox_keys(const engine::Task& t) {
  std::set<std::string> keys;
  if (!t.live()) return keys;
  for (const auto& role : t.responsible) keys.insert("r:" + role);
  for (const auto& c : t.consultations)
    if (!c.settled()) keys.insert("c:" + c.role);
  if (!t.assignee.empty()) keys.insert("p:" + t.assignee);
  return keys;
}

namespace sqlite_detail {

constexpr int kApplicationId = 0x52414349;  // "RACI"

// Schema steps: migrations[i] takes a database from version i to version i + 1. A step
// is never edited once released; changes come as a new step.
const char* const kMigrations[] = {
    // 0 -> 1: definitions, organisation, audit trail, cases and their derived state.
    R"sql(
CREATE TABLE definitions(
  process TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, file TEXT NOT NULL,
  digest TEXT NOT NULL, source TEXT NOT NULL, deployed_at TEXT NOT NULL, deployed_by TEXT NOT NULL,
  PRIMARY KEY (process, version));
CREATE TABLE organisation(
  id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, case_id TEXT NOT NULL, process TEXT NOT NULL,
  version INTEGER NOT NULL, node TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
  role TEXT NOT NULL, raci TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX audit_by_case ON audit(case_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE cases(
  id TEXT PRIMARY KEY, process TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
  correlation_key TEXT NOT NULL, parent_case TEXT NOT NULL, parent_token INTEGER NOT NULL,
  started_at TEXT NOT NULL, started_by TEXT NOT NULL, updated_at TEXT NOT NULL,
  variables TEXT NOT NULL, incident TEXT NOT NULL);
CREATE INDEX cases_by_parent ON cases(parent_case);
CREATE TABLE tasks(
  id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, local_id INTEGER NOT NULL,
  process TEXT NOT NULL, version INTEGER NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL,
  status TEXT NOT NULL, responsible TEXT NOT NULL, accountable TEXT NOT NULL, consulted TEXT NOT NULL,
  informed TEXT NOT NULL, consultations TEXT NOT NULL, assignee TEXT NOT NULL, created TEXT NOT NULL,
  due TEXT NOT NULL, escalated INTEGER NOT NULL, completed_by TEXT NOT NULL, token INTEGER NOT NULL,
  UNIQUE (case_id, local_id));
CREATE INDEX tasks_by_status ON tasks(status);
CREATE TABLE tokens(case_id TEXT NOT NULL, id INTEGER NOT NULL, node TEXT NOT NULL, scope INTEGER NOT NULL,
  PRIMARY KEY (case_id, id));
CREATE TABLE timers(case_id TEXT NOT NULL, id INTEGER NOT NULL, node TEXT NOT NULL, due TEXT NOT NULL,
  PRIMARY KEY (case_id, id));
CREATE INDEX timers_by_due ON timers(due);
CREATE TABLE subscriptions(case_id TEXT NOT NULL, id INTEGER NOT NULL, node TEXT NOT NULL, message TEXT NOT NULL,
  PRIMARY KEY (case_id, id));
CREATE INDEX subscriptions_by_message ON subscriptions(message);
)sql",
    // 1 -> 2: the notification outbox and timer start events.
    R"sql(
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, case_id TEXT NOT NULL,
  task INTEGER NOT NULL, node TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending');
CREATE INDEX outbox_by_status ON outbox(status);
CREATE TABLE start_timers(
  process TEXT NOT NULL, version INTEGER NOT NULL, node TEXT NOT NULL, due TEXT NOT NULL,
  remaining INTEGER NOT NULL, PRIMARY KEY (process, node));
)sql",
    // 2 -> 3: passwords, API tokens and browser sessions of the HTTP server.
    R"sql(
CREATE TABLE credentials(person TEXT PRIMARY KEY, phc TEXT NOT NULL, set_at TEXT NOT NULL);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY AUTOINCREMENT, person TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE login_sessions(
  hash TEXT PRIMARY KEY, person TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
)sql",
    // 3 -> 4: reminders (the next alert of a task), delivery state of the outbox, the
    // annual wheel, its fired occurrences and the annual plan.
    R"sql(
ALTER TABLE tasks ADD COLUMN reminders TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN reminded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN alert TEXT NOT NULL DEFAULT '';
UPDATE tasks SET alert = due WHERE escalated = 0 AND due <> '' AND status IN ('open', 'claimed');
CREATE INDEX tasks_by_alert ON tasks(alert) WHERE alert <> '';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN delivered_at TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_by_updated ON cases(updated_at);
CREATE TABLE wheel(
  id INTEGER PRIMARY KEY CHECK (id = 1), file TEXT NOT NULL, source TEXT NOT NULL, digest TEXT NOT NULL,
  loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL);
CREATE TABLE wheel_activities(activity TEXT PRIMARY KEY, since TEXT NOT NULL);
CREATE TABLE wheel_occurrences(
  activity TEXT NOT NULL, occurrence TEXT NOT NULL, fire_at TEXT NOT NULL, fired_at TEXT NOT NULL,
  case_id TEXT NOT NULL, late INTEGER NOT NULL, PRIMARY KEY (activity, occurrence));
CREATE TABLE plan_items(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, responsible TEXT NOT NULL, start TEXT NOT NULL,
  deadline TEXT NOT NULL, risk TEXT NOT NULL, case_id TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
)sql",
    // 4 -> 5: fewer pages written per command. A case's tokens move into its row (they
    // are read only with the case); one partial index over live tasks serves both the
    // inbox and the due alerts; the cases list by status reads an index; the agenda's
    // "changed since" reads the cases table once a meeting rather than an index being
    // rewritten on every command.
    R"sql(
ALTER TABLE cases ADD COLUMN tokens TEXT NOT NULL DEFAULT '[]';
UPDATE cases SET tokens = (SELECT json_group_array(json_array(t.id, t.node, t.scope))
                           FROM (SELECT id, node, scope FROM tokens WHERE case_id = cases.id ORDER BY id) t)
  WHERE id IN (SELECT case_id FROM tokens);
DROP TABLE tokens;
DROP INDEX tasks_by_status;
DROP INDEX tasks_by_alert;
CREATE INDEX tasks_live ON tasks(alert) WHERE status IN ('open', 'claimed');
DROP INDEX cases_by_updated;
CREATE INDEX cases_by_status ON cases(status, process);
)sql",
    // 5 -> 6: an instance of a multi-instance task keeps its number and its own variables
    // (the item it stands for), so that the inbox and the task show them.
    R"sql(
ALTER TABLE tasks ADD COLUMN instance INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN locals TEXT NOT NULL DEFAULT '{}';
)sql",
    // 6 -> 7: the lean audit trail. A record carries the events that follow from its head
    // (runtime/audit.h); the records already written keep their one event each and their
    // hashes, untouched. The inbox index: role (r: Responsible, c: to be consulted) or
    // person (p: claimed) -> live task.
    R"sql(
ALTER TABLE audit ADD COLUMN events TEXT NOT NULL DEFAULT '';
CREATE TABLE task_inbox(key TEXT NOT NULL, task INTEGER NOT NULL, PRIMARY KEY (key, task)) WITHOUT ROWID;
INSERT OR IGNORE INTO task_inbox SELECT 'r:' || j.value, t.id FROM tasks t, json_each(t.responsible) j
  WHERE t.status IN ('open', 'claimed');
INSERT OR IGNORE INTO task_inbox SELECT 'c:' || json_extract(j.value, '$.role'), t.id FROM tasks t, json_each(t.consultations) j
  WHERE t.status IN ('open', 'claimed') AND json_extract(j.value, '$.answered_by') = '';
INSERT OR IGNORE INTO task_inbox SELECT 'p:' || assignee, id FROM tasks WHERE status IN ('open', 'claimed') AND assignee <> '';
)sql",
    // 7 -> 8: compact records. A new record's hash is stored as its 32 bytes, and its events
    // in the short form (runtime/audit.h). Nothing stored changes; the step is here so that
    // an older raciflow refuses a file it could not read.
    R"sql(
-- no table changes
)sql",
    // 8 -> 9: form-js forms deployed beside definitions, the versions of them each
    // definition version shows, and the files attached to cases (their bytes as a blob).
    R"sql(
CREATE TABLE forms(
  id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, file TEXT NOT NULL, digest TEXT NOT NULL,
  source TEXT NOT NULL, deployed_at TEXT NOT NULL, deployed_by TEXT NOT NULL, PRIMARY KEY (id, version));
ALTER TABLE definitions ADD COLUMN forms TEXT NOT NULL DEFAULT '{}';
CREATE TABLE attachments(
  id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, task INTEGER NOT NULL, name TEXT NOT NULL,
  type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL,
  bytes BLOB NOT NULL);
CREATE INDEX attachments_by_case ON attachments(case_id, id);
)sql",
    // 9 -> 10: DMN decision models, versioned as forms are; business-rule tasks evaluate
    // the latest (or a pinned) version and the trail records which.
    R"sql(
CREATE TABLE decision_models(
  id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, file TEXT NOT NULL, digest TEXT NOT NULL,
  source TEXT NOT NULL, deployed_at TEXT NOT NULL, deployed_by TEXT NOT NULL, PRIMARY KEY (id, version));
)sql",
    // 10 -> 11: a session opened by single sign-on keeps the provider's logout address.
    R"sql(
ALTER TABLE login_sessions ADD COLUMN end_session TEXT NOT NULL DEFAULT '';
)sql",
    // 11 -> 12: substitutes: who takes a person's work while they are away.
    R"sql(
CREATE TABLE substitutes(
  id INTEGER PRIMARY KEY, person TEXT NOT NULL, substitute TEXT NOT NULL, from_day TEXT NOT NULL, until_day TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, ended_at TEXT NOT NULL, ended_by TEXT NOT NULL);
)sql",
    // 12 -> 13: calendar feeds: the secret of each person's feed, as its SHA-256.
    R"sql(
CREATE TABLE calendar_feeds(
  person TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL, reads INTEGER NOT NULL);
)sql",
    // 13 -> 14: digests (a person's daily or weekly e-mail instead of one per notification),
    // a digest's addressee in the outbox, and the channels that took each item so far.
    R"sql(
CREATE TABLE digests(
  person TEXT PRIMARY KEY, choice TEXT NOT NULL, chosen_at TEXT NOT NULL, chosen_by TEXT NOT NULL, last_slot TEXT NOT NULL);
ALTER TABLE outbox ADD COLUMN person TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sent TEXT NOT NULL DEFAULT '';
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

// A record's hash: records since schema 8 store its 32 bytes, older ones 64 hex digits.
// Both read as hex. Anything but a SHA-256 in hex is stored as it is (and fails verify).
std::string hash_bytes(const std::string& hex) {
  if (hex.size() != 64) return {};
  return from_hex(hex).value_or(std::string());
}

// A column as text; a blob (a hash stored as its bytes) as hex.
std::string column_text(const SQLite::Column& column) {
  if (!column.isBlob()) return column.getString();
  return to_hex(static_cast<const unsigned char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
}

// The one-line error of a statement that failed for a reason of the database or the
// machine rather than of raciflow's SQL: a full disk, I/O errors, a lock held too long.
// Other SQLite errors are bugs and stay as they are.
// `wrap_all`: make any other error a StoreError too (BEGIN, COMMIT).
[[noreturn]] void fail(const SQLite::Exception& e, const std::string& path, bool wrap_all) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_FULL:
      throw StoreError(path + ": the disk is full (or the database reached its size limit); nothing was written");
    case SQLITE_IOERR:
      throw StoreError(path + ": I/O error (" + e.what() + "); nothing was written");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw StoreError(path + ": the database is locked by another process; try again");
    case SQLITE_READONLY:
      throw StoreError(path + ": the database is read-only (" + e.what() + ")");
    case SQLITE_CORRUPT:
      throw StoreError(path + ": the database file is corrupt");
    default:
      if (wrap_all) throw StoreError(path + ": " + e.what());
      throw e;
  }
}

std::unique_ptr<Store::Transaction> SqliteStore::begin_read() {
  return std::make_unique<SqliteTransaction>(cache_, path_, depth_, "BEGIN DEFERRED");
}

void SqliteStore::check_and_migrate(const SqliteOptions& options) {
  static const char* const kSync[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
  bool known = false;
  for (const char* s : kSync) known |= options.synchronous == s;
  if (!known) throw StoreError("unknown synchronous mode '" + options.synchronous + "' (OFF, NORMAL, FULL, EXTRA)");
  int application_id = scalar("PRAGMA application_id");  // fails here on a file that is not SQLite
  int version = scalar("PRAGMA user_version");
  int objects = scalar("SELECT count(*) FROM sqlite_master");
  if (application_id != kApplicationId && (application_id != 0 || objects > 0))
    throw StoreError(path_ + ": not a raciflow database");
  if (version > kSchemaVersion)
    throw StoreError(path_ + ": the database has schema version " + std::to_string(version) +
                     ", newer than this raciflow (" + std::to_string(kSchemaVersion) + "); use a newer raciflow");
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec(std::string("PRAGMA synchronous = ") + options.synchronous);
  if (options.max_pages > 0) db_.exec("PRAGMA max_page_count = " + std::to_string(options.max_pages));
  if (version >= options.schema) return;
  cache_.clear();
  SqliteTransaction tx(cache_, path_, depth_);
  for (int step = version; step < options.schema; ++step) db_.exec(kMigrations[step]);
  db_.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db_.exec("PRAGMA user_version = " + std::to_string(options.schema));
  tx.commit();
}

int SqliteStore::scalar(const char* sql) {
  Query q(cache_, sql);
  q.executeStep();
  return q.getColumn(0).getInt();
}

}  // namespace sqlite_detail

using namespace sqlite_detail;

std::int64_t sqlite_total_changes(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  return sqlite ? sqlite->total_changes() : -1;
}

namespace {

class SqliteTableSource : public TableSource {
 public:
  explicit SqliteTableSource(const std::string& path) : db_(path, SQLite::OPEN_READONLY) {}
  std::int64_t count(const std::string& table) override {
    return db_.execAndGet("SELECT count(*) FROM " + checked(table)).getInt64();
  }
  void rows(const std::string& table, const std::string& columns, const std::string& order,
            const std::function<void(const std::vector<std::string>&)>& row) override {
    SQLite::Statement q(db_, "SELECT " + columns + " FROM " + checked(table) + " ORDER BY " + order);
    std::vector<std::string> values;
    while (q.executeStep()) {
      values.clear();
      for (int i = 0; i < q.getColumnCount(); ++i) values.push_back(column_text(q.getColumn(i)));
      row(values);
    }
  }

 private:
  // Only the tables a copy knows (rows::kCopiedTables): the names are never a caller's text.
  static const std::string& checked(const std::string& table) {
    for (const auto& t : kCopiedTables)
      if (table == t.table) return table;
    throw StoreError("no table '" + table + "' to copy");
  }
  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<TableSource> sqlite_table_source(const std::string& path) {
  open_sqlite_store(path, {"FULL", 2000, false});  // refuses what is not raciflow's; migrates an older schema
  try {
    return std::make_unique<SqliteTableSource>(path);
  } catch (const SQLite::Exception& e) {
    throw StoreError(path + ": " + e.what());
  }
}

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw StoreError(path + ": is a directory, not a database file");
  if (!options.create && !fs::exists(path, ec))
    throw StoreError(path + ": no database here (deploy a definition or load an organisation first, or pass --db)");
  try {
    return std::make_unique<SqliteStore>(path, options);
  } catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_NOTADB) throw StoreError(path + ": not a raciflow database (not a SQLite file)");
    if (code == SQLITE_CORRUPT) throw StoreError(path + ": the database file is corrupt");
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw StoreError(path + ": the database is locked by another process; try again");
    throw StoreError(path + ": " + e.what());
  }
}

}  // namespace raciflow::runtime

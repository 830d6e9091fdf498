#include "runtime/sqlite_store.h"

#include "runtime/store_rows.h"

#include <filesystem>
#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace raciflow::runtime {

using nlohmann::json;

std::set<std::string> inbox_keys(const engine::Task& t) {
  std::set<std::string> keys;
  if (!t.live()) return keys;
  for (const auto& role : t.responsible) keys.insert("r:" + role);
  for (const auto& c : t.consultations)
    if (c.answered_by.empty()) keys.insert("c:" + c.role);
  if (!t.assignee.empty()) keys.insert("p:" + t.assignee);
  return keys;
}

namespace {

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
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

// A record's hash: records since schema 8 store its 32 bytes, older ones 64 hex digits.
// Both read as hex. Anything but a SHA-256 in hex is stored as it is (and fails verify).
std::string hash_bytes(const std::string& hex) {
  auto digit = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  if (hex.size() != 64) return {};
  std::string out(32, '\0');
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return {};
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// A column as text; a blob (a hash stored as its bytes) as hex.
std::string column_text(const SQLite::Column& column) {
  if (!column.isBlob()) return column.getString();
  return to_hex(static_cast<const unsigned char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
}

using namespace rows;

// A row of a statement, read as the stores' rows are (store_rows.h). A hash stored as its
// 32 bytes reads as hex.
struct SqliteRow {
  SQLite::Statement& q;
  std::string text(int i) { return column_text(q.getColumn(i)); }
  std::int64_t integer(int i) { return q.getColumn(i).getInt64(); }
  bool null(int i) { return q.getColumn(i).isNull(); }
};

class SqliteStore;

// The one-line error of a statement that failed for a reason of the database or the
// machine rather than of raciflow's SQL: a full disk, I/O errors, a lock held too long.
// Other SQLite errors are bugs and stay as they are.
// `wrap_all`: make any other error a StoreError too (BEGIN, COMMIT).
[[noreturn]] void fail(const SQLite::Exception& e, const std::string& path, bool wrap_all = false) {
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

// Prepared statements, kept for the life of the connection: preparing is most of the
// cost of a short statement. A statement already in use (a nested query with the same
// text) is prepared afresh for the nested use.
class StatementCache {
 public:
  StatementCache(SQLite::Database& db, std::string path) : db_(db), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  class Query {
   public:
    Query(StatementCache& cache, const std::string& sql) : path_(cache.path_) {
      auto& entry = cache.entries_[sql];
      if (entry.statement && !entry.busy) {
        busy_ = &entry.busy;
        statement_ = entry.statement.get();
      } else if (!entry.statement) {
        entry.statement = std::make_unique<SQLite::Statement>(cache.db_, sql);
        busy_ = &entry.busy;
        statement_ = entry.statement.get();
      } else {
        own_ = std::make_unique<SQLite::Statement>(cache.db_, sql);
        statement_ = own_.get();
      }
      if (busy_) *busy_ = true;
    }
    ~Query() {
      if (!busy_) return;
      try {
        statement_->reset();
        statement_->clearBindings();
      } catch (...) {
      }
      *busy_ = false;
    }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    template <typename... A>
    void bind(A&&... args) {
      statement_->bind(std::forward<A>(args)...);
    }
    bool executeStep() {
      try {
        return statement_->executeStep();
      } catch (const SQLite::Exception& e) {
        fail(e, path_);
      }
    }
    int exec() {
      try {
        return statement_->exec();
      } catch (const SQLite::Exception& e) {
        fail(e, path_);
      }
    }
    SQLite::Column getColumn(int index) { return statement_->getColumn(index); }
    operator SQLite::Statement&() { return *statement_; }

   private:
    const std::string& path_;
    SQLite::Statement* statement_ = nullptr;
    bool* busy_ = nullptr;
    std::unique_ptr<SQLite::Statement> own_;
  };

  // Runs a statement that returns no rows, such as BEGIN or COMMIT.
  void run(const std::string& sql) {
    Query q(*this, sql);
    q.exec();
  }
  sqlite3* handle() { return db_.getHandle(); }
  // Forgets every statement (before the schema changes).
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool busy = false;
  };
  SQLite::Database& db_;
  std::string path_;
  std::unordered_map<std::string, Entry> entries_;
};
using Query = StatementCache::Query;

// A transaction, or, inside one already open on the connection, a savepoint: the inner
// one commits into the outer one, or rolls back only its own writes. The server's writer
// uses this for group commit: many commands, each all-or-nothing, in one durable commit.
class SqliteTransaction : public Store::Transaction {
 public:
  SqliteTransaction(StatementCache& db, const std::string& path, int& depth, const char* begin = "BEGIN IMMEDIATE")
      : db_(db), path_(path), depth_(depth), level_(depth + 1) {
    // After some errors (a full disk, I/O) SQLite rolls the whole transaction back on its
    // own. A savepoint then would start a transaction of its own and commit outside the
    // batch, so it is refused: the batch's commit fails, and every caller in it is told.
    if (level_ > 1 && sqlite3_get_autocommit(db_.handle()))
      throw StoreError(path_ + ": the transaction was rolled back after an earlier error; nothing of this batch was written");
    try {
      db_.run(level_ == 1 ? std::string(begin) : "SAVEPOINT " + savepoint());
    } catch (const StoreError&) {
      throw;
    } catch (const SQLite::Exception& e) {
      fail(e, path_, true);
    }
    depth_ = level_;
  }
  ~SqliteTransaction() override {
    if (done_) return;
    try {
      if (level_ == 1) {
        db_.run("ROLLBACK");
      } else {
        db_.run("ROLLBACK TO " + savepoint());
        db_.run("RELEASE " + savepoint());
      }
    } catch (...) {
    }
    depth_ = level_ - 1;
  }
  void commit() override {
    try {
      db_.run(level_ == 1 ? std::string("COMMIT") : "RELEASE " + savepoint());
      done_ = true;
      depth_ = level_ - 1;
    } catch (const StoreError&) {
      throw;
    } catch (const SQLite::Exception& e) {
      throw StoreError(path_ + ": could not commit: " + e.what());
    }
  }

 private:
  std::string savepoint() const { return "s" + std::to_string(level_); }
  StatementCache& db_;
  std::string path_;
  int& depth_;
  int level_;
  bool done_ = false;
};

class SqliteStore : public Store {
 public:
  SqliteStore(const std::string& path, const SqliteOptions& options)
      : path_(path), db_(path, options.create ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE : SQLite::OPEN_READWRITE,
                         options.busy_timeout_ms) {
    check_and_migrate(options);
  }

  std::unique_ptr<Transaction> begin() override { return std::make_unique<SqliteTransaction>(cache_, path_, depth_); }
  std::unique_ptr<Transaction> begin_read() override {
    return std::make_unique<SqliteTransaction>(cache_, path_, depth_, "BEGIN DEFERRED");
  }
  std::int64_t total_changes() { return sqlite3_total_changes64(db_.getHandle()); }

  // --- definitions

  std::optional<DefinitionVersion> latest_definition(const std::string& process) override {
    Query q(cache_, "SELECT * FROM definitions WHERE process = ? ORDER BY version DESC LIMIT 1");
    q.bind(1, process);
    if (!q.executeStep()) return std::nullopt;
    return definition_of(SqliteRow{q});
  }

  std::optional<DefinitionVersion> definition(const std::string& process, int version) override {
    Query q(cache_, "SELECT * FROM definitions WHERE process = ? AND version = ?");
    q.bind(1, process);
    q.bind(2, version);
    if (!q.executeStep()) return std::nullopt;
    return definition_of(SqliteRow{q});
  }

  void add_definition(const DefinitionVersion& d) override {
    Query q(cache_, "INSERT INTO definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, d.process);
    q.bind(2, d.version);
    q.bind(3, d.name);
    q.bind(4, d.file);
    q.bind(5, d.digest);
    q.bind(6, d.source);
    q.bind(7, d.deployed_at);
    q.bind(8, d.deployed_by);
    q.exec();
  }

  std::vector<DefinitionVersion> latest_definitions() override {
    Query q(cache_,
                        "SELECT d.* FROM definitions d WHERE d.version = "
                        "(SELECT MAX(version) FROM definitions e WHERE e.process = d.process) ORDER BY d.process");
    std::vector<DefinitionVersion> out;
    while (q.executeStep()) out.push_back(definition_of(SqliteRow{q}));
    return out;
  }

  void replace_start_timers(const std::string& process, const std::vector<StartTimer>& timers) override {
    Query del(cache_, "DELETE FROM start_timers WHERE process = ?");
    del.bind(1, process);
    del.exec();
    for (const auto& t : timers) update_start_timer(t);
  }

  std::vector<StartTimer> start_timers_due(const std::string& now) override {
    Query q(cache_, "SELECT process, version, node, due, remaining FROM start_timers WHERE due <= ? ORDER BY due, process, node");
    q.bind(1, now);
    std::vector<StartTimer> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getInt()});
    return out;
  }

  void update_start_timer(const StartTimer& t) override {
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

  // --- organisation

  std::optional<Organisation> organisation() override {
    Query q(cache_, "SELECT body FROM organisation WHERE id = 1");
    if (!q.executeStep()) return std::nullopt;
    // Every command asks who its actor is: the parsed organisation is kept while its
    // stored text stays the same.
    std::string body = q.getColumn(0).getString();
    if (!organisation_ || body != organisation_text_) {
      organisation_ = organisation_from_json(json::parse(body));
      organisation_text_ = std::move(body);
    }
    return organisation_;
  }

  void put_organisation(const Organisation& o) override {
    Query q(cache_, "INSERT OR REPLACE INTO organisation VALUES (1, ?)");
    q.bind(1, to_json(o).dump());
    q.exec();
  }

  // --- audit trail

  std::optional<ChainHead> chain_head(const std::string& case_id) override {
    Query q(cache_, case_id.empty() ? "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
                                    : "SELECT seq, hash FROM audit WHERE case_id = ? ORDER BY seq DESC LIMIT 1");
    if (!case_id.empty()) q.bind(1, case_id);
    if (!q.executeStep()) return std::nullopt;
    return ChainHead{q.getColumn(0).getInt64(), column_text(q.getColumn(1))};
  }

  void append(const AuditRecord& r) override {
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

  std::int64_t record_count() override {
    Query q(cache_, "SELECT max(seq) FROM audit");  // seq has no gaps; verify says so when it has
    q.executeStep();
    return q.getColumn(0).isNull() ? 0 : q.getColumn(0).getInt64();
  }

  std::map<std::string, std::int64_t> last_records() override {
    Query q(cache_, "SELECT case_id, max(seq) FROM audit WHERE case_id <> '' GROUP BY case_id");
    std::map<std::string, std::int64_t> out;
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    return out;
  }

  std::vector<AuditRecord> records_page(const std::string& case_id, std::int64_t after, int limit) override {
    Query q(cache_, case_id.empty() ? "SELECT * FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                                    : "SELECT * FROM audit WHERE case_id = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2");
    q.bind(1, static_cast<int64_t>(after));
    q.bind(2, limit > 0 ? limit : -1);
    if (!case_id.empty()) q.bind(3, case_id);
    std::vector<AuditRecord> out;
    while (q.executeStep()) out.push_back(record_of_row(SqliteRow{q}));
    return out;
  }

  void scan_records(const std::string& case_id, const std::function<void(const AuditRecord&)>& visit) override {
    Query q(cache_, case_id.empty() ? "SELECT * FROM audit ORDER BY seq"
                                             : "SELECT * FROM audit WHERE case_id = ? ORDER BY seq");
    if (!case_id.empty()) q.bind(1, case_id);
    while (q.executeStep()) visit(record_of_row(SqliteRow{q}));
  }

  // --- cases

  std::string new_case_id() override {
    cache_.run("INSERT INTO counters VALUES ('case', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1");
    Query q(cache_, "SELECT value FROM counters WHERE name = 'case'");
    q.executeStep();
    return std::to_string(q.getColumn(0).getInt64());
  }

  std::optional<CaseRow> find_case(const std::string& id) override {
    Query q(cache_, "SELECT * FROM cases WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return case_of(SqliteRow{q});
  }

  std::vector<CaseRow> cases(const std::string& status, const std::string& process, std::int64_t after, int limit) override {
    // A case's rowid is its place in the order cases started (ids count up as rows are added).
    std::string sql = "SELECT *, rowid FROM cases WHERE rowid > ?3";
    if (!status.empty()) sql += " AND status = ?1";
    if (!process.empty()) sql += " AND process = ?2";
    Query q(cache_, sql + " ORDER BY rowid LIMIT ?4");
    if (!status.empty()) q.bind(1, status);
    if (!process.empty()) q.bind(2, process);
    q.bind(3, static_cast<int64_t>(after));
    q.bind(4, limit > 0 ? limit : -1);
    std::vector<CaseRow> out;
    while (q.executeStep()) {
      out.push_back(case_of(SqliteRow{q}));
      out.back().position = q.getColumn(13).getInt64();
    }
    return out;
  }

  std::vector<CaseRow> children(const std::string& parent) override {
    Query q(cache_, "SELECT * FROM cases WHERE parent_case = ? ORDER BY CAST(id AS INTEGER), id");
    q.bind(1, parent);
    std::vector<CaseRow> out;
    while (q.executeStep()) out.push_back(case_of(SqliteRow{q}));
    return out;
  }

  void save_case(const CaseSnapshot& s, const CaseSnapshot* before) override {
    const CaseRow& r = s.row;
    // An upsert, not INSERT OR REPLACE: a replace deletes and re-inserts the row, which
    // rewrites every index entry of the case even when the indexed columns are the same.
    Query c(cache_,
            "INSERT INTO cases (id, process, version, status, correlation_key, parent_case, parent_token, started_at, "
            "started_by, updated_at, variables, incident, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET "
            "process = excluded.process, version = excluded.version, status = excluded.status, "
            "correlation_key = excluded.correlation_key, parent_case = excluded.parent_case, "
            "parent_token = excluded.parent_token, started_at = excluded.started_at, started_by = excluded.started_by, "
            "updated_at = excluded.updated_at, variables = excluded.variables, incident = excluded.incident, "
            "tokens = excluded.tokens");
    c.bind(1, r.id);
    c.bind(2, r.process);
    c.bind(3, r.version);
    c.bind(4, r.status);
    c.bind(5, r.key);
    c.bind(6, r.parent_case);
    c.bind(7, r.parent_token);
    c.bind(8, r.started_at);
    c.bind(9, r.started_by);
    c.bind(10, r.updated_at);
    c.bind(11, s.variables.dump());
    c.bind(12, s.incident);
    c.bind(13, tokens_text(s.tokens));
    c.exec();
    // Timers and subscriptions: only the rows that differ from `before`.
    auto sync = [&](const char* table, const auto& now, const auto* was, auto insert) {
      using Row = typename std::decay_t<decltype(now)>::value_type;
      std::map<int, const Row*> old_rows, new_rows;
      if (was) for (const auto& row : *was) old_rows[row.id] = &row;
      for (const auto& row : now) new_rows[row.id] = &row;
      if (!was) {
        Query del(cache_, std::string("DELETE FROM ") + table + " WHERE case_id = ?");
        del.bind(1, r.id);
        del.exec();
      } else {
        for (const auto& [id, row] : old_rows) {
          if (new_rows.count(id)) continue;
          Query del(cache_, std::string("DELETE FROM ") + table + " WHERE case_id = ? AND id = ?");
          del.bind(1, r.id);
          del.bind(2, id);
          del.exec();
        }
      }
      for (const auto& [id, row] : new_rows) {
        auto it = old_rows.find(id);
        if (it != old_rows.end() && *it->second == *row) continue;
        insert(*row);
      }
    };
    sync("timers", s.timers, before ? &before->timers : nullptr, [&](const TimerRow& t) {
      Query q(cache_, "INSERT OR REPLACE INTO timers VALUES (?, ?, ?, ?)");
      q.bind(1, r.id);
      q.bind(2, t.id);
      q.bind(3, t.node);
      q.bind(4, t.due);
      q.exec();
    });
    sync("subscriptions", s.subscriptions, before ? &before->subscriptions : nullptr, [&](const SubscriptionRow& t) {
      Query q(cache_, "INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?)");
      q.bind(1, r.id);
      q.bind(2, t.id);
      q.bind(3, t.node);
      q.bind(4, t.message);
      q.exec();
    });
    if (before) {
      // Tasks: insert the new ones, update the changed ones, leave the rest alone.
      std::map<int, const engine::Task*> old_tasks;
      for (const auto& t : before->tasks) old_tasks[t.id] = &t;
      for (const auto& t : s.tasks) {
        auto it = old_tasks.find(t.id);
        if (it == old_tasks.end()) {
          insert_task(r, t);
        } else if (!same_task_columns(*it->second, t)) {
          update_task(r, t, *it->second);
        }
      }
      return;
    }
    std::map<int, engine::Task> stored;
    {
      Query q(cache_, "SELECT * FROM tasks WHERE case_id = ?");
      q.bind(1, r.id);
      while (q.executeStep()) {
        TaskRow row = task_of(SqliteRow{q});
        stored.emplace(row.local_id, std::move(row.task));
      }
    }
    for (const auto& t : s.tasks) {
      if (auto it = stored.find(t.id); it != stored.end())
        update_task(r, t, it->second);
      else
        insert_task(r, t);
    }
  }

  // Moves a task's inbox index from what it was (`old`, null for a new task) to what it is.
  void index_task(std::int64_t id, const engine::Task* old, const engine::Task& t) {
    auto change = inbox_change(old, t);
    auto run = [&](const std::vector<std::string>& keys, const char* sql) {
      for (const auto& key : keys) {
        Query q(cache_, sql);
        q.bind(1, key);
        q.bind(2, static_cast<int64_t>(id));
        q.exec();
      }
    };
    run(change.removed, "DELETE FROM task_inbox WHERE key = ? AND task = ?");
    run(change.added, "INSERT OR IGNORE INTO task_inbox VALUES (?, ?)");
  }

  void update_task(const CaseRow& r, const engine::Task& t, const engine::Task& old) {
    auto v = task_values(t);
    Query q(cache_,
            "UPDATE tasks SET status = ?, consultations = ?, assignee = ?, due = ?, escalated = ?, "
            "completed_by = ?, reminded = ?, alert = ? WHERE case_id = ? AND local_id = ? RETURNING id");
    q.bind(1, v.status);
    q.bind(2, v.consultations);
    q.bind(3, t.assignee);
    q.bind(4, v.due);
    q.bind(5, t.escalated ? 1 : 0);
    q.bind(6, t.completed_by);
    q.bind(7, t.reminded);
    q.bind(8, v.alert);
    q.bind(9, r.id);
    q.bind(10, t.id);
    if (!q.executeStep()) return;
    std::int64_t id = q.getColumn(0).getInt64();
    while (q.executeStep()) {
    }
    index_task(id, &old, t);
  }

  void insert_task(const CaseRow& r, const engine::Task& t) {
    auto v = task_values(t);
    Query q(cache_,
            "INSERT INTO tasks (case_id, local_id, process, version, node, name, status, responsible, "
            "accountable, consulted, informed, consultations, assignee, created, due, escalated, "
            "completed_by, token, reminders, reminded, alert, instance, locals) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, r.id);
    q.bind(2, t.id);
    q.bind(3, r.process);
    q.bind(4, r.version);
    q.bind(5, t.node_id);
    q.bind(6, t.name);
    q.bind(7, v.status);
    q.bind(8, v.responsible);
    q.bind(9, v.accountable);
    q.bind(10, v.consulted);
    q.bind(11, v.informed);
    q.bind(12, v.consultations);
    q.bind(13, t.assignee);
    q.bind(14, v.created);
    q.bind(15, v.due);
    q.bind(16, t.escalated ? 1 : 0);
    q.bind(17, t.completed_by);
    q.bind(18, t.token);
    q.bind(19, v.reminders);
    q.bind(20, t.reminded);
    q.bind(21, v.alert);
    q.bind(22, t.instance);
    q.bind(23, v.locals);
    q.exec();
    index_task(db_.getLastInsertRowid(), nullptr, t);
  }

  std::optional<CaseSnapshot> load_snapshot(const std::string& id) override {
    auto row = find_case(id);
    if (!row) return std::nullopt;
    CaseSnapshot s;
    s.row = *row;
    {
      Query q(cache_, "SELECT variables, incident, tokens FROM cases WHERE id = ?");
      q.bind(1, id);
      q.executeStep();
      s.variables = json::parse(q.getColumn(0).getString(), nullptr, false);
      s.incident = q.getColumn(1).getString();
      s.tokens = tokens_of(q.getColumn(2).getString());
    }
    Query timers(cache_, "SELECT id, node, due FROM timers WHERE case_id = ? ORDER BY id");
    timers.bind(1, id);
    while (timers.executeStep())
      s.timers.push_back({timers.getColumn(0).getInt(), timers.getColumn(1).getString(), timers.getColumn(2).getString()});
    Query subs(cache_, "SELECT id, node, message FROM subscriptions WHERE case_id = ? ORDER BY id");
    subs.bind(1, id);
    while (subs.executeStep())
      s.subscriptions.push_back({subs.getColumn(0).getInt(), subs.getColumn(1).getString(), subs.getColumn(2).getString()});
    for (const auto& t : tasks({id, true})) s.tasks.push_back(t.task);
    return s;
  }

  std::vector<TaskRow> tasks(const TaskFilter& f) override {
    std::vector<TaskRow> out;
    if (f.inbox) {
      // From the inbox index: one range per key, merged in task order.
      auto keys = inbox_filter_keys(f);
      if (keys.empty()) return out;
      // One index range per key, each stopping at the page's size, merged here: a query
      // with `key IN (...)` would sort every match of every key before taking the page.
      std::set<std::int64_t> merged;
      for (const auto& key : keys) {
        Query q(cache_, "SELECT task FROM task_inbox WHERE key = ?1 AND task > ?2 ORDER BY task LIMIT ?3");
        q.bind(1, key);
        q.bind(2, static_cast<int64_t>(f.after));
        q.bind(3, f.limit > 0 ? f.limit : -1);
        while (q.executeStep()) merged.insert(q.getColumn(0).getInt64());
      }
      std::vector<std::int64_t> ids(merged.begin(), merged.end());
      if (f.limit > 0 && ids.size() > static_cast<std::size_t>(f.limit)) ids.resize(static_cast<std::size_t>(f.limit));
      for (auto id : ids)
        if (auto t = find_task(id); t && (f.case_id.empty() || t->case_id == f.case_id)) out.push_back(std::move(*t));
      return out;
    }
    // One statement per shape, so that each uses its index (by case, or by status).
    // Without statistics the planner would rather read the whole table in id order than
    // the partial index of live tasks and sort; the inbox must not grow with the history.
    std::string sql = "SELECT * FROM tasks";
    if (!f.case_id.empty()) sql += " WHERE case_id = ?1";
    if (!f.include_closed)
      sql += f.case_id.empty() ? " INDEXED BY tasks_live WHERE status IN ('open', 'claimed')" : " AND status IN ('open', 'claimed')";
    sql += f.case_id.empty() && f.include_closed ? " WHERE id > ?2" : " AND id > ?2";
    Query q(cache_, sql + " ORDER BY id LIMIT ?3");
    if (!f.case_id.empty()) q.bind(1, f.case_id);
    q.bind(2, static_cast<int64_t>(f.after));
    q.bind(3, f.limit > 0 ? f.limit : -1);
    while (q.executeStep()) out.push_back(task_of(SqliteRow{q}));
    return out;
  }

  std::optional<TaskRow> find_task(std::int64_t id) override {
    Query q(cache_, "SELECT * FROM tasks WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return task_of(SqliteRow{q});
  }

  bool inbox_holds(const std::string& key, std::int64_t task) override {
    Query q(cache_, "SELECT 1 FROM task_inbox WHERE key = ? AND task = ?");
    q.bind(1, key);
    q.bind(2, static_cast<int64_t>(task));
    return q.executeStep();
  }

  std::int64_t inbox_size() override {
    Query q(cache_, "SELECT count(*) FROM task_inbox");
    q.executeStep();
    return q.getColumn(0).getInt64();
  }

  std::optional<std::int64_t> task_id(const std::string& case_id, int local_id) override {
    Query q(cache_, "SELECT id FROM tasks WHERE case_id = ? AND local_id = ?");
    q.bind(1, case_id);
    q.bind(2, local_id);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getInt64();
  }

  std::vector<std::string> cases_waiting_for(const std::string& message, const std::string& key) override {
    Query q(cache_,
                        "SELECT DISTINCT c.id FROM subscriptions s JOIN cases c ON c.id = s.case_id "
                        "WHERE s.message = ?1 AND c.status = 'active' AND (?2 = '' OR c.correlation_key = ?2) "
                        "ORDER BY CAST(c.id AS INTEGER), c.id");
    q.bind(1, message);
    q.bind(2, key);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  std::vector<std::string> cases_due(const std::string& now) override {
    // Through the due-time indexes: the cost follows what is due, not how many cases exist.
    Query q(cache_,
            "SELECT id FROM cases WHERE status = 'active' AND id IN ("
            "SELECT case_id FROM timers WHERE due <= ?1 UNION "
            "SELECT case_id FROM tasks WHERE status IN ('open', 'claimed') AND alert <> '' AND alert <= ?1) "
            "ORDER BY CAST(id AS INTEGER), id");
    q.bind(1, now);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  // --- credentials, API tokens and browser sessions

  std::optional<Credential> credential(const std::string& person) override {
    Query q(cache_, "SELECT person, phc, set_at FROM credentials WHERE person = ?");
    q.bind(1, person);
    if (!q.executeStep()) return std::nullopt;
    return Credential{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
  }

  void put_credential(const Credential& c) override {
    Query q(cache_, "INSERT OR REPLACE INTO credentials VALUES (?, ?, ?)");
    q.bind(1, c.person);
    q.bind(2, c.phc);
    q.bind(3, c.set_at);
    q.exec();
  }

  std::int64_t add_token(const ApiToken& t) override {
    Query q(cache_, "INSERT INTO api_tokens (person, name, hash, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, t.person);
    q.bind(2, t.name);
    q.bind(3, t.hash);
    q.bind(4, t.created_at);
    q.bind(5, t.expires_at);
    q.bind(6, t.revoked ? 1 : 0);
    q.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<ApiToken> find_token(const std::string& hash) override {
    Query q(cache_, "SELECT * FROM api_tokens WHERE hash = ?");
    q.bind(1, hash);
    if (!q.executeStep()) return std::nullopt;
    return token_of(SqliteRow{q});
  }

  std::vector<ApiToken> tokens() override {
    Query q(cache_, "SELECT * FROM api_tokens ORDER BY id");
    std::vector<ApiToken> out;
    while (q.executeStep()) out.push_back(token_of(SqliteRow{q}));
    return out;
  }

  void revoke_token(std::int64_t id) override {
    Query q(cache_, "UPDATE api_tokens SET revoked = 1 WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    q.exec();
  }

  void add_session(const LoginSession& s) override {
    Query q(cache_, "INSERT INTO login_sessions VALUES (?, ?, ?, ?)");
    q.bind(1, s.hash);
    q.bind(2, s.person);
    q.bind(3, s.created_at);
    q.bind(4, s.expires_at);
    q.exec();
  }

  std::optional<LoginSession> find_session(const std::string& hash) override {
    Query q(cache_, "SELECT hash, person, created_at, expires_at FROM login_sessions WHERE hash = ?");
    q.bind(1, hash);
    if (!q.executeStep()) return std::nullopt;
    return LoginSession{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                        q.getColumn(3).getString()};
  }

  void remove_sessions(const std::string& hash, const std::string& now) override {
    Query q(cache_, "DELETE FROM login_sessions WHERE hash = ? OR expires_at <= ?");
    q.bind(1, hash);
    q.bind(2, now);
    q.exec();
  }

  int remove_person_sessions(const std::string& person) override {
    Query q(cache_, "DELETE FROM login_sessions WHERE person = ?");
    q.bind(1, person);
    return q.exec();
  }

  // --- outbox

  void enqueue(const OutboxItem& o) override {
    Query q(cache_, "INSERT INTO outbox (created_at, case_id, task, node, role, kind, status) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, o.created_at);
    q.bind(2, o.case_id);
    q.bind(3, static_cast<int64_t>(o.task));
    q.bind(4, o.node);
    q.bind(5, o.role);
    q.bind(6, o.kind);
    q.bind(7, o.status.empty() ? "pending" : o.status);
    q.exec();
  }

  std::vector<OutboxItem> outbox(const std::string& status, std::int64_t after, int limit) override {
    Query q(cache_, std::string("SELECT ") + kOutboxColumns + " FROM outbox" + " WHERE id > ?2" + (status.empty() ? "" : " AND status = ?1") +
                        " ORDER BY id LIMIT ?3");
    if (!status.empty()) q.bind(1, status);
    q.bind(2, static_cast<int64_t>(after));
    q.bind(3, limit > 0 ? limit : -1);
    return outbox_items(q);
  }

  std::vector<OutboxItem> notifications(const std::vector<std::string>* roles, std::int64_t before, int limit) override {
    // The roles as one bound JSON array; the newest rows are read first and the scan stops
    // at the page.
    Query q(cache_, std::string("SELECT ") + kOutboxColumns + " FROM outbox" + " WHERE id < ?1" +
                        (roles ? " AND role IN (SELECT value FROM json_each(?3))" : "") + " ORDER BY id DESC LIMIT ?2");
    q.bind(1, static_cast<int64_t>(before > 0 ? before : std::numeric_limits<std::int64_t>::max()));
    q.bind(2, limit > 0 ? limit : -1);
    if (roles) q.bind(3, json(*roles).dump());
    return outbox_items(q);
  }

  std::vector<OutboxItem> claim_outbox(const std::string& now, const std::string& until, int limit) override {
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

  void update_outbox(const OutboxItem& o) override {
    Query q(cache_, "UPDATE outbox SET status = ?, attempts = ?, next_attempt = ?, last_error = ?, delivered_at = ? WHERE id = ?");
    q.bind(1, o.status);
    q.bind(2, o.attempts);
    q.bind(3, o.next_attempt);
    q.bind(4, o.last_error);
    q.bind(5, o.delivered_at);
    q.bind(6, static_cast<int64_t>(o.id));
    q.exec();
  }

  // --- annual wheel and plan

  std::optional<StoredWheel> wheel() override {
    Query q(cache_, "SELECT file, source, digest, loaded_at, loaded_by FROM wheel WHERE id = 1");
    if (!q.executeStep()) return std::nullopt;
    return StoredWheel{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getString(), q.getColumn(4).getString()};
  }

  void put_wheel(const StoredWheel& w) override {
    Query q(cache_, "INSERT OR REPLACE INTO wheel VALUES (1, ?, ?, ?, ?, ?)");
    q.bind(1, w.file);
    q.bind(2, w.source);
    q.bind(3, w.digest);
    q.bind(4, w.loaded_at);
    q.bind(5, w.loaded_by);
    q.exec();
  }

  std::optional<std::string> activity_since(const std::string& activity) override {
    Query q(cache_, "SELECT since FROM wheel_activities WHERE activity = ?");
    q.bind(1, activity);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
  }

  void put_activity_since(const std::string& activity, const std::string& since) override {
    Query q(cache_, "INSERT OR REPLACE INTO wheel_activities VALUES (?, ?)");
    q.bind(1, activity);
    q.bind(2, since);
    q.exec();
  }

  bool occurrence_fired(const std::string& activity, const std::string& occurrence) override {
    Query q(cache_, "SELECT 1 FROM wheel_occurrences WHERE activity = ? AND occurrence = ?");
    q.bind(1, activity);
    q.bind(2, occurrence);
    return q.executeStep();
  }

  void add_occurrence(const WheelOccurrence& o) override {
    Query q(cache_, "INSERT INTO wheel_occurrences VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, o.activity);
    q.bind(2, o.occurrence);
    q.bind(3, o.fire_at);
    q.bind(4, o.fired_at);
    q.bind(5, o.case_id);
    q.bind(6, o.late ? 1 : 0);
    q.exec();
  }

  std::vector<WheelOccurrence> occurrences() override {
    Query q(cache_, "SELECT * FROM wheel_occurrences ORDER BY occurrence, activity");
    std::vector<WheelOccurrence> out;
    while (q.executeStep())
      out.push_back(occurrence_of(SqliteRow{q}));
    return out;
  }

  std::vector<definitions::PlanItem> plan_items() override {
    Query q(cache_, "SELECT * FROM plan_items ORDER BY deadline, id");
    std::vector<definitions::PlanItem> out;
    while (q.executeStep()) out.push_back(plan_item_of(SqliteRow{q}));
    return out;
  }

  std::optional<definitions::PlanItem> plan_item(const std::string& id) override {
    Query q(cache_, "SELECT * FROM plan_items WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return plan_item_of(SqliteRow{q});
  }

  void put_plan_item(const definitions::PlanItem& i) override {
    Query q(cache_, "INSERT OR REPLACE INTO plan_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, i.id);
    q.bind(2, i.name);
    q.bind(3, i.responsible);
    q.bind(4, i.start);
    q.bind(5, i.deadline);
    q.bind(6, i.risk);
    q.bind(7, i.case_id);
    q.bind(8, i.status);
    q.bind(9, i.note);
    q.bind(10, i.updated_at);
    q.bind(11, i.updated_by);
    q.exec();
  }

  std::vector<CaseRow> cases_updated_since(const std::string& since) override {
    Query q(cache_, std::string("SELECT * FROM cases") + " WHERE updated_at >= ? ORDER BY CAST(id AS INTEGER), id");
    q.bind(1, since);
    std::vector<CaseRow> out;
    while (q.executeStep()) out.push_back(case_of(SqliteRow{q}));
    return out;
  }

 private:
  void check_and_migrate(const SqliteOptions& options) {
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

  int scalar(const char* sql) {
    Query q(cache_, sql);
    q.executeStep();
    return q.getColumn(0).getInt();
  }

  static std::vector<OutboxItem> outbox_items(SQLite::Statement& q) {
    std::vector<OutboxItem> out;
    SqliteRow row{q};
    while (q.executeStep()) out.push_back(outbox_item_of(row));
    return out;
  }

  std::string path_;
  SQLite::Database db_;
  StatementCache cache_{db_, path_};
  int depth_ = 0;
  std::optional<Organisation> organisation_;
  std::string organisation_text_;  // open transactions and savepoints on db_
};

}  // namespace

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

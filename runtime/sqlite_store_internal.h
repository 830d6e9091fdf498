// The SQLite store's room: its helpers and the SqliteStore class, shared by
// sqlite_store.cpp (the connection, the schema, transactions) and the files that
// implement each role of store.h (sqlite_definitions, _cases, _audit, _accounts,
// _outbox, _calendar). Internal to runtime/.
#pragma once

#include "runtime/sqlite_store.h"
#include "runtime/store_rows.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace raciflow::runtime::sqlite_detail {

using nlohmann::json;

// A record's hash: records since schema 8 store its 32 bytes, older ones 64 hex digits.
// Both read as hex. Anything but a SHA-256 in hex is stored as it is (and fails verify).
std::string hash_bytes(const std::string& hex);
// A column as text; a blob (a hash stored as its bytes) as hex.
std::string column_text(const SQLite::Column& column);

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
[[noreturn]] void fail(const SQLite::Exception& e, const std::string& path, bool wrap_all = false);

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
  std::unique_ptr<Transaction> begin_read() override;
  std::int64_t total_changes() { return sqlite3_total_changes64(db_.getHandle()); }

  // --- definitions

  std::optional<DefinitionVersion> latest_definition(const std::string& process) override;

  std::optional<DefinitionVersion> definition(const std::string& process, int version) override;

  void add_definition(const DefinitionVersion& d) override;

  std::vector<DefinitionVersion> latest_definitions() override;

  void replace_start_timers(const std::string& process, const std::vector<StartTimer>& timers) override;

  std::vector<StartTimer> start_timers_due(const std::string& now) override;

  void update_start_timer(const StartTimer& t) override;

  std::optional<FormVersion> latest_form(const std::string& id) override;
  std::optional<FormVersion> form(const std::string& id, int version) override;
  void add_form(const FormVersion& form) override;
  std::optional<DecisionModelVersion> latest_decision_model(const std::string& id) override;
  std::optional<DecisionModelVersion> decision_model(const std::string& id, int version) override;
  void add_decision_model(const DecisionModelVersion& model) override;
  std::vector<DecisionModelVersion> latest_decision_models() override;

  // --- attachments (sqlite_attachments.cpp)
  std::int64_t add_attachment(const Attachment& attachment, const std::string& bytes) override;
  std::vector<Attachment> attachments(const std::string& case_id) override;
  std::optional<Attachment> find_attachment(std::int64_t id) override;
  std::optional<std::string> attachment_bytes(std::int64_t id) override;

  // --- organisation

  std::optional<Organisation> organisation() override;

  void put_organisation(const Organisation& o) override;

  // --- audit trail

  std::optional<ChainHead> chain_head(const std::string& case_id) override;

  void append(const AuditRecord& r) override;

  std::int64_t record_count() override;

  std::map<std::string, std::int64_t> last_records() override;

  std::vector<AuditRecord> records_page(const std::string& case_id, std::int64_t after, int limit) override;

  void scan_records(const std::string& case_id, const std::function<void(const AuditRecord&)>& visit) override;

  // --- cases

  std::string new_case_id() override;

  std::optional<CaseRow> find_case(const std::string& id) override;

  std::vector<CaseRow> cases(const std::string& status, const std::string& process, std::int64_t after, int limit) override;

  std::vector<CaseRow> children(const std::string& parent) override;

  void save_case(const CaseSnapshot& s, const CaseSnapshot* before) override;

  void index_task(std::int64_t id, const engine::Task* old, const engine::Task& t);

  void update_task(const CaseRow& r, const engine::Task& t, const engine::Task& old);

  void insert_task(const CaseRow& r, const engine::Task& t);

  std::optional<CaseSnapshot> load_snapshot(const std::string& id) override;

  std::vector<TaskRow> tasks(const TaskFilter& f) override;

  std::optional<TaskRow> find_task(std::int64_t id) override;

  bool inbox_holds(const std::string& key, std::int64_t task) override;

  std::int64_t inbox_size() override;

  std::optional<std::int64_t> task_id(const std::string& case_id, int local_id) override;

  std::vector<std::string> cases_waiting_for(const std::string& message, const std::string& key) override;

  std::vector<std::string> cases_due(const std::string& now) override;

  // --- credentials, API tokens and browser sessions

  std::optional<Credential> credential(const std::string& person) override;

  void put_credential(const Credential& c) override;

  std::int64_t add_token(const ApiToken& t) override;

  std::optional<ApiToken> find_token(const std::string& hash) override;

  std::vector<ApiToken> tokens() override;

  void revoke_token(std::int64_t id) override;

  void add_session(const LoginSession& s) override;

  std::optional<LoginSession> find_session(const std::string& hash) override;

  void remove_sessions(const std::string& hash, const std::string& now) override;

  int remove_person_sessions(const std::string& person) override;

  // --- outbox

  void enqueue(const OutboxItem& o) override;

  std::vector<OutboxItem> outbox(const std::string& status, std::int64_t after, int limit) override;

  std::vector<OutboxItem> notifications(const std::vector<std::string>* roles, std::int64_t before, int limit) override;

  std::vector<OutboxItem> claim_outbox(const std::string& now, const std::string& until, int limit) override;

  void update_outbox(const OutboxItem& o) override;

  // --- annual wheel and plan

  std::optional<StoredWheel> wheel() override;

  void put_wheel(const StoredWheel& w) override;

  std::optional<std::string> activity_since(const std::string& activity) override;

  void put_activity_since(const std::string& activity, const std::string& since) override;

  bool occurrence_fired(const std::string& activity, const std::string& occurrence) override;

  void add_occurrence(const WheelOccurrence& o) override;

  std::vector<WheelOccurrence> occurrences() override;

  std::vector<definitions::PlanItem> plan_items() override;

  std::optional<definitions::PlanItem> plan_item(const std::string& id) override;

  void put_plan_item(const definitions::PlanItem& i) override;
  // substitutes
  std::vector<Substitution> substitutions() override;
  void put_substitution(const Substitution& s) override;
  std::optional<CalendarFeed> calendar_feed(const std::string& person) override;
  std::optional<CalendarFeed> calendar_feed_by_hash(const std::string& hash) override;
  void put_calendar_feed(const CalendarFeed& feed) override;
  void remove_calendar_feed(const std::string& person) override;
  std::vector<DigestChoice> digest_choices() override;
  void put_digest_choice(const DigestChoice& choice) override;
  void remove_digest_choice(const std::string& person) override;

  std::vector<CaseRow> cases_updated_since(const std::string& since) override;

 private:
  void check_and_migrate(const SqliteOptions& options);

  int scalar(const char* sql);

  static std::vector<OutboxItem> outbox_items(SQLite::Statement& q);

  std::string path_;
  SQLite::Database db_;
  StatementCache cache_{db_, path_};
  int depth_ = 0;
  std::optional<Organisation> organisation_;
  std::string organisation_text_;  // open transactions and savepoints on db_
};

}  // namespace raciflow::runtime::sqlite_detail

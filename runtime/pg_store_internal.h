// The PostgreSQL store's room: its helpers and the PgStore class, shared by
// pg_store.cpp (the connection, the schema, transactions) and the files that implement
// each role of store.h (pg_definitions, _cases, _audit, _accounts, _outbox, _calendar).
// Internal to runtime/.
#pragma once

#include "runtime/pg_store.h"
#include "runtime/store_rows.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <libpq-fe.h>
#include <nlohmann/json.hpp>

namespace raciflow::runtime::pg_detail {

using nlohmann::json;
using namespace rows;

constexpr long long kNoLimit = std::numeric_limits<long long>::max();
constexpr long long kLockKey = 0x52414349;  // "RACI": serialises creating and migrating the schema

// The tables every tenant has rows in: each gets the row-level security policy.
const char* const kTenantTables[] = {"definitions", "organisation", "audit",       "counters",          "cases",
                                     "tasks",       "task_inbox",   "timers",      "subscriptions",     "outbox",
                                     "start_timers", "credentials", "api_tokens",  "login_sessions",    "wheel",
                                     "wheel_activities", "wheel_occurrences", "plan_items"};

// The row-level security of one table: a session sees and writes only the rows of the
// tenant it set (raciflow.tenant), even as the tables' owner.
std::string policy_sql(const std::string& table);
std::string first_line(const char* text);

// A query's result, freed with it.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  int rows() const { return PQntuples(r_); }
  std::string text(int row, int column) const { return PQgetvalue(r_, row, column); }
  std::int64_t integer(int row, int column) const {
    if (PQgetisnull(r_, row, column)) return 0;
    return std::stoll(PQgetvalue(r_, row, column));
  }
  bool null(int row, int column) const { return PQgetisnull(r_, row, column) != 0; }
  long affected() const {
    const char* n = PQcmdTuples(r_);
    return n && *n ? std::stol(n) : 0;
  }

 private:
  PGresult* r_;
};

// One row of a result, read as store_rows.h reads rows.
struct PgRow {
  const Result& r;
  int row;
  std::string text(int i) { return r.text(row, i); }
  std::int64_t integer(int i) { return r.integer(row, i); }
  bool null(int i) { return r.null(row, i); }
};

// A parameter's text; PostgreSQL casts it to the column's type.
using Values = std::vector<std::string>;
std::string num(long long v);

// One connection, its prepared statements and its session settings. Every statement is
// prepared once per connection and run with bound values, never built from them.
class Connection {
 public:
  Connection(std::string uri, std::string tenant, std::string synchronous)
      : uri_(std::move(uri)), shown_(shown_uri(uri_)), tenant_(std::move(tenant)), synchronous_(std::move(synchronous)) {
    try {
      connect();
    } catch (...) {
      PQfinish(conn_);  // no destructor runs for a connection that never was
      throw;
    }
  }
  ~Connection() {
    if (conn_) PQfinish(conn_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& shown() const { return shown_; }
  const std::string& tenant() const { return tenant_; }

  // Open transactions and savepoints. Outside any, a statement first reconnects a
  // connection that broke (the server restarted, the network went); inside one it fails,
  // as the transaction has failed.
  int depth = 0;

  // Reconnects a connection that broke, with its prepared statements and settings.
  void ensure() {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw StoreError(shown_ + ": the database server cannot be reached (" + first_line(PQerrorMessage(conn_)) + ")");
    prepared_.clear();
    configure();
  }

  Result run(const std::string& sql, const Values& values = {}) {
    if (depth == 0) ensure();
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      std::string name = "s" + std::to_string(prepared_.size() + 1);
      check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql);
      it = prepared_.emplace(sql, name).first;
    }
    std::vector<const char*> params;
    params.reserve(values.size());
    for (const auto& v : values) params.push_back(v.c_str());
    return check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), params.data(), nullptr, nullptr, 0),
                 sql);
  }

  // A statement without parameters that is run once (BEGIN, COMMIT, the schema).
  void exec(const std::string& sql) {
    if (depth == 0) ensure();
    PGresult* r = PQexec(conn_, sql.c_str());
    // A connection that died while idle (the server restarted, a failover) shows it at
    // the first statement after. At a transaction's start nothing was done yet: connect
    // again and begin there.
    if (depth == 0 && sql.rfind("BEGIN", 0) == 0 && PQstatus(conn_) != CONNECTION_OK) {
      PQclear(r);
      ensure();
      r = PQexec(conn_, sql.c_str());
    }
    check(r, sql);
  }

 private:
  void connect() {
    conn_ = PQconnectdb(uri_.c_str());
    if (!conn_) throw StoreError(shown_ + ": out of memory connecting to the database server");
    if (PQstatus(conn_) != CONNECTION_OK)
      throw StoreError(shown_ + ": the database server cannot be reached (" + first_line(PQerrorMessage(conn_)) + ")");
    configure();
  }

  void configure() {
    std::string commit = synchronous_ == "FULL" || synchronous_ == "EXTRA" ? "on" : "off";
    check(PQexecParams(conn_, "SELECT set_config('synchronous_commit', $1, false), set_config('raciflow.tenant', $2, false)", 2,
                       nullptr, std::vector<const char*>{commit.c_str(), tenant_.c_str()}.data(), nullptr, nullptr, 0),
          "SET");
  }

  // The one-line error of a failed statement: what the server said, or that it went.
  Result check(PGresult* raw, const std::string&) {
    Result r(raw);
    ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
    if (PQstatus(conn_) != CONNECTION_OK)
      throw StoreError(shown_ + ": the connection to the database server was lost (" + first_line(PQerrorMessage(conn_)) +
                       "); nothing was written");
    std::string state = raw ? (PQresultErrorField(raw, PG_DIAG_SQLSTATE) ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : "") : "";
    std::string message = first_line(raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn_));
    if (message.empty()) message = first_line(PQerrorMessage(conn_));
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0)
      throw StoreError(shown_ + ": the database server cannot be reached (" + message + "); nothing was written");
    if (state == "53100") throw StoreError(shown_ + ": the database server's disk is full; nothing was written");
    if (state == "40001" || state == "40P01") throw StoreError(shown_ + ": a concurrent change got in the way; try again");
    if (state == "55P03") throw StoreError(shown_ + ": the organisation is locked by another writer; try again");
    throw StoreError(shown_ + ": " + message);
  }

  std::string uri_;
  std::string shown_;
  std::string tenant_;
  std::string synchronous_;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;
};
// Runs `body` in a transaction of its own on `c` (the schema, a copy): committed whole or
// rolled back; no reconnecting inside it.
template <class Body>
void in_transaction(Connection& c, Body body);
// Creates the schema in an empty database, migrates an older one, and refuses one that
// is not raciflow's or is newer, under an advisory lock so that nodes starting together
// do it once.
void check_and_migrate(Connection& c, bool create);

// A transaction, or inside one a savepoint, as the SQLite store's: a write transaction
// first locks its tenant's row (the chain head), so that one organisation's writers take
// turns across every node; a read sees one snapshot.
class PgTransaction : public Store::Transaction {
 public:
  PgTransaction(Connection& c, bool write) : c_(c), depth_(c.depth), level_(c.depth + 1) {
    if (level_ == 1) {
      c_.exec(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      depth_ = level_;
      if (write) {
        try {
          Result head = c_.run("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", {c_.tenant()});
          if (head.rows() == 0) throw StoreError(c_.shown() + ": no tenant '" + c_.tenant() + "' (it was removed)");
        } catch (...) {
          rollback();
          throw;
        }
      }
    } else {
      c_.exec("SAVEPOINT " + savepoint());
      depth_ = level_;
    }
  }
  ~PgTransaction() override {
    if (!done_) rollback();
  }
  void commit() override {
    try {
      c_.exec(level_ == 1 ? std::string("COMMIT") : "RELEASE SAVEPOINT " + savepoint());
    } catch (const StoreError& e) {
      rollback();
      throw StoreError(std::string("could not commit: ") + e.what());
    }
    done_ = true;
    depth_ = level_ - 1;
  }

 private:
  void rollback() {
    try {
      if (level_ == 1)
        c_.exec("ROLLBACK");
      else
        c_.exec("ROLLBACK TO SAVEPOINT " + savepoint() + "; RELEASE SAVEPOINT " + savepoint());
    } catch (...) {
    }
    done_ = true;
    depth_ = level_ - 1;
  }
  std::string savepoint() const { return "s" + std::to_string(level_); }
  Connection& c_;
  int& depth_;
  int level_;
  bool done_ = false;
};

class PgStore : public Store {
 public:
  PgStore(const std::string& uri, const PgOptions& options) : c_(uri, options.tenant, options.synchronous) {
    check_and_migrate(c_, options.create);
    if (c_.run("SELECT 1 FROM tenants WHERE id = $1", {t()}).rows() == 0)
      throw StoreError(c_.shown() + ": no tenant '" + t() + "' (raciflow tenant create " + t() + ")");
  }

  std::unique_ptr<Transaction> begin() override { return std::make_unique<PgTransaction>(c_, true); }
  std::unique_ptr<Transaction> begin_read() override { return std::make_unique<PgTransaction>(c_, false); }

  // --- definitions

  std::optional<DefinitionVersion> latest_definition(const std::string& process) override;

  std::optional<DefinitionVersion> definition(const std::string& process, int version) override;

  void add_definition(const DefinitionVersion& d) override;

  std::vector<DefinitionVersion> latest_definitions() override;

  void replace_start_timers(const std::string& process, const std::vector<StartTimer>& timers) override;

  std::vector<StartTimer> start_timers_due(const std::string& now) override;

  void update_start_timer(const StartTimer& s) override;

  std::optional<FormVersion> latest_form(const std::string& id) override;
  std::optional<FormVersion> form(const std::string& id, int version) override;
  void add_form(const FormVersion& form) override;
  std::optional<FormVersion> latest_in(const char* table, const std::string& id);
  std::optional<FormVersion> version_in(const char* table, const std::string& id, int version);
  void add_to(const char* table, const FormVersion& f);
  std::optional<DecisionModelVersion> latest_decision_model(const std::string& id) override;
  std::optional<DecisionModelVersion> decision_model(const std::string& id, int version) override;
  void add_decision_model(const DecisionModelVersion& model) override;
  std::vector<DecisionModelVersion> latest_decision_models() override;

  // --- attachments (pg_attachments.cpp)
  std::int64_t add_attachment(const Attachment& attachment, const std::string& bytes) override;
  std::vector<Attachment> attachments(const std::string& case_id) override;
  std::optional<Attachment> find_attachment(std::int64_t id) override;
  std::optional<std::string> attachment_bytes(std::int64_t id) override;

  // --- organisation

  std::optional<Organisation> organisation() override;

  void put_organisation(const Organisation& o) override;

  // --- audit trail: one chain per tenant, its head on the tenant's row

  std::optional<ChainHead> chain_head(const std::string& case_id) override;

  void append(const AuditRecord& r) override;

  std::int64_t record_count() override;

  std::map<std::string, std::int64_t> last_records() override;

  std::vector<AuditRecord> records_page(const std::string& case_id, std::int64_t after, int limit) override;

  void scan_records(const std::string& case_id, const std::function<void(const AuditRecord&)>& visit) override;

  // --- cases

  std::string new_case_id() override { return std::to_string(next("case")); }

  std::optional<CaseRow> find_case(const std::string& id) override;

  std::vector<CaseRow> cases(const std::string& status, const std::string& process, std::int64_t after, int limit) override;

  std::vector<CaseRow> children(const std::string& parent) override;

  void save_case(const CaseSnapshot& s, const CaseSnapshot* before) override;

  std::optional<CaseSnapshot> load_snapshot(const std::string& id) override;

  std::vector<TaskRow> tasks(const TaskFilter& f) override;

  std::optional<TaskRow> find_task(std::int64_t id) override;

  std::optional<std::int64_t> task_id(const std::string& case_id, int local_id) override;

  bool inbox_holds(const std::string& key, std::int64_t task) override;

  std::int64_t inbox_size() override { return c_.run("SELECT count(*) FROM task_inbox WHERE tenant = $1", {t()}).integer(0, 0); }

  std::vector<std::string> cases_waiting_for(const std::string& message, const std::string& key) override;

  std::vector<std::string> supervised() override;
  std::vector<std::string> supervisors() override;

  std::vector<std::string> cases_due(const std::string& now) override;

  // --- credentials, API tokens and browser sessions

  std::optional<Credential> credential(const std::string& person) override;

  void put_credential(const Credential& cred) override;

  std::int64_t add_token(const ApiToken& token) override;

  std::optional<ApiToken> find_token(const std::string& hash) override;

  std::vector<ApiToken> tokens() override;

  void revoke_token(std::int64_t id) override { c_.run("UPDATE api_tokens SET revoked = 1 WHERE tenant = $1 AND id = $2", {t(), num(id)}); }

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
  const std::string& t() const { return c_.tenant(); }

  static std::string select(const char* columns, const char* table);

  std::int64_t next(const char* name);

  static std::vector<std::string> ids(const Result& r);
  static std::vector<CaseRow> case_rows(const Result& r);
  static std::vector<TaskRow> task_rows(const Result& r);
  static std::vector<OutboxItem> outbox_rows(const Result& r);

  void index_task(std::int64_t id, const engine::Task* old, const engine::Task& task);

  void update_task(const CaseRow& r, const engine::Task& task, const engine::Task& old);

  void insert_task(const CaseRow& r, const engine::Task& task);

  Connection c_;
  std::optional<Organisation> organisation_;
  std::string organisation_text_;
};

}  // namespace raciflow::runtime::pg_detail

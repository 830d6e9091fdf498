// The store: where deployed definitions, the organisation, the audit trail and the
// derived state of cases (tasks, tokens, timers, subscriptions, outbox) live.
//
// The runtime talks to this interface only. The embedded SQLite store implements it
// (sqlite_store.h); a PostgreSQL store can implement it for organisations that outgrow
// one machine. Every write happens inside a transaction from begin(): a command is all
// of its writes or none of them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/wheel.h"
#include "engine/case.h"
#include "runtime/audit.h"
#include "runtime/organisation.h"

namespace raciflow::runtime {

// A store that cannot be used, or a write that failed: one line, no stack.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DefinitionVersion {
  std::string process;
  int version = 0;
  std::string name;       // the process name
  std::string file;       // the path it was deployed from
  std::string digest;     // SHA-256 of the file's bytes
  std::string source;     // the whole file: call activities and messages need it
  std::string deployed_at;
  std::string deployed_by;
  // The form-js forms its user tasks show: form id -> the form's version, bound when the
  // definition was deployed (the forms deployed with it, else the latest ones).
  std::map<std::string, int> forms = {};
};

// A form-js form as deployed (definitions/form_schema.h): versioned by its id, as
// processes are.
struct FormVersion {
  std::string id;
  int version = 0;
  std::string name;
  std::string file;
  std::string digest;   // SHA-256 of the file's bytes
  std::string source;   // the whole file
  std::string deployed_at;
  std::string deployed_by;
};

// A DMN decision model as deployed (definitions/dmn.h): the same shape as a form, versioned
// by the id of its <definitions>; the decisions in it are found by their ids and names.
using DecisionModelVersion = FormVersion;

struct CaseRow {
  std::string id;
  std::string process;
  int version = 0;
  std::string status;        // active, completed, terminated, cancelled, incident
  std::string key;           // correlation key, may be empty
  std::string parent_case;   // set for the child case of a call activity
  int parent_token = -1;
  std::string started_at;
  std::string started_by;
  std::string updated_at;
  std::int64_t position = 0;  // its place in the list of cases: what a page's cursor names
};

struct TokenRow {
  int id = 0;
  std::string node;
  int scope = 0;
  bool operator==(const TokenRow&) const = default;
};

struct TimerRow {
  int id = 0;
  std::string node;
  std::string due;  // ISO 8601
  bool operator==(const TimerRow&) const = default;
};

struct SubscriptionRow {
  int id = 0;
  std::string node;
  std::string message;
  bool operator==(const SubscriptionRow&) const = default;
};

// What the store keeps about a case beside its events: the state that queries need
// (inboxes, due timers, waiting subscriptions). `audit verify` rebuilds it from the
// events and compares.
struct CaseSnapshot {
  CaseRow row;
  nlohmann::json variables = nlohmann::json::object();
  std::string incident;  // the reason, empty when none
  std::vector<TokenRow> tokens;
  std::vector<TimerRow> timers;
  std::vector<SubscriptionRow> subscriptions;
  std::vector<engine::Task> tasks;
};

struct TaskRow {
  std::int64_t id = 0;    // global task id, what people type
  std::string case_id;
  int local_id = 0;       // the engine's id within the case
  std::string process;
  int version = 0;
  engine::Task task;
};

// The inbox index's keys of a task: "r:ROLE" for each Responsible role, "c:ROLE" for each
// consultation not yet answered, "p:PERSON" for its claimer; none once it is closed.
std::set<std::string> inbox_keys(const engine::Task& task);

struct TaskFilter {
  std::string case_id;
  bool include_closed = false;  // completed and cancelled too
  // An inbox: the live tasks one of `roles` is Responsible for or still to be consulted
  // on, or that `person` claimed, read from the inbox index (role -> live task), so that
  // its cost does not grow with the live tasks of other roles. A superset of what
  // runtime::inbox_reason accepts (a task claimed by someone else is among them).
  bool inbox = false;
  std::vector<std::string> roles = {};
  std::string person = {};
  std::vector<std::string> claimed_by = {};  // and the live tasks these people claimed (a substitute's principals)
  // A page: tasks with an id above `after`, at most `limit` of them (0: all), in id order.
  std::int64_t after = 0;
  int limit = 0;
};

// A timer start event of the latest version of a process.
struct StartTimer {
  std::string process;
  int version = 0;
  std::string node;
  std::string due;        // ISO 8601
  int remaining = 0;      // further repetitions after this one; -1 unbounded
};

// A person's password, as a key-derivation string (runtime/accounts.h); never the password.
struct Credential {
  std::string person;
  std::string phc;     // $scrypt$ln=..,r=..,p=..$salt$key, hex
  std::string set_at;
};

// An API token: only the SHA-256 of the secret is kept.
struct ApiToken {
  std::int64_t id = 0;
  std::string person;
  std::string name;
  std::string hash;
  std::string created_at;
  std::string expires_at;  // empty: does not expire
  bool revoked = false;
};

// A browser session: only the SHA-256 of the cookie's secret is kept.
struct LoginSession {
  std::string hash;
  std::string person;
  std::string created_at;
  std::string expires_at;
  std::string end_session{};  // a single sign-on session: the provider's logout address, else ""
};

struct OutboxItem {
  std::int64_t id = 0;
  std::string created_at;
  std::string case_id;
  std::int64_t task = 0;  // global task id, 0 when not about a task
  std::string node;
  std::string role;
  std::string kind;       // informed, consultation, reminder, escalation
  std::string status;     // pending, delivered, failed (gave up after retries)
  int attempts = 0;       // delivery attempts that failed
  std::string next_attempt;  // no attempt before this time; empty: now
  std::string last_error;
  std::string delivered_at;
  std::string person;     // a digest's addressee (kind digest); empty for a role's item
  std::string sent;       // the channels that took it so far, space-separated (log mail webhook-...)
};

// The annual wheel as loaded: its file, kept whole, as definitions are.
struct StoredWheel {
  std::string file;
  std::string source;
  std::string digest;
  std::string loaded_at;
  std::string loaded_by;
};

// An occurrence of a wheel activity that has fired: at most one per (activity, date).
struct WheelOccurrence {
  std::string activity;
  std::string occurrence;  // YYYY-MM-DD, the date on the wheel
  std::string fire_at;     // when it was meant to fire (ISO 8601)
  std::string fired_at;    // when it did
  std::string case_id;     // the case it started
  bool late = false;       // fired on a later day than meant (the server was down)
};

// Where the hash chain ends: the last record's seq and hash.
// A store's tables read whole for a copy into another store (raciflow migrate): the rows
// of a table in the columns named, in the order given, each value as text (a hash as hex).
class TableSource {
 public:
  virtual ~TableSource() = default;
  virtual std::int64_t count(const std::string& table) = 0;
  virtual void rows(const std::string& table, const std::string& columns, const std::string& order,
                    const std::function<void(const std::vector<std::string>&)>& row) = 0;
};

// Deployed definition versions, and the timer start events of the latest ones.
class DefinitionStore {
 public:
  virtual ~DefinitionStore() = default;

  virtual std::optional<DefinitionVersion> latest_definition(const std::string& process) = 0;
  virtual std::optional<DefinitionVersion> definition(const std::string& process, int version) = 0;
  virtual void add_definition(const DefinitionVersion& definition) = 0;
  virtual std::vector<DefinitionVersion> latest_definitions() = 0;

  virtual std::optional<FormVersion> latest_form(const std::string& id) = 0;
  virtual std::optional<FormVersion> form(const std::string& id, int version) = 0;
  virtual void add_form(const FormVersion& form) = 0;
  virtual std::optional<DecisionModelVersion> latest_decision_model(const std::string& id) = 0;
  virtual std::optional<DecisionModelVersion> decision_model(const std::string& id, int version) = 0;
  virtual void add_decision_model(const DecisionModelVersion& model) = 0;
  // The latest version of every decision model, by id.
  virtual std::vector<DecisionModelVersion> latest_decision_models() = 0;

  virtual void replace_start_timers(const std::string& process, const std::vector<StartTimer>& timers) = 0;
  virtual std::vector<StartTimer> start_timers_due(const std::string& now) = 0;
  virtual void update_start_timer(const StartTimer& timer) = 0;  // due and remaining; remaining 0 after due: removed
};

// Cases and what the runtime derives from their trails: tasks, the inbox, what each case waits for.
class CaseStore {
 public:
  virtual ~CaseStore() = default;

  virtual std::string new_case_id() = 0;
  virtual std::optional<CaseRow> find_case(const std::string& id) = 0;
  // Cases in the order they started; a page is those after position `after`, at most
  // `limit` (0: all).
  virtual std::vector<CaseRow> cases(const std::string& status, const std::string& process, std::int64_t after = 0,
                                     int limit = 0) = 0;
  virtual std::vector<CaseRow> children(const std::string& parent_case) = 0;
  // Writes the case row and replaces its tokens, timers and subscriptions; tasks are
  // inserted or updated (they keep their global ids). `before`, when given, is the case
  // as stored now: then only the rows that differ from it are written.
  virtual void save_case(const CaseSnapshot& snapshot, const CaseSnapshot* before = nullptr) = 0;
  virtual std::optional<CaseSnapshot> load_snapshot(const std::string& case_id) = 0;

  virtual std::vector<TaskRow> tasks(const TaskFilter& filter) = 0;
  virtual std::optional<TaskRow> find_task(std::int64_t id) = 0;
  virtual std::optional<std::int64_t> task_id(const std::string& case_id, int local_id) = 0;
  // The inbox index, for audit verify: whether it holds (key, task), and its size.
  virtual bool inbox_holds(const std::string& key, std::int64_t task) = 0;
  virtual std::int64_t inbox_size() = 0;

  // Active cases subscribed to `message` (and with `key`, when not empty).
  virtual std::vector<std::string> cases_waiting_for(const std::string& message, const std::string& key) = 0;
  // Active cases with a timer or an unescalated task due at or before `now`.
  virtual std::vector<std::string> cases_due(const std::string& now) = 0;

  // Cases whose row changed at or after `since` (ISO 8601), in id order.
  virtual std::vector<CaseRow> cases_updated_since(const std::string& since) = 0;
};

// The organisation, and who may log in: credentials, API tokens, browser sessions.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  virtual std::optional<Organisation> organisation() = 0;
  virtual void put_organisation(const Organisation& organisation) = 0;

  virtual std::optional<Credential> credential(const std::string& person) = 0;
  virtual void put_credential(const Credential& credential) = 0;
  virtual std::int64_t add_token(const ApiToken& token) = 0;  // returns the token's id
  virtual std::optional<ApiToken> find_token(const std::string& hash) = 0;
  virtual std::vector<ApiToken> tokens() = 0;
  virtual void revoke_token(std::int64_t id) = 0;
  virtual void add_session(const LoginSession& session) = 0;
  virtual std::optional<LoginSession> find_session(const std::string& hash) = 0;
  // Removes the session with `hash` and every session expired at `now`.
  virtual void remove_sessions(const std::string& hash, const std::string& now) = 0;
  // Ends every session of `person`; returns how many there were.
  virtual int remove_person_sessions(const std::string& person) = 0;
};

// Notifications waiting for delivery and delivered.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  virtual void enqueue(const OutboxItem& item) = 0;
  // Items in id order; a page is those with an id above `after`, at most `limit` (0: all).
  virtual std::vector<OutboxItem> outbox(const std::string& status, std::int64_t after = 0, int limit = 0) = 0;
  // A person's notifications, the newest first: items for one of `roles` (for every role
  // when `roles` is null; never the digests, which are a person's) with an id below `before` (0: from the newest), at most `limit`.
  virtual std::vector<OutboxItem> notifications(const std::vector<std::string>* roles, std::int64_t before, int limit) = 0;
  // Items due for delivery, claimed (in a write transaction): each one's next attempt
  // moves to `until`, so that another process delivering at the same time leaves it alone
  // until then, and a delivery that never reports back is tried again after it.
  virtual std::vector<OutboxItem> claim_outbox(const std::string& now, const std::string& until, int limit) = 0;
  // Writes status, attempts, next_attempt, last_error and delivered_at of the item.
  virtual void update_outbox(const OutboxItem& item) = 0;
};

// The annual wheel, its occurrences, and the plan.
class CalendarStore {
 public:
  virtual ~CalendarStore() = default;

  virtual std::optional<StoredWheel> wheel() = 0;
  virtual void put_wheel(const StoredWheel& wheel) = 0;
  // When an activity was first on the loaded wheel: it fires no occurrence before that.
  virtual std::optional<std::string> activity_since(const std::string& activity) = 0;
  virtual void put_activity_since(const std::string& activity, const std::string& since) = 0;
  virtual bool occurrence_fired(const std::string& activity, const std::string& occurrence) = 0;
  virtual void add_occurrence(const WheelOccurrence& occurrence) = 0;
  virtual std::vector<WheelOccurrence> occurrences() = 0;
  virtual std::vector<definitions::PlanItem> plan_items() = 0;
  virtual std::optional<definitions::PlanItem> plan_item(const std::string& id) = 0;
  virtual void put_plan_item(const definitions::PlanItem& item) = 0;  // insert or replace
};

// A person away names a substitute for a period: meanwhile the substitute also gets the
// tasks of the person's roles, and acts for them (runtime/substitutes.cpp).
struct Substitution {
  std::int64_t id = 0;
  std::string person;      // the principal, who is away
  std::string substitute;  // who takes their work meanwhile
  std::string from, until;  // dates (YYYY-MM-DD), both days included
  std::string created_at, created_by;
  std::string ended_at, ended_by;  // set when the period was ended early
};

// A person's calendar feed (runtime/accounts.h): calendar clients cannot log in, so the
// feed's address holds a secret of its own, of which only the SHA-256 is kept. One per
// person; a new one replaces the old.
struct CalendarFeed {
  std::string person;
  std::string hash;  // SHA-256 of the secret, hex
  std::string created_at, created_by;
  // Reads are recorded at most once a day: when the last record was, and how many reads
  // came since.
  std::string recorded_at;
  std::int64_t reads = 0;
};

// A person's choice of e-mail: one mail per notification (no row, the default), or a
// digest of what is new, due soon and overdue, once a day or once a week.
struct DigestChoice {
  std::string person;
  std::string choice;  // daily or weekly
  std::string chosen_at, chosen_by;
  std::string last_slot;  // when the last digest was due (ISO date-time); the next comes after it
};

// People's own arrangements: substitutes, calendar feeds and digests.
class PeopleStore {
 public:
  virtual ~PeopleStore() = default;

  virtual std::vector<Substitution> substitutions() = 0;  // every one, by id
  virtual void put_substitution(const Substitution& s) = 0;  // insert or replace, by id

  virtual std::optional<CalendarFeed> calendar_feed(const std::string& person) = 0;
  virtual std::optional<CalendarFeed> calendar_feed_by_hash(const std::string& hash) = 0;
  virtual void put_calendar_feed(const CalendarFeed& feed) = 0;  // insert or replace, by person
  virtual void remove_calendar_feed(const std::string& person) = 0;

  virtual std::vector<DigestChoice> digest_choices() = 0;  // every one, by person
  virtual void put_digest_choice(const DigestChoice& choice) = 0;  // insert or replace, by person
  virtual void remove_digest_choice(const std::string& person) = 0;
};

// A file attached to a case or to one of its steps. Its bytes are kept beside it, in the
// database; the record that added it holds its SHA-256, so that `audit verify` notices
// bytes changed afterwards.
struct Attachment {
  std::int64_t id = 0;
  std::string case_id;
  std::int64_t task = 0;  // the global task id it belongs to; 0: the case itself
  std::string name;       // the file name, without folders
  std::string type;       // its media type, as given
  std::int64_t size = 0;
  std::string sha256;     // hex, of the bytes
  std::string added_at;
  std::string added_by;
};

class AttachmentStore {
 public:
  virtual ~AttachmentStore() = default;

  // Stores the attachment (its id is the store's) and returns its id.
  virtual std::int64_t add_attachment(const Attachment& attachment, const std::string& bytes) = 0;
  // A case's attachments in the order they were added; every one when `case_id` is empty.
  virtual std::vector<Attachment> attachments(const std::string& case_id) = 0;
  virtual std::optional<Attachment> find_attachment(std::int64_t id) = 0;
  virtual std::optional<std::string> attachment_bytes(std::int64_t id) = 0;
};

// Supervision between the organisations of one installation (PostgreSQL tenants).
class TenancyStore {
 public:
  virtual ~TenancyStore() = default;

  // Supervision between the organisations of one installation (PostgreSQL tenants): the
  // organisations this one may read, and those that may read this one. The installation's
  // operator grants it (raciflow tenant supervise). A SQLite store is one organisation.
  virtual std::vector<std::string> supervised() { return {}; }
  virtual std::vector<std::string> supervisors() { return {}; }
};

// A store: every role above, over one database, with its transactions. A backend
// implements each role in its own file (sqlite_*.cpp, pg_*.cpp).
class Store : public DefinitionStore,
              public CaseStore,
              public AuditStore,
              public AccountStore,
              public OutboxStore,
              public CalendarStore,
              public AttachmentStore,
              public PeopleStore,
              public TenancyStore {
 public:
  ~Store() override = default;

  class Transaction {
   public:
    virtual ~Transaction() = default;  // rolls back unless committed
    virtual void commit() = 0;
  };
  // One writer at a time; a second writer waits briefly, then gets a StoreError. Inside
  // an open transaction, begin() opens a nested one (a savepoint): it commits into the
  // outer one or rolls back only its own writes.
  virtual std::unique_ptr<Transaction> begin() = 0;
  // A read-only snapshot: the reads inside it see one committed state, and (in WAL mode)
  // neither wait for a writer nor make one wait.
  virtual std::unique_ptr<Transaction> begin_read() = 0;
};

}  // namespace raciflow::runtime

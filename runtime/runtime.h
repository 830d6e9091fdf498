// The durable runtime: commands from people and the clock, run by the engine, kept in a
// store. Each public operation is one store transaction: all of its events, derived
// state, child cases, delivered messages and outbox items land together, or none do.
//
// A refusal (unknown id, a person without the role, a finished task ...) throws Refused
// and changes nothing, except that refusals about who the actor is are kept in the audit
// trail, because an auditor wants to see denied attempts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/definition_set.h"
#include "engine/engine.h"
#include "runtime/refused.h"
#include "runtime/store.h"

namespace raciflow::definitions {
struct FormField;
struct FormSchema;
}

namespace raciflow::runtime {

// The most variables one command may set, as JSON.
inline constexpr std::size_t kMaxVariableBytes = 1024 * 1024;

struct Deployed {
  std::string process;  // the process id, or the form id when `form`
  int version = 0;
  bool is_new = false;  // false: the same file was already deployed as this version
  bool form = false;    // a form-js form deployed beside the definitions
  // Doubts that do not refuse the deploy, as "FILE:LINE: warning: ...": a condition that
  // reads a variable the step before it cannot set (definitions/form.h).
  std::vector<std::string> warnings;
  bool decisions = false;  // a DMN decision model (`process` is its id)
};

// The largest file one attachment may be, unless the server is told otherwise.
inline constexpr std::size_t kDefaultAttachmentLimit = 25 * 1024 * 1024;
// The longest comment on a case, in bytes.
inline constexpr std::size_t kMaxCommentBytes = 10000;

// A comment on a case, as the trail keeps it.
struct Comment {
  std::int64_t seq = 0;  // its audit record
  std::string time, person, text;
  std::int64_t task = 0;
};

struct WheelLoaded {
  int activities = 0;
  int plan_items = 0;             // items added or changed by the file
  std::vector<Deployed> deployed; // the processes of standalone activities
};

// One activity's occurrence in a year, for the wheel's table and picture.
struct WheelEntry {
  std::string activity, name, role, process;
  std::string occurrence;  // YYYY-MM-DD: its place on the wheel
  std::string fire_at;     // when it starts (ISO 8601)
  std::string due;         // when it is due (ISO 8601)
  std::string status;      // planned, open, done, overdue, cancelled
  std::string case_id;     // once it has fired
  bool late = false;       // fired late after downtime
};

// A person's dates, for their calendar feed.
struct PersonalCalendar {
  struct Item {
    TaskRow task;
    std::string why;  // inbox_reason(): responsible or consulted
    std::string process_name;
  };
  std::string organisation, person, person_name;
  std::vector<Item> tasks;        // their live tasks that have a due date
  std::vector<WheelEntry> wheel;  // their roles' wheel occurrences, from 31 days ago to a year ahead
  std::vector<definitions::PlanItem> plan;  // the open plan items they are responsible for
  std::map<std::string, std::string> role_names;  // role id -> name, for the whole organisation
};

// What a person's digest tells: the notifications for their roles in its period (after
// `from`, up to `until`), and their dated tasks due within the period ahead or overdue.
struct Digest {
  struct News {
    OutboxItem item;
    std::string step, process;  // by name
  };
  std::string person, person_name, email, choice, from, until;
  std::string organisation, language;
  std::vector<News> news;
  std::vector<PersonalCalendar::Item> due_soon, overdue;
  std::map<std::string, std::string> role_names;  // role id -> name
};

struct VerifyReport {
  std::int64_t records = 0;
  std::int64_t cases = 0;
  std::vector<std::string> problems;  // the first one names the first bad record or case
  bool ok() const { return problems.empty(); }
};

// A deployed decision evaluated outside a case (raciflow decide, the API).
struct DecisionAnswer {
  std::string decision, name;  // the decision's id and name
  std::string model;           // the DMN file's definitions id
  int version = 0;             // the model's deployed version
  nlohmann::json result;       // a value; an object for several outputs; a list for the collecting hit policies
  nlohmann::json inputs;       // what the tables read: "decision/input label" -> value
  nlohmann::json matched;      // [{decision, rule, id}] in evaluation order
};

class DecisionCache;
struct ModelFile;

class Runtime {
 public:
  Runtime(Store& store, definitions::TimePoint now);
  ~Runtime();
  // A long-lived runtime (the server's writer) moves its clock before each command.
  void set_now(definitions::TimePoint now) { now_ = now; }

  // Every executable process in the files, validated together; refuses all of them when
  // any file has an error or a process the engine cannot run.
  std::vector<Deployed> deploy(const std::vector<std::string>& paths, const std::string& actor);
  // One file that arrived as text (an upload); `name` stands for its path in messages.
  // A file whose name ends in ".form" is a form-js form (definitions/form_schema.h): each
  // user task that names a form shows the one deployed with it, else the latest deployed.
  std::vector<Deployed> deploy_text(const std::string& name, const std::string& text, const std::string& actor);
  // Files that arrived as text, definitions and forms together.
  std::vector<Deployed> deploy_texts(const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                     const std::string& actor);
  // Everything deploying `text` would find wrong or doubtful, all of it, and deploys
  // nothing: the loader's and the validator's findings, what the engine cannot run, and
  // call activities that call a process neither deployed nor in the file; with `forms`
  // (file name, form-js JSON) that would be deployed with it, a form that raciflow cannot
  // check, a user task's form that is neither among them nor deployed, and conditions
  // that read a variable the step before cannot set. Among `forms`, files ending in .dmn
  // are decision models: checked as deploy checks them, and looked in for the decisions
  // business-rule tasks name. `text` itself may be a DMN file.
  definitions::Diagnostics check_text(const std::string& name, const std::string& text,
                                      const std::vector<std::pair<std::string, std::string>>& forms = {});
  Organisation load_organisation(const std::string& path, const std::string& actor);
  Organisation load_organisation_text(const std::string& name, const std::string& text, const std::string& actor);

  std::string start(const std::string& process, const std::string& person, const nlohmann::json& variables,
                    const std::string& key = "");
  // Which waiting cases a message from outside may continue; the others are left as if
  // they did not wait (so the sender learns nothing of them).
  using CaseFilter = std::function<bool(const std::string& case_id)>;
  // Continues the cases waiting for `message` (with `key`, when given) that `may_touch`
  // lets through (every one when it is empty); when none does, starts each deployed
  // process that has a start event for it. Returns the cases touched.
  std::vector<std::string> message(const std::string& name, const std::string& person, const std::string& key,
                                   const nlohmann::json& variables, const CaseFilter& may_touch = {});
  // Broadcasts a signal from outside: every active case waiting for it takes it, and every
  // deployed process with a signal start event for it starts. A signal that nothing waits
  // for is lost, as BPMN says, but the throw is in the audit trail either way.
  struct SignalOutcome {
    std::vector<std::string> continued, started;  // case ids
  };
  SignalOutcome signal(const std::string& name, const std::string& person, const nlohmann::json& variables);
  void claim(std::int64_t task, const std::string& person);
  void unclaim(std::int64_t task, const std::string& person);
  // With a form on the step, `variables` are checked against it (definitions/form_schema.h)
  // before anything changes; a refusal names the field.
  void complete(std::int64_t task, const std::string& person, const nlohmann::json& variables);
  // Attaches a file to a case, or to one of its tasks (`task` > 0), as a person who takes
  // part in the case; its SHA-256 goes into the audit record that adds it. Returns its id.
  std::int64_t attach(const std::string& case_id, std::int64_t task, const std::string& name, const std::string& type,
                      const std::string& bytes, const std::string& person);
  void set_attachment_limit(std::size_t bytes) { attachment_limit_ = bytes; }
  std::size_t attachment_limit() const { return attachment_limit_; }
  // A comment on a case, by a person who takes part in it, kept as a record in the trail.
  void comment(const std::string& case_id, const std::string& person, const std::string& text, std::int64_t task = 0);
  std::vector<Comment> comments(const std::string& case_id);
  void consult(std::int64_t task, const std::string& person, const std::string& answer);
  // The task's Accountable waives its unanswered consultations, with a reason (raci:consult).
  void waive(std::int64_t task, const std::string& person, const std::string& reason);
  // Fires every timer, escalation and timer start due now; returns the cases touched.
  std::vector<std::string> tick();
  void cancel(const std::string& case_id, const std::string& person, const std::string& reason);
  void retry(const std::string& case_id, const std::string& person, const nlohmann::json& variables);

  // The annual wheel and plan (docs/wheel-format.md). Loading replaces the wheel; the
  // standalone activities are deployed as processes `wheel-ID`; plan items in the file are
  // added or updated (items edited since keep their edits when the file has not changed
  // them). Refuses the whole file on any mistake.
  // `progress`, when given, is told the activities and plan items written of their total.
  WheelLoaded load_wheel(const std::string& path, const std::string& actor,
                         const std::function<void(std::int64_t done, std::int64_t total)>& progress = nullptr);
  WheelLoaded load_wheel_text(const std::string& name, const std::string& text, const std::string& actor);
  // Adds or changes one plan item; checks the person, dates and status.
  definitions::PlanItem put_plan_item(const definitions::PlanItem& item, const std::string& actor);

  // Substitutes (runtime/substitutes.cpp). `person` names `substitute` for the days `from`
  // to `until` (YYYY-MM-DD, both included): meanwhile the substitute also holds the
  // person's own roles, acting on their behalf. Not passed on: a substitute's substitute
  // gets only the substitute's own roles. Both a record in the trail.
  Substitution set_substitute(const std::string& person, const std::string& substitute, const std::string& from,
                              const std::string& until, const std::string& actor);
  // Ends a period early (from today on); refuses one already over.
  Substitution end_substitute(std::int64_t id, const std::string& actor);
  std::vector<Substitution> substitutions();
  // The roles `person` holds today as someone's substitute, by principal.
  std::vector<engine::Actor::Delegated> delegations(const std::string& person);

  // Read side.
  std::optional<definitions::Wheel> wheel();
  // What `person`'s calendar feed shows (runtime/calendar.cpp), with the roles and the work
  // they take today as someone's substitute.
  PersonalCalendar personal_calendar(const std::string& person);
  // The live tasks with a due date in `who`'s inbox, with those they take today as someone's
  // substitute (`delegated`: delegations(who.id)).
  std::vector<PersonalCalendar::Item> dated_tasks(const Person& who, const std::vector<engine::Actor::Delegated>& delegated);

  // Digests (runtime/digests.cpp): a person's choice of e-mail, "each" (one per
  // notification, the default), "daily" or "weekly"; a record in the trail. tick() queues
  // a digest (an outbox item of kind "digest" for the person) when one is due, once per
  // slot; digest() is its content as the courier sends it.
  void choose_digest(const std::string& person, const std::string& choice, const std::string& actor);
  std::string digest_choice(const std::string& person);
  Digest digest(const OutboxItem& item);
  // Every occurrence of the year, fired or not, by date.
  std::vector<WheelEntry> wheel_year(int year);

  struct CaseView {
    CaseRow row;
    engine::CaseState state;
    std::vector<std::string> active_nodes;
    std::string incident_node;
  };
  CaseView show(const std::string& case_id);
  std::optional<Organisation> organisation() { return store_.organisation(); }
  // A deployed process version as the engine runs it (parsed once, then cached).
  const definitions::Process& process_of(const std::string& process, int version);
  // The variables a step's form asks for (definitions/form.h), kept per process version.
  const std::vector<definitions::FormField>& form_of(const std::string& process, int version, const std::string& node);
  // The form-js form a user task shows, as deployed: nullopt when it shows none.
  std::optional<FormVersion> step_form(const std::string& process, int version, const std::string& node);

  // Evaluates a deployed decision (by id, else by name) over `variables`, in the latest
  // version of the model holding it. Refused: no such decision (not_found), or it could not
  // be evaluated (a violated UNIQUE, a value no rule's cell can read).
  DecisionAnswer decide(const std::string& decision, const nlohmann::json& variables);
  // The latest deployed version of the model holding the decision (by id, else by name),
  // as `decide` and business-rule tasks find it; nullopt when none does.
  std::optional<DecisionModelVersion> decision_model_holding(const std::string& decision);

  // Re-checks the hash chain and replays every case against its stored state.
  // Checks the hash chain and replays every case, in one scan of the trail: records are
  // hashed and their events read on all cores, a batch at a time. `progress`, when given,
  // is told the records checked so far and their total, now and then.
  VerifyReport verify(const std::function<void(std::int64_t done, std::int64_t total)>& progress = nullptr);

 private:
  struct Flow;
  struct Live;

  template <typename F>
  auto transact(F body);
  Organisation put_organisation(const std::optional<Organisation>& org, const definitions::Diagnostics& diagnostics,
                                const std::string& path, const std::string& bytes, const std::string& actor);
  std::vector<Deployed> deploy_loaded(const std::vector<definitions::LoadedFile>& files, const std::vector<std::string>& paths,
                                      const std::vector<std::string>& sources, const std::string& actor);
  // Loads the task's case and runs the command the task's local id makes, as `person`.
  // `check`, when given, may refuse once the engine has accepted the command.
  void on_task(std::int64_t task, const std::string& person, const char* what,
               const std::function<engine::Command(int local_id)>& command,
               const std::function<void(const TaskRow&, const engine::CaseState&)>& check = {});
  // Refuses a completion that leaves out what its step's form asks for (definitions/form.h).
  void require_form(const TaskRow& task, const nlohmann::json& known, const nlohmann::json& variables);
  const Flow& flow(const std::string& process, int version);
  // A case as its events make it: remembered from the last command on it when its
  // events have not changed since, else replayed.
  Live load(const std::string& case_id);
  Live replay(const std::string& case_id);
  void remember(const Live& live, const ChainHead& head);
  engine::Actor actor(const std::string& person, const std::string& case_id, const std::string& node,
                      const std::string& what);
  TaskRow task_row(std::int64_t task);
  std::string start_case(const std::string& process, int version, const engine::command::Start& start, const engine::Actor& actor,
                         const std::string& key, const std::string& parent_case, int parent_token, int depth);
  // Runs a command on a case; on a refusal throws Refused (after recording a denial).
  // `accepted`, when given, runs once the engine has accepted the command and before its
  // events are applied: it may still refuse.
  void run(Live& live, const engine::Command& command, const engine::Actor& actor, int depth,
           const definitions::Words& refusal_prefix = {}, const std::function<void()>& accepted = {});
  void after(Live& live, const std::vector<engine::Event>& events, const engine::Actor& actor, int depth);
  // `from_case`: thrown by the case `sender`, so each catch takes only the variables it
  // receives (raci:receives).
  std::vector<std::string> deliver(const std::string& message, const std::string& key, const nlohmann::json& variables,
                                   const engine::Actor& actor, const std::string& sender, int depth,
                                   const CaseFilter& may_touch = {}, bool from_case = false);
  SignalOutcome broadcast(const std::string& signal, const nlohmann::json& variables, const engine::Actor& actor,
                          const std::string& sender, int depth, const CaseFilter& may_touch = {}, bool from_case = false);
  // A throw from `live` acts with the rights of the person whose command caused it (for
  // the clock's commands, of the person who started the case); nullopt: the system's own.
  std::optional<Person> thrower(const Live& live, const engine::Actor& actor);
  // Which waiting cases a throw with `by`'s rights may continue: those `by` sees (every
  // one for the system and for those who read all), and for a signal none but by those
  // who may throw signals.
  CaseFilter reach(const std::optional<Person>& by, bool signal);
  void append(AuditRecord record);
  std::string now_text() const;
  // Starts every wheel occurrence whose time has come and that has not fired yet.
  void fire_wheel(std::vector<std::string>& touched);
  // Queues each digest whose slot has come since the person's last one.
  void queue_digests();
  // A firing activity's reassess=: a case for each entry of the register due for review.
  std::vector<std::string> reassess(const definitions::WheelActivity& activity, const nlohmann::json& wheel_variables);
  // Completes the open tasks of other cases that a raci:decides task's decisions name.
  void apply_decisions(const Live& live, const engine::Event& completed, const engine::Actor& actor, int depth);
  WheelLoaded put_wheel(const std::optional<definitions::Wheel>& wheel, const definitions::Diagnostics& diagnostics,
                        const std::string& path, const std::string& bytes, const std::string& actor,
                        const std::function<void(std::int64_t, std::int64_t)>& progress = nullptr);
  struct Candidate;
  struct FormFile;
  std::vector<Deployed> deploy_all(const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                   const std::string& actor);
  const definitions::FormSchema* schema_of(const std::string& process, int version, const std::string& node);
  void check_form_data(const TaskRow& task, const nlohmann::json& known, const nlohmann::json& variables);
  void check_statement(const std::string& process, int version, const nlohmann::json& variables, const std::string& where);
  std::vector<Candidate> deploy_candidates(const std::vector<definitions::LoadedFile>& files, const std::vector<std::string>& paths,
                                           const std::vector<std::string>& sources);
  // Inside a transaction: stores the candidates that are new, with their timer starts.
  std::vector<Deployed> install(const std::vector<Candidate>& candidates, const std::vector<FormFile>& forms,
                                const std::vector<ModelFile>& models, const std::string& actor);

  Store& store_;
  definitions::TimePoint now_;
  std::size_t attachment_limit_ = kDefaultAttachmentLimit;
  std::unique_ptr<DecisionCache> decisions_;  // before flows_: their engines point at it
  std::map<std::pair<std::string, int>, std::unique_ptr<Flow>> flows_;
  // The states of the cases this runtime moved last, with the record they end at.
  struct Remembered {
    ChainHead head;
    engine::CaseState state;
  };
  static constexpr std::size_t kRememberedCases = 1024;
  std::unordered_map<std::string, Remembered> cases_;
};

// Why a task is in the inbox of someone who holds `roles` (and is `person`, when not
// empty): "responsible" when theirs to do, "consulted" when their answer is still
// wanted, "" when it is not theirs.
// `principals`: the people whose work `person` takes today as their substitute; a task one of
// them claimed is the substitute's to complete.
std::string inbox_reason(const engine::Task& task, const std::vector<std::string>& roles, const std::string& person,
                         const std::vector<std::string>& principals = {});

// Each process's name as its latest version gives it (its id when it has none).
std::map<std::string, std::string> process_names(Store& store);

// A plan item as the API and `raciflow plan --format json` show it.
nlohmann::json to_json(const definitions::PlanItem& item);
// A person's own roles with those they hold today as someone's substitute (delegations()).
std::vector<std::string> roles_today(std::vector<std::string> own, const std::vector<engine::Actor::Delegated>& delegated);
// A substitute period as the CLI and the API show it.
nlohmann::json to_json(const Substitution& s);

// The derived state of a case as the store keeps it.
CaseSnapshot snapshot_of(const CaseRow& row, const engine::CaseState& state, const definitions::Process& process);

}  // namespace raciflow::runtime

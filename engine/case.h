// A case (a running process instance) and the events that make it.
//
// The state of a case is exactly what its events say: `apply` is the only function that
// changes a CaseState, and replaying a case's events through it from an empty state
// rebuilds the state (the audit trail's `verify` relies on this). Events carry the
// audit fields: node, actor, acting role, the RACI letters of that role on the step,
// and a JSON payload.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/iso8601.h"
#include "definitions/model.h"

namespace raciflow::engine {

using definitions::TimePoint;

enum class CaseStatus { active, completed, terminated, cancelled, incident };
const char* to_string(CaseStatus status);

enum class TaskStatus { open, claimed, completed, cancelled };
const char* to_string(TaskStatus status);

enum class EventKind {
  case_started,
  variables_set,
  node_entered,        // a token reached a node (pass-through nodes too)
  token_waiting,       // a token waits at a node (task, catch event, join, sub-process ...)
  token_consumed,      // a waiting token moved on or was withdrawn
  join_arrived,        // a token arrived at a join on a flow and waits for the others
  join_fired,          // the join consumed its arrivals
  scope_started,       // a sub-process instance began
  scope_ended,         // it completed, terminated or was cancelled
  task_created,
  task_claimed,
  task_unclaimed,
  task_completed,
  task_cancelled,
  task_escalated,
  task_reminded,       // the Responsible role was reminded of the coming due date
  consultation_answered,
  notification_queued, // for a role: informed, escalation, consultation
  timer_scheduled,
  timer_fired,
  timer_cancelled,
  subscription_opened, // waits for a message
  subscription_closed,
  message_correlated,
  message_sent,
  call_started,        // a call activity asks for a child case
  call_completed,
  incident_raised,
  incident_resolved,
  case_completed,
  case_terminated,
  case_cancelled,
  command_refused,     // kept in the audit trail by the runtime; changes no state
  signal_thrown,       // broadcast: the runtime passes it to every other waiting case and signal start
  signal_caught,       // a waiting catch event, boundary or event-gateway branch took a signal
  condition_changed,   // a watched conditional event's condition came to hold, or ceased to
  compensation_recorded,  // an activity with a compensation handler completed in a scope
  compensation_started,   // a compensation throw runs the handler of one recorded activity
  escalation_raised,      // an escalation nothing in the case caught: the runtime hands it to the calling case
  decision_evaluated,     // a business-rule task evaluated its DMN decision: what it read, the rules that matched, the result
  consultation_waived,    // the Accountable waived the task's unanswered consultations, with a reason
  consultation_skipped,   // the task completed while Consulted roles had not answered (raci:consult="alongside")
};
const char* to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(const std::string& name);

struct Event {
  EventKind kind = EventKind::case_started;
  TimePoint time{};
  std::string node;     // node id, empty when the event is about the case
  std::string actor;    // person id, or "system"
  std::string role;     // acting role
  std::string raci;     // letters of the acting role on the node ("R/A"), may be empty
  nlohmann::json data = nlohmann::json::object();
};

struct Token {
  int id = 0;
  int node = -1;   // node index where it waits
  int scope = 0;   // scope instance id
  int loop = 0;    // standard loop: the runs of its activity before this one
  // One instance of a multi-instance sub-process or call activity: the body token it
  // belongs to, its number (0 first) and its own variables (loopCounter, the element),
  // which the steps inside it see over the case's. -1, -1, {} otherwise.
  int body = -1;
  int instance = -1;
  nlohmann::json locals;  // null when it has none (most tokens: nothing to allocate or copy)
  // Compensation: a throw's token holds the activities whose handlers it still has to run
  // (in order) and the scope they completed in; `cancels` when it is a transaction's cancel
  // end event. A handler's token names the throw it runs for.
  std::vector<int> compensate;
  int compensation_scope = -1;
  bool cancels = false;
  int compensating = -1;
};

struct Scope {
  int id = 0;
  int node = -1;   // sub-process node index; -1 for the case's root scope
  int parent = -1; // parent scope id
  int token = -1;  // the token in the parent scope that waits on this sub-process; -1 for
                   // an event sub-process instance (no token waits on it)
};

struct Consultation {
  std::string role;
  std::string answer;
  std::string answered_by;
  std::optional<TimePoint> answered_at;
  std::string waived_by;  // the Accountable who waived it (consultation_waived), with the reason
  std::string waive_reason;
  // Answered or waived: nothing more is asked of the role.
  bool settled() const { return !answered_by.empty() || !waived_by.empty(); }
};

struct Task {
  int id = 0;
  int node = -1;
  int token = -1;
  std::string node_id, name;
  TaskStatus status = TaskStatus::open;
  std::vector<std::string> responsible, accountable, consulted, informed;
  std::vector<Consultation> consultations;
  std::string assignee;
  TimePoint created{};
  std::optional<TimePoint> due;
  std::vector<TimePoint> reminders;  // when to remind before `due`, ascending
  int reminded = 0;                  // how many of them are done (or moot after escalation)
  bool escalated = false;
  std::string completed_by;
  // An instance of a multi-instance task: its number (0 first) and its own variables
  // (loopCounter, the element); -1 and {} for a plain task.
  int instance = -1;
  nlohmann::json locals = nlohmann::json::object();

  bool live() const { return status == TaskStatus::open || status == TaskStatus::claimed; }
  // The next moment the clock has something to do for this task: a reminder, or the
  // escalation at the due date.
  std::optional<TimePoint> next_alert() const;
};

// What a timer or subscription will trigger: the catch event its token waits at, a
// boundary event of its token's activity, a branch of its token's event-based gateway, or
// an event sub-process of its scope (no token).
enum class TimerPurpose { catch_event, boundary, event_gateway, event_sub_process };

struct Timer {
  int id = 0;
  int node = -1;   // the timer event's node index
  int token = -1;  // the waiting token it belongs to (catch event, boundary host, gateway)
  TimePoint due{};
  TimerPurpose purpose = TimerPurpose::catch_event;
  int remaining = 0;  // further repetitions of a cycle; -1 unbounded
  int scope = -1;     // event_sub_process: the scope instance it is armed in
  int alternative = -1;  // a multiple event: which of its event definitions
};

struct Subscription {
  int id = 0;
  int node = -1;   // receive task, message catch event or boundary event
  int token = -1;
  std::string message;
  std::string signal;  // set instead of `message` when the node waits for a signal
  bool condition = false;  // set instead of both when the node waits for its condition to hold
  bool held = false;       // a condition: it held when last evaluated (it fires when it comes to hold)
  TimerPurpose purpose = TimerPurpose::catch_event;
  int scope = -1;          // event_sub_process: the scope instance it is armed in
  int alternative = -1;    // a multiple event: which of its event definitions
};

// The waiting body of a multi-instance activity. Its token holds the instances: their
// tasks (user and manual tasks), or instance tokens of their own (sub-processes and call
// activities).
struct MultiBody {
  int node = -1;
  int instances = 0;
  nlohmann::json items = nlohmann::json::array();  // the collection's items; empty with a cardinality
  bool sequential = false;
  int created = 0;    // instances begun so far
  int completed = 0;  // instances completed (the rest are withdrawn only with the body)
};

struct Incident {
  std::string reason;
  int node = -1;
  int token = -1;
  int scope = 0;
  // A step not entered because its command reached kMaxStepsPerCommand: retry enters it
  // (arriving on `flow`, as run `loop` of a loop, compensating for token `compensates`)
  // instead of leaving the node.
  bool parked = false;
  // A step that failed as it ran (a business-rule task whose decision could not be
  // evaluated): retry runs it again, in run `loop`, instead of leaving the node.
  bool reenter = false;
  int flow = -1;
  int loop = 0;
  int compensates = -1;
};

struct CaseState {
  std::string id;
  std::string process;
  int version = 0;
  CaseStatus status = CaseStatus::active;
  nlohmann::json variables = nlohmann::json::object();
  std::map<int, Token> tokens;
  std::map<int, Scope> scopes;
  std::map<int, Task> tasks;
  std::map<int, Timer> timers;
  std::map<int, Subscription> subscriptions;
  std::map<int, MultiBody> multi;  // by body token
  // (join node, scope) -> arrived flow indices, one entry per waiting arrival
  std::map<std::pair<int, int>, std::vector<int>> joins;
  // (complex gateway, scope) -> the incoming flows whose tokens it still absorbs after it
  // fired, before it can fire again (BPMN 2.0.2, 13.3.5: the reset phase)
  std::map<std::pair<int, int>, std::vector<int>> absorbing;
  std::vector<Incident> incidents;  // oldest first; retry resolves the oldest
  // Completed activities with a compensation handler, (node, scope) in order of completion.
  // When a sub-process completes, its entries pass to the scope around it (or give way to
  // the sub-process's own handler); when it is cancelled, they go.
  std::vector<std::pair<int, int>> compensable;
  std::vector<std::pair<std::string, std::string>> completions;  // (node id, person)
  int next_id = 1;

  const Incident* incident() const { return incidents.empty() ? nullptr : &incidents.front(); }

  bool ended() const {
    return status == CaseStatus::completed || status == CaseStatus::terminated || status == CaseStatus::cancelled;
  }
};

// The only way state changes. `process` is the case's process version. An event that
// does not fit the state throws std::logic_error: it means a corrupt log.
void apply(CaseState& state, const Event& event, const definitions::Process& process);

}  // namespace raciflow::engine

// Execution semantics: a pure function from (case state, command, actor, now) to the
// events that the command causes, or a refusal that changes nothing.
//
// No I/O and no clock: `now` is given. Call activities, message delivery to other cases
// and notifications leave the engine as events (call_started, message_sent,
// notification_queued) for the runtime to act on.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/case.h"
#include "engine/decisions.h"
#include "engine/refusal.h"
#include "engine/executable.h"
#include "definitions/messages.h"

namespace raciflow::engine {

// A task's and a case's status in words (English, Danish), for messages people read.
definitions::Words status_words(TaskStatus status);
definitions::Words status_words(CaseStatus status);

// Who issues a command, and the roles the organisation gives them.
struct Actor {
  std::string person;               // "system" for timers and escalations
  std::vector<std::string> roles;
  // Roles the person holds for a while as someone's substitute: acting in one of them
  // records on_behalf_of the principal, and four eyes counts the step as both people's.
  struct Delegated {
    std::string principal;
    std::vector<std::string> roles;
  };
  std::vector<Delegated> delegated = {};
};

namespace command {
struct Start {
  std::string case_id;
  std::string message;     // start by this message; empty: the none start event
  std::string start_node;  // or this start event (timer starts); empty: as above
  nlohmann::json variables = nlohmann::json::object();
  // What the runtime knows about the start (correlation key, calling case), kept in the
  // case_started event so that the audit trail holds it.
  nlohmann::json context = nlohmann::json::object();
  // Started by another case's throw: of `variables`, the start event takes only those its
  // raci:receives names.
  bool from_case = false;
};
struct Claim { int task = 0; };
struct Unclaim { int task = 0; };
struct Complete {
  int task = 0;
  nlohmann::json variables = nlohmann::json::object();
};
struct Consult {
  int task = 0;
  std::string answer;
};
// The Accountable waives the consultations of a task still unanswered, with a reason.
struct Waive {
  int task = 0;
  std::string reason;
};
struct Correlate {
  std::string message;
  nlohmann::json variables = nlohmann::json::object();
  bool from_case = false;  // thrown by another case: the catch takes only what it receives
};
// Fires every timer and escalation due at `now`.
struct FireDue {};
// The child case of a call activity has completed.
struct CompleteCall {
  int token = 0;
  nlohmann::json variables = nlohmann::json::object();
};
struct Cancel { std::string reason; };
struct Retry { nlohmann::json variables = nlohmann::json::object(); };
// The case that a call activity (waiting as `token`) started raised an escalation that
// nothing in it caught (its escalationCode, else its id): the call activity's escalation
// boundaries, then the scopes around it, may take it. Nothing happens when none does, or
// when the call has ended.
struct Escalate {
  int token = 0;
  std::string escalation;
};
// A signal broadcast from outside the case: every catch waiting for it in the case takes it.
struct Signal {
  std::string name;
  nlohmann::json variables = nlohmann::json::object();
  bool from_case = false;  // thrown by another case: each catch takes only what it receives
};
}  // namespace command

using Command = std::variant<command::Start, command::Claim, command::Unclaim, command::Complete, command::Consult,
                             command::Correlate, command::FireDue, command::CompleteCall, command::Cancel,
                             command::Retry, command::Signal, command::Escalate, command::Waive>;

struct Outcome {
  std::vector<Event> events;
  std::optional<std::string> refusal;  // set: nothing happened, and this says why
  RefusalKind kind = RefusalKind::invalid;  // what kind of refusal, when there is one
  definitions::Phrase said{};  // the refusal's id and values, when the catalogue has it (definitions/messages.h)
  // The refusal is about who the actor is (role, claim, separation of duties): the
  // runtime records these attempts in the audit trail.
  bool denied() const { return refusal && kind == RefusalKind::forbidden; }
};

class Engine {
 public:
  // `decisions` (may be null: a business-rule task with a decision is then an incident)
  // must outlive the engine.
  explicit Engine(const ExecutableProcess& process, const DecisionSource* decisions = nullptr)
      : process_(process), decisions_(decisions) {}

  Outcome handle(const CaseState& state, const Command& command, const Actor& actor, TimePoint now) const;

  // Rebuilds a case from its events.
  CaseState replay(const std::vector<Event>& events) const;

  const ExecutableProcess& process() const { return process_; }

 private:
  const ExecutableProcess& process_;
  const DecisionSource* decisions_;
};

// When a task has a due date and its node gives no raci:remind, its Responsible role is
// reminded this long before it: 7 days and 1 day (a reminder that would fall before the
// task was created is left out).
const std::vector<definitions::Duration>& default_reminders();

// The earliest time at which FireDue would do something for this case (a timer, a
// reminder or an escalation), if any: what a scheduler waits for.
std::optional<TimePoint> next_due(const CaseState& state);

}  // namespace raciflow::engine

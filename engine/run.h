// The engine's working room, shared by the files that hold its element families (see
// docs/architecture.md). Internal to engine/: only engine/*.cpp include it.
//
// A Run is one command's run: a working copy of the case state, changed only through
// emit(), which applies each event (case.cpp, the only writer of case state) and keeps it
// for the caller.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace raciflow::engine::detail {

using namespace definitions;
using nlohmann::json;

// A command the engine will not carry out; nothing of the run is kept.
struct Refusal {
  std::string message;
  RefusalKind kind = RefusalKind::invalid;
  Phrase said{};  // its id and values in the catalogue (definitions/messages.h), when it has one
};
// A refusal from the catalogue: its English text is the message.
Refusal refuse(const char* id, std::vector<std::pair<std::string, Words>> values, RefusalKind kind = RefusalKind::invalid);

// A task as people know it: by its name, else its node id.
std::string label(const Task& task);
std::string iso(TimePoint t);
std::string join_words(const std::vector<std::string>& words);

struct Step {
  int node;
  int scope;
  int flow;           // the flow it arrived on, -1 for starts
  int iteration = 0;  // standard loop: the runs of the activity before this one
  int compensates = -1;  // a compensation handler: the token of the throw it runs for
};

class Run {
 public:
  Run(const ExecutableProcess& x, const CaseState& state, const Actor& actor, TimePoint now, const DecisionSource* decisions = nullptr)
      : x_(x), p_(x.process()), s_(state), actor_(actor), now_(now), decisions_(decisions) {}

  std::vector<Event> take() { return std::move(out_); }

  // The commands (engine.h), each in the file of its element family.
  void start(const command::Start& c);
  void cancel(const command::Cancel& c);
  void retry(const command::Retry& c);
  void claim(const command::Claim& c);
  void unclaim(const command::Unclaim& c);
  void complete(const command::Complete& c);
  void consult(const command::Consult& c);
  void waive(const command::Waive& c);
  void complete_call(const command::CompleteCall& c);
  void correlate(const command::Correlate& c);
  void signal(const command::Signal& c);
  void fire_due();
  void escalate(const command::Escalate& c);

 private:
  // What sets one instance of a multi-instance task apart from the node's plain task.
  struct Instance {
    int number = 0;
    json locals;
    std::vector<std::string> responsible, accountable;
  };

  static constexpr int kMaxInstances = 1000;  // multi-instance (BPMN 2.0.2, 13.3.7)

  void emit(EventKind kind, const std::string& node, json data) { emit_as(kind, node, "", std::move(data)); }
  int new_id() { return s_.next_id; }  // apply() advances next_id when the event lands

  // engine/run.cpp: emitting, the checks every command makes, token flow
  void emit_as(EventKind kind, const std::string& node_id, const std::string& role, json data);
  void set_variables(const json& variables, const std::string& node, const std::string& role = "");
  void require_running();
  Task& open_task(int id);
  std::string acting_role(const Task& task, const std::vector<std::string>& roles, const char* letter);
  void drain();
  void park(const Step& step);
  void enter(const Step& step);
  const json& context(int scope, int token = -1);
  void pass_through(const Step& step);
  int wait(int node, int scope, int run = 0);
  void finish_activity(int token, const json& outputs = json());
  void withdraw(int token);
  int activity_token(int token) const;
  void leave(int node, int scope);
  void raise_incident(int node, int scope, const std::string& reason);
  void end_event(int node, int scope);

  // engine/tasks.cpp: activities and the tasks people do
  void run_activity(int node, int token, int scope);
  void create_task(int node, int token, const Instance* instance = nullptr);
  // engine/decisions.cpp: business-rule tasks; false when the decision raised an incident
  bool evaluate_decision(const Step& step);

  // engine/gateways.cpp: joins (parallel, inclusive, complex) and event-based gateways
  void take_gateway_branch(int gateway_token, int target);
  void fire_parallel_join(int node, int scope);
  void arrive_complex(int node, int scope, int flow);
  void activate_complex(int node, int scope);
  bool reset_complex_joins();
  bool can_still_arrive(int node, int scope, std::pair<int, int> except) const;
  bool fire_inclusive_joins();

  // engine/events.cpp: messages, signals, timers, conditions and the subscriptions that wait for them
  void catch_signal(const std::string& name);
  void trigger(int node, int token, TimerPurpose purpose, int scope);
  void throw_signal(const FlowNode& n, const std::string& signal_ref);
  bool throw_each(int node, int scope);
  void arm(int node, int token, TimerPurpose purpose, int scope = -1);
  void fire(int node, int token, TimerPurpose purpose, int scope, int subscription);
  static json received(const json& variables, const FlowNode& node);
  void arm_boundaries(int host, int token);
  bool evaluate_conditions();
  bool test_condition(int subscription);
  static const char* purpose_name(TimerPurpose purpose);
  void schedule(int node, int token, TimerPurpose purpose, std::optional<TimePoint> after = std::nullopt, int remaining = 0,
                int scope = -1, int alternative = -1);
  void subscribe(int node, int token, TimerPurpose purpose, int scope = -1, int alternative = -1);
  void disarm(int token);
  void fire_timer(const Timer& t);
  void trigger_boundary(int boundary, int host_token);

  // engine/multi_instance.cpp: multi-instance activities and standard loops
  json instance_variables(int scope, int token = -1) const;
  std::optional<bool> loop_again(const FlowNode& n, int scope, int node, int runs);
  void finish_pass_through_instances(int body_token);
  void start_multi(int node, int scope);
  void create_instance(int body_token, int number);
  void instance_done(int body_token, int number, const json& variables);
  void withdraw_instances(int body_token);

  // engine/sub_processes.cpp: scopes: sub-processes, event sub-processes, termination
  void arm_event_sub_processes(int scope_node, int scope);
  void disarm_scope(int scope);
  void start_event_sub_process(int start, int scope);
  void cancel_scope_content(int scope);
  void terminate(int scope);
  bool scope_is_empty(int scope) const;
  bool complete_empty_scope();
  void complete_scope(int scope, const char* how);
  bool goes_on(int scope) const;

  // engine/exceptions.cpp: errors, escalations, compensation and transactions
  int error_start(int scope_node, const std::string& ref) const;
  void throw_error(int node, int scope);
  bool throw_escalation(int node, int scope);
  std::string escalation_code(const std::string& ref) const;
  bool takes_escalation(const FlowNode& catcher, const std::string& code) const;
  bool escalate_from(const std::string& code, int scope, int call_token);
  void record_compensable(int node, int scope);
  void throw_compensation(int node, int scope, bool cancels);
  void next_compensation(int throw_token);
  void cancel_transaction(int throw_token);

  // engine/ad_hoc.cpp: ad-hoc sub-processes
  bool finish_ad_hoc(int scope);
  bool offered(const Token& token) const;
  void require_turn(const Task& task);

  const ExecutableProcess& x_;
  const Process& p_;
  CaseState s_;
  const Actor& actor_;
  std::string acting_for_;  // the principal, while the actor acts in a delegated role
  TimePoint now_;
  const DecisionSource* decisions_;
  std::vector<Event> out_;
  std::deque<Step> queue_;
  json scratch_;  // context()'s variables when there are instance variables
  int entered_ = 0;  // steps entered by this command, up to kMaxStepsPerCommand
  int compensates_ = -1;  // set by enter() for a compensation handler, taken by wait()
  std::vector<int> interrupted_;  // scopes an interrupting event sub-process took over in this run
};

}  // namespace raciflow::engine::detail

// One command's run: emitting events, the checks every command makes, and token flow
// (entering a node, leaving it on its outgoing flows, waiting, ending).
#include "engine/run.h"

#include <algorithm>

#include "definitions/raci.h"

namespace raciflow::engine::detail {

void Run::start(const command::Start& c) {
  if (!s_.id.empty()) throw refuse("case.already_started", {{"case", s_.id}}, RefusalKind::conflict);
  int start = -1;
  if (!c.start_node.empty()) {
    start = p_.node_index(c.start_node);
    if (start < 0 || p_.nodes[start].kind != NodeKind::start_event || p_.nodes[start].parent >= 0)
      throw Refusal{"process " + x_.id() + " has no start event '" + c.start_node + "'", RefusalKind::not_found};
  } else if (!c.message.empty()) {
    start = x_.message_start(c.message);
    if (start < 0) throw Refusal{"process " + x_.id() + " has no start event for message '" + c.message + "'", RefusalKind::not_found};
  } else {
    auto starts = x_.none_starts(-1);
    if (starts.empty())
      throw Refusal{"process " + x_.id() + " has no plain start event; start it with a message", RefusalKind::not_found};
    start = starts.front();
  }
  json started = {{"case", c.case_id}, {"process", x_.id()}, {"version", x_.version()}, {"start", p_.nodes[start].id}};
  if (c.context.is_object())
    for (const auto& [name, value] : c.context.items()) started.emplace(name, value);
  emit(EventKind::case_started, p_.nodes[start].id, std::move(started));
  set_variables(c.from_case ? received(c.variables, p_.nodes[start]) : c.variables, p_.nodes[start].id);
  const FlowNode& node = p_.nodes[start];
  if (node.trigger == EventTrigger::message)
    emit(EventKind::message_correlated, node.id, {{"message", x_.message_name(node.message_ref)}});
  if (node.trigger == EventTrigger::signal) emit(EventKind::signal_caught, node.id, {{"signal", x_.signal_name(node.signal_ref)}});
  if (node.trigger == EventTrigger::multiple && !c.message.empty()) emit(EventKind::message_correlated, node.id, {{"message", c.message}});
  if (node.instantiate)  // the message that started the case is the one it waited for
    emit(EventKind::message_correlated, node.id, {{"message", x_.message_name(node.message_ref)}});
  if (node.instantiate) {
    emit(EventKind::node_entered, node.id, {{"scope", 0}});
    leave(start, 0);
  } else {
    queue_.push_back({start, 0, -1});
  }
  // Armed once the first step is queued: an interrupting one whose condition holds already
  // takes over before that step runs.
  arm_event_sub_processes(-1, 0);
  drain();
}

void Run::cancel(const command::Cancel& c) {
  require_running();
  if (c.reason.empty()) throw refuse("case.cancel_needs_reason", {});
  cancel_scope_content(0);
  emit(EventKind::case_cancelled, "", {{"reason", c.reason}});
}

void Run::retry(const command::Retry& c) {
  if (s_.status != CaseStatus::incident || !s_.incident()) throw refuse("case.no_incident", {{"case", s_.id}}, RefusalKind::conflict);
  Incident incident = *s_.incident();
  set_variables(c.variables, p_.nodes[incident.node].id);
  if (incident.parked) {  // the steps one command did not enter: all of them go on now
    std::vector<Incident> parked;
    for (const auto& i : s_.incidents)
      if (i.parked) parked.push_back(i);
    for (auto i = parked.rbegin(); i != parked.rend(); ++i) {  // newest first: see apply()
      const std::string& id = p_.nodes[i->node].id;
      emit(EventKind::incident_resolved, id, {{"reason", i->reason}, {"token", i->token}});
      emit(EventKind::token_consumed, id, {{"token", i->token}});
    }
    for (const auto& i : parked) queue_.push_back(Step{i.node, i.scope, i.flow, i.loop, i.compensates});
    drain();
    return;
  }
  emit(EventKind::incident_resolved, p_.nodes[incident.node].id, {{"reason", incident.reason}, {"token", incident.token}});
  emit(EventKind::token_consumed, p_.nodes[incident.node].id, {{"token", incident.token}});
  if (incident.reenter)  // a step that failed as it ran (a decision): it runs again
    queue_.push_back(Step{incident.node, incident.scope, -1, incident.loop, incident.compensates});
  else
    leave(incident.node, incident.scope);
  drain();
}

// An event by the actor, acting in `role` (empty for system steps) with that role's
// RACI letters on the node.
void Run::emit_as(EventKind kind, const std::string& node_id, const std::string& role, json data) {
  Event e;
  e.kind = kind;
  e.time = now_;
  e.node = node_id;
  e.actor = actor_.person.empty() ? "system" : actor_.person;
  e.role = role;
  if (!role.empty() && !acting_for_.empty() && data.is_object()) data["on_behalf_of"] = acting_for_;
  const FlowNode* n = node_id.empty() ? nullptr : p_.find_node(node_id);
  if (n && !role.empty()) e.raci = raci_cell(n->raci, role);
  // Every event of a human step names the step's Accountable roles, except the tokens
  // arriving and leaving, which the lean trail keeps inside the step's own records.
  if (n && is_human_task(n->kind) && data.is_object() && !data.contains("accountable") && kind != EventKind::node_entered &&
      kind != EventKind::token_waiting && kind != EventKind::token_consumed && kind != EventKind::task_created)
    data["accountable"] = n->raci.accountable;
  // The lean form leaves out the root scope of token events; apply() reads it as 0.
  if ((kind == EventKind::node_entered || kind == EventKind::token_waiting || kind == EventKind::join_arrived ||
       kind == EventKind::join_fired) && data.is_object())
    if (auto it = data.find("scope"); it != data.end() && *it == 0) data.erase(it);
  e.data = std::move(data);
  apply(s_, e, p_);
  out_.push_back(std::move(e));
}

void Run::set_variables(const json& variables, const std::string& node, const std::string& role) {
  if (variables.is_null()) return;
  if (!variables.is_object()) throw refuse("variables.not_object", {});
  if (variables.empty()) return;
  if (role.empty())
    emit(EventKind::variables_set, node, {{"variables", variables}});
  else
    emit_as(EventKind::variables_set, node, role, {{"variables", variables}});
}

void Run::require_running() {
  if (s_.id.empty()) throw refuse("case.not_started", {}, RefusalKind::conflict);
  if (s_.ended()) throw refuse("case.ended", {{"case", s_.id}, {"status", status_words(s_.status)}}, RefusalKind::conflict);
}

Task& Run::open_task(int id) {
  require_running();
  auto it = s_.tasks.find(id);
  if (it == s_.tasks.end()) throw refuse("task.unknown", {{"case", s_.id}, {"task", std::to_string(id)}}, RefusalKind::not_found);
  Task& t = it->second;
  if (t.status == TaskStatus::completed || t.status == TaskStatus::cancelled)
    throw refuse("task.already", {{"task", label(t)}, {"status", status_words(t.status)}}, RefusalKind::conflict);
  return t;
}

// The first of the actor's roles among `roles`; refuses when there is none.
std::string Run::acting_role(const Task& task, const std::vector<std::string>& roles, const char* letter) {
  acting_for_.clear();
  for (const auto& r : actor_.roles)
    if (std::find(roles.begin(), roles.end(), r) != roles.end()) return r;
  for (const auto& d : actor_.delegated)
    for (const auto& r : d.roles)
      if (std::find(roles.begin(), roles.end(), r) != roles.end()) {
        acting_for_ = d.principal;
        return r;
      }
  Words said_letter = std::string_view(letter) == "Responsible"   ? Words{"Responsible", "Udførende (R)"}
                      : std::string_view(letter) == "Accountable" ? Words{"Accountable", "Ansvarlig (A)"}
                                                                  : Words{letter};
  throw refuse("task.not_your_role", {{"person", actor_.person}, {"letter", said_letter}, {"task", label(task)}, {"roles", join_words(roles)}},
               RefusalKind::forbidden);
}

void Run::drain() {
  while (true) {
    while (!queue_.empty()) {
      Step step = queue_.front();
      queue_.pop_front();
      if (!s_.scopes.count(step.scope) || s_.ended()) continue;  // its scope ended meanwhile
      if (entered_ >= kMaxStepsPerCommand) {
        park(step);
        continue;
      }
      ++entered_;
      enter(step);
    }
    if (s_.ended()) return;
    if (fire_inclusive_joins()) continue;
    if (reset_complex_joins()) continue;
    if (evaluate_conditions()) continue;
    if (complete_empty_scope()) continue;
    return;
  }
}

// A step past the command's limit: a token waits at it with an incident, and a retry
// enters it as it would have been entered.
void Run::park(const Step& step) {
  compensates_ = -1;
  int token = wait(step.node, step.scope);
  json data = {{"reason", "the command entered " + std::to_string(kMaxStepsPerCommand) +
                              " steps, the most one command may; retry the case to go on"},
               {"token", token}, {"scope", step.scope}, {"parked", true}};
  if (step.flow >= 0) data["flow"] = p_.flows[step.flow].id;
  if (step.iteration > 0) data["loop"] = step.iteration;
  if (step.compensates >= 0) data["compensating"] = step.compensates;
  emit(EventKind::incident_raised, p_.nodes[step.node].id, std::move(data));
}

void Run::enter(const Step& step) {
  const FlowNode& n = p_.nodes[step.node];
  json data = {{"scope", step.scope}};
  if (step.flow >= 0) data["flow"] = p_.flows[step.flow].id;
  if (step.iteration > 0) data["loop"] = step.iteration;
  if (step.compensates >= 0) data["compensating"] = step.compensates;
  emit(EventKind::node_entered, n.id, std::move(data));
  compensates_ = step.compensates;  // taken by wait() for the handler's token
  // A loop that tests before: the activity runs only while its condition holds.
  if (n.loop == LoopKind::standard && n.loop_test_before && step.iteration == 0) {
    auto again = loop_again(n, step.scope, step.node, 0);
    if (!again) return;  // an incident
    if (!*again) {
      leave(step.node, step.scope);
      return;
    }
  }
  switch (n.kind) {
    case NodeKind::start_event:
    case NodeKind::exclusive_gateway:
      leave(step.node, step.scope);
      break;
    case NodeKind::task:
    case NodeKind::service_task:
    case NodeKind::script_task:
    case NodeKind::business_rule_task:
      if (n.multi)
        start_multi(step.node, step.scope);
      else
        pass_through(step);
      break;
    case NodeKind::send_task:
    case NodeKind::intermediate_throw_event:
      if (n.multi) {  // a send task's instances send one message each
        start_multi(step.node, step.scope);
        break;
      }
      if (n.trigger == EventTrigger::compensate) {
        throw_compensation(step.node, step.scope, false);
        break;
      }
      if (n.trigger == EventTrigger::escalation) {
        if (throw_escalation(step.node, step.scope)) leave(step.node, step.scope);
        break;
      }
      if (n.trigger == EventTrigger::link) {  // a go-to within the scope
        queue_.push_back({x_.link_target(step.node), step.scope, -1});
        break;
      }
      if (n.trigger == EventTrigger::multiple) {
        if (throw_each(step.node, step.scope)) leave(step.node, step.scope);
        break;
      }
      if (n.trigger == EventTrigger::signal) {
        throw_signal(n, n.signal_ref);
        if (!goes_on(step.scope)) break;  // its own scope's interrupting event sub-process caught it
      }
      if (n.trigger == EventTrigger::message || n.kind == NodeKind::send_task)
        emit(EventKind::message_sent, n.id, {{"message", x_.message_name(n.message_ref)}, {"variables", s_.variables}});
      if (n.kind == NodeKind::send_task)
        pass_through(step);
      else
        leave(step.node, step.scope);
      break;
    case NodeKind::end_event:
      end_event(step.node, step.scope);
      break;
    case NodeKind::user_task:
    case NodeKind::manual_task:
      if (n.multi)
        start_multi(step.node, step.scope);
      else
        create_task(step.node, wait(step.node, step.scope, step.iteration));
      break;
    case NodeKind::sub_process:
    case NodeKind::ad_hoc_sub_process:
    case NodeKind::transaction:
    case NodeKind::call_activity:
      if (n.multi) {
        start_multi(step.node, step.scope);
      } else {
        int token = wait(step.node, step.scope, step.iteration);
        arm_boundaries(step.node, token);
        if (s_.tokens.count(token)) run_activity(step.node, token, step.scope);  // else a boundary's condition held
      }
      break;
    case NodeKind::receive_task: {
      int token = wait(step.node, step.scope, step.iteration);
      subscribe(step.node, token, TimerPurpose::catch_event);
      arm_boundaries(step.node, token);
      break;
    }
    case NodeKind::intermediate_catch_event: {
      if (n.trigger == EventTrigger::link) {  // reached from its link throw
        leave(step.node, step.scope);
        break;
      }
      arm(step.node, wait(step.node, step.scope), TimerPurpose::catch_event);
      break;
    }
    case NodeKind::boundary_event:  // reached only through its host
      leave(step.node, step.scope);
      break;
    case NodeKind::parallel_gateway:
    case NodeKind::inclusive_gateway:
      if (n.incoming.size() > 1) {
        emit(EventKind::join_arrived, n.id, {{"scope", step.scope}, {"flow", step.flow >= 0 ? p_.flows[step.flow].id : ""}});
        if (n.kind == NodeKind::parallel_gateway) fire_parallel_join(step.node, step.scope);
      } else {
        leave(step.node, step.scope);
      }
      break;
    case NodeKind::complex_gateway:
      if (n.incoming.size() > 1) {
        emit(EventKind::join_arrived, n.id, {{"scope", step.scope}, {"flow", step.flow >= 0 ? p_.flows[step.flow].id : ""}});
        arrive_complex(step.node, step.scope, step.flow);
      } else {
        leave(step.node, step.scope);
      }
      break;
    case NodeKind::event_based_gateway: {
      int token = wait(step.node, step.scope);
      for (int f : n.outgoing) {
        if (!s_.tokens.count(token)) break;  // a condition that held already won
        arm(p_.flows[f].target, token, TimerPurpose::event_gateway);
      }
      break;
    }
    default:
      raise_incident(step.node, step.scope, std::string(element_name(n.kind)) + " '" + n.id + "' cannot be executed");
      break;
  }
}

// The variables as a step in `scope` sees them: the case's, under the own variables of
// the multi-instance instances it runs in (the innermost first), and those of `token`.
// Valid until the next call or the next change of the variables.
const json& Run::context(int scope, int token) {
  json overlay = instance_variables(scope, token);
  if (overlay.empty()) return s_.variables;
  scratch_ = s_.variables;
  scratch_.update(overlay);
  return scratch_;
}

// An activity that does not wait is done as it is entered. A standard loop enters it
// again while its condition holds, up to loopMaximum. Nothing but loopCounter changes
// between such runs, so a condition that holds again without loopMaximum and without
// reading loopCounter would hold forever: an incident says so.
void Run::pass_through(const Step& step) {
  compensates_ = -1;  // no token waits here
  if (p_.nodes[step.node].called_decision && !evaluate_decision(step)) return;
  if (step.compensates >= 0) {  // a compensation handler: the throw goes on to the next
    next_compensation(step.compensates);
    return;
  }
  record_compensable(step.node, step.scope);
  const FlowNode& n = p_.nodes[step.node];
  int runs = step.iteration + 1;
  if (n.loop == LoopKind::standard && (!n.loop_maximum || runs < *n.loop_maximum)) {
    auto again = loop_again(n, step.scope, step.node, runs);
    if (!again) return;
    if (*again) {
      const auto& read = n.loop_condition->compiled->variables();
      if (!n.loop_maximum && std::find(read.begin(), read.end(), "loopCounter") == read.end()) {
        raise_incident(step.node, step.scope, "the loop of '" + n.id + "' would run forever: its condition still holds, and nothing it "
                                              "reads changes between runs of a step that does not wait (give it loopMaximum)");
        return;
      }
      queue_.push_back({step.node, step.scope, -1, runs});
      return;
    }
  }
  leave(step.node, step.scope);
}

// `run`: for a looping activity, the runs before the one this token waits for.
int Run::wait(int node, int scope, int run) {
  int token = new_id();
  json data = {{"token", token}, {"scope", scope}};
  if (run > 0) data["loop"] = run;
  if (compensates_ >= 0) data["compensating"] = std::exchange(compensates_, -1);
  emit(EventKind::token_waiting, p_.nodes[node].id, std::move(data));
  return token;
}

// A waiting activity or catch event is done: its token moves on (or loops). An instance
// of a multi-instance activity reports to its body instead, with `outputs` (a called
// case's variables).
void Run::finish_activity(int token, const json& outputs) {
  Token t = s_.tokens.at(token);
  bool body = s_.multi.count(token) > 0;  // its instances were recorded one by one
  disarm(token);
  emit(EventKind::token_consumed, p_.nodes[t.node].id, {{"token", token}});
  if (t.compensating >= 0) {  // a compensation handler is done: the throw goes on
    next_compensation(t.compensating);
    return;
  }
  if (t.body >= 0) {
    record_compensable(t.node, t.scope);
    instance_done(t.body, t.instance, outputs);
    return;
  }
  if (!body) record_compensable(t.node, t.scope);
  if (finish_ad_hoc(t.scope)) return;
  const FlowNode& n = p_.nodes[t.node];
  if (n.loop == LoopKind::standard && n.loop_condition && n.loop_condition->compiled) {
    int runs = t.loop + 1;
    if (!n.loop_maximum || runs < *n.loop_maximum) {
      auto again = loop_again(n, t.scope, t.node, runs);
      if (!again) return;
      if (*again) {
        queue_.push_back({t.node, t.scope, -1, runs});
        return;
      }
    }
  }
  leave(t.node, t.scope);
}

// Withdraws a waiting token and everything hanging on it (task, sub-process, call).
void Run::withdraw(int token) {
  Token t = s_.tokens.at(token);
  const FlowNode& n = p_.nodes[t.node];
  withdraw_instances(token);
  for (const auto& [id, scope] : s_.scopes)
    if (scope.token == token) {
      int inner = id;
      cancel_scope_content(inner);
      emit(EventKind::scope_ended, n.id, {{"scope", inner}, {"how", "cancelled"}});
      break;
    }
  disarm(token);
  emit(EventKind::token_consumed, n.id, {{"token", token}, {"withdrawn", true}});
}

// The token an activity's boundary events belong to: a multi-instance instance's body.
int Run::activity_token(int token) const {
  auto it = s_.tokens.find(token);
  return it != s_.tokens.end() && it->second.body >= 0 ? it->second.body : token;
}

void Run::leave(int node, int scope) {
  const FlowNode& n = p_.nodes[node];
  std::vector<int> taken;
  const json& vars = context(scope);
  auto holds = [&](int f, bool& ok) -> bool {
    const SequenceFlow& flow = p_.flows[f];
    if (!flow.condition) return true;
    std::string error;
    auto result = flow.condition->compiled ? flow.condition->compiled->test(vars, &error) : std::nullopt;
    if (!flow.condition->compiled) error = "its condition is in a language raciflow does not evaluate";
    if (!result) {
      raise_incident(node, scope, "condition on '" + flow.id + "' failed: " + error);
      ok = false;
      return false;
    }
    return *result;
  };
  bool ok = true;
  bool choosing = n.kind == NodeKind::exclusive_gateway || n.kind == NodeKind::inclusive_gateway ||
                  n.kind == NodeKind::complex_gateway;
  int default_flow = -1;
  for (int f : n.outgoing)
    if (p_.flows[f].id == n.default_flow) default_flow = f;
  if (n.kind == NodeKind::parallel_gateway) {
    taken = n.outgoing;
  } else {
    // The default flow is taken when no *conditional* flow holds (BPMN 2.0.2, 13.2.1 and
    // 13.3.2): an activity's unconditional flows are taken beside it.
    bool conditional_held = false;
    for (int f : n.outgoing) {
      if (f == default_flow) continue;
      if (choosing && !p_.flows[f].condition && n.outgoing.size() > 1) continue;  // validation forbids
      bool take = holds(f, ok);
      if (!ok) return;
      if (take) {
        taken.push_back(f);
        conditional_held = conditional_held || p_.flows[f].condition.has_value();
        if (n.kind == NodeKind::exclusive_gateway) break;
      }
    }
    if (!conditional_held && default_flow >= 0) taken.push_back(default_flow);
    if (taken.empty() && !n.outgoing.empty()) {
      raise_incident(node, scope,
                     choosing ? "no condition holds at gateway '" + n.id + "' and it has no default flow"
                              : "no outgoing flow of '" + n.id + "' can be taken");
      return;
    }
  }
  for (int f : taken) queue_.push_back({p_.flows[f].target, scope, f});
}

void Run::raise_incident(int node, int scope, const std::string& reason) {
  int token = wait(node, scope);
  emit(EventKind::incident_raised, p_.nodes[node].id, {{"reason", reason}, {"token", token}, {"scope", scope}});
}

void Run::end_event(int node, int scope) {
  const FlowNode& n = p_.nodes[node];
  switch (n.trigger) {
    case EventTrigger::message:
      emit(EventKind::message_sent, n.id, {{"message", x_.message_name(n.message_ref)}, {"variables", s_.variables}});
      break;
    case EventTrigger::terminate:
      terminate(scope);
      break;
    case EventTrigger::signal:
      throw_signal(n, n.signal_ref);
      break;
    case EventTrigger::multiple:
      throw_each(node, scope);
      break;
    case EventTrigger::escalation:
      throw_escalation(node, scope);
      break;
    case EventTrigger::compensate:
      throw_compensation(node, scope, false);
      break;
    case EventTrigger::cancel:
      throw_compensation(node, scope, true);
      break;
    case EventTrigger::error:
      throw_error(node, scope);
      break;
    default:
      break;
  }
}

std::string label(const Task& task) { return "'" + (task.name.empty() ? task.node_id : task.name) + "'"; }

std::string iso(TimePoint t) { return format_date_time(t); }

Refusal refuse(const char* id, std::vector<std::pair<std::string, Words>> values, RefusalKind kind) {
  Phrase said{id, std::move(values), ""};
  std::string message = text(said, Language::en);
  return Refusal{std::move(message), kind, std::move(said)};
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace raciflow::engine::detail

namespace raciflow::engine {

Outcome Engine::handle(const CaseState& state, const Command& command, const Actor& actor, TimePoint now) const {
  detail::Run run(process_, state, actor, now, decisions_);
  try {
    std::visit(
        [&](const auto& c) {
          using C = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<C, command::Start>) run.start(c);
          if constexpr (std::is_same_v<C, command::Claim>) run.claim(c);
          if constexpr (std::is_same_v<C, command::Unclaim>) run.unclaim(c);
          if constexpr (std::is_same_v<C, command::Complete>) run.complete(c);
          if constexpr (std::is_same_v<C, command::Consult>) run.consult(c);
          if constexpr (std::is_same_v<C, command::Waive>) run.waive(c);
          if constexpr (std::is_same_v<C, command::Correlate>) run.correlate(c);
          if constexpr (std::is_same_v<C, command::FireDue>) run.fire_due();
          if constexpr (std::is_same_v<C, command::CompleteCall>) run.complete_call(c);
          if constexpr (std::is_same_v<C, command::Cancel>) run.cancel(c);
          if constexpr (std::is_same_v<C, command::Retry>) run.retry(c);
          if constexpr (std::is_same_v<C, command::Signal>) run.signal(c);
          if constexpr (std::is_same_v<C, command::Escalate>) run.escalate(c);
        },
        command);
  } catch (const detail::Refusal& refusal) {
    return Outcome{{}, refusal.message, refusal.kind, refusal.said};
  }
  return Outcome{run.take(), std::nullopt};
}

definitions::Words status_words(TaskStatus status) {
  switch (status) {
    case TaskStatus::open: return {"open", "åben"};
    case TaskStatus::claimed: return {"claimed", "taget"};
    case TaskStatus::completed: return {"completed", "udført"};
    case TaskStatus::cancelled: return {"cancelled", "annulleret"};
  }
  return {to_string(status)};
}

definitions::Words status_words(CaseStatus status) {
  switch (status) {
    case CaseStatus::active: return {"active", "i gang"};
    case CaseStatus::completed: return {"completed", "afsluttet"};
    case CaseStatus::terminated: return {"terminated", "afbrudt"};
    case CaseStatus::cancelled: return {"cancelled", "annulleret"};
    case CaseStatus::incident: return {"incident", "i fejl"};
  }
  return {to_string(status)};
}

}  // namespace raciflow::engine

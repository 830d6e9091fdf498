#include "engine/engine.h"

#include <algorithm>
#include <deque>
#include <set>
#include <unordered_set>

#include "definitions/raci.h"

namespace raciflow::engine {

using namespace definitions;
using nlohmann::json;

namespace {

struct Refusal {
  std::string message;
  bool denied = false;  // refused because of who the actor is
};

// A task as people know it: by its name, else its node id.
std::string label(const Task& task) { return "'" + (task.name.empty() ? task.node_id : task.name) + "'"; }

struct Step {
  int node;
  int scope;
  int flow;           // the flow it arrived on, -1 for starts
  int iteration = 0;  // standard loop: the runs of the activity before this one
  int compensates = -1;  // a compensation handler: the token of the throw it runs for
};

std::string iso(TimePoint t) { return format_date_time(t); }

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// One command's run: a working copy of the state, changed only through emit().
class Run {
 public:
  Run(const ExecutableProcess& x, const CaseState& state, const Actor& actor, TimePoint now)
      : x_(x), p_(x.process()), s_(state), actor_(actor), now_(now) {}

  std::vector<Event> take() { return std::move(out_); }

  void start(const command::Start& c) {
    if (!s_.id.empty()) throw Refusal{"case " + s_.id + " has already started"};
    int start = -1;
    if (!c.start_node.empty()) {
      start = p_.node_index(c.start_node);
      if (start < 0 || p_.nodes[start].kind != NodeKind::start_event || p_.nodes[start].parent >= 0)
        throw Refusal{"process " + x_.id() + " has no start event '" + c.start_node + "'"};
    } else if (!c.message.empty()) {
      start = x_.message_start(c.message);
      if (start < 0) throw Refusal{"process " + x_.id() + " has no start event for message '" + c.message + "'"};
    } else {
      auto starts = x_.none_starts(-1);
      if (starts.empty())
        throw Refusal{"process " + x_.id() + " has no plain start event; start it with a message"};
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
    if (node.instantiate)  // the message that started the case is the one it waited for
      emit(EventKind::message_correlated, node.id, {{"message", x_.message_name(node.message_ref)}});
    arm_event_sub_processes(-1, 0);
    if (node.instantiate) {
      emit(EventKind::node_entered, node.id, {{"scope", 0}});
      leave(start, 0);
    } else {
      queue_.push_back({start, 0, -1});
    }
    drain();
  }

  void claim(const command::Claim& c) {
    Task& task = open_task(c.task);
    std::string role = acting_role(task, task.responsible, "Responsible");
    if (task.status == TaskStatus::claimed) {
      if (task.assignee == actor_.person) throw Refusal{label(task) + " is already claimed by you"};
      throw Refusal{label(task) + " is claimed by " + task.assignee, true};
    }
    emit_as(EventKind::task_claimed, task.node_id, role, {{"task", task.id}});
  }

  void unclaim(const command::Unclaim& c) {
    Task& task = open_task(c.task);
    if (task.status != TaskStatus::claimed) throw Refusal{label(task) + " is not claimed"};
    if (task.assignee != actor_.person)
      throw Refusal{label(task) + " is claimed by " + task.assignee + ", not by " + actor_.person, true};
    std::string role = acting_role(task, task.responsible, "Responsible");
    emit_as(EventKind::task_unclaimed, task.node_id, role, {{"task", task.id}});
  }

  void complete(const command::Complete& c) {
    Task& task = open_task(c.task);
    std::string role = acting_role(task, task.responsible, "Responsible");
    if (task.status == TaskStatus::claimed && task.assignee != actor_.person)
      throw Refusal{label(task) + " is claimed by " + task.assignee, true};
    const FlowNode& node = p_.nodes[task.node];
    for (const auto& earlier : node.separate_from) {
      for (const auto& [done_node, person] : s_.completions) {
        if (done_node != earlier || person != actor_.person) continue;
        const FlowNode* other = p_.find_node(earlier);
        throw Refusal{actor_.person + " completed '" + (other && !other->name.empty() ? other->name : earlier) +
                      "' in this case, so '" + (node.name.empty() ? node.id : node.name) +
                      "' needs someone else (raci:separateFrom)",
                      true};
      }
    }
    if (!c.variables.is_null() && !c.variables.is_object()) throw Refusal{"variables must be a JSON object"};
    if (!node.decides.empty() && c.variables.is_object() && c.variables.contains(node.decides)) {
      // Decisions on other cases: [{"case": "12", "variables": {...}}, ...]; the runtime applies them.
      const json& list = c.variables[node.decides];
      bool ok = list.is_array();
      for (const auto& d : ok ? list : json::array())
        ok = ok && d.is_object() && d.contains("case") && d["case"].is_string() &&
             (!d.contains("variables") || d["variables"].is_object()) && (!d.contains("node") || d["node"].is_string());
      if (!ok)
        throw Refusal{label(task) + ": " + node.decides +
                      " must be a list of decisions like [{\"case\": \"12\", \"variables\": {...}}] (raci:decides)"};
    }
    int task_id = task.id, token = task.token, instance = task.instance, task_node = task.node;
    std::vector<std::string> informed = task.informed;
    json gaps;
    if (node.gap && node.gap->when) {
      // A checklist question: the answer, with the case's variables, says whether it reveals a gap.
      json after = context(s_.tokens.at(token).scope);
      if (c.variables.is_object()) after.update(c.variables);
      std::string error;
      auto reveals = node.gap->when->test(after, &error);
      if (!reveals)
        throw Refusal{label(task) + " needs an answer: " + error + " (raci:gapWhen " + node.gap->when_text + ")"};
      // The first question answered creates the (maybe empty) list, so that gateways can test it.
      bool listed = after.contains("gaps") && after["gaps"].is_array();
      if (*reveals || !listed) gaps = listed ? after["gaps"] : json::array();
      if (*reveals)
        gaps.push_back({{"step", node.id}, {"question", node.name}, {"gap", node.gap->text}, {"iso", node.iso}});
    }
    set_variables(c.variables, node.id, role);
    emit_as(EventKind::task_completed, node.id, role,
            {{"task", task_id}, {"variables", c.variables.is_null() ? json::object() : c.variables}});
    if (!gaps.is_null()) set_variables(json{{"gaps", gaps}}, node.id);
    for (const auto& r : informed)
      emit(EventKind::notification_queued, node.id, {{"role", r}, {"kind", "informed"}, {"task", task_id}});
    if (s_.multi.count(token)) {
      record_compensable(task_node, s_.tokens.at(token).scope);
      instance_done(token, instance, c.variables);
    } else {
      finish_activity(token);
    }
    drain();
  }

  void consult(const command::Consult& c) {
    Task& task = open_task(c.task);
    std::vector<std::string> open_roles;
    for (const auto& con : task.consultations)
      if (con.answered_by.empty()) open_roles.push_back(con.role);
    std::string role;
    for (const auto& r : actor_.roles)
      if (std::find(open_roles.begin(), open_roles.end(), r) != open_roles.end()) role = r;
    if (role.empty()) {
      if (task.consulted.empty()) throw Refusal{label(task) + " consults no role"};
      throw Refusal{actor_.person + " holds none of the roles still to be consulted on " + label(task) +
                        (open_roles.empty() ? std::string(" (all have answered)") : " (" + join_words(open_roles) + ")"),
                    true};
    }
    if (c.answer.empty()) throw Refusal{"the answer is empty"};
    emit_as(EventKind::consultation_answered, task.node_id, role, {{"task", task.id}, {"role", role}, {"answer", c.answer}});
  }

  void correlate(const command::Correlate& c) {
    require_running();
    const Subscription* match = nullptr;
    for (const auto& [id, sub] : s_.subscriptions)
      if (sub.signal.empty() && !sub.condition && sub.message == c.message) {
        match = &sub;
        break;
      }
    if (!match) throw Refusal{"case " + s_.id + " is not waiting for message '" + c.message + "'"};
    Subscription sub = *match;
    const FlowNode& node = p_.nodes[sub.node];
    set_variables(c.from_case ? received(c.variables, node) : c.variables, node.id);
    emit(EventKind::message_correlated, node.id, {{"message", c.message}, {"subscription", sub.id}});
    trigger(sub.node, sub.token, sub.purpose, sub.scope);
    drain();
  }

  void signal(const command::Signal& c) {
    require_running();
    const Subscription* first = nullptr;
    for (const auto& [id, sub] : s_.subscriptions)
      if (!sub.signal.empty() && sub.signal == c.name) {
        first = &sub;
        break;
      }
    if (!first) throw Refusal{"case " + s_.id + " is not waiting for signal '" + c.name + "'"};
    if (c.from_case) {
      json taken = json::object();
      for (const auto& [id, sub] : s_.subscriptions)
        if (sub.signal == c.name) taken.update(received(c.variables, p_.nodes[sub.node]));
      set_variables(taken, p_.nodes[first->node].id);
    } else {
      set_variables(c.variables, p_.nodes[first->node].id);
    }
    catch_signal(c.name);
    drain();
  }

  // Every catch of the case waiting for `name` takes it, in the order they began to wait;
  // one that an earlier catch withdrew (an interrupting boundary) takes nothing.
  void catch_signal(const std::string& name) {
    std::vector<int> waiting;
    for (const auto& [id, sub] : s_.subscriptions)
      if (sub.signal == name) waiting.push_back(id);
    for (int id : waiting) {
      auto it = s_.subscriptions.find(id);
      if (it == s_.subscriptions.end()) continue;
      Subscription sub = it->second;
      emit(EventKind::signal_caught, p_.nodes[sub.node].id, {{"signal", name}, {"subscription", id}});
      trigger(sub.node, sub.token, sub.purpose, sub.scope);
    }
  }

  // What a caught event does, by what it was waiting for.
  void trigger(int node, int token, TimerPurpose purpose, int scope) {
    switch (purpose) {
      case TimerPurpose::catch_event: finish_activity(token); break;
      case TimerPurpose::boundary: trigger_boundary(node, token); break;
      case TimerPurpose::event_gateway: take_gateway_branch(token, node); break;
      case TimerPurpose::event_sub_process: start_event_sub_process(node, scope); break;
    }
  }

  // A signal throw: recorded for the runtime to broadcast to other cases and signal
  // starts, and taken at once by this case's own waiting catches.
  void throw_signal(const FlowNode& n) {
    std::string name = x_.signal_name(n.signal_ref);
    emit(EventKind::signal_thrown, n.id, {{"signal", name}, {"variables", s_.variables}});
    catch_signal(name);
  }

  void fire_due() {
    require_running();
    for (int round = 0; round < 1000; ++round) {
      std::vector<Timer> due;
      for (const auto& [id, t] : s_.timers)
        if (t.due <= now_) due.push_back(t);
      std::sort(due.begin(), due.end(), [](const Timer& a, const Timer& b) { return a.due < b.due || (a.due == b.due && a.id < b.id); });
      if (due.empty()) break;
      for (const Timer& t : due) {
        if (!s_.timers.count(t.id)) continue;  // withdrawn by an earlier one
        fire_timer(t);
        drain();
      }
    }
    for (auto& [id, task] : s_.tasks) {
      if (!task.live() || !task.due) continue;
      if (*task.due > now_) {
        // Reminders whose time has come; after downtime several are sent as one.
        int reminded = task.reminded;
        while (reminded < static_cast<int>(task.reminders.size()) && task.reminders[reminded] <= now_) ++reminded;
        if (reminded == task.reminded) continue;
        int task_id = id;
        std::string node_id = task.node_id;
        std::vector<std::string> responsible = task.responsible;
        std::string due = iso(*task.due);
        emit(EventKind::task_reminded, node_id, {{"task", task_id}, {"due", due}, {"reminded", reminded}});
        for (const auto& r : responsible)
          emit(EventKind::notification_queued, node_id, {{"role", r}, {"kind", "reminder"}, {"task", task_id}});
        continue;
      }
      if (task.escalated) continue;
      int task_id = id;
      std::string node_id = task.node_id;
      std::vector<std::string> accountable = task.accountable;
      std::string due = iso(*task.due);
      emit(EventKind::task_escalated, node_id, {{"task", task_id}, {"due", due}});
      for (const auto& r : accountable)
        emit(EventKind::notification_queued, node_id, {{"role", r}, {"kind", "escalation"}, {"task", task_id}});
    }
  }

  void complete_call(const command::CompleteCall& c) {
    require_running();
    auto it = s_.tokens.find(c.token);
    if (it == s_.tokens.end() || p_.nodes[it->second.node].kind != NodeKind::call_activity)
      throw Refusal{"case " + s_.id + " has no call activity waiting as token " + std::to_string(c.token)};
    const FlowNode& node = p_.nodes[it->second.node];
    set_variables(c.variables, node.id);
    emit(EventKind::call_completed, node.id, {{"token", c.token}});
    finish_activity(c.token, c.variables);
    drain();
  }

  void cancel(const command::Cancel& c) {
    require_running();
    if (c.reason.empty()) throw Refusal{"a cancellation needs a reason"};
    cancel_scope_content(0);
    emit(EventKind::case_cancelled, "", {{"reason", c.reason}});
  }

  // The case a call activity started raised an escalation it did not catch.
  void escalate(const command::Escalate& c) {
    require_running();
    auto it = s_.tokens.find(c.token);
    if (it == s_.tokens.end() || p_.nodes[it->second.node].kind != NodeKind::call_activity) return;  // the call has ended meanwhile
    escalate_from(c.escalation, it->second.scope, c.token);
    drain();
  }

  void retry(const command::Retry& c) {
    if (s_.status != CaseStatus::incident || !s_.incident()) throw Refusal{"case " + s_.id + " has no incident to retry"};
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
    leave(incident.node, incident.scope);
    drain();
  }

 private:
  // --- emitting ---------------------------------------------------------------------

  void emit(EventKind kind, const std::string& node, json data) { emit_as(kind, node, "", std::move(data)); }

  // An event by the actor, acting in `role` (empty for system steps) with that role's
  // RACI letters on the node.
  void emit_as(EventKind kind, const std::string& node_id, const std::string& role, json data) {
    Event e;
    e.kind = kind;
    e.time = now_;
    e.node = node_id;
    e.actor = actor_.person.empty() ? "system" : actor_.person;
    e.role = role;
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

  // Of the variables another case's throw carries, those the catching `node` declares
  // with raci:receives: a throw passes nothing else into a case that is not its own.
  static json received(const json& variables, const FlowNode& node) {
    json taken = json::object();
    if (!variables.is_object()) return taken;
    for (const auto& name : node.receives)
      if (auto it = variables.find(name); it != variables.end()) taken[name] = *it;
    return taken;
  }

  void set_variables(const json& variables, const std::string& node, const std::string& role = "") {
    if (variables.is_null()) return;
    if (!variables.is_object()) throw Refusal{"variables must be a JSON object"};
    if (variables.empty()) return;
    if (role.empty())
      emit(EventKind::variables_set, node, {{"variables", variables}});
    else
      emit_as(EventKind::variables_set, node, role, {{"variables", variables}});
  }

  int new_id() { return s_.next_id; }  // apply() advances next_id when the event lands

  // --- checks -------------------------------------------------------------------------

  void require_running() {
    if (s_.id.empty()) throw Refusal{"the case has not started"};
    if (s_.ended()) throw Refusal{"case " + s_.id + " is " + to_string(s_.status)};
  }

  Task& open_task(int id) {
    require_running();
    auto it = s_.tasks.find(id);
    if (it == s_.tasks.end()) throw Refusal{"case " + s_.id + " has no task " + std::to_string(id)};
    Task& t = it->second;
    if (t.status == TaskStatus::completed || t.status == TaskStatus::cancelled)
      throw Refusal{label(t) + " is already " + to_string(t.status)};
    return t;
  }

  // The first of the actor's roles among `roles`; refuses when there is none.
  std::string acting_role(const Task& task, const std::vector<std::string>& roles, const char* letter) {
    for (const auto& r : actor_.roles)
      if (std::find(roles.begin(), roles.end(), r) != roles.end()) return r;
    throw Refusal{actor_.person + " holds none of the roles " + letter + " for " + label(task) + " (" +
                      join_words(roles) + ")",
                  true};
  }

  // --- token flow ---------------------------------------------------------------------

  void drain() {
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
  void park(const Step& step) {
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

  void enter(const Step& step) {
    const FlowNode& n = p_.nodes[step.node];
    json data = {{"scope", step.scope}};
    if (step.flow >= 0) data["flow"] = p_.flows[step.flow].id;
    if (step.iteration > 0) data["loop"] = step.iteration;
    if (step.compensates >= 0) data["compensating"] = step.compensates;
    emit(EventKind::node_entered, n.id, std::move(data));
    compensates_ = step.compensates;  // taken by wait() for the handler's token
    // A loop that tests before: the activity runs only while its condition holds.
    if (n.loop == LoopKind::standard && n.loop_test_before && step.iteration == 0) {
      auto again = loop_again(n, step.scope, step.node);
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
        pass_through(step);
        break;
      case NodeKind::send_task:
      case NodeKind::intermediate_throw_event:
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
        if (n.trigger == EventTrigger::signal) throw_signal(n);
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
          run_activity(step.node, token, step.scope);
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
        int token = wait(step.node, step.scope);
        if (n.trigger == EventTrigger::timer)
          schedule(step.node, token, TimerPurpose::catch_event);
        else
          subscribe(step.node, token, TimerPurpose::catch_event);
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
          int target = p_.flows[f].target;
          const FlowNode& t = p_.nodes[target];
          if (t.kind == NodeKind::intermediate_catch_event && t.trigger == EventTrigger::timer)
            schedule(target, token, TimerPurpose::event_gateway);
          else
            subscribe(target, token, TimerPurpose::event_gateway);
        }
        break;
      }
      default:
        raise_incident(step.node, step.scope, std::string(element_name(n.kind)) + " '" + n.id + "' cannot be executed");
        break;
    }
  }

  // A sub-process begins a scope instance inside `scope`; a call activity asks the
  // runtime for a child case with the variables it sees. `token` waits for either.
  void run_activity(int node, int token, int scope) {
    const FlowNode& n = p_.nodes[node];
    if (n.kind == NodeKind::call_activity) {
      emit(EventKind::call_started, n.id, {{"token", token}, {"process", n.called_element}, {"variables", context(scope, token)}});
      return;
    }
    int inner = new_id();
    emit(EventKind::scope_started, n.id, {{"scope", inner}, {"parent", scope}, {"token", token}});
    arm_event_sub_processes(node, inner);
    for (int start : x_.none_starts(node)) queue_.push_back({start, inner, -1});
  }

  // The variables as a step in `scope` sees them: the case's, under the own variables of
  // the multi-instance instances it runs in (the innermost first), and those of `token`.
  // Valid until the next call or the next change of the variables.
  const json& context(int scope, int token = -1) {
    json overlay = instance_variables(scope, token);
    if (overlay.empty()) return s_.variables;
    scratch_ = s_.variables;
    scratch_.update(overlay);
    return scratch_;
  }

  // The own variables of the multi-instance instances a step in `scope` runs in, and of
  // `token`; the innermost wins.
  json instance_variables(int scope, int token = -1) const {
    json overlay;  // null until an instance variable is found: nothing allocated on the common path
    auto add = [&](int t) {
      auto it = s_.tokens.find(t);
      if (it == s_.tokens.end() || it->second.locals.is_null()) return;
      for (const auto& [name, value] : it->second.locals.items())
        if (!overlay.contains(name)) overlay[name] = value;
    };
    add(token);
    for (int cur = scope; cur > 0;) {
      auto it = s_.scopes.find(cur);
      if (it == s_.scopes.end()) break;
      add(it->second.token);
      cur = it->second.parent;
    }
    return overlay;
  }

  // An activity that does not wait is done as it is entered.
  void pass_through(const Step& step) {
    compensates_ = -1;  // no token waits here
    if (step.compensates >= 0) {  // a compensation handler: the throw goes on to the next
      next_compensation(step.compensates);
      return;
    }
    record_compensable(step.node, step.scope);
    leave(step.node, step.scope);
  }

  // `run`: for a looping activity, the runs before the one this token waits for.
  int wait(int node, int scope, int run = 0) {
    int token = new_id();
    json data = {{"token", token}, {"scope", scope}};
    if (run > 0) data["loop"] = run;
    if (compensates_ >= 0) data["compensating"] = std::exchange(compensates_, -1);
    emit(EventKind::token_waiting, p_.nodes[node].id, std::move(data));
    return token;
  }

  // Whether a standard loop runs (again); nullopt when its condition failed (an incident).
  std::optional<bool> loop_again(const FlowNode& n, int scope, int node) {
    std::string error;
    auto again = n.loop_condition->compiled->test(context(scope), &error);
    if (!again) raise_incident(node, scope, "loop condition of '" + n.id + "' failed: " + error);
    return again;
  }

  // What sets one instance of a multi-instance task apart from the node's plain task.
  struct Instance {
    int number = 0;
    json locals;
    std::vector<std::string> responsible, accountable;
  };

  void create_task(int node, int token, const Instance* instance = nullptr) {
    const FlowNode& n = p_.nodes[node];
    int task = new_id();
    // The lean form: the name and RACI of the step are named only where this task's differ
    // from the node's (an instance routed by its element); apply() takes the node's.
    json data = {{"task", task}, {"token", token}};
    if (instance && instance->responsible != n.raci.responsible) data["responsible"] = instance->responsible;
    if (instance && instance->accountable != n.raci.accountable) data["accountable"] = instance->accountable;
    if (instance) {
      data["instance"] = instance->number;
      data["locals"] = instance->locals;
    } else if (json locals = instance_variables(s_.tokens.at(token).scope); !locals.empty()) {
      data["locals"] = std::move(locals);  // a task inside an instance of a multi-instance sub-process
    }
    std::optional<TimePoint> due;
    if (n.due) due = n.due->after(now_);
    if (!n.due_variable.empty()) {
      // A date from the case (the wheel's due date, a date set on a form) wins over raci:due.
      const json vars = context(s_.tokens.at(token).scope);
      const json& v = vars.contains(n.due_variable) ? vars[n.due_variable] : json();
      if (auto at = v.is_string() ? definitions::parse_date_time(v.get<std::string>()) : std::nullopt) due = at;
    }
    if (due) {
      data["due"] = iso(*due);
      json reminders = json::array();
      std::vector<TimePoint> times;
      for (const auto& before : n.reminders_set ? n.reminders : default_reminders()) {
        definitions::Duration back{-before.years, -before.months, -before.days, -before.milliseconds};
        TimePoint at = back.after(*due);
        if (at > now_ && at < *due) times.push_back(at);
      }
      std::sort(times.begin(), times.end());
      times.erase(std::unique(times.begin(), times.end()), times.end());
      for (auto t : times) reminders.push_back(iso(t));
      if (!reminders.empty()) data["reminders"] = reminders;
    }
    emit(EventKind::task_created, n.id, std::move(data));
    for (const auto& r : n.raci.consulted)
      emit(EventKind::notification_queued, n.id, {{"role", r}, {"kind", "consultation"}, {"task", task}});
    if (!instance) arm_boundaries(node, token);  // a multi-instance body arms them once, for all
  }

  // --- multi-instance tasks (BPMN 2.0.2, 13.3.7) ---------------------------------------

  static constexpr int kMaxInstances = 1000;

  void start_multi(int node, int scope) {
    const FlowNode& n = p_.nodes[node];
    const MultiInstance& mi = *n.multi;
    json items = json::array();
    long long count = 0;
    const json vars = context(scope);
    if (!mi.collection.empty()) {
      auto it = vars.find(mi.collection);
      if (it == vars.end() || !it->is_array()) {
        raise_incident(node, scope, "the collection '" + mi.collection + "' of '" + n.id + "' is not a list" +
                                        (it == vars.end() ? " (no such variable)" : ""));
        return;
      }
      items = *it;
      count = static_cast<long long>(items.size());
    } else {
      auto result = mi.cardinality->compiled->evaluate(vars);
      if (!result.ok() || !result.value->is_number_integer() || result.value->get<long long>() < 0) {
        raise_incident(node, scope, "loopCardinality of '" + n.id + "' is not a whole number of 0 or more: " +
                                        (result.ok() ? result.value->dump() : result.error));
        return;
      }
      count = result.value->get<long long>();
    }
    if (count > kMaxInstances) {
      raise_incident(node, scope, "'" + n.id + "' would have " + std::to_string(count) + " instances; at most " +
                                      std::to_string(kMaxInstances));
      return;
    }
    if (mi.role_from_element)
      for (std::size_t i = 0; i < items.size(); ++i)
        if (!items[i].is_string() || items[i].get<std::string>().empty()) {
          raise_incident(node, scope, "item " + std::to_string(i) + " of '" + mi.collection + "' is not a role id, so '" + n.id +
                                          "' cannot route it (raci:roleFromElement)");
          return;
        }
    if (count == 0) {  // no instance: the activity is done at once
      leave(node, scope);
      return;
    }
    int token = new_id();
    json multi = {{"instances", count}, {"sequential", n.loop == LoopKind::multi_instance_sequential}};
    if (!mi.collection.empty()) multi["items"] = items;
    emit(EventKind::token_waiting, n.id, {{"token", token}, {"scope", scope}, {"multi", multi}});
    if (!mi.output_collection.empty()) set_variables(json{{mi.output_collection, json(static_cast<std::size_t>(count), nullptr)}}, n.id);
    arm_boundaries(node, token);
    for (int i = 0; i < (n.loop == LoopKind::multi_instance_sequential ? 1 : static_cast<int>(count)); ++i) create_instance(token, i);
  }

  void create_instance(int body_token, int number) {
    const MultiBody& body = s_.multi.at(body_token);
    const FlowNode& n = p_.nodes[body.node];
    const MultiInstance& mi = *n.multi;
    Instance instance;
    instance.number = number;
    instance.locals = {{"loopCounter", number}};
    if (!mi.element_variable.empty()) instance.locals[mi.element_variable] = body.items.at(static_cast<std::size_t>(number));
    if (!is_human_task(n.kind)) {
      // A sub-process or call activity instance: a token of its own, with its variables.
      int scope = s_.tokens.at(body_token).scope;
      int token = new_id();
      emit(EventKind::token_waiting, n.id,
           {{"token", token}, {"scope", scope}, {"body", body_token}, {"instance", number}, {"locals", instance.locals}});
      run_activity(body.node, token, scope);
      return;
    }
    instance.responsible = n.raci.responsible;
    instance.accountable = n.raci.accountable;
    if (mi.role_from_element) {
      // One task per item, each routed to the role the item names.
      instance.responsible = {body.items.at(static_cast<std::size_t>(number)).get<std::string>()};
      if (!n.raci.accountable_explicit) instance.accountable = instance.responsible;
    }
    create_task(body.node, body_token, &instance);
  }

  // One instance is done: collect its output, then end the body when every instance is
  // done or the completion condition holds (withdrawing the rest), or start the next.
  void instance_done(int body_token, int number, const json& variables) {
    const MultiBody body = s_.multi.at(body_token);
    const FlowNode& n = p_.nodes[body.node];
    const MultiInstance& mi = *n.multi;
    if (!mi.output.empty()) {
      json list = s_.variables.contains(mi.output_collection) && s_.variables[mi.output_collection].is_array()
                      ? s_.variables[mi.output_collection]
                      : json::array();
      while (list.size() < static_cast<std::size_t>(body.instances)) list.push_back(nullptr);
      if (variables.is_object() && variables.contains(mi.output))
        list[static_cast<std::size_t>(number)] = variables[mi.output];
      else if (s_.variables.contains(mi.output))
        list[static_cast<std::size_t>(number)] = s_.variables[mi.output];
      set_variables(json{{mi.output_collection, list}}, n.id);
    }
    const MultiBody& now = s_.multi.at(body_token);
    int created = now.created, completed = now.completed, active = created - completed;
    bool done = completed >= body.instances;
    if (!done && mi.completion) {
      json vars = context(s_.tokens.at(body_token).scope);
      vars["nrOfInstances"] = body.instances;
      vars["nrOfActiveInstances"] = active;
      vars["nrOfCompletedInstances"] = completed;
      std::string error;
      auto holds = mi.completion->compiled->test(vars, &error);
      if (!holds) {
        raise_incident(body.node, s_.tokens.at(body_token).scope, "completionCondition of '" + n.id + "' failed: " + error);
        return;
      }
      done = *holds;
    }
    if (done) {
      withdraw_instances(body_token);
      finish_activity(body_token);
    } else if (body.sequential && active == 0 && created < body.instances) {
      create_instance(body_token, created);
    }
  }

  void arm_boundaries(int host, int token) {
    for (int b : x_.boundaries(host)) {
      const FlowNode& boundary = p_.nodes[b];
      if (boundary.trigger == EventTrigger::timer) schedule(b, token, TimerPurpose::boundary);
      if (boundary.trigger == EventTrigger::message || boundary.trigger == EventTrigger::signal ||
          boundary.trigger == EventTrigger::conditional)
        subscribe(b, token, TimerPurpose::boundary);
    }
  }

  // --- event sub-processes (BPMN 2.0.2, 10.3.5 and 13.5.4) ----------------------------

  // A scope instance began: its event sub-processes wait for their start events. Error
  // and escalation starts need no arming: a throw looks for them.
  void arm_event_sub_processes(int scope_node, int scope) {
    for (int start : x_.event_sub_process_starts(scope_node)) {
      EventTrigger t = p_.nodes[start].trigger;
      if (t == EventTrigger::timer) schedule(start, -1, TimerPurpose::event_sub_process, std::nullopt, 0, scope);
      if (t == EventTrigger::message || t == EventTrigger::signal || t == EventTrigger::conditional)
        subscribe(start, -1, TimerPurpose::event_sub_process, scope);
    }
  }

  // Closes what a scope instance armed for its event sub-processes.
  void disarm_scope(int scope) {
    std::vector<int> timers, subs;
    for (const auto& [id, t] : s_.timers)
      if (t.purpose == TimerPurpose::event_sub_process && t.scope == scope) timers.push_back(id);
    for (const auto& [id, sub] : s_.subscriptions)
      if (sub.purpose == TimerPurpose::event_sub_process && sub.scope == scope) subs.push_back(id);
    for (int id : timers) emit(EventKind::timer_cancelled, p_.nodes[s_.timers[id].node].id, {{"timer", id}});
    for (int id : subs) emit(EventKind::subscription_closed, p_.nodes[s_.subscriptions[id].node].id, {{"subscription", id}});
  }

  // The start event of an event sub-process has been triggered in `scope`. Interrupting,
  // it first ends everything else the scope runs (and what it armed); either way the event
  // sub-process runs as a new scope instance inside `scope`, which completes once that and
  // anything still running in it are done.
  void start_event_sub_process(int start, int scope) {
    const FlowNode& s = p_.nodes[start];
    if (s.cancel_activity) {
      cancel_scope_content(scope);
      for (auto it = queue_.begin(); it != queue_.end();)
        it = it->scope == scope ? queue_.erase(it) : it + 1;
    }
    int inner = new_id();
    emit(EventKind::scope_started, p_.nodes[s.parent].id,
         {{"scope", inner}, {"parent", scope}, {"token", -1}, {"interrupting", s.cancel_activity}});
    arm_event_sub_processes(s.parent, inner);
    queue_.push_back({start, inner, -1});
  }

  // --- conditional events (BPMN 2.0.2, 10.5.5) ----------------------------------------

  // A watched condition fires when it comes to hold: when it is armed and holds already,
  // or when the variables change so that it does. One that cannot be evaluated (a variable
  // not yet set, a type mismatch) does not hold. A non-interrupting one fires again only
  // after it has ceased to hold. Returns whether anything changed.
  bool evaluate_conditions() {
    for (const auto& [id, sub] : s_.subscriptions) {
      if (!sub.condition) continue;
      const FlowNode& n = p_.nodes[sub.node];
      std::string error;
      int scope = sub.scope >= 0 ? sub.scope : s_.tokens.at(sub.token).scope;
      bool holds = n.event_condition->compiled->test(context(scope), &error).value_or(false);
      if (holds == sub.held) continue;
      Subscription watched = sub;
      emit(EventKind::condition_changed, n.id, {{"subscription", watched.id}, {"holds", holds}});
      if (holds) trigger(watched.node, watched.token, watched.purpose, watched.scope);
      return true;
    }
    return false;
  }

  static const char* purpose_name(TimerPurpose purpose) {
    switch (purpose) {
      case TimerPurpose::boundary: return "boundary";
      case TimerPurpose::event_gateway: return "event_gateway";
      case TimerPurpose::event_sub_process: return "event_sub_process";
      default: return "catch_event";
    }
  }

  void schedule(int node, int token, TimerPurpose purpose, std::optional<TimePoint> after = std::nullopt, int remaining = 0,
                int scope = -1) {
    const auto& timer = *p_.nodes[node].timer;
    TimePoint base = after.value_or(now_);
    TimePoint due = base;
    if (timer.kind == definitions::Timer::Kind::duration) due = timer.duration->after(base);
    if (timer.kind == definitions::Timer::Kind::date) due = *timer.date;
    if (timer.kind == definitions::Timer::Kind::cycle) {
      const Cycle& cycle = *timer.cycle;
      if (!after) {
        due = cycle.start && *cycle.start > now_ ? *cycle.start : cycle.interval.after(now_);
        remaining = cycle.repetitions ? *cycle.repetitions - 1 : -1;
      } else {
        due = cycle.interval.after(base);
      }
    }
    json data = {{"timer", new_id()}, {"token", token}, {"due", iso(due)}, {"purpose", purpose_name(purpose)}, {"remaining", remaining}};
    if (scope >= 0) data["scope"] = scope;
    emit(EventKind::timer_scheduled, p_.nodes[node].id, std::move(data));
  }

  void subscribe(int node, int token, TimerPurpose purpose, int scope = -1) {
    const FlowNode& n = p_.nodes[node];
    json data = {{"subscription", new_id()}, {"token", token}, {"purpose", purpose_name(purpose)}};
    if (scope >= 0) data["scope"] = scope;
    if (n.trigger == EventTrigger::signal)
      data["signal"] = x_.signal_name(n.signal_ref);
    else if (n.trigger == EventTrigger::conditional)
      data["condition"] = true;
    else
      data["message"] = x_.message_name(n.message_ref);
    emit(EventKind::subscription_opened, n.id, std::move(data));
  }

  // Withdraws the timers and subscriptions that belong to a waiting token.
  void disarm(int token) {
    std::vector<int> timers, subs;
    for (const auto& [id, t] : s_.timers)
      if (t.token == token) timers.push_back(id);
    for (const auto& [id, sub] : s_.subscriptions)
      if (sub.token == token) subs.push_back(id);
    for (int id : timers) emit(EventKind::timer_cancelled, p_.nodes[s_.timers[id].node].id, {{"timer", id}});
    for (int id : subs) emit(EventKind::subscription_closed, p_.nodes[s_.subscriptions[id].node].id, {{"subscription", id}});
  }

  // A waiting activity or catch event is done: its token moves on (or loops). An instance
  // of a multi-instance activity reports to its body instead, with `outputs` (a called
  // case's variables).
  void finish_activity(int token, const json& outputs = json()) {
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
        auto again = loop_again(n, t.scope, t.node);
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
  void withdraw(int token) {
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

  // Withdraws what a multi-instance body still runs: its instances' open tasks and
  // instance tokens (with their scopes and calls).
  void withdraw_instances(int body_token) {
    for (auto& [id, task] : s_.tasks)
      if (task.token == body_token && task.live()) emit(EventKind::task_cancelled, task.node_id, {{"task", id}});
    std::vector<int> instances;
    for (const auto& [id, t] : s_.tokens)
      if (t.body == body_token) instances.push_back(id);
    for (int id : instances)
      if (s_.tokens.count(id)) withdraw(id);
  }

  // The token an activity's boundary events belong to: a multi-instance instance's body.
  int activity_token(int token) const {
    auto it = s_.tokens.find(token);
    return it != s_.tokens.end() && it->second.body >= 0 ? it->second.body : token;
  }

  // Withdraws every token and join arrival in a scope and its nested scopes.
  void cancel_scope_content(int scope) {
    std::vector<int> tokens;
    for (const auto& [id, t] : s_.tokens)
      if (t.scope == scope) tokens.push_back(id);
    for (int id : tokens)
      if (s_.tokens.count(id)) withdraw(id);
    std::vector<int> instances;  // running event sub-processes: no token waits on them
    for (const auto& [id, sc] : s_.scopes)
      if (sc.parent == scope && sc.token < 0) instances.push_back(id);
    for (int id : instances) {
      cancel_scope_content(id);
      emit(EventKind::scope_ended, p_.nodes[s_.scopes.at(id).node].id, {{"scope", id}, {"how", "cancelled"}});
    }
    disarm_scope(scope);
    std::vector<std::pair<int, int>> joins;
    for (const auto& [key, arrivals] : s_.joins)
      if (key.second == scope) joins.push_back(key);
    for (const auto& key : joins) {
      json flows = json::array();
      for (int f : s_.joins[key]) flows.push_back(p_.flows[f].id);
      emit(EventKind::join_fired, p_.nodes[key.first].id, {{"scope", scope}, {"flows", flows}, {"withdrawn", true}});
    }
  }

  void leave(int node, int scope) {
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

  void raise_incident(int node, int scope, const std::string& reason) {
    int token = wait(node, scope);
    emit(EventKind::incident_raised, p_.nodes[node].id, {{"reason", reason}, {"token", token}, {"scope", scope}});
  }

  void end_event(int node, int scope) {
    const FlowNode& n = p_.nodes[node];
    switch (n.trigger) {
      case EventTrigger::message:
        emit(EventKind::message_sent, n.id, {{"message", x_.message_name(n.message_ref)}, {"variables", s_.variables}});
        break;
      case EventTrigger::terminate:
        terminate(scope);
        break;
      case EventTrigger::signal:
        throw_signal(n);
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

  void terminate(int scope) {
    cancel_scope_content(scope);
    for (auto it = queue_.begin(); it != queue_.end();)
      it = it->scope == scope ? queue_.erase(it) : it + 1;
    if (scope == 0) {
      emit(EventKind::case_terminated, "", json::object());
      return;
    }
    // the sub-process instance is over; it completes normally (BPMN: terminate ends its scope)
    complete_scope(scope, "terminated");
  }

  // The start of an event sub-process of a scope that takes error `ref` (a start without
  // a ref takes any); -1 when none does.
  int error_start(int scope_node, const std::string& ref) const {
    for (int start : x_.event_sub_process_starts(scope_node)) {
      const FlowNode& st = p_.nodes[start];
      if (st.trigger == EventTrigger::error && (st.error_ref.empty() || st.error_ref == ref)) return start;
    }
    return -1;
  }

  // An error goes up the scopes to the first that catches it: an event sub-process of the
  // scope, else an error boundary on the sub-process. None: an incident.
  void throw_error(int node, int scope) {
    const FlowNode& n = p_.nodes[node];
    std::string code = n.error_ref;
    for (int cur = scope;;) {
      const Scope sc = s_.scopes.at(cur);
      if (int start = error_start(sc.node, code); start >= 0) {
        start_event_sub_process(start, cur);
        return;
      }
      if (cur == 0) break;
      for (int b : x_.boundaries(sc.node)) {
        const FlowNode& boundary = p_.nodes[b];
        if (boundary.trigger != EventTrigger::error) continue;
        if (!boundary.error_ref.empty() && boundary.error_ref != code) continue;
        int host_token = activity_token(sc.token), parent = sc.parent;
        emit(EventKind::node_entered, boundary.id, {{"scope", parent}, {"error", code}});
        withdraw(host_token);
        leave(b, parent);
        return;
      }
      cur = sc.parent;
    }
    raise_incident(node, scope, "error '" + code + "' thrown by '" + n.id + "' is caught by no boundary event");
  }

  // An escalation goes up the scopes to the first that takes it (its escalationRef, or
  // none: any): an event sub-process of the scope, else an escalation boundary on the
  // sub-process. Interrupting, the catch ends what the scope was doing; not interrupting,
  // the scope goes on beside it. One that nothing catches changes nothing (BPMN 2.0.2,
  // 10.5.4): unlike an error, it is no failure. Returns whether the thrower goes on.
  bool throw_escalation(int node, int scope) {
    return escalate_from(escalation_code(p_.nodes[node].escalation_ref), scope, -1);
  }

  // The code an escalation reference stands for: its escalationCode, else its id. Catches
  // match on it, so that an escalation from a called case (another file) finds its catch.
  std::string escalation_code(const std::string& ref) const {
    for (const auto& e : x_.definitions().escalations)
      if (e.id == ref && !e.code.empty()) return e.code;
    return ref;
  }

  // Whether an escalation catch (boundary or event sub-process start) takes `code`.
  bool takes_escalation(const FlowNode& catcher, const std::string& code) const {
    return catcher.trigger == EventTrigger::escalation && (catcher.escalation_ref.empty() || escalation_code(catcher.escalation_ref) == code);
  }

  // Hands an escalation up from `scope` (first to the boundaries of `call_token`'s call
  // activity, when it comes from a called case). Returns whether the thrower goes on.
  bool escalate_from(const std::string& code, int scope, int call_token) {
    auto catch_on = [&](int host, int host_token, int parent) {
      for (int b : x_.boundaries(host)) {
        const FlowNode& boundary = p_.nodes[b];
        if (!takes_escalation(boundary, code)) continue;
        emit(EventKind::node_entered, boundary.id, {{"scope", parent}, {"escalation", code}, {"interrupting", boundary.cancel_activity}});
        if (boundary.cancel_activity) withdraw(activity_token(host_token));
        leave(b, parent);
        return boundary.cancel_activity ? 0 : 1;
      }
      return -1;  // not caught here
    };
    if (call_token >= 0)
      if (int caught = catch_on(s_.tokens.at(call_token).node, call_token, scope); caught >= 0) return caught == 1;
    for (int cur = scope;;) {
      const Scope sc = s_.scopes.at(cur);
      for (int start : x_.event_sub_process_starts(sc.node)) {
        if (!takes_escalation(p_.nodes[start], code)) continue;
        bool interrupting = p_.nodes[start].cancel_activity;
        start_event_sub_process(start, cur);
        return !interrupting;
      }
      if (cur == 0) {
        // Nothing in this case takes it: no failure (BPMN 2.0.2, 10.5.4); a calling case may.
        emit(EventKind::escalation_raised, "", {{"escalation", code}});
        return true;
      }
      if (int caught = catch_on(sc.node, sc.token, sc.parent); caught >= 0) return caught == 1;
      cur = sc.parent;
    }
  }

  void fire_timer(const Timer& t) {
    const FlowNode& node = p_.nodes[t.node];
    emit(EventKind::timer_fired, node.id, {{"timer", t.id}});
    trigger(t.node, t.token, t.purpose, t.scope);
    // A cycle on a non-interrupting boundary or event sub-process start goes on while its
    // activity or scope does.
    bool goes_on = t.purpose == TimerPurpose::boundary ? s_.tokens.count(t.token) > 0
                   : t.purpose == TimerPurpose::event_sub_process ? s_.scopes.count(t.scope) > 0
                                                                   : false;
    if (!node.cancel_activity && t.remaining != 0 && goes_on)
      schedule(t.node, t.token, t.purpose, t.due, t.remaining > 0 ? t.remaining - 1 : -1, t.scope);
  }

  void trigger_boundary(int boundary, int host_token) {
    const FlowNode& b = p_.nodes[boundary];
    int scope = s_.tokens.at(host_token).scope;
    emit(EventKind::node_entered, b.id, {{"scope", scope}, {"interrupting", b.cancel_activity}});
    if (b.cancel_activity) withdraw(host_token);
    leave(boundary, scope);
  }

  void take_gateway_branch(int gateway_token, int target) {
    Token t = s_.tokens.at(gateway_token);
    disarm(gateway_token);
    emit(EventKind::token_consumed, p_.nodes[t.node].id, {{"token", gateway_token}, {"chosen", p_.nodes[target].id}});
    emit(EventKind::node_entered, p_.nodes[target].id, {{"scope", t.scope}});
    leave(target, t.scope);
  }

  void fire_parallel_join(int node, int scope) {
    const FlowNode& n = p_.nodes[node];
    const auto& arrivals = s_.joins[{node, scope}];
    if (arrivals.size() < n.incoming.size()) return;  // cheap, and the usual answer while tokens arrive
    std::unordered_set<int> arrived(arrivals.begin(), arrivals.end());
    json flows = json::array();
    for (int f : n.incoming) {
      if (!arrived.count(f)) return;
      flows.push_back(p_.flows[f].id);
    }
    emit(EventKind::join_fired, n.id, {{"scope", scope}, {"flows", flows}});
    leave(node, scope);
  }

  // --- compensation and transactions (BPMN 2.0.2, 10.6 and 13.5.5) --------------------

  // An activity with a compensation handler completed: its handler can undo it later.
  void record_compensable(int node, int scope) {
    if (x_.compensation_handler(node) >= 0) emit(EventKind::compensation_recorded, p_.nodes[node].id, {{"scope", scope}});
  }

  // A compensation throw (or a transaction's cancel end event): the handlers of the
  // activities completed in its scope (all, or those of its activityRef; for a throw in an
  // event sub-process, in the scope around it) run one after another, the last completed
  // first, while the throw waits. A cancel end then ends the transaction through its cancel
  // boundary event.
  void throw_compensation(int node, int scope, bool cancels) {
    const FlowNode& n = p_.nodes[node];
    int target = scope;
    if (const Scope& sc = s_.scopes.at(scope); !cancels && sc.token < 0 && sc.node >= 0) target = sc.parent;
    json list = json::array();
    for (auto it = s_.compensable.rbegin(); it != s_.compensable.rend(); ++it)
      if (it->second == target && (n.activity_ref.empty() || p_.nodes[it->first].id == n.activity_ref))
        list.push_back(p_.nodes[it->first].id);
    int token = new_id();
    json data = {{"token", token}, {"scope", scope}, {"compensate", list}, {"compensation_scope", target}};
    if (cancels) data["cancels"] = true;
    emit(EventKind::token_waiting, n.id, std::move(data));
    next_compensation(token);
  }

  void next_compensation(int throw_token) {
    const Token t = s_.tokens.at(throw_token);
    if (t.compensate.empty()) {
      if (t.cancels)
        cancel_transaction(throw_token);
      else
        finish_activity(throw_token);
      return;
    }
    int activity = t.compensate.front();
    emit(EventKind::compensation_started, p_.nodes[activity].id, {{"token", throw_token}, {"scope", t.compensation_scope}});
    queue_.push_back(Step{x_.compensation_handler(activity), t.scope, -1, 0, throw_token});
  }

  // After its compensation, a cancelled transaction ends and its cancel boundary's path goes on.
  void cancel_transaction(int throw_token) {
    const Scope tx = s_.scopes.at(s_.tokens.at(throw_token).scope);
    int boundary = -1;
    for (int b : x_.boundaries(tx.node))
      if (p_.nodes[b].trigger == EventTrigger::cancel) boundary = b;
    emit(EventKind::node_entered, p_.nodes[boundary].id, {{"scope", tx.parent}, {"interrupting", true}});
    withdraw(tx.token);
    leave(boundary, tx.parent);
  }

  // --- ad-hoc sub-processes (BPMN 2.0.2, 10.3.4 and 13.3.4) ----------------------------

  // An activity in `scope` completed. When the scope is an ad-hoc sub-process whose
  // completionCondition now holds, what else it runs is withdrawn and it completes;
  // returns whether it did (the activity's path then goes no further).
  bool finish_ad_hoc(int scope) {
    if (scope == 0) return false;
    const Scope sc = s_.scopes.at(scope);
    if (sc.node < 0) return false;
    const FlowNode& n = p_.nodes[sc.node];
    if (n.kind != NodeKind::ad_hoc_sub_process || !n.completion) return false;
    // As with conditional events, a condition that cannot be evaluated yet (a checklist
    // answer not given) does not hold.
    std::string error;
    if (!n.completion->compiled->test(context(scope), &error).value_or(false)) return false;
    cancel_scope_content(scope);
    for (auto it = queue_.begin(); it != queue_.end();)
      it = it->scope == scope ? queue_.erase(it) : it + 1;
    complete_scope(scope, "completed");
    return true;
  }

  // --- the complex gateway (BPMN 2.0.2, 13.3.5) ---------------------------------------

  // A token arrived at a complex join. In the reset phase after it fired, the tokens it
  // still waits for are absorbed; others are kept for its next activation.
  void arrive_complex(int node, int scope, int flow) {
    auto key = std::make_pair(node, scope);
    if (auto it = s_.absorbing.find(key); it != s_.absorbing.end()) {
      if (std::find(it->second.begin(), it->second.end(), flow) == it->second.end()) return;  // kept
      emit(EventKind::join_fired, p_.nodes[node].id, {{"scope", scope}, {"flows", {p_.flows[flow].id}}, {"absorbed", true}});
      if (s_.absorbing.count(key)) return;
    }
    activate_complex(node, scope);
  }

  // The join fires when its activationCondition holds over the variables and
  // activationCount (the tokens waiting at it); it then absorbs one token on each incoming
  // flow that has not delivered yet, or until none can come.
  void activate_complex(int node, int scope) {
    auto it = s_.joins.find({node, scope});
    if (it == s_.joins.end() || it->second.empty()) return;
    const FlowNode& n = p_.nodes[node];
    std::vector<int> arrivals = it->second;
    json vars = context(scope);
    vars["activationCount"] = arrivals.size();
    std::string error;
    auto holds = n.activation->compiled->test(vars, &error);
    if (!holds) {
      raise_incident(node, scope, "activationCondition of '" + n.id + "' failed: " + error);
      return;
    }
    if (!*holds) return;
    json flows = json::array(), absorb = json::array();
    for (int f : arrivals) flows.push_back(p_.flows[f].id);
    for (int f : n.incoming)
      if (std::find(arrivals.begin(), arrivals.end(), f) == arrivals.end()) absorb.push_back(p_.flows[f].id);
    emit(EventKind::join_fired, n.id, {{"scope", scope}, {"flows", flows}, {"absorb", absorb}});
    leave(node, scope);
  }

  // A reset phase ends when no token of the scope can still reach the gateway; then the
  // tokens kept meanwhile may activate it again.
  bool reset_complex_joins() {
    for (const auto& [key, waiting] : s_.absorbing) {
      auto [node, scope] = key;
      if (s_.scopes.count(scope) && can_still_arrive(node, scope, key)) continue;
      emit(EventKind::join_fired, p_.nodes[node].id, {{"scope", scope}, {"flows", json::array()}, {"reset", true}});
      if (s_.scopes.count(scope)) activate_complex(node, scope);
      return true;
    }
    return false;
  }

  // Whether a token of `scope`, or an arrival waiting at another join, can still reach `node`.
  bool can_still_arrive(int node, int scope, std::pair<int, int> except) const {
    for (const auto& [id, t] : s_.tokens)
      if (t.scope == scope && x_.reaches(t.node, node)) return true;
    for (const auto& [other, other_arrivals] : s_.joins)
      if (other != except && other.second == scope && !other_arrivals.empty() && x_.reaches(other.first, node)) return true;
    return false;
  }

  // An inclusive join fires when no other token of its scope can still reach it.
  bool fire_inclusive_joins() {
    for (const auto& [key, arrivals] : s_.joins) {
      auto [node, scope] = key;
      if (p_.nodes[node].kind != NodeKind::inclusive_gateway || arrivals.empty()) continue;
      if (can_still_arrive(node, scope, key)) continue;
      json flows = json::array();
      for (int f : arrivals) flows.push_back(p_.flows[f].id);
      int n = node, sc = scope;
      emit(EventKind::join_fired, p_.nodes[n].id, {{"scope", sc}, {"flows", flows}});
      leave(n, sc);
      return true;
    }
    return false;
  }

  bool scope_is_empty(int scope) const {
    for (const auto& [id, t] : s_.tokens)
      if (t.scope == scope) return false;
    for (const auto& [key, arrivals] : s_.joins)
      if (key.second == scope && !arrivals.empty()) return false;
    for (const auto& [id, sc] : s_.scopes)
      if (sc.parent == scope) return false;
    return true;
  }

  bool complete_empty_scope() {
    for (auto it = s_.scopes.rbegin(); it != s_.scopes.rend(); ++it) {
      int id = it->first;
      if (!scope_is_empty(id)) continue;
      if (id == 0) {
        if (s_.status == CaseStatus::active) {
          disarm_scope(0);
          emit(EventKind::case_completed, "", json::object());
          return true;
        }
        return false;
      }
      complete_scope(id, "completed");
      return true;
    }
    return false;
  }

  void complete_scope(int scope, const char* how) {
    Scope sc = s_.scopes.at(scope);
    disarm_scope(scope);
    emit(EventKind::scope_ended, p_.nodes[sc.node].id, {{"scope", scope}, {"how", how}});
    if (sc.token >= 0) finish_activity(sc.token);  // an event sub-process has no token: it just ends
  }

  const ExecutableProcess& x_;
  const Process& p_;
  CaseState s_;
  const Actor& actor_;
  TimePoint now_;
  std::vector<Event> out_;
  std::deque<Step> queue_;
  json scratch_;  // context()'s variables when there are instance variables
  int entered_ = 0;  // steps entered by this command, up to kMaxStepsPerCommand
  int compensates_ = -1;  // set by enter() for a compensation handler, taken by wait()
};

}  // namespace

Outcome Engine::handle(const CaseState& state, const Command& command, const Actor& actor, TimePoint now) const {
  Run run(process_, state, actor, now);
  try {
    std::visit(
        [&](const auto& c) {
          using C = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<C, command::Start>) run.start(c);
          if constexpr (std::is_same_v<C, command::Claim>) run.claim(c);
          if constexpr (std::is_same_v<C, command::Unclaim>) run.unclaim(c);
          if constexpr (std::is_same_v<C, command::Complete>) run.complete(c);
          if constexpr (std::is_same_v<C, command::Consult>) run.consult(c);
          if constexpr (std::is_same_v<C, command::Correlate>) run.correlate(c);
          if constexpr (std::is_same_v<C, command::FireDue>) run.fire_due();
          if constexpr (std::is_same_v<C, command::CompleteCall>) run.complete_call(c);
          if constexpr (std::is_same_v<C, command::Cancel>) run.cancel(c);
          if constexpr (std::is_same_v<C, command::Retry>) run.retry(c);
          if constexpr (std::is_same_v<C, command::Signal>) run.signal(c);
          if constexpr (std::is_same_v<C, command::Escalate>) run.escalate(c);
        },
        command);
  } catch (const Refusal& refusal) {
    return Outcome{{}, refusal.message, refusal.denied};
  }
  return Outcome{run.take(), std::nullopt};
}

CaseState Engine::replay(const std::vector<Event>& events) const {
  CaseState state;
  for (const Event& e : events) apply(state, e, process_.process());
  return state;
}

const std::vector<Duration>& default_reminders() {
  static const std::vector<Duration> kDefault{Duration{0, 0, 7, 0}, Duration{0, 0, 1, 0}};
  return kDefault;
}

std::optional<TimePoint> next_due(const CaseState& state) {
  std::optional<TimePoint> next;
  auto consider = [&](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [id, t] : state.timers) consider(t.due);
  for (const auto& [id, task] : state.tasks)
    if (auto alert = task.next_alert()) consider(*alert);
  return next;
}

}  // namespace raciflow::engine

// Events: messages, signals, timers and conditions, and the subscriptions that wait for them.
#include "engine/run.h"

#include <algorithm>

namespace raciflow::engine::detail {

void Run::correlate(const command::Correlate& c) {
  require_running();
  const Subscription* match = nullptr;
  for (const auto& [id, sub] : s_.subscriptions)
    if (sub.signal.empty() && !sub.condition && sub.message == c.message) {
      match = &sub;
      break;
    }
  if (!match) throw Refusal{"case " + s_.id + " is not waiting for message '" + c.message + "'", RefusalKind::conflict};
  Subscription sub = *match;
  const FlowNode& node = p_.nodes[sub.node];
  set_variables(c.from_case ? received(c.variables, node) : c.variables, node.id);
  emit(EventKind::message_correlated, node.id, {{"message", c.message}, {"subscription", sub.id}});
  fire(sub.node, sub.token, sub.purpose, sub.scope, sub.id);
  drain();
}

void Run::signal(const command::Signal& c) {
  require_running();
  const Subscription* first = nullptr;
  for (const auto& [id, sub] : s_.subscriptions)
    if (!sub.signal.empty() && sub.signal == c.name) {
      first = &sub;
      break;
    }
  if (!first) throw Refusal{"case " + s_.id + " is not waiting for signal '" + c.name + "'", RefusalKind::conflict};
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
void Run::catch_signal(const std::string& name) {
  std::vector<int> waiting;
  for (const auto& [id, sub] : s_.subscriptions)
    if (sub.signal == name) waiting.push_back(id);
  for (int id : waiting) {
    auto it = s_.subscriptions.find(id);
    if (it == s_.subscriptions.end()) continue;
    Subscription sub = it->second;
    emit(EventKind::signal_caught, p_.nodes[sub.node].id, {{"signal", name}, {"subscription", id}});
    fire(sub.node, sub.token, sub.purpose, sub.scope, id);
  }
}

// What a caught event does, by what it was waiting for.
void Run::trigger(int node, int token, TimerPurpose purpose, int scope) {
  switch (purpose) {
    case TimerPurpose::catch_event: finish_activity(token); break;
    case TimerPurpose::boundary: trigger_boundary(node, token); break;
    case TimerPurpose::event_gateway: take_gateway_branch(token, node); break;
    case TimerPurpose::event_sub_process: start_event_sub_process(node, scope); break;
  }
}

// A caught event fires its node; a parallel multiple one only once each of its event
// definitions has been caught (the one just caught is closed, the others wait on).
void Run::fire(int node, int token, TimerPurpose purpose, int scope, int subscription) {
  const FlowNode& n = p_.nodes[node];
  if (n.trigger == EventTrigger::multiple && n.parallel_multiple) {
    if (subscription >= 0 && s_.subscriptions.count(subscription))
      emit(EventKind::subscription_closed, n.id, {{"subscription", subscription}});
    for (const auto& [id, sub] : s_.subscriptions)
      if (sub.node == node && sub.token == token && sub.purpose == purpose && sub.scope == scope) return;
    for (const auto& [id, t] : s_.timers)
      if (t.node == node && t.token == token && t.purpose == purpose && t.scope == scope) return;
  }
  trigger(node, token, purpose, scope);
}

// A signal throw: recorded for the runtime to broadcast to other cases and signal
// starts, and taken at once by this case's own waiting catches.
void Run::throw_signal(const FlowNode& n, const std::string& signal_ref) {
  std::string name = x_.signal_name(signal_ref);
  emit(EventKind::signal_thrown, n.id, {{"signal", name}, {"variables", s_.variables}});
  catch_signal(name);
}

// A multiple throw throws each of its event definitions in order. Returns whether the
// thrower's path goes on: a catch in its own scope may have taken it over.
bool Run::throw_each(int node, int scope) {
  const FlowNode& n = p_.nodes[node];
  for (const EventDefinition& d : n.alternatives) {
    if (d.trigger == EventTrigger::message)
      emit(EventKind::message_sent, n.id, {{"message", x_.message_name(d.ref)}, {"variables", s_.variables}});
    if (d.trigger == EventTrigger::signal) throw_signal(n, d.ref);
    if (d.trigger == EventTrigger::escalation && !throw_escalation(node, scope)) return false;
    if (!goes_on(scope)) return false;
  }
  return true;
}

void Run::fire_due() {
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

// Of the variables another case's throw carries, those the catching `node` declares
// with raci:receives: a throw passes nothing else into a case that is not its own.
json Run::received(const json& variables, const FlowNode& node) {
  json taken = json::object();
  if (!variables.is_object()) return taken;
  for (const auto& name : node.receives)
    if (auto it = variables.find(name); it != variables.end()) taken[name] = *it;
  return taken;
}

void Run::arm_boundaries(int host, int token) {
  for (int b : x_.boundaries(host)) {
    if (!s_.tokens.count(token)) return;  // an interrupting one's condition held as it was armed
    arm(b, token, TimerPurpose::boundary);
  }
}

// Arms a catching event: its timer or subscription, or one for each of a multiple
// event's definitions. Conditions are tested once all are armed: one that holds already
// fires then, before the steps queued in its scope run.
void Run::arm(int node, int token, TimerPurpose purpose, int scope) {
  const FlowNode& n = p_.nodes[node];
  bool multiple = n.trigger == EventTrigger::multiple;
  int count = multiple ? static_cast<int>(n.alternatives.size()) : 1;
  std::vector<int> conditions;
  for (int a = 0; a < count; ++a) {
    int alternative = multiple ? a : -1;
    EventTrigger t = multiple ? n.alternatives[a].trigger : n.trigger;
    if (n.kind == NodeKind::receive_task) t = EventTrigger::message;  // after an event-based gateway
    if (t == EventTrigger::timer) {
      schedule(node, token, purpose, std::nullopt, 0, scope, alternative);
    } else if (t == EventTrigger::message || t == EventTrigger::signal || t == EventTrigger::conditional) {
      if (t == EventTrigger::conditional) conditions.push_back(new_id());
      subscribe(node, token, purpose, scope, alternative);
    }
  }
  for (int id : conditions)
    if (s_.subscriptions.count(id)) test_condition(id);
}

// A watched condition fires when it comes to hold: when it is armed and holds already,
// or when the variables change so that it does. One that cannot be evaluated (a variable
// not yet set, a type mismatch) does not hold. A non-interrupting one fires again only
// after it has ceased to hold. Returns whether anything changed.
bool Run::evaluate_conditions() {
  for (const auto& [id, sub] : s_.subscriptions)
    if (sub.condition && test_condition(id)) return true;
  return false;
}

// Tests one watched condition; returns whether it changed (firing when it came to hold).
bool Run::test_condition(int subscription) {
  const Subscription watched = s_.subscriptions.at(subscription);
  const FlowNode& n = p_.nodes[watched.node];
  const Condition& condition = watched.alternative >= 0 ? *n.alternatives[watched.alternative].condition : *n.event_condition;
  std::string error;
  int scope = watched.scope >= 0 ? watched.scope : s_.tokens.at(watched.token).scope;
  bool holds = condition.compiled->test(context(scope), &error).value_or(false);
  if (holds == watched.held) return false;
  emit(EventKind::condition_changed, n.id, {{"subscription", watched.id}, {"holds", holds}});
  if (holds) fire(watched.node, watched.token, watched.purpose, watched.scope, watched.id);
  return true;
}

const char* Run::purpose_name(TimerPurpose purpose) {
  switch (purpose) {
    case TimerPurpose::boundary: return "boundary";
    case TimerPurpose::event_gateway: return "event_gateway";
    case TimerPurpose::event_sub_process: return "event_sub_process";
    default: return "catch_event";
  }
}

void Run::schedule(int node, int token, TimerPurpose purpose, std::optional<TimePoint> after, int remaining,
              int scope, int alternative) {
  const FlowNode& n = p_.nodes[node];
  const auto& timer = alternative >= 0 ? *n.alternatives[alternative].timer : *n.timer;
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
  if (alternative >= 0) data["alternative"] = alternative;
  emit(EventKind::timer_scheduled, n.id, std::move(data));
}

// A message, signal or condition subscription (arm() tests a condition).
void Run::subscribe(int node, int token, TimerPurpose purpose, int scope, int alternative) {
  const FlowNode& n = p_.nodes[node];
  EventTrigger t = alternative >= 0 ? n.alternatives[alternative].trigger : n.trigger;
  json data = {{"subscription", new_id()}, {"token", token}, {"purpose", purpose_name(purpose)}};
  if (scope >= 0) data["scope"] = scope;
  if (alternative >= 0) data["alternative"] = alternative;
  if (t == EventTrigger::signal)
    data["signal"] = x_.signal_name(alternative >= 0 ? n.alternatives[alternative].ref : n.signal_ref);
  else if (t == EventTrigger::conditional)
    data["condition"] = true;
  else
    data["message"] = x_.message_name(alternative >= 0 ? n.alternatives[alternative].ref : n.message_ref);
  emit(EventKind::subscription_opened, n.id, std::move(data));
}

// Withdraws the timers and subscriptions that belong to a waiting token.
void Run::disarm(int token) {
  std::vector<int> timers, subs;
  for (const auto& [id, t] : s_.timers)
    if (t.token == token) timers.push_back(id);
  for (const auto& [id, sub] : s_.subscriptions)
    if (sub.token == token) subs.push_back(id);
  for (int id : timers) emit(EventKind::timer_cancelled, p_.nodes[s_.timers[id].node].id, {{"timer", id}});
  for (int id : subs) emit(EventKind::subscription_closed, p_.nodes[s_.subscriptions[id].node].id, {{"subscription", id}});
}

void Run::fire_timer(const Timer& t) {
  const FlowNode& node = p_.nodes[t.node];
  emit(EventKind::timer_fired, node.id, {{"timer", t.id}});
  fire(t.node, t.token, t.purpose, t.scope, -1);
  // A cycle on a non-interrupting boundary or event sub-process start goes on while its
  // activity or scope does.
  bool goes_on = t.purpose == TimerPurpose::boundary ? s_.tokens.count(t.token) > 0
                 : t.purpose == TimerPurpose::event_sub_process ? s_.scopes.count(t.scope) > 0
                                                                 : false;
  if (!node.cancel_activity && t.remaining != 0 && goes_on)
    schedule(t.node, t.token, t.purpose, t.due, t.remaining > 0 ? t.remaining - 1 : -1, t.scope, t.alternative);
}

void Run::trigger_boundary(int boundary, int host_token) {
  const FlowNode& b = p_.nodes[boundary];
  int scope = s_.tokens.at(host_token).scope;
  emit(EventKind::node_entered, b.id, {{"scope", scope}, {"interrupting", b.cancel_activity}});
  if (b.cancel_activity) withdraw(host_token);
  leave(boundary, scope);
}

}  // namespace raciflow::engine::detail

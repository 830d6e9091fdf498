// Errors, escalations, compensation and transactions.
#include "engine/run.h"

#include <algorithm>

namespace raciflow::engine::detail {

// The case a call activity started raised an escalation it did not catch.
void Run::escalate(const command::Escalate& c) {
  require_running();
  auto it = s_.tokens.find(c.token);
  if (it == s_.tokens.end() || p_.nodes[it->second.node].kind != NodeKind::call_activity) return;  // the call has ended meanwhile
  escalate_from(c.escalation, it->second.scope, c.token);
  drain();
}

// The start of an event sub-process of a scope that takes error `ref` (a start without
// a ref takes any); -1 when none does.
int Run::error_start(int scope_node, const std::string& ref) const {
  for (int start : x_.event_sub_process_starts(scope_node)) {
    const FlowNode& st = p_.nodes[start];
    if (st.trigger == EventTrigger::error && (st.error_ref.empty() || st.error_ref == ref)) return start;
  }
  return -1;
}

// An error goes up the scopes to the first that catches it: an event sub-process of the
// scope, else an error boundary on the sub-process. None: an incident.
void Run::throw_error(int node, int scope) {
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
bool Run::throw_escalation(int node, int scope) {
  return escalate_from(escalation_code(p_.nodes[node].escalation_ref), scope, -1);
}

// The code an escalation reference stands for: its escalationCode, else its id. Catches
// match on it, so that an escalation from a called case (another file) finds its catch.
std::string Run::escalation_code(const std::string& ref) const {
  for (const auto& e : x_.definitions().escalations)
    if (e.id == ref && !e.code.empty()) return e.code;
  return ref;
}

// Whether an escalation catch (boundary or event sub-process start) takes `code`.
bool Run::takes_escalation(const FlowNode& catcher, const std::string& code) const {
  return catcher.trigger == EventTrigger::escalation && (catcher.escalation_ref.empty() || escalation_code(catcher.escalation_ref) == code);
}

// Hands an escalation up from `scope` (first to the boundaries of `call_token`'s call
// activity, when it comes from a called case). Returns whether the thrower goes on.
bool Run::escalate_from(const std::string& code, int scope, int call_token) {
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

// An activity with a compensation handler completed: its handler can undo it later.
void Run::record_compensable(int node, int scope) {
  if (x_.compensation_handler(node) >= 0) emit(EventKind::compensation_recorded, p_.nodes[node].id, {{"scope", scope}});
}

// A compensation throw (or a transaction's cancel end event): the handlers of the
// activities completed in its scope (all, or those of its activityRef; for a throw in an
// event sub-process, in the scope around it) run one after another, the last completed
// first, while the throw waits. A cancel end then ends the transaction through its cancel
// boundary event.
void Run::throw_compensation(int node, int scope, bool cancels) {
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

void Run::next_compensation(int throw_token) {
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
void Run::cancel_transaction(int throw_token) {
  const Scope tx = s_.scopes.at(s_.tokens.at(throw_token).scope);
  int boundary = -1;
  for (int b : x_.boundaries(tx.node))
    if (p_.nodes[b].trigger == EventTrigger::cancel) boundary = b;
  emit(EventKind::node_entered, p_.nodes[boundary].id, {{"scope", tx.parent}, {"interrupting", true}});
  withdraw(tx.token);
  leave(boundary, tx.parent);
}

}  // namespace raciflow::engine::detail

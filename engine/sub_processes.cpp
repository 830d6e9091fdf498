// Scopes: sub-processes, event sub-processes, and how a scope ends.
#include "engine/run.h"

#include <algorithm>

namespace raciflow::engine::detail {

// A scope instance began: its event sub-processes wait for their start events. Error
// and escalation starts need no arming: a throw looks for them.
void Run::arm_event_sub_processes(int scope_node, int scope) {
  for (int start : x_.event_sub_process_starts(scope_node)) {
    if (!goes_on(scope)) return;  // an interrupting one's condition held as it was armed
    arm(start, -1, TimerPurpose::event_sub_process, scope);
  }
}

// Closes what a scope instance armed for its event sub-processes.
void Run::disarm_scope(int scope) {
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
void Run::start_event_sub_process(int start, int scope) {
  const FlowNode& s = p_.nodes[start];
  if (s.cancel_activity) {
    cancel_scope_content(scope);
    for (auto it = queue_.begin(); it != queue_.end();)
      it = it->scope == scope ? queue_.erase(it) : it + 1;
    interrupted_.push_back(scope);
  }
  int inner = new_id();
  emit(EventKind::scope_started, p_.nodes[s.parent].id,
       {{"scope", inner}, {"parent", scope}, {"token", -1}, {"interrupting", s.cancel_activity}});
  queue_.push_back({start, inner, -1});
  arm_event_sub_processes(s.parent, inner);
}

// Whether a path in `scope` goes on: the scope still runs, and no interrupting event
// sub-process took it over in this run (that one runs in a scope of its own).
bool Run::goes_on(int scope) const {
  return s_.scopes.count(scope) && std::find(interrupted_.begin(), interrupted_.end(), scope) == interrupted_.end();
}

// Withdraws every token and join arrival in a scope and its nested scopes.
void Run::cancel_scope_content(int scope) {
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

void Run::terminate(int scope) {
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

bool Run::scope_is_empty(int scope) const {
  for (const auto& [id, t] : s_.tokens)
    if (t.scope == scope) return false;
  for (const auto& [key, arrivals] : s_.joins)
    if (key.second == scope && !arrivals.empty()) return false;
  for (const auto& [id, sc] : s_.scopes)
    if (sc.parent == scope) return false;
  return true;
}

bool Run::complete_empty_scope() {
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

void Run::complete_scope(int scope, const char* how) {
  Scope sc = s_.scopes.at(scope);
  disarm_scope(scope);
  emit(EventKind::scope_ended, p_.nodes[sc.node].id, {{"scope", scope}, {"how", how}});
  if (sc.token >= 0) finish_activity(sc.token);  // an event sub-process has no token: it just ends
}

}  // namespace raciflow::engine::detail

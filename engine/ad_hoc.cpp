// Ad-hoc sub-processes.
#include "engine/run.h"

#include <algorithm>

namespace raciflow::engine::detail {

// An activity in `scope` completed. When the scope is an ad-hoc sub-process whose
// completionCondition now holds, what else it runs is withdrawn and it completes;
// returns whether it did (the activity's path then goes no further).
bool Run::finish_ad_hoc(int scope) {
  if (scope == 0) return false;
  const Scope sc = s_.scopes.at(scope);
  if (sc.node < 0) return false;
  const FlowNode& n = p_.nodes[sc.node];
  if (n.kind != NodeKind::ad_hoc_sub_process || !n.completion) return false;
  // As with conditional events, a condition that cannot be evaluated yet (a checklist
  // answer not given) does not hold.
  std::string error;
  if (!n.completion->compiled->test(context(scope), &error).value_or(false)) return false;
  if (!n.cancel_remaining) {
    // cancelRemainingInstances="false": the steps not begun are withdrawn, those under way
    // go on, and the sub-process completes when they are done.
    std::vector<int> waiting;
    for (const auto& [id, t] : s_.tokens)
      if (t.scope == scope && offered(t)) waiting.push_back(id);
    for (int id : waiting) withdraw(id);
    return false;
  }
  cancel_scope_content(scope);
  for (auto it = queue_.begin(); it != queue_.end();)
    it = it->scope == scope ? queue_.erase(it) : it + 1;
  complete_scope(scope, "completed");
  return true;
}

// A step of an ad-hoc sub-process offered but not begun: the open, unclaimed task of a
// step that no flow leads to, directly in the ad-hoc sub-process.
bool Run::offered(const Token& token) const {
  const FlowNode& n = p_.nodes[token.node];
  if (!is_human_task(n.kind) || n.multi || !n.incoming.empty() || token.body >= 0) return false;
  auto sc = s_.scopes.find(token.scope);
  if (sc == s_.scopes.end() || sc->second.node < 0 || p_.nodes[sc->second.node].kind != NodeKind::ad_hoc_sub_process) return false;
  for (const auto& [id, task] : s_.tasks)
    if (task.token == token.id && task.live()) return task.status == TaskStatus::open;
  return false;
}

// ordering="Sequential": one step of an ad-hoc sub-process is under way at a time. All
// its steps are offered; the person picks one by claiming or completing it, and the
// others wait until that step's path inside the sub-process is done.
void Run::require_turn(const Task& task) {
  auto own = s_.tokens.find(task.token);
  if (own == s_.tokens.end() || !offered(own->second)) return;
  const Scope& sc = s_.scopes.at(own->second.scope);
  const FlowNode& ad_hoc = p_.nodes[sc.node];
  if (!ad_hoc.ordering_sequential) return;
  for (const auto& [id, t] : s_.tokens) {
    if (t.scope != sc.id || id == task.token || offered(t)) continue;
    const FlowNode& busy = p_.nodes[t.node];
    throw refuse("task.must_wait",
                 {{"task", label(task)}, {"busy", busy.name.empty() ? busy.id : busy.name}, {"within", ad_hoc.name.empty() ? ad_hoc.id : ad_hoc.name}},
                 RefusalKind::conflict);
  }
}

}  // namespace raciflow::engine::detail

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
  cancel_scope_content(scope);
  for (auto it = queue_.begin(); it != queue_.end();)
    it = it->scope == scope ? queue_.erase(it) : it + 1;
  complete_scope(scope, "completed");
  return true;
}

}  // namespace raciflow::engine::detail

#include "definitions/changes.h"

#include <algorithm>
#include <map>

#include "definitions/raci.h"

namespace raciflow::definitions {

namespace {

std::vector<std::string> sorted(std::vector<std::string> roles) {
  std::sort(roles.begin(), roles.end());
  return roles;
}

bool same(const Raci& a, const Raci& b) {
  return sorted(a.responsible) == sorted(b.responsible) && sorted(a.accountable) == sorted(b.accountable) &&
         sorted(a.consulted) == sorted(b.consulted) && sorted(a.informed) == sorted(b.informed);
}

// The activities in flow order, as the RACI matrix lists them.
std::vector<const FlowNode*> steps(const Process& p) {
  std::vector<const FlowNode*> out;
  for (const auto& row : raci_matrix(p).rows) out.push_back(row.step);
  return out;
}

}  // namespace

bool StepChange::raci_changed() const { return kind == Kind::changed && !same(raci_before, raci_after); }

const char* to_string(StepChange::Kind kind) {
  switch (kind) {
    case StepChange::Kind::added: return "added";
    case StepChange::Kind::removed: return "removed";
    case StepChange::Kind::changed: return "changed";
  }
  return "changed";
}

std::vector<StepChange> compare_steps(const Process& before, const Process& after) {
  std::map<std::string, const FlowNode*> old_steps, new_steps;
  auto old_order = steps(before), new_order = steps(after);
  for (const auto* n : old_order) old_steps[n->id] = n;
  for (const auto* n : new_order) new_steps[n->id] = n;
  std::vector<StepChange> out;
  for (const auto* n : new_order) {
    auto was = old_steps.find(n->id);
    if (was == old_steps.end()) {
      out.push_back({StepChange::Kind::added, n->id, "", n->name, {}, n->raci});
      continue;
    }
    StepChange c{StepChange::Kind::changed, n->id, was->second->name, n->name, was->second->raci, n->raci};
    if (c.renamed() || c.raci_changed()) out.push_back(std::move(c));
  }
  for (const auto* n : old_order)
    if (!new_steps.count(n->id)) out.push_back({StepChange::Kind::removed, n->id, n->name, "", n->raci, {}});
  return out;
}

}  // namespace raciflow::definitions

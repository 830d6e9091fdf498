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

std::string rule_line(const DecisionTable& table, const DmnRule& rule) {
  auto cell = [](const std::string& text) { return text.empty() ? std::string("-") : text; };
  std::string line;
  for (std::size_t i = 0; i < rule.inputs.size() && i < table.inputs.size(); ++i) {
    if (cell(rule.inputs[i]) == "-") continue;
    const auto& in = table.inputs[i];
    line += (line.empty() ? "" : ", ") + (in.label.empty() ? in.expression : in.label) + ": " + rule.inputs[i];
  }
  line = (line.empty() ? "-" : line) + " →";
  for (std::size_t i = 0; i < rule.outputs.size() && i < table.outputs.size(); ++i) {
    const auto& out = table.outputs[i];
    std::string name = out.label.empty() ? out.name : out.label;
    line += (i ? ", " : " ") + (name.empty() ? std::string() : name + ": ") + cell(rule.outputs[i]);
  }
  if (!rule.description.empty()) line += " (" + rule.description + ")";
  return line;
}

namespace {

struct TableRules {
  const Decision* decision = nullptr;
  std::vector<std::pair<std::string, const DmnRule*>> rules;  // key, rule
};

std::map<std::string, TableRules> tables_of(const DecisionModel& model) {
  std::map<std::string, TableRules> out;
  for (const auto& d : model.decisions) {
    if (!d.logic.table) continue;
    TableRules& t = out[d.id];
    t.decision = &d;
    for (std::size_t i = 0; i < d.logic.table->rules.size(); ++i) {
      const DmnRule& r = d.logic.table->rules[i];
      t.rules.emplace_back(r.id.empty() ? "#" + std::to_string(i + 1) : r.id, &r);
    }
  }
  return out;
}

const DmnRule* find_rule(const TableRules* t, const std::string& key, int* number) {
  if (!t) return nullptr;
  for (std::size_t i = 0; i < t->rules.size(); ++i)
    if (t->rules[i].first == key) {
      *number = static_cast<int>(i) + 1;
      return t->rules[i].second;
    }
  return nullptr;
}

}  // namespace

std::vector<RuleChange> compare_rules(const DecisionModel& before, const DecisionModel& after) {
  auto old_tables = tables_of(before), new_tables = tables_of(after);
  auto table_in = [](const std::map<std::string, TableRules>& m, const std::string& id) -> const TableRules* {
    auto it = m.find(id);
    return it == m.end() ? nullptr : &it->second;
  };
  std::vector<RuleChange> out;
  for (const auto& d : after.decisions) {
    const TableRules* now = table_in(new_tables, d.id);
    if (!now) continue;
    const TableRules* was = table_in(old_tables, d.id);
    for (std::size_t i = 0; i < now->rules.size(); ++i) {
      const auto& [key, rule] = now->rules[i];
      int old_number = 0;
      const DmnRule* old = find_rule(was, key, &old_number);
      std::string line = rule_line(*d.logic.table, *rule);
      std::string old_line = old ? rule_line(*was->decision->logic.table, *old) : "";
      if (old && old_line == line) continue;
      out.push_back({old ? StepChange::Kind::changed : StepChange::Kind::added, d.id, d.name, key, static_cast<int>(i) + 1, old_line, line});
    }
  }
  for (const auto& d : before.decisions) {
    const TableRules* was = table_in(old_tables, d.id);
    if (!was) continue;
    const TableRules* now = table_in(new_tables, d.id);
    for (std::size_t i = 0; i < was->rules.size(); ++i) {
      int number = 0;
      if (find_rule(now, was->rules[i].first, &number)) continue;
      out.push_back({StepChange::Kind::removed, d.id, d.name, was->rules[i].first, static_cast<int>(i) + 1,
                     rule_line(*d.logic.table, *was->rules[i].second), ""});
    }
  }
  return out;
}

}  // namespace raciflow::definitions

#include "definitions/form.h"

#include <algorithm>
#include <regex>
#include <set>

namespace raciflow::definitions {

namespace {

bool is_decision(NodeKind kind) { return kind == NodeKind::exclusive_gateway || kind == NodeKind::inclusive_gateway; }

// What the condition compares `name` with decides the field's type: true/false, a
// number, or string literals (which become the options).
void learn(FormField& field, const std::string& condition) {
  static const std::string ops = R"(\s*(==|!=|<=|>=|<|>)\s*)";
  const std::regex literal("(^|[^A-Za-z0-9_.])" + field.name + ops + R"((true|false|-?[0-9]+(\.[0-9]+)?|'[^']*'|"[^"]*"))");
  for (std::sregex_iterator it(condition.begin(), condition.end(), literal), end; it != end; ++it) {
    std::string value = (*it)[3];
    if (value == "true" || value == "false") {
      field.type = "boolean";
    } else if (value.front() == '\'' || value.front() == '"') {
      if (field.type.empty() || field.type == "string") {
        field.type = "string";
        std::string text = value.substr(1, value.size() - 2);
        if (std::find(field.options.begin(), field.options.end(), text) == field.options.end()) field.options.push_back(text);
      }
    } else if (field.type.empty()) {
      field.type = "number";
    }
  }
}

}  // namespace

std::vector<FormField> form_fields(const Process& process, const std::string& node_id) {
  std::vector<FormField> fields;
  auto add = [&](const Expression& expression, const std::string& text) {
    for (const auto& variable : expression.variables()) {
      std::string name = variable.substr(0, variable.find('.'));
      auto it = std::find_if(fields.begin(), fields.end(), [&](const FormField& f) { return f.name == name; });
      if (it == fields.end()) {
        fields.push_back({name, "", {}, {}});
        it = fields.end() - 1;
      }
      if (std::find(it->used_in.begin(), it->used_in.end(), text) == it->used_in.end()) it->used_in.push_back(text);
      learn(*it, text);
    }
  };
  const FlowNode* start = process.find_node(node_id);
  if (!start) return fields;
  if (start->gap && start->gap->when) add(*start->gap->when, start->gap->when_text);
  // Breadth first through the gateways right after the step.
  std::vector<const FlowNode*> frontier{start};
  std::set<const FlowNode*> seen{start};
  while (!frontier.empty()) {
    const FlowNode* node = frontier.front();
    frontier.erase(frontier.begin());
    for (int f : node->outgoing) {
      const SequenceFlow& flow = process.flows[static_cast<std::size_t>(f)];
      if (flow.condition && flow.condition->compiled) add(*flow.condition->compiled, flow.condition->text);
      const FlowNode* next = process.find_node(flow.target_ref);
      if (next && is_decision(next->kind) && seen.insert(next).second) frontier.push_back(next);
    }
  }
  for (auto& f : fields)
    if (f.type.empty()) f.type = "string";
  return fields;
}

}  // namespace raciflow::definitions

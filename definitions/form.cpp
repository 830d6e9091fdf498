#include "definitions/form.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <set>

#include "definitions/form_schema.h"

namespace raciflow::definitions {

namespace {

bool is_decision(NodeKind kind) {
  return kind == NodeKind::exclusive_gateway || kind == NodeKind::inclusive_gateway || kind == NodeKind::complex_gateway;
}

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

// "instructionFollowed" -> "Instruction followed"; "needs_review" -> "Needs review".
std::string in_words(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_') {
      out += ' ';
    } else if (std::isupper(static_cast<unsigned char>(c)) && i > 0) {
      out += ' ';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// A condition written in FEEL ("=severity = \"high\"", as Camunda Modeler writes it) in the
// condition language, where the patterns here can read it; others as written.
std::string in_condition_language(const std::string& condition) {
  if (condition.empty() || condition.front() != '=') return condition;
  std::string error;
  return feel_condition(condition, error).value_or(condition);
}

// The variable and the literal of a condition that is one comparison `v == X`, if it is.
std::optional<std::pair<std::string, std::string>> single_test(const std::string& written) {
  const std::string condition = in_condition_language(written);
  static const std::regex test(R"re(\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*(true|false|-?[0-9]+(\.[0-9]+)?|'([^']*)'|"([^"]*)")\s*)re");
  std::smatch m;
  if (!std::regex_match(condition, m, test)) return std::nullopt;
  std::string value = m[4].matched ? m[4].str() : m[5].matched ? m[5].str() : m[2].str();
  return std::pair{m[1].str(), value};
}

void name_answer(FormField& field, const std::string& value, const std::string& label) {
  if (label.empty()) return;
  for (const auto& [v, l] : field.answers)
    if (v == value) return;  // the first flow to name a value keeps it
  field.answers.push_back({value, label});
}

// Questions and answers from the gateway `g`, whose outgoing flows' conditions read the fields.
void label_from(const Process& process, const FlowNode& g, std::vector<FormField>& fields) {
  std::set<std::string> read;
  for (int f : g.outgoing) {
    const SequenceFlow& flow = process.flows[static_cast<std::size_t>(f)];
    if (flow.condition && flow.condition->compiled)
      for (const auto& v : flow.condition->compiled->variables()) read.insert(v.substr(0, v.find('.')));
  }
  if (read.size() != 1) return;  // a decision on several variables names none of them
  auto field = std::find_if(fields.begin(), fields.end(), [&](const FormField& f) { return f.name == *read.begin(); });
  if (field == fields.end()) return;
  if (field->label.empty()) field->label = g.label.empty() ? g.name : g.label;
  std::vector<std::string> tested;
  for (int f : g.outgoing) {
    const SequenceFlow& flow = process.flows[static_cast<std::size_t>(f)];
    if (!flow.condition) continue;
    if (auto t = single_test(flow.condition->text); t && t->first == field->name) {
      name_answer(*field, t->second, flow.label.empty() ? flow.name : flow.label);
      tested.push_back(t->second);
    }
  }
  // A yes/no question decided by one flow: the default flow takes the other answer.
  if (field->type == "boolean" && tested.size() == 1 && !g.default_flow.empty())
    for (int f : g.outgoing) {
      const SequenceFlow& flow = process.flows[static_cast<std::size_t>(f)];
      if (flow.id == g.default_flow)
        name_answer(*field, tested.front() == "true" ? "false" : "true", flow.label.empty() ? flow.name : flow.label);
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
        fields.push_back({name, "", {}, {}, "", {}});
        it = fields.end() - 1;
      }
      if (std::find(it->used_in.begin(), it->used_in.end(), text) == it->used_in.end()) it->used_in.push_back(text);
      learn(*it, in_condition_language(text));
    }
  };
  const FlowNode* start = process.find_node(node_id);
  if (!start) return fields;
  if (start->gap && start->gap->when) add(*start->gap->when, start->gap->when_text);
  // Breadth first through the gateways right after the step.
  std::vector<const FlowNode*> frontier{start};
  std::set<const FlowNode*> seen{start};
  std::vector<const FlowNode*> gateways;
  while (!frontier.empty()) {
    const FlowNode* node = frontier.front();
    frontier.erase(frontier.begin());
    for (int f : node->outgoing) {
      const SequenceFlow& flow = process.flows[static_cast<std::size_t>(f)];
      if (flow.condition && flow.condition->compiled) add(*flow.condition->compiled, flow.condition->text);
      const FlowNode* next = process.find_node(flow.target_ref);
      // A multi-instance step next iterates over a list that this step must give: with
      // raci:roleFromElement, the roles (units) to route one task each to.
      if (next && next->multi && next->multi->role_from_element &&
          std::none_of(fields.begin(), fields.end(), [&](const FormField& f) { return f.name == next->multi->collection; }))
        fields.push_back({next->multi->collection, "roles", {}, {"one task per role at '" + (next->name.empty() ? next->id : next->name) + "'"}, "", {}});
      if (next && is_decision(next->kind) && seen.insert(next).second) {
        frontier.push_back(next);
        gateways.push_back(next);
      }
    }
  }
  for (auto& f : fields)
    if (f.type.empty()) f.type = "string";
  for (const FlowNode* g : gateways) label_from(process, *g, fields);
  for (auto& f : fields)
    if (f.label.empty()) f.label = in_words(f.name);
  return fields;
}

namespace {

// Nothing of these sets a variable: a path walks back through them to the step before.
bool sets_nothing(NodeKind kind) {
  return is_decision(kind) || kind == NodeKind::parallel_gateway || kind == NodeKind::event_based_gateway ||
         kind == NodeKind::task || kind == NodeKind::intermediate_throw_event;
}

std::string named(const FlowNode& n) { return n.name.empty() ? n.id : "'" + n.name + "' (" + n.id + ")"; }

}  // namespace

std::vector<UnsetVariable> unset_condition_variables(
    const Process& process, const std::function<std::optional<std::set<std::string>>(const std::string&)>& form_keys) {
  std::vector<UnsetVariable> out;
  for (const auto& flow : process.flows) {
    if (!flow.condition || !flow.condition->compiled) continue;
    const FlowNode* gateway = process.find_node(flow.source_ref);
    if (!gateway || !is_decision(gateway->kind)) continue;
    // The steps before the gateway.
    std::vector<const FlowNode*> steps, frontier{gateway};
    std::set<const FlowNode*> seen{gateway};
    while (!frontier.empty()) {
      const FlowNode* node = frontier.back();
      frontier.pop_back();
      for (int f : node->incoming) {
        const FlowNode* before = process.find_node(process.flows[static_cast<std::size_t>(f)].source_ref);
        if (!before || !seen.insert(before).second) continue;
        // A business-rule task that names no decision passes through, setting nothing.
        if (sets_nothing(before->kind) || (before->kind == NodeKind::business_rule_task && !before->called_decision))
          frontier.push_back(before);
        else steps.push_back(before);
      }
    }
    std::set<std::string> names;
    for (const auto& variable : flow.condition->compiled->variables()) names.insert(variable.substr(0, variable.find('.')));
    for (const FlowNode* step : steps) {
      if (step->kind != NodeKind::user_task && step->kind != NodeKind::manual_task) continue;
      std::set<std::string> sets;
      for (const auto& f : form_fields(process, step->id)) sets.insert(f.name);
      if (!step->form.empty())
        if (auto keys = form_keys(step->form)) sets.insert(keys->begin(), keys->end());
      for (const auto& name : names) {
        if (sets.count(name)) continue;
        out.push_back({flow.line, flow.id, gateway->id, name, step->id,
                       "the condition '" + flow.condition->text + "' after " + named(*gateway) + " reads '" + name +
                           "', which neither a form field nor a decision of the step before, " + named(*step) + ", sets"});
      }
    }
  }
  return out;
}

}  // namespace raciflow::definitions

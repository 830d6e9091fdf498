// DMN decision models (DMN 1.2 to 1.5, `.dmn`, any namespace prefix), read as far as
// raciflow evaluates them: decisions with a decision table, a literal expression or an
// invocation of a business knowledge model, their input data, item definitions and
// requirements. This is the structure only: what the table's cells say (S-FEEL) is
// compiled and evaluated elsewhere. A mistake is a FILE:LINE: error, as for BPMN; an
// element of a level raciflow does not evaluate (a context, a relation, a function
// definition ...) is refused by name, never loaded and ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "definitions/diagnostics.h"

namespace raciflow::definitions {

enum class HitPolicy { unique, any, priority, first, rule_order, output_order, collect };
enum class Aggregation { none, sum, min, max, count };

const char* hit_policy_name(HitPolicy policy);

struct DmnInput {
  std::string id, label;
  std::string expression;  // the input expression's text
  std::string type_ref;
  std::string allowed;     // inputValues, as unary tests; empty: any
  int line = 0;
};

struct DmnOutput {
  std::string id, name, label, type_ref;
  std::string allowed;        // outputValues: the values in priority order (PRIORITY, OUTPUT ORDER)
  std::string default_value;  // defaultOutputEntry; empty: none
  int line = 0;
};

struct DmnRule {
  std::string id, description;
  std::vector<std::string> inputs;   // unary tests, one per input
  std::vector<std::string> outputs;  // expressions, one per output
  int line = 0;
};

struct DecisionTable {
  HitPolicy hit_policy = HitPolicy::unique;
  Aggregation aggregation = Aggregation::none;
  std::vector<DmnInput> inputs;
  std::vector<DmnOutput> outputs;
  std::vector<DmnRule> rules;
  int line = 0;
};

struct LiteralExpression {
  std::string text, type_ref;
  int line = 0;
};

// A decision that invokes a business knowledge model: each parameter bound to an expression.
struct Invocation {
  std::string knowledge;  // the model's id
  std::vector<std::pair<std::string, LiteralExpression>> bindings;
  int line = 0;
};

// What a decision or a business knowledge model computes: exactly one of these.
struct DecisionLogic {
  std::optional<DecisionTable> table;
  std::optional<LiteralExpression> literal;
  std::optional<Invocation> invocation;
};

struct Decision {
  std::string id, name;
  std::string variable, type_ref;  // <variable name typeRef>; the name defaults to the decision's
  std::vector<std::string> required_decisions, required_inputs, required_knowledge;  // ids
  DecisionLogic logic;
  int line = 0;
};

struct InputData {
  std::string id, name, type_ref;
  int line = 0;
};

struct KnowledgeModel {
  std::string id, name;
  std::vector<std::pair<std::string, std::string>> parameters;  // name, typeRef
  DecisionLogic logic;  // a table or a literal expression
  int line = 0;
};

struct ItemDefinition {
  std::string name, type_ref;
  std::string allowed;  // allowedValues, as unary tests
  bool collection = false;
  int line = 0;
};

struct DecisionModel {
  std::string file, id, name, ns;
  std::vector<Decision> decisions;
  std::vector<InputData> inputs;
  std::vector<KnowledgeModel> knowledge;
  std::vector<ItemDefinition> items;

  // By id, else by name (names may hold spaces).
  const Decision* find(std::string_view id_or_name) const;
  const KnowledgeModel* find_knowledge(std::string_view id) const;
  // The decisions `decision` requires, each before those that require it, and it last.
  std::vector<const Decision*> evaluation_order(const Decision& decision) const;
};

// Whether `text` looks like a DMN file (a root `definitions` in a DMN model namespace).
bool is_dmn(std::string_view text);

std::optional<DecisionModel> load_dmn_text(std::string_view text, const std::string& file, Diagnostics& diagnostics);
std::optional<DecisionModel> load_dmn_file(const std::string& path, Diagnostics& diagnostics);

}  // namespace raciflow::definitions

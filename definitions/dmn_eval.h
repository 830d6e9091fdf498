// Evaluating a DMN decision model (definitions/dmn.h) whose cells are S-FEEL
// (definitions/feel.h): every cell is compiled once, with the table, rule and column of any
// cell that is not S-FEEL; a decision is then evaluated after the decisions it requires,
// by its table's hit policy. A violated UNIQUE or ANY, or an aggregation over values that
// are not numbers, is an error of the evaluation, never a silent pick.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/diagnostics.h"
#include "definitions/dmn.h"
#include "definitions/model.h"

namespace raciflow::definitions {

struct MatchedRule {
  std::string decision;  // the decision's id (or a business knowledge model's)
  int rule = 0;          // 1-based, in the table's order
  std::string rule_id;
};

struct DecisionOutcome {
  std::string error;           // set when the evaluation failed; then result is null
  nlohmann::json result;       // a value; an object for several outputs; a list for RULE ORDER, OUTPUT ORDER and COLLECT
  nlohmann::json inputs = nlohmann::json::object();  // what the tables read: "decision/input label" -> value
  std::vector<MatchedRule> matched;                  // in evaluation order
  bool ok() const { return error.empty(); }
};

// The matched rules as the trail and the API show them: [{decision, rule, id}].
nlohmann::json matched_json(const std::vector<MatchedRule>& matched);

class DecisionEngine {
 public:
  // Compiles every cell of `model`; nullopt, with each cell that is not S-FEEL in
  // `diagnostics` (on its rule's line), when any is not.
  static std::optional<DecisionEngine> compile(const DecisionModel& model, Diagnostics& diagnostics);

  // Evaluates `decision` (an id or a name) over `variables`, the decisions it requires first.
  DecisionOutcome evaluate(std::string_view decision, const nlohmann::json& variables) const;

  const DecisionModel& model() const;

  struct Compiled;  // the model and its compiled cells (dmn_eval.cpp)

 private:
  std::shared_ptr<const Compiled> compiled_;
};

// A decision's result in the shape a business-rule task asks for: as DMN gives it, or as
// Camunda 7's camunda:mapDecisionResult names (resultList: an object per matched rule;
// singleResult: that object for at most one rule; singleEntry: its one value;
// collectEntries: the values of a one-output table). nullopt, with `error`, when the
// result does not fit the shape (two rules matched for a single result).
std::optional<nlohmann::json> shape_result(const Decision& decision, const nlohmann::json& result, CalledDecision::Mapping mapping,
                                           std::string* error);

}  // namespace raciflow::definitions

// What changes between two versions of a process, step by step: the table a modeller
// reads before deploying a new version. Steps are the activities (the rows of the RACI
// matrix), matched by id.
#pragma once

#include <string>
#include <vector>

#include "definitions/dmn.h"
#include "definitions/model.h"

namespace raciflow::definitions {

struct StepChange {
  enum class Kind { added, removed, changed };
  Kind kind = Kind::changed;
  std::string step;                       // the activity's id
  std::string name_before, name_after;    // empty on the side where the step is not
  Raci raci_before, raci_after;
  bool renamed() const { return kind == Kind::changed && name_before != name_after; }
  bool raci_changed() const;
};

const char* to_string(StepChange::Kind kind);

// The steps of `after` that are new or differ in name or RACI, in its flow order, then
// the steps of `before` that are gone, in its flow order. Unchanged steps are left out.
std::vector<StepChange> compare_steps(const Process& before, const Process& after);

// What changes in a decision model's tables: the rules a modeller adds, removes or edits,
// matched by the rule's id (dmn-js gives every rule one), else by its place in the table.
struct RuleChange {
  StepChange::Kind kind = StepChange::Kind::changed;
  std::string decision, decision_name;  // the decision whose table holds the rule
  std::string rule;                     // the rule's id, or "#N" for an unnamed rule
  int number = 0;                       // the rule's row (1-based) in the table after, else before
  std::string before, after;            // the rule as one line ("Score: [4..7] → Risk level: \"medium\""); empty where it is not
};

// The rules of `after`'s decision tables that are new or differ in an entry or in their
// description, then those of `before` that are gone, decision by decision.
std::vector<RuleChange> compare_rules(const DecisionModel& before, const DecisionModel& after);
// The rule as a line, its columns named by their labels (else their expressions or names).
std::string rule_line(const DecisionTable& table, const DmnRule& rule);

}  // namespace raciflow::definitions

// What changes between two versions of a process, step by step: the table a modeller
// reads before deploying a new version. Steps are the activities (the rows of the RACI
// matrix), matched by id.
#pragma once

#include <string>
#include <vector>

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

}  // namespace raciflow::definitions

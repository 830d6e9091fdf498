// Where the engine finds the DMN decisions that business-rule tasks evaluate. The runtime
// keeps the deployed decision models and answers from them; the engine only evaluates, so
// that it stays pure: the same case, command and decision models give the same events.
#pragma once

#include <memory>
#include <string>

namespace raciflow::definitions {
class DecisionEngine;
}

namespace raciflow::engine {

struct FoundDecision {
  std::shared_ptr<const definitions::DecisionEngine> model;  // null: not found, and `error` says why
  std::string model_id;  // the DMN file's definitions id
  int version = 0;       // its deployed version
  std::string error;
};

class DecisionSource {
 public:
  virtual ~DecisionSource() = default;
  // The decision by its id, else its name; `version` 0: in the latest deployed version of
  // the model that holds it, else in that version.
  virtual FoundDecision find(const std::string& decision, int version) const = 0;
};

}  // namespace raciflow::engine

// What a person must decide to complete a step: the variables that the conditions after
// it read (through the gateways that follow directly), and the yes/no question of a
// checklist step (raci:gap). Forms in the web app are built from this.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "definitions/model.h"

namespace raciflow::definitions {

struct FormField {
  std::string name;                  // the variable
  std::string type;                  // "boolean", "number", "string", or "roles" (a list of role ids)
  std::vector<std::string> options;  // for strings: the values the conditions compare with
  std::vector<std::string> used_in;  // the conditions that read it, as written
  // What a person reads: the name of the gateway that decides on this variable alone
  // (e.g. "Must the committee decide?"), else the variable's name in words
  // ("instructionFollowed": "Instruction followed").
  std::string label;
  // Names for its values, from the flows that a value takes: "true" -> "yes", or
  // "fix" -> "Fix it now". A flow `v == X` names X; a gateway's default flow names the
  // other value of a yes/no question decided by one such flow.
  std::vector<std::pair<std::string, std::string>> answers;
};

// In order of first use. Empty for a step with no decision after it.
std::vector<FormField> form_fields(const Process& process, const std::string& node_id);

// A condition after a gateway that reads a variable which the step before it cannot set:
// walking back from the gateway over gateways, tasks that pass through and throw events,
// a user or manual task reached sets a variable only through its decision fields and its
// form's keys. Other steps (starts, catches, calls, automated tasks) may set anything.
struct UnsetVariable {
  int line = 0;          // the flow's
  std::string flow, gateway, variable, step;  // ids
  std::string message;   // for people, by names
};
// `form_keys` gives the keys of a form by id (nullopt: not known).
std::vector<UnsetVariable> unset_condition_variables(
    const Process& process, const std::function<std::optional<std::set<std::string>>(const std::string&)>& form_keys);

}  // namespace raciflow::definitions

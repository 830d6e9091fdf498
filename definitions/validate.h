// Validation of loaded definitions as graphs: structure (starts, ends, reachability,
// references), gateways, RACI and the raciflow extension. Each finding is reported on the
// line of the offending element. See docs/definition-format.md for the full list.
#pragma once

#include <set>
#include <string>

#include "definitions/diagnostics.h"
#include "definitions/model.h"

namespace raciflow::definitions {

struct ValidationOptions {
  // Process ids that call activities may call (every process of the loaded files).
  // When null, call activities are not resolved: a single-file view such as `raci`
  // does not need the callee.
  const std::set<std::string>* callable_processes = nullptr;
  // The organisation's role ids. A RACI attribute may name any of them, lane or not; a
  // lane's role outside them is a warning (its tasks reach no one). When null, a role
  // that is no lane's is reported as not checked (a warning), not as an error.
  const std::set<std::string>* organisation_roles = nullptr;
};

void validate(const Definitions& definitions, Diagnostics& diagnostics, const ValidationOptions& options = {});

}  // namespace raciflow::definitions

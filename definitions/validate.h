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
};

void validate(const Definitions& definitions, Diagnostics& diagnostics, const ValidationOptions& options = {});

}  // namespace raciflow::definitions

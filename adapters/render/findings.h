// Findings about a definition as JSON, the same for `raciflow validate --json` and the
// API's validation: {"file", "line", "severity", "message", "element"} per finding, with
// `element` the id of the element it is about, or null.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "definitions/diagnostics.h"

namespace raciflow::render {

nlohmann::json finding_json(const definitions::Diagnostic& finding);

}  // namespace raciflow::render

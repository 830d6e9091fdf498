// XML -> model. The loader reads a BPMN 2.0 file (any prefix, or the default namespace;
// UTF-8 or ISO-8859-1) with the raciflow extension and builds a Definitions model.
//
// It reports on the file itself: unreadable or malformed input, a root that is not BPMN,
// duplicate ids, conditions that do not compile, bad ISO 8601 texts, and every element
// it does not know or will not execute (as a warning with the element's line). Checks
// that need the whole graph belong to validate.h.
//
// Returns std::nullopt only when nothing sensible can be built (unreadable, malformed,
// not BPMN); otherwise a model, even when errors were reported, so that validation can
// report more in the same run.
#pragma once

#include <optional>
#include <string>

#include "definitions/diagnostics.h"
#include "definitions/model.h"

namespace raciflow::definitions {

std::optional<Definitions> load_file(const std::string& path, Diagnostics& diagnostics);
// `name` stands for the file in findings.
std::optional<Definitions> load_text(std::string xml, const std::string& name, Diagnostics& diagnostics);

}  // namespace raciflow::definitions

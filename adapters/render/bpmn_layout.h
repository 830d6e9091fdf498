// Diagram interchange for definitions written by hand: `raciflow layout` computes a
// BPMNDiagram (pool, one horizontal band per lane, shapes and orthogonal edges) so that
// the file opens with a readable drawing in bpmn.io or Camunda Modeler.
//
// Columns follow the flow (longest path from the starts, loops drawn back underneath),
// rows are the lanes in document order; boundary events sit on their host's lower edge.
#pragma once

#include <string>

#include "definitions/model.h"

namespace raciflow::render {

// `source` is the file's text and `definitions` what the loader made of it. Returns the
// text with every existing BPMNDiagram replaced by a generated one. Throws
// std::runtime_error (one line) for what it cannot draw: embedded sub-processes.
std::string layout_bpmn(const std::string& source, const definitions::Definitions& definitions);

}  // namespace raciflow::render

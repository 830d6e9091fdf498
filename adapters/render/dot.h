// A process as Graphviz DOT: one cluster per lane (nested lanes nested), a cluster per
// expanded sub-process, BPMN-like shapes. `dot -Tsvg` gives a readable picture.
#pragma once

#include <string>

#include "definitions/model.h"

namespace raciflow::render {

std::string render_dot(const definitions::Process& process);

}  // namespace raciflow::render

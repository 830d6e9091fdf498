// A process as an SVG picture for the web app: pool, lanes, steps, gateways, events and
// flows, drawn where the file's BPMNDI puts them; a file without a diagram for the
// process is laid out first (bpmn_layout.h). States of a running case are CSS classes
// on each step's <g data-node="ID">: done, active, overdue, incident.
#pragma once

#include <set>
#include <string>

#include "definitions/model.h"

namespace raciflow::render {

struct DiagramMarks {
  std::set<std::string> done, active, overdue, incident;  // node ids
};

// `source` is the file's text, `definitions` what the loader made of it. Never empty:
// when even the layout cannot draw the process, the steps are drawn in lane rows.
std::string process_svg(const std::string& source, const definitions::Definitions& definitions,
                        const std::string& process_id, const DiagramMarks& marks = {});

}  // namespace raciflow::render

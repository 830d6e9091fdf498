// The RACI matrix of a process: rows are its activities in flow order, columns its roles
// (lanes) in document order, cells the letters each role holds for the step.
#pragma once

#include <string>
#include <vector>

#include "definitions/model.h"

namespace raciflow::definitions {

struct RaciRow {
  const FlowNode* step = nullptr;
  std::vector<std::string> cells;  // one per column: "R/A", "C", "I", "" ...
};

struct RaciMatrix {
  const Process* process = nullptr;
  std::vector<Role> columns;
  std::vector<RaciRow> rows;
};

RaciMatrix raci_matrix(const Process& process);

// The letters `role` holds in `raci`, in R, A, C, I order joined by '/': "R/A", "C", "".
std::string raci_cell(const Raci& raci, const std::string& role);

}  // namespace raciflow::definitions

#include "definitions/raci.h"

#include <algorithm>

#include "definitions/process_graph.h"

namespace raciflow::definitions {

std::string raci_cell(const Raci& raci, const std::string& role) {
  auto holds = [&](const std::vector<std::string>& roles) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  std::string cell;
  auto add = [&](const char* letter) {
    if (!cell.empty()) cell += '/';
    cell += letter;
  };
  if (holds(raci.responsible)) add("R");
  if (holds(raci.accountable)) add("A");
  if (holds(raci.consulted)) add("C");
  if (holds(raci.informed)) add("I");
  return cell;
}

RaciMatrix raci_matrix(const Process& process) {
  RaciMatrix matrix;
  matrix.process = &process;
  matrix.columns = process.roles;
  // Roles that are no lane's (top management Accountable, the committee Consulted) get a
  // column of their own after the lanes', in the order the steps first name them.
  for (const FlowNode& node : process.nodes)
    for (const auto* list : {&node.raci.responsible, &node.raci.accountable, &node.raci.consulted, &node.raci.informed})
      for (const auto& id : *list)
        if (std::none_of(matrix.columns.begin(), matrix.columns.end(), [&](const Role& r) { return r.id == id; }))
          matrix.columns.push_back({id, "", node.line});
  ProcessGraph graph(process);
  for (int index : graph.flow_order()) {
    const FlowNode& node = process.nodes[index];
    if (!is_activity(node.kind)) continue;
    RaciRow row;
    row.step = &node;
    for (const Role& role : matrix.columns) row.cells.push_back(raci_cell(node.raci, role.id));
    matrix.rows.push_back(std::move(row));
  }
  return matrix;
}

}  // namespace raciflow::definitions

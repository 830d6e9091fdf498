// A process as a directed graph (Boost.Graph): one vertex per flow node, one edge per
// sequence flow, plus the implicit edges that BPMN's nesting implies:
//   attach      activity -> each boundary event attached to it
//   enter       sub-process -> its start events (and its event sub-processes)
//   complete    a node where a path inside a sub-process ends -> that sub-process
//   link        link throw event -> the link catch event of the same name
// Reachability from the starts uses flow, attach, enter and link edges; "can reach an
// end" uses flow, attach, complete and link edges, with paths that end at process level
// as the ends. Boost stays out of this header so that its users compile quickly.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "definitions/model.h"

namespace raciflow::definitions {

class ProcessGraph {
 public:
  explicit ProcessGraph(const Process& process);
  ~ProcessGraph();
  ProcessGraph(const ProcessGraph&) = delete;
  ProcessGraph& operator=(const ProcessGraph&) = delete;

  std::size_t vertex_count() const;
  std::size_t flow_edge_count() const;

  // Nodes a token can reach from a start event of the process, indexed like Process::nodes.
  std::vector<bool> reachable_from_start() const;
  // Nodes from which some path leads to the end of the process.
  std::vector<bool> can_reach_end() const;
  // All node indices in flow order: each node before the nodes it leads to (loops
  // aside), a sub-process before its content, first branches first; unreachable nodes
  // last in document order.
  std::vector<int> flow_order() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace raciflow::definitions

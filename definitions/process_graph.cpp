#include "definitions/process_graph.h"

#include <algorithm>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>

namespace raciflow::definitions {

namespace {

enum class EdgeKind { flow, attach, enter, complete, link };

struct EdgeData {
  EdgeKind kind = EdgeKind::flow;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, EdgeData>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

struct ForwardEdges {
  const Graph* g = nullptr;
  bool operator()(const Edge& e) const { return (*g)[e].kind != EdgeKind::complete; }
};

struct TowardEndEdges {
  const Graph* g = nullptr;
  bool operator()(const Edge& e) const { return (*g)[e].kind != EdgeKind::enter; }
};

template <typename G>
std::vector<bool> reach(const G& graph, const std::vector<Vertex>& sources, std::size_t n) {
  std::vector<boost::default_color_type> colors(n, boost::white_color);
  auto color_map = boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph));
  boost::queue<Vertex> queue;
  for (Vertex s : sources) {
    if (colors[s] != boost::white_color) continue;
    boost::breadth_first_visit(graph, s, queue, boost::default_bfs_visitor{}, color_map);
  }
  std::vector<bool> seen(n);
  for (std::size_t i = 0; i < n; ++i) seen[i] = colors[i] != boost::white_color;
  return seen;
}

struct FinishRecorder : boost::default_dfs_visitor {
  std::vector<int>* finished;
  explicit FinishRecorder(std::vector<int>* out) : finished(out) {}
  template <typename V, typename G>
  void finish_vertex(V v, const G&) const { finished->push_back(static_cast<int>(v)); }
};

}  // namespace

struct ProcessGraph::Impl {
  const Process& process;
  Graph graph;
  std::size_t flow_edges = 0;
  std::vector<Vertex> roots;  // document order
  std::vector<Vertex> ends;

  explicit Impl(const Process& p) : process(p), graph(p.nodes.size()) {
    const auto& nodes = p.nodes;
    const int n = static_cast<int>(nodes.size());
    std::vector<std::vector<int>> boundaries(n), inner_entries(n);
    for (int i = 0; i < n; ++i) {
      const FlowNode& node = nodes[i];
      if (node.kind == NodeKind::boundary_event) {
        int host = p.node_index(node.attached_to);
        if (host >= 0) boundaries[host].push_back(i);
      }
      // Entered when its scope starts: start events, and event sub-processes (which the
      // engine arms when their scope starts).
      // The activities of an ad-hoc sub-process that no flow leads to are all enabled when it begins.
      bool ad_hoc_entry = node.parent >= 0 && nodes[node.parent].kind == NodeKind::ad_hoc_sub_process && is_activity(node.kind) &&
                          node.incoming.empty();
      bool entry = node.kind == NodeKind::start_event || node.triggered_by_event || (node.instantiate && node.incoming.empty()) ||
                   ad_hoc_entry;
      if (entry && node.parent >= 0) inner_entries[node.parent].push_back(i);
      if (entry && node.parent < 0) roots.push_back(i);
      if (node.is_for_compensation && node.incoming.empty()) roots.push_back(i);
    }
    // Out-edges are added in the reverse of the order flow_order() should show them,
    // because a depth-first search's reverse postorder shows the last-visited branch first.
    for (int i = 0; i < n; ++i) {
      const FlowNode& node = nodes[i];
      for (auto it = boundaries[i].rbegin(); it != boundaries[i].rend(); ++it)
        boost::add_edge(i, *it, EdgeData{EdgeKind::attach}, graph);
      for (auto it = node.outgoing.rbegin(); it != node.outgoing.rend(); ++it) {
        const SequenceFlow& flow = p.flows[*it];
        if (flow.target < 0) continue;
        boost::add_edge(i, flow.target, EdgeData{EdgeKind::flow}, graph);
        ++flow_edges;
      }
      for (auto it = inner_entries[i].rbegin(); it != inner_entries[i].rend(); ++it)
        boost::add_edge(i, *it, EdgeData{EdgeKind::enter}, graph);
      bool link_throw = node.kind == NodeKind::intermediate_throw_event && node.trigger == EventTrigger::link;
      if (link_throw) {
        for (int j = 0; j < n; ++j) {
          const FlowNode& other = nodes[j];
          if (other.kind == NodeKind::intermediate_catch_event && other.trigger == EventTrigger::link &&
              other.parent == node.parent && other.link_name == node.link_name)
            boost::add_edge(i, j, EdgeData{EdgeKind::link}, graph);
        }
      }
      bool path_ends = node.outgoing.empty() && !link_throw;
      if (path_ends && node.parent >= 0) boost::add_edge(i, node.parent, EdgeData{EdgeKind::complete}, graph);
      if (path_ends && node.parent < 0) ends.push_back(i);
    }
  }
};

ProcessGraph::ProcessGraph(const Process& process) : impl_(std::make_unique<Impl>(process)) {}
ProcessGraph::~ProcessGraph() = default;

std::size_t ProcessGraph::vertex_count() const { return boost::num_vertices(impl_->graph); }
std::size_t ProcessGraph::flow_edge_count() const { return impl_->flow_edges; }

std::vector<bool> ProcessGraph::reachable_from_start() const {
  boost::filtered_graph<Graph, ForwardEdges> forward(impl_->graph, ForwardEdges{&impl_->graph});
  return reach(forward, impl_->roots, vertex_count());
}

std::vector<bool> ProcessGraph::can_reach_end() const {
  boost::filtered_graph<Graph, TowardEndEdges> toward_end(impl_->graph, TowardEndEdges{&impl_->graph});
  return reach(boost::make_reverse_graph(toward_end), impl_->ends, vertex_count());
}

std::vector<int> ProcessGraph::flow_order() const {
  boost::filtered_graph<Graph, ForwardEdges> forward(impl_->graph, ForwardEdges{&impl_->graph});
  const std::size_t n = vertex_count();
  std::vector<boost::default_color_type> colors(n, boost::white_color);
  auto color_map = boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, forward));
  std::vector<int> finished;
  finished.reserve(n);
  for (auto it = impl_->roots.rbegin(); it != impl_->roots.rend(); ++it) {
    if (colors[*it] != boost::white_color) continue;
    boost::depth_first_visit(forward, *it, FinishRecorder{&finished}, color_map);
  }
  std::reverse(finished.begin(), finished.end());
  for (std::size_t i = 0; i < n; ++i)
    if (colors[i] == boost::white_color) finished.push_back(static_cast<int>(i));
  return finished;
}

}  // namespace raciflow::definitions

#include "adapters/render/dot.h"

#include <map>
#include <sstream>

namespace raciflow::render {

using namespace definitions;

namespace {

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out + "\"";
}

std::string node_attributes(const FlowNode& node) {
  std::string label = node.name.empty() ? node.id : node.name;
  std::ostringstream a;
  if (is_gateway(node.kind)) {
    const char* mark = node.kind == NodeKind::exclusive_gateway   ? "×"
                       : node.kind == NodeKind::parallel_gateway  ? "+"
                       : node.kind == NodeKind::inclusive_gateway ? "○"
                       : node.kind == NodeKind::event_based_gateway ? "◇"
                                                                     : "*";
    a << "shape=diamond, width=0.5, height=0.5, fixedsize=true, label=" << quote(mark);
    if (!node.name.empty()) a << ", xlabel=" << quote(node.name);
  } else if (is_event(node.kind)) {
    std::string mark = node.trigger == EventTrigger::none ? "" : trigger_name(node.trigger);
    a << "shape=circle, width=0.4, fixedsize=true, label=\"\", xlabel="
      << quote(mark.empty() ? label : label + " [" + mark + "]");
    if (node.kind == NodeKind::end_event) a << ", penwidth=3";
    if (node.kind == NodeKind::intermediate_catch_event || node.kind == NodeKind::intermediate_throw_event ||
        node.kind == NodeKind::boundary_event)
      a << ", peripheries=2";
    if (node.kind == NodeKind::boundary_event && !node.cancel_activity) a << ", style=dashed";
  } else {
    std::string text = label;
    if (node.kind != NodeKind::task) text += "\n«" + std::string(element_name(node.kind)) + "»";
    a << "shape=box, style=rounded, label=" << quote(text);
    if (is_sub_process(node.kind) || node.kind == NodeKind::call_activity) a << ", peripheries=2";
  }
  return a.str();
}

class DotWriter {
 public:
  explicit DotWriter(const Process& p) : p_(p) {
    for (std::size_t i = 0; i < p.nodes.size(); ++i) {
      const FlowNode& n = p.nodes[i];
      if (n.parent >= 0)
        by_sub_process_[n.parent].push_back(static_cast<int>(i));
      else
        by_role_[n.role].push_back(static_cast<int>(i));
    }
  }

  std::string write() {
    out_ << "digraph " << quote(p_.id) << " {\n"
         << "  rankdir=LR;\n  compound=true;\n  forcelabels=true;\n"
         << "  graph [fontname=\"Helvetica\", label=" << quote(p_.name.empty() ? p_.id : p_.name)
         << ", labelloc=t];\n"
         << "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
    for (std::size_t l = 0; l < p_.lanes.size(); ++l)
      if (p_.lanes[l].parent < 0) write_lane(static_cast<int>(l), 1);
    write_nodes(by_role_[""], 1);  // nodes in no lane
    write_edges();
    out_ << "}\n";
    return out_.str();
  }

 private:
  void indent(int depth) { out_ << std::string(2 * depth, ' '); }

  void write_lane(int l, int depth) {
    const Lane& lane = p_.lanes[l];
    indent(depth);
    out_ << "subgraph " << quote("cluster_lane_" + lane.id) << " {\n";
    indent(depth + 1);
    out_ << "label=" << quote(lane.name.empty() ? lane.role : lane.name) << "; style=rounded; color=gray50;\n";
    for (std::size_t c = 0; c < p_.lanes.size(); ++c)
      if (p_.lanes[c].parent == l) write_lane(static_cast<int>(c), depth + 1);
    // a role shared by several lanes is drawn in the first of them
    if (!written_roles_.count(lane.role)) {
      written_roles_.insert({lane.role, true});
      write_nodes(by_role_[lane.role], depth + 1);
    }
    indent(depth);
    out_ << "}\n";
  }

  void write_nodes(const std::vector<int>& nodes, int depth) {
    for (int i : nodes) {
      const FlowNode& n = p_.nodes[i];
      indent(depth);
      out_ << quote(n.id) << " [" << node_attributes(n) << "];\n";
      if (is_sub_process(n.kind) && by_sub_process_.count(i)) {
        indent(depth);
        out_ << "subgraph " << quote("cluster_sub_" + n.id) << " {\n";
        indent(depth + 1);
        out_ << "label=" << quote(n.name.empty() ? n.id : n.name) << "; style=dashed;\n";
        write_nodes(by_sub_process_[i], depth + 1);
        indent(depth);
        out_ << "}\n";
      }
    }
  }

  void write_edges() {
    for (const SequenceFlow& f : p_.flows) {
      if (f.source < 0 || f.target < 0) continue;
      const FlowNode& source = p_.nodes[f.source];
      std::string label = f.name;
      if (label.empty() && f.condition) label = f.condition->text;
      if (source.default_flow == f.id) label = label.empty() ? "default" : label + " (default)";
      out_ << "  " << quote(f.source_ref) << " -> " << quote(f.target_ref);
      if (!label.empty()) out_ << " [label=" << quote(label) << "]";
      out_ << ";\n";
    }
    for (const FlowNode& n : p_.nodes) {
      if (n.kind == NodeKind::boundary_event && p_.find_node(n.attached_to))
        out_ << "  " << quote(n.attached_to) << " -> " << quote(n.id) << " [style=dotted, arrowhead=none];\n";
      if (is_sub_process(n.kind))
        for (const FlowNode& inner : p_.nodes)
          if (inner.kind == NodeKind::start_event && inner.parent >= 0 && p_.nodes[inner.parent].id == n.id)
            out_ << "  " << quote(n.id) << " -> " << quote(inner.id) << " [style=dashed, arrowhead=open];\n";
    }
  }

  const Process& p_;
  std::ostringstream out_;
  std::map<std::string, std::vector<int>> by_role_;
  std::map<int, std::vector<int>> by_sub_process_;
  std::map<std::string, bool> written_roles_;
};

}  // namespace

std::string render_dot(const Process& process) { return DotWriter(process).write(); }

}  // namespace raciflow::render

#include "adapters/render/bpmn_layout.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <pugixml.hpp>

namespace raciflow::render {

using definitions::FlowNode;
using definitions::NodeKind;
using definitions::Process;

namespace {

constexpr const char* kDiNamespace = "http://www.omg.org/spec/BPMN/20100524/DI";
constexpr const char* kDcNamespace = "http://www.omg.org/spec/DD/20100524/DC";
constexpr const char* kDdiNamespace = "http://www.omg.org/spec/DD/20100524/DI";

constexpr int kPoolX = 100;
constexpr int kPoolHeader = 30;   // the pool's name band
constexpr int kLaneHeader = 30;   // each lane's name band
constexpr int kColumn = 160;
constexpr int kRow = 120;
constexpr int kLanePad = 20;

struct Box {
  int x = 0, y = 0, w = 0, h = 0;
  int cx() const { return x + w / 2; }
  int cy() const { return y + h / 2; }
};

Box size_of(NodeKind kind) {
  if (definitions::is_event(kind)) return {0, 0, 36, 36};
  if (definitions::is_gateway(kind)) return {0, 0, 50, 50};
  return {0, 0, 100, 80};
}

// The prefix bound to `uri` on the root, adding `preferred` when none is.
std::string prefix_for(pugi::xml_node root, const char* uri, const char* preferred) {
  for (auto a : root.attributes()) {
    std::string name = a.name();
    if (std::string(a.value()) == uri && name.rfind("xmlns:", 0) == 0) return name.substr(6);
  }
  root.append_attribute((std::string("xmlns:") + preferred).c_str()) = uri;
  return preferred;
}

struct Layout {
  std::map<int, Box> shapes;  // node index -> box
  std::vector<std::pair<std::string, Box>> lanes;
  Box pool;
};

Layout compute(const Process& p) {
  const int n = static_cast<int>(p.nodes.size());
  for (const auto& node : p.nodes)
    if (node.parent >= 0)
      throw std::runtime_error("layout does not draw embedded sub-processes yet ('" + p.nodes[node.parent].id + "')");

  // Flow edges for ranking: a boundary event's outgoing flows count from its host.
  auto anchor = [&](int i) {
    const FlowNode& node = p.nodes[i];
    if (node.kind == NodeKind::boundary_event) {
      int host = p.node_index(node.attached_to);
      if (host >= 0) return host;
    }
    return i;
  };
  std::vector<std::vector<int>> out(n);
  std::vector<int> indegree(n, 0);
  for (const auto& f : p.flows)
    if (f.source >= 0 && f.target >= 0) out[anchor(f.source)].push_back(f.target);

  // Back edges (loops) by depth-first search from the starts in document order.
  std::set<std::pair<int, int>> back;
  std::vector<int> state(n, 0);  // 0 new, 1 on the stack, 2 done
  std::function<void(int)> dfs = [&](int v) {
    state[v] = 1;
    for (int w : out[v]) {
      if (state[w] == 1) back.insert({v, w});
      else if (state[w] == 0) dfs(w);
    }
    state[v] = 2;
  };
  std::vector<int> has_in(n, 0);
  for (int v = 0; v < n; ++v)
    for (int w : out[v]) has_in[w] = 1;
  for (int v = 0; v < n; ++v)
    if (!has_in[v] && p.nodes[v].kind != NodeKind::boundary_event && state[v] == 0) dfs(v);
  for (int v = 0; v < n; ++v)
    if (state[v] == 0 && p.nodes[v].kind != NodeKind::boundary_event) dfs(v);

  // Longest path over the forward edges, in topological order.
  for (int v = 0; v < n; ++v)
    for (int w : out[v])
      if (!back.count({v, w})) ++indegree[w];
  std::vector<int> order, rank(n, 0);
  std::vector<int> ready;
  for (int v = 0; v < n; ++v)
    if (indegree[v] == 0 && p.nodes[v].kind != NodeKind::boundary_event) ready.push_back(v);
  while (!ready.empty()) {
    int v = ready.front();
    ready.erase(ready.begin());
    order.push_back(v);
    for (int w : out[v]) {
      if (back.count({v, w})) continue;
      rank[w] = std::max(rank[w], rank[v] + 1);
      if (--indegree[w] == 0) ready.push_back(w);
    }
  }

  // Lanes: the leaf lanes in document order; nodes in no lane share one band at the end.
  std::vector<int> leaf;
  for (int l = 0; l < static_cast<int>(p.lanes.size()); ++l)
    if (!p.lanes[l].has_children) leaf.push_back(l);
  std::map<std::string, int> band_of;
  for (int b = 0; b < static_cast<int>(leaf.size()); ++b)
    for (const auto& ref : p.lanes[leaf[b]].node_refs) band_of[ref] = b;
  const int bands = static_cast<int>(leaf.size()) + 1;
  auto band = [&](int v) {
    auto it = band_of.find(p.nodes[v].id);
    return it == band_of.end() ? bands - 1 : it->second;
  };

  // Rows inside each (band, rank) cell: keep a predecessor's row when it is free.
  std::map<std::pair<int, int>, std::set<int>> taken;
  std::vector<int> row(n, 0);
  std::vector<int> preferred(n, -1);
  for (int v : order) {
    auto& used = taken[{band(v), rank[v]}];
    int r = preferred[v] >= 0 && !used.count(preferred[v]) ? preferred[v] : 0;
    while (used.count(r)) ++r;
    used.insert(r);
    row[v] = r;
    for (int w : out[v])
      if (preferred[w] < 0 && band(w) == band(v)) preferred[w] = r;
  }
  std::vector<int> rows(bands, 1);
  for (int v : order) rows[band(v)] = std::max(rows[band(v)], row[v] + 1);

  Layout layout;
  std::vector<int> band_y(bands + 1, 0);
  int y = 80;
  for (int b = 0; b < bands; ++b) {
    band_y[b] = y;
    bool used = b < bands - 1 || std::any_of(order.begin(), order.end(), [&](int v) { return band(v) == bands - 1; });
    if (used) y += rows[b] * kRow + 2 * kLanePad;
  }
  band_y[bands] = y;
  int max_rank = 0;
  for (int v : order) max_rank = std::max(max_rank, rank[v]);
  int width = kPoolHeader + kLaneHeader + 60 + (max_rank + 1) * kColumn;
  layout.pool = {kPoolX, 80, width, y - 80};
  for (int b = 0; b < static_cast<int>(leaf.size()); ++b)
    layout.lanes.push_back({p.lanes[leaf[b]].id, {kPoolX + kPoolHeader, band_y[b], width - kPoolHeader, band_y[b + 1] - band_y[b]}});
  // Parent lanes span their children.
  for (int l = 0; l < static_cast<int>(p.lanes.size()); ++l) {
    if (!p.lanes[l].has_children) continue;
    int top = y, bottom = 80;
    for (int b = 0; b < static_cast<int>(leaf.size()); ++b)
      for (int a = leaf[b]; a >= 0; a = p.lanes[a].parent)
        if (a == l) {
          top = std::min(top, band_y[b]);
          bottom = std::max(bottom, band_y[b + 1]);
        }
    if (bottom > top) layout.lanes.push_back({p.lanes[l].id, {kPoolX + kPoolHeader, top, width - kPoolHeader, bottom - top}});
  }

  for (int v : order) {
    Box box = size_of(p.nodes[v].kind);
    int cx = kPoolX + kPoolHeader + kLaneHeader + 60 + rank[v] * kColumn;
    int cy = band_y[band(v)] + kLanePad + row[v] * kRow + kRow / 2;
    box.x = cx - box.w / 2;
    box.y = cy - box.h / 2;
    layout.shapes[v] = box;
  }
  // Boundary events on the lower edge of their host, right to left.
  std::map<int, int> on_host;
  for (int v = 0; v < n; ++v) {
    if (p.nodes[v].kind != NodeKind::boundary_event) continue;
    int host = anchor(v);
    if (!layout.shapes.count(host)) continue;
    const Box& h = layout.shapes[host];
    int i = on_host[host]++;
    layout.shapes[v] = {h.x + h.w - 36 - 4 - i * 40, h.y + h.h - 18, 36, 36};
  }
  return layout;
}

std::vector<std::pair<int, int>> route(const Box& s, const Box& t, bool from_boundary) {
  if (from_boundary) {
    int sx = s.cx(), sy = s.y + s.h;
    if (t.cy() > sy) return {{sx, sy}, {sx, t.cy()}, {t.x, t.cy()}};
    return {{sx, sy}, {sx, sy + 20}, {t.x - 20, sy + 20}, {t.x - 20, t.cy()}, {t.x, t.cy()}};
  }
  if (t.x > s.x + s.w) {  // forwards
    int sx = s.x + s.w, sy = s.cy(), tx = t.x, ty = t.cy();
    if (sy == ty) return {{sx, sy}, {tx, ty}};
    int mx = tx - 25;
    return {{sx, sy}, {mx, sy}, {mx, ty}, {tx, ty}};
  }
  // Backwards (a loop): under both shapes, into the target from below.
  int low = std::max(s.y + s.h, t.y + t.h) + 25;
  return {{s.cx(), s.y + s.h}, {s.cx(), low}, {t.cx(), low}, {t.cx(), t.y + t.h}};
}

}  // namespace

std::string layout_bpmn(const std::string& source, const definitions::Definitions& defs) {
  pugi::xml_document doc;
  auto parsed = doc.load_string(source.c_str(), pugi::parse_default | pugi::parse_comments | pugi::parse_declaration);
  if (!parsed) throw std::runtime_error(std::string("cannot parse: ") + parsed.description());
  pugi::xml_node root = doc.document_element();
  std::string bpmndi = prefix_for(root, kDiNamespace, "bpmndi");
  std::string dc = prefix_for(root, kDcNamespace, "dc");
  std::string di = prefix_for(root, kDdiNamespace, "di");
  auto local = [](const char* name) {
    std::string n = name;
    auto colon = n.find(':');
    return colon == std::string::npos ? n : n.substr(colon + 1);
  };
  for (pugi::xml_node child = root.first_child(); child;) {
    pugi::xml_node next = child.next_sibling();
    if (local(child.name()) == "BPMNDiagram") root.remove_child(child);
    child = next;
  }
  // The collaboration, when there is one: the plane shows its pools.
  std::string collaboration;
  for (pugi::xml_node child : root.children())
    if (local(child.name()) == "collaboration") collaboration = child.attribute("id").value();

  pugi::xml_node diagram = root.append_child((bpmndi + ":BPMNDiagram").c_str());
  diagram.append_attribute("id") = (defs.id.empty() ? std::string("diagram") : defs.id + "-diagram").c_str();
  pugi::xml_node plane = diagram.append_child((bpmndi + ":BPMNPlane").c_str());
  plane.append_attribute("id") = (diagram.attribute("id").value() + std::string("-plane")).c_str();
  const Process* first = nullptr;
  for (const auto& p : defs.processes)
    if (!p.nodes.empty() && !first) first = &p;
  plane.append_attribute("bpmnElement") = collaboration.empty() ? (first ? first->id.c_str() : "") : collaboration.c_str();

  auto shape = [&](const std::string& element, const Box& b, bool horizontal) {
    pugi::xml_node s = plane.append_child((bpmndi + ":BPMNShape").c_str());
    s.append_attribute("id") = (element + "_di").c_str();
    s.append_attribute("bpmnElement") = element.c_str();
    if (horizontal) s.append_attribute("isHorizontal") = "true";
    pugi::xml_node bounds = s.append_child((dc + ":Bounds").c_str());
    bounds.append_attribute("x") = b.x;
    bounds.append_attribute("y") = b.y;
    bounds.append_attribute("width") = b.w;
    bounds.append_attribute("height") = b.h;
  };

  int offset = 0;  // pools stack downwards
  for (const auto& p : defs.processes) {
    if (p.nodes.empty()) continue;
    Layout layout = compute(p);
    auto shift = [&](Box b) {
      b.y += offset;
      return b;
    };
    for (const auto& part : defs.participants)
      if (part.process_ref == p.id) shape(part.id, shift(layout.pool), true);
    for (const auto& [id, box] : layout.lanes) shape(id, shift(box), true);
    for (const auto& [v, box] : layout.shapes) shape(p.nodes[v].id, shift(box), false);
    for (const auto& f : p.flows) {
      if (!layout.shapes.count(f.source) || !layout.shapes.count(f.target)) continue;
      pugi::xml_node e = plane.append_child((bpmndi + ":BPMNEdge").c_str());
      e.append_attribute("id") = (f.id + "_di").c_str();
      e.append_attribute("bpmnElement") = f.id.c_str();
      bool boundary = p.nodes[f.source].kind == NodeKind::boundary_event;
      for (auto [x, y] : route(shift(layout.shapes[f.source]), shift(layout.shapes[f.target]), boundary)) {
        pugi::xml_node w = e.append_child((di + ":waypoint").c_str());
        w.append_attribute("x") = x;
        w.append_attribute("y") = y;
      }
    }
    offset += layout.pool.h + 60;
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace raciflow::render

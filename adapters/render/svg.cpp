#include "adapters/render/svg.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include <pugixml.hpp>

#include "adapters/render/bpmn_layout.h"
#include "adapters/render/markup.h"

namespace raciflow::render {

using definitions::FlowNode;
using definitions::NodeKind;
using definitions::Process;

namespace {

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};
struct Point {
  double x = 0, y = 0;
};

struct Picture {
  std::map<std::string, Rect> shapes;  // bpmnElement -> bounds
  std::map<std::string, std::vector<Point>> edges;
};

std::string local(const char* name) {
  std::string n = name;
  auto colon = n.find(':');
  return colon == std::string::npos ? n : n.substr(colon + 1);
}

double number(const pugi::xml_node& n, const char* attribute) { return n.attribute(attribute).as_double(); }

// Every shape and edge of every diagram in the file.
Picture read_picture(const std::string& source) {
  Picture p;
  pugi::xml_document doc;
  if (!doc.load_string(source.c_str())) return p;
  std::vector<pugi::xml_node> stack{doc.document_element()};
  while (!stack.empty()) {
    pugi::xml_node n = stack.back();
    stack.pop_back();
    std::string name = local(n.name());
    if (name == "BPMNShape") {
      for (auto b : n.children())
        if (local(b.name()) == "Bounds")
          p.shapes[n.attribute("bpmnElement").value()] = {number(b, "x"), number(b, "y"), number(b, "width"), number(b, "height")};
    } else if (name == "BPMNEdge") {
      auto& points = p.edges[n.attribute("bpmnElement").value()];
      for (auto w : n.children())
        if (local(w.name()) == "waypoint") points.push_back({number(w, "x"), number(w, "y")});
    } else {
      for (auto c : n.children())
        if (c.type() == pugi::node_element) stack.push_back(c);
    }
  }
  return p;
}

bool draws(const Picture& p, const Process& process) {
  return std::all_of(process.nodes.begin(), process.nodes.end(), [&](const FlowNode& n) { return p.shapes.count(n.id); });
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string num(double v) {
  std::ostringstream s;
  s << std::round(v * 10) / 10;
  return s.str();
}

// Splits a name into lines of about `width` characters at spaces.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string line;
  for (std::string word; words >> word;) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void text_block(std::ostream& out, const std::string& text, double cx, double top, std::size_t width, const char* cls) {
  auto lines = wrap(text, width);
  for (std::size_t i = 0; i < lines.size() && i < 5; ++i)
    out << "<text class=\"" << cls << "\" x=\"" << num(cx) << "\" y=\"" << num(top + 12.0 * static_cast<double>(i + 1))
        << "\" text-anchor=\"middle\">" << xml_escape(lines[i]) << "</text>";
}

void node_shape(std::ostream& out, const FlowNode& n, const Rect& r) {
  double cx = r.x + r.w / 2, cy = r.y + r.h / 2;
  if (definitions::is_event(n.kind)) {
    double radius = std::min(r.w, r.h) / 2;
    const char* cls = n.kind == NodeKind::end_event ? "shape end" : n.kind == NodeKind::start_event ? "shape start" : "shape event";
    out << "<circle class=\"" << cls << "\" cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(radius) << "\"/>";
    if (n.kind != NodeKind::start_event && n.kind != NodeKind::end_event)
      out << "<circle class=\"inner\" cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(radius - 3) << "\"/>";
    if (n.timer) {
      out << "<circle class=\"inner\" cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(radius - 7) << "\"/>"
          << "<path class=\"inner\" d=\"M" << num(cx) << " " << num(cy) << " v-7 M" << num(cx) << " " << num(cy) << " h5\"/>";
    } else if (!n.message_ref.empty()) {
      out << "<rect class=\"inner\" x=\"" << num(cx - 8) << "\" y=\"" << num(cy - 5) << "\" width=\"16\" height=\"10\"/>"
          << "<path class=\"inner\" d=\"M" << num(cx - 8) << " " << num(cy - 5) << " L" << num(cx) << " " << num(cy + 1) << " L"
          << num(cx + 8) << " " << num(cy - 5) << "\"/>";
    }
    text_block(out, n.name, cx, r.y + r.h + 2, 22, "label");
  } else if (definitions::is_gateway(n.kind)) {
    out << "<path class=\"shape gateway\" d=\"M" << num(cx) << " " << num(r.y) << " L" << num(r.x + r.w) << " " << num(cy) << " L"
        << num(cx) << " " << num(r.y + r.h) << " L" << num(r.x) << " " << num(cy) << " Z\"/>";
    double k = r.w / 5;
    if (n.kind == NodeKind::exclusive_gateway)
      out << "<path class=\"mark\" d=\"M" << num(cx - k) << " " << num(cy - k) << " L" << num(cx + k) << " " << num(cy + k) << " M"
          << num(cx + k) << " " << num(cy - k) << " L" << num(cx - k) << " " << num(cy + k) << "\"/>";
    else if (n.kind == NodeKind::parallel_gateway)
      out << "<path class=\"mark\" d=\"M" << num(cx) << " " << num(cy - k) << " V" << num(cy + k) << " M" << num(cx - k) << " "
          << num(cy) << " H" << num(cx + k) << "\"/>";
    else if (n.kind == NodeKind::inclusive_gateway)
      out << "<circle class=\"mark\" cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(k) << "\"/>";
    else
      out << "<circle class=\"mark\" cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(k) << "\"/>"
          << "<circle class=\"mark\" cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(k - 3) << "\"/>";
    text_block(out, n.name, cx, r.y + r.h + 2, 22, "label");
  } else {
    const char* cls = n.kind == NodeKind::call_activity || definitions::is_sub_process(n.kind) ? "shape call" : "shape task";
    out << "<rect class=\"" << cls << "\" x=\"" << num(r.x) << "\" y=\"" << num(r.y) << "\" width=\"" << num(r.w)
        << "\" height=\"" << num(r.h) << "\" rx=\"10\"/>";
    auto lines = wrap(n.name, static_cast<std::size_t>(std::max(8.0, r.w / 6.5)));
    double top = cy - 6.0 * static_cast<double>(std::min<std::size_t>(lines.size(), 5)) - 2;
    text_block(out, n.name, cx, top, static_cast<std::size_t>(std::max(8.0, r.w / 6.5)), "name");
  }
}

// Lane rows and columns in document order: only when no diagram can be had.
Picture grid(const Process& p) {
  Picture pic;
  std::map<std::string, int> row;
  for (const auto& l : p.lanes) row.emplace(l.role, static_cast<int>(row.size()));
  std::map<int, int> column;
  double lanes = std::max<double>(1, static_cast<double>(row.size()));
  for (const auto& n : p.nodes) {
    int r = row.count(n.role) ? row[n.role] : 0;
    int c = column[r]++;
    pic.shapes[n.id] = {160.0 + c * 150.0, 40.0 + r * 120.0, 100, 80};
  }
  for (const auto& l : p.lanes) pic.shapes[l.id] = {100, 20.0 + row[l.role] * 120.0, 150.0 * (static_cast<double>(p.nodes.size()) + 1), 120};
  (void)lanes;
  return pic;
}

const char* kStyle =
    "<style>"
    ".pool,.lane{fill:#fff;stroke:#555;stroke-width:1}.lane-name,.pool-name{font:bold 12px sans-serif;fill:#333}"
    ".shape{fill:#fff;stroke:#222;stroke-width:1.5}.shape.end{stroke-width:3.5}.shape.call{stroke-width:3}"
    ".inner,.mark{fill:none;stroke:#222;stroke-width:1.5}.name,.label{font:11px sans-serif;fill:#111}"
    ".flow{fill:none;stroke:#333;stroke-width:1.2;marker-end:url(#arrow)}.flow-name{font:10px sans-serif;fill:#555}"
    ".done .shape{fill:#e3f1e3;stroke:#2e7d32}.active .shape{fill:#e3ecfb;stroke:#1a56c4;stroke-width:3.5}"
    ".overdue .shape{fill:#fde7e7;stroke:#c62828;stroke-width:3.5}.incident .shape{fill:#fff1dd;stroke:#e65100;stroke-width:3.5}"
    "</style>";

}  // namespace

std::string process_svg(const std::string& source, const definitions::Definitions& definitions,
                        const std::string& process_id, const DiagramMarks& marks) {
  const Process* process = definitions.find_process(process_id);
  if (!process) return "";
  Picture pic = read_picture(source);
  if (!draws(pic, *process)) {
    try {
      pic = read_picture(layout_bpmn(source, definitions));
    } catch (const std::exception&) {
      pic = {};
    }
    if (!draws(pic, *process)) pic = grid(*process);
  }
  // The pool of the process, when the file has one.
  std::string pool_id, pool_name = process->name.empty() ? process->id : process->name;
  for (const auto& participant : definitions.participants)
    if (participant.process_ref == process->id && pic.shapes.count(participant.id)) {
      pool_id = participant.id;
      if (!participant.name.empty()) pool_name = participant.name;
    }
  // The picture's extent.
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  auto extend = [&](double x, double y) {
    x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
  };
  auto extend_rect = [&](const Rect& r) { extend(r.x, r.y), extend(r.x + r.w, r.y + r.h + 40); };
  if (!pool_id.empty()) extend_rect(pic.shapes[pool_id]);
  for (const auto& l : process->lanes)
    if (pic.shapes.count(l.id)) extend_rect(pic.shapes[l.id]);
  for (const auto& n : process->nodes) extend_rect(pic.shapes[n.id]);
  for (const auto& f : process->flows)
    for (const auto& w : pic.edges[f.id]) extend(w.x, w.y);
  x0 -= 10, y0 -= 10, x1 += 10, y1 += 10;

  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"process-diagram\" data-process=\"" << xml_escape(process->id)
      << "\" viewBox=\"" << num(x0) << " " << num(y0) << " " << num(x1 - x0) << " " << num(y1 - y0) << "\" width=\""
      << num(x1 - x0) << "\" height=\"" << num(y1 - y0) << "\" role=\"img\" aria-label=\"" << xml_escape(pool_name) << "\">"
      << kStyle
      << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
         "orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#333\"/></marker></defs>";
  if (!pool_id.empty()) {
    const Rect& r = pic.shapes[pool_id];
    out << "<g class=\"participant\"><rect class=\"pool\" x=\"" << num(r.x) << "\" y=\"" << num(r.y) << "\" width=\"" << num(r.w)
        << "\" height=\"" << num(r.h) << "\"/><text class=\"pool-name\" transform=\"translate(" << num(r.x + 18) << " "
        << num(r.y + r.h / 2) << ") rotate(-90)\" text-anchor=\"middle\">" << xml_escape(pool_name) << "</text></g>";
  }
  for (const auto& l : process->lanes) {
    if (!pic.shapes.count(l.id)) continue;
    const Rect& r = pic.shapes[l.id];
    out << "<g class=\"lane-band\" data-lane=\"" << xml_escape(l.id) << "\"><rect class=\"lane\" x=\"" << num(r.x) << "\" y=\""
        << num(r.y) << "\" width=\"" << num(r.w) << "\" height=\"" << num(r.h) << "\"/><text class=\"lane-name\" transform=\"translate("
        << num(r.x + 18) << " " << num(r.y + r.h / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
        << xml_escape(l.name.empty() ? l.role : l.name) << "</text></g>";
  }
  for (const auto& f : process->flows) {
    std::vector<Point> points = pic.edges[f.id];
    if (points.size() < 2) {  // no waypoints: centre to centre
      const Rect& a = pic.shapes[f.source_ref];
      const Rect& b = pic.shapes[f.target_ref];
      points = {{a.x + a.w / 2, a.y + a.h / 2}, {b.x + b.w / 2, b.y + b.h / 2}};
    }
    out << "<g class=\"sequence-flow\" data-flow=\"" << xml_escape(f.id) << "\"><polyline class=\"flow\" points=\"";
    for (const auto& w : points) out << num(w.x) << "," << num(w.y) << " ";
    out << "\"/>";
    if (!f.name.empty())
      out << "<text class=\"flow-name\" x=\"" << num(points[0].x + 6) << "\" y=\"" << num(points[0].y - 4) << "\">"
          << xml_escape(f.name) << "</text>";
    out << "</g>";
  }
  for (const auto& n : process->nodes) {
    std::string cls = "node";
    if (marks.done.count(n.id)) cls += " done";
    if (marks.active.count(n.id)) cls += " active";
    if (marks.overdue.count(n.id)) cls += " overdue";
    if (marks.incident.count(n.id)) cls += " incident";
    out << "<g class=\"" << cls << "\" data-node=\"" << xml_escape(n.id) << "\" data-kind=\"" << definitions::element_name(n.kind)
        << "\"><title>" << xml_escape(n.name.empty() ? n.id : n.name) << "</title>";
    node_shape(out, n, pic.shapes[n.id]);
    out << "</g>";
  }
  out << "</svg>";
  return out.str();
}

}  // namespace raciflow::render

// raciflow layout: a drawing for every node and flow, each node inside its lane's band.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include <pugixml.hpp>

#include "adapters/render/bpmn_layout.h"
#include "cli_support.h"
#include "definitions/loader.h"

using namespace raciflow;

namespace {

struct Bounds {
  double x, y, w, h;
};

std::map<std::string, Bounds> shapes_of(const pugi::xml_document& doc) {
  std::map<std::string, Bounds> out;
  for (auto s : doc.select_nodes("//*[local-name()='BPMNShape']")) {
    auto b = s.node().select_node("*[local-name()='Bounds']").node();
    out[s.node().attribute("bpmnElement").value()] = {b.attribute("x").as_double(), b.attribute("y").as_double(),
                                                      b.attribute("width").as_double(), b.attribute("height").as_double()};
  }
  return out;
}

}  // namespace

TEST_CASE("layout draws every node inside its lane and every flow as an edge, and the result still loads") {
  std::ifstream in(testing::sample("deviation-handling.bpmn"));
  std::stringstream text;
  text << in.rdbuf();
  definitions::Diagnostics diagnostics("deviation-handling.bpmn");
  auto defs = definitions::load_text(text.str(), "deviation-handling.bpmn", diagnostics);
  REQUIRE(defs);
  std::string drawn = render::layout_bpmn(text.str(), *defs);

  pugi::xml_document doc;
  REQUIRE(doc.load_string(drawn.c_str()));
  CHECK(doc.select_nodes("//*[local-name()='BPMNDiagram']").size() == 1);
  auto shapes = shapes_of(doc);
  const auto& process = defs->processes.front();
  for (const auto& lane : process.lanes) {
    REQUIRE(shapes.count(lane.id));
    const Bounds& band = shapes[lane.id];
    for (const auto& ref : lane.node_refs) {
      INFO(ref << " in " << lane.id);
      REQUIRE(shapes.count(ref));
      const Bounds& b = shapes[ref];
      CHECK(b.y >= band.y);
      CHECK(b.y + b.h <= band.y + band.h);
      CHECK(b.x >= band.x);
      CHECK(b.x + b.w <= band.x + band.w);
    }
  }
  for (const auto& node : process.nodes) CHECK(shapes.count(node.id));
  CHECK(shapes.count("isms"));  // the pool of the collaboration
  std::map<std::string, int> waypoints;
  for (auto e : doc.select_nodes("//*[local-name()='BPMNEdge']"))
    waypoints[e.node().attribute("bpmnElement").value()] =
        static_cast<int>(e.node().select_nodes("*[local-name()='waypoint']").size());
  for (const auto& flow : process.flows) {
    INFO(flow.id);
    CHECK(waypoints[flow.id] >= 2);
  }

  definitions::Diagnostics again("drawn.bpmn");
  auto reloaded = definitions::load_text(drawn, "drawn.bpmn", again);
  REQUIRE(reloaded);
  CHECK_FALSE(again.has_errors());
  CHECK(reloaded->processes.front().nodes.size() == process.nodes.size());
}

TEST_CASE("layout refuses a file with errors and a sub-process it cannot draw, writing nothing") {
  testing::Workspace w;
  auto broken = testing::run_cli({"layout", testing::test_data("broken.bpmn")});
  CHECK(broken.code == 1);
  CHECK(broken.out.empty());
  CHECK(broken.err.find(":12: error: sequence flow 'to-nowhere' goes to unknown id 'nowhere'") != std::string::npos);

  std::string nested = w.write("nested.bpmn", R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p"><startEvent id="s"/><subProcess id="sp"><startEvent id="s2"/><endEvent id="e2"/>
<sequenceFlow id="g" sourceRef="s2" targetRef="e2"/></subProcess><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sp"/><sequenceFlow id="f2" sourceRef="sp" targetRef="e"/></process>
</definitions>
)");
  auto r = testing::run_cli({"layout", nested, "--output", w.path("out.bpmn")});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow layout: layout does not draw embedded sub-processes yet ('sp')\n");
  CHECK_FALSE(std::filesystem::exists(w.path("out.bpmn")));
}

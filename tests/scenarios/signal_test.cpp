// Signals across cases: "the threat level changed", thrown from outside or by a case,
// reaches every open assessment and starts every process that starts on it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

std::string flow_file(const std::string& id, const std::string& body) {
  return single_lane_file(id, body, R"(<signal id="threat" name="threat level changed"/>)");
}

std::string trim_line(const std::string& out) { return out.substr(0, out.find('\n')); }

std::vector<std::string> split_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The open tasks of a case, by node id.
std::vector<std::string> open_steps(const Workspace& w, const std::string& id) {
  std::vector<std::string> nodes;
  for (const auto& t : w.cli({"tasks", "--case", id, "--json"}).json()) nodes.push_back(t["node"]);
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

}  // namespace

TEST_CASE("a signal reaches every waiting case and starts every process with its start event, from outside and from a case") {
  Workspace w;
  w.write("assessment.bpmn", flow_file("assessment", R"(
    <startEvent id="s"/>
    <userTask id="assess" name="Assess the risk"/>
    <boundaryEvent id="changed" attachedToRef="assess" cancelActivity="false"><signalEventDefinition signalRef="threat"/></boundaryEvent>
    <userTask id="reassess" name="Reassess with the new threat level"/>
    <endEvent id="e1"/><endEvent id="e2"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="assess"/>
    <sequenceFlow id="f2" sourceRef="assess" targetRef="e1"/>
    <sequenceFlow id="f3" sourceRef="changed" targetRef="reassess"/>
    <sequenceFlow id="f4" sourceRef="reassess" targetRef="e2"/>)"));
  w.write("review.bpmn", flow_file("review", R"(
    <startEvent id="on-threat"><signalEventDefinition signalRef="threat"/></startEvent>
    <userTask id="review-controls" name="Review the controls"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="on-threat" targetRef="review-controls"/>
    <sequenceFlow id="f2" sourceRef="review-controls" targetRef="e"/>)"));
  w.write("watch.bpmn", flow_file("watch", R"(
    <startEvent id="s"/>
    <userTask id="judge" name="Judge the threat picture"/>
    <endEvent id="raised"><signalEventDefinition signalRef="threat"/></endEvent>
    <sequenceFlow id="f1" sourceRef="s" targetRef="judge"/>
    <sequenceFlow id="f2" sourceRef="judge" targetRef="raised"/>)"));
  w.ok({"deploy", w.path("assessment.bpmn"), w.path("review.bpmn"), w.path("watch.bpmn"), "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});
  std::string a1 = trim_line(w.ok({"start", "assessment", "--as", "anna"}));
  std::string a2 = trim_line(w.ok({"start", "assessment", "--as", "anna"}));

  // From outside: both assessments continue, one review starts with the variables.
  auto thrown = w.cli({"signal", "threat level changed", "--as", "anna", "--var", "level=high"});
  REQUIRE(thrown.code == 0);
  auto lines = split_lines(thrown.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == a1 + " continued");
  CHECK(lines[1] == a2 + " continued");
  std::string r1 = lines[2].substr(0, lines[2].find(' '));
  CHECK(lines[2] == r1 + " started");
  CHECK(open_steps(w, a1) == std::vector<std::string>{"assess", "reassess"});
  CHECK(open_steps(w, r1) == std::vector<std::string>{"review-controls"});
  CHECK(w.cli({"show", r1, "--json"}).json()["variables"]["level"] == "high");

  // From a case: the watch's end event throws it; the boundaries are still armed (not
  // interrupting), so each assessment gets a second reassessment, and a second review starts.
  std::string watch = trim_line(w.ok({"start", "watch", "--as", "anna"}));
  complete(w, watch, "judge", "security-function", "anna");
  CHECK(open_steps(w, a1) == std::vector<std::string>{"assess", "reassess", "reassess"});
  auto reviews = w.cli({"cases", "--process", "review", "--json"}).json();
  CHECK(reviews.size() == 2);

  // A signal nothing waits for is lost, as BPMN says; the throw is still in the trail.
  auto lost = w.cli({"signal", "nobody listens", "--as", "anna"});
  CHECK(lost.code == 0);
  CHECK(lost.out.empty());
  CHECK(lost.err == "raciflow signal: no case waits for signal 'nobody listens' and no process starts with it: the signal is lost\n");
  auto trail = w.cli({"audit", "all", "--format", "json"}).json();
  int throws = 0;
  for (const auto& r : trail)
    if (r["action"] == "signal_thrown" && r["case"].is_null()) ++throws;
  CHECK(throws == 2);
  CHECK(w.cli({"audit", "verify"}).code == 0);

  // An unknown person may not throw one; nothing changes.
  auto before = w.dump();
  CHECK(w.cli({"signal", "threat level changed", "--as", "nobody"}).code != 0);
  CHECK(w.dump() == before);
}

TEST_CASE("a signal flow's throws start cases of processes with the signal start, its own included, and replay") {
  Workspace w;
  w.ok({"deploy", "tests/data/signals.bpmn", "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});
  CHECK(w.ok({"signal", "threat level changed", "--as", "anna"}) == "1 started\n");
  complete(w, "1", "assess", "security-function", "anna");
  // The race takes the all-clear (named through an eventDefinitionRef); the case throws
  // all clear, then ends throwing a new threat, which starts the process again.
  CHECK(w.ok({"signal", "all clear", "--as", "anna"}) == "1 continued\n");
  CHECK(w.cli({"show", "1", "--json"}).json()["status"] == "completed");
  CHECK(open_steps(w, "2") == std::vector<std::string>{"assess"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

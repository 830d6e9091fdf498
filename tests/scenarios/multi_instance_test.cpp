// A multi-instance task as the runtime runs it: one task per business unit, each in its
// role's inbox with the item it stands for, the outputs collected, and the trail replays.
#include <catch2/catch.hpp>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

TEST_CASE("one task per affected unit lands in each unit's inbox, with its item, and the case replays") {
  Workspace w;
  w.write("per-unit.bpmn", R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d" targetNamespace="t">
  <process id="per-unit" name="Per unit" isExecutable="true">
    <laneSet id="ls"><lane id="sf" raci:role="security-function"><flowNodeRef>s</flowNodeRef><flowNodeRef>carry-out</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
    <startEvent id="s"/>
    <userTask id="carry-out" name="Carry out the activities" raci:accountable="security-function">
      <multiInstanceLoopCharacteristics raci:collection="units" raci:elementVariable="unit" raci:roleFromElement="true"
          raci:outputVariable="outcome" raci:outputCollection="outcomes"/>
    </userTask>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="carry-out"/>
    <sequenceFlow id="f2" sourceRef="carry-out" targetRef="e"/>
  </process>
</definitions>
)");
  w.ok({"deploy", w.path("per-unit.bpmn"), "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});
  std::string id = w.ok({"start", "per-unit", "--as", "anna", "--var", R"(units=["business-functions","it-operations"])"});
  id = id.substr(0, id.find('\n'));

  auto sofies = w.cli({"tasks", "--person", "sofie", "--json"}).json();  // IT operations
  REQUIRE(sofies.size() == 1);
  CHECK(sofies[0]["locals"] == json{{"loopCounter", 1}, {"unit", "it-operations"}});
  CHECK(sofies[0]["instance"] == 1);
  auto mettes = w.cli({"tasks", "--person", "mette", "--json"}).json();  // business functions
  REQUIRE(mettes.size() == 1);
  CHECK(mettes[0]["locals"]["unit"] == "business-functions");

  w.ok({"complete", std::to_string(sofies[0]["id"].get<long long>()), "--as", "sofie", "--var", "outcome=patched"});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "active");
  w.ok({"complete", std::to_string(mettes[0]["id"].get<long long>()), "--as", "mette", "--var", "outcome=trained"});
  auto shown = w.cli({"show", id, "--json"}).json();
  CHECK(shown["status"] == "completed");
  CHECK(shown["variables"]["outcomes"] == json{"trained", "patched"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a multi-instance call activity starts one child case per unit; cancelling the parent withdraws the children left") {
  Workspace w;
  auto file = [](const std::string& id, const std::string& body) {
    return single_lane_file(id, R"(<startEvent id="s"/>)" + body + R"(<endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="step"/><sequenceFlow id="f2" sourceRef="step" targetRef="e"/>)");
  };
  w.write("parent.bpmn", file("review-all", R"(<callActivity id="step" calledElement="review-unit">
      <multiInstanceLoopCharacteristics raci:collection="units" raci:elementVariable="unit" raci:outputVariable="verdict" raci:outputCollection="verdicts"/>
    </callActivity>)"));
  w.write("child.bpmn", file("review-unit", R"(<userTask id="step" name="Review the unit"/>)"));
  w.ok({"deploy", w.path("parent.bpmn"), w.path("child.bpmn"), "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});
  std::string id = first_line(w.ok({"start", "review-all", "--as", "anna", "--var", R"(units=["hr","procurement","it"])"}));
  auto children = w.cli({"cases", "--process", "review-unit", "--json"}).json();
  REQUIRE(children.size() == 3);
  std::vector<std::string> units;
  for (const auto& child : children) units.push_back(w.cli({"show", child["id"], "--json"}).json()["variables"]["unit"]);
  CHECK(units == std::vector<std::string>{"hr", "procurement", "it"});

  complete(w, children[1]["id"], "step", "security-function", "anna", {"verdict=fine"});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "active");
  auto parent = w.cli({"show", id, "--json"}).json();
  CHECK(parent["variables"]["verdicts"] == json{nullptr, "fine", nullptr});

  w.ok({"cancel", id, "--as", "anna", "--reason", "scope changed"});
  for (const auto& child : w.cli({"cases", "--process", "review-unit", "--json"}).json())
    CHECK(child["status"] == (child["id"] == children[1]["id"] ? "completed" : "cancelled"));
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

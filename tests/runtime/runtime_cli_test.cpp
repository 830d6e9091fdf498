// The durable runtime through the command line: versions, call activities, message
// correlation, timer starts, incidents, cancellation and the organisation.
#include <catch2/catch.hpp>

#include "runtime_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

// A definitions file around `body`, everything in the security-function lane unless the
// body brings its own lanes.
std::string definition(const std::string& body, const std::string& extra = "") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d">
)" + extra + body + "</definitions>\n";
}

std::string lane(const std::string& nodes) {
  std::string refs;
  std::size_t at = 0;
  const std::size_t flows = nodes.find("<sequenceFlow");
  while ((at = nodes.find(" id=\"", at)) != std::string::npos && at < flows) {
    at += 5;
    refs += "<flowNodeRef>" + nodes.substr(at, nodes.find('"', at) - at) + "</flowNodeRef>";
  }
  return R"(<laneSet id="ls"><lane id="sf" raci:role="security-function">)" + refs + "</lane></laneSet>\n" + nodes;
}

class Org : public Workspace {
 public:
  Org() { ok({"org", "load", sample("org.xml")}); }
};

const char* kReview = R"(<process id="review" name="Review">
)";

std::string review(const std::string& task_name) {
  return definition(std::string(kReview) + lane(R"(<startEvent id="s"/>
<userTask id="check" name=")" + task_name + R"("/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="check"/>
<sequenceFlow id="f2" sourceRef="check" targetRef="e"/>
)") + "</process>\n");
}

}  // namespace

TEST_CASE("deploying a changed definition creates version n+1 and running cases stay on their version") {
  Org w;
  std::string file = w.write("review.bpmn", review("Check it"));
  CHECK(w.ok({"deploy", file}) == "review@1\n");
  CHECK(w.ok({"deploy", file}) == "review@1\n");  // unchanged: same version
  std::string first = first_line(w.ok({"start", "review", "--as", "anna"}));
  w.write("review.bpmn", review("Check it twice"));
  CHECK(w.ok({"deploy", file}) == "review@2\n");
  std::string second = first_line(w.ok({"start", "review", "--as", "anna"}));
  CHECK(w.cli({"show", first, "--json"}).json()["version"] == 1);
  CHECK(open_task(w, first, "check")["name"] == "Check it");
  CHECK(w.cli({"show", second, "--json"}).json()["version"] == 2);
  CHECK(open_task(w, second, "check")["name"] == "Check it twice");
  w.ok({"complete", task_id(w, first, "check"), "--as", "anna"});
  CHECK(w.cli({"show", first, "--json"}).json()["status"] == "completed");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a call activity runs a child case; the parent waits and continues with the child's variables") {
  Org w;
  std::string child = w.write("child.bpmn", definition(R"(<process id="child">
)" + lane(R"(<startEvent id="s"/>
<userTask id="work" name="Do the work"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
<sequenceFlow id="f2" sourceRef="work" targetRef="e"/>
)") + "</process>\n"));
  std::string parent = w.write("parent.bpmn", definition(R"(<process id="parent">
)" + lane(R"(<startEvent id="s"/>
<callActivity id="call" name="Run the child" calledElement="child"/>
<userTask id="after" name="Look at the result"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
<sequenceFlow id="f2" sourceRef="call" targetRef="after"/>
<sequenceFlow id="f3" sourceRef="after" targetRef="e"/>
)") + "</process>\n"));
  CHECK(w.ok({"deploy", parent, child}) == "parent@1\nchild@1\n");
  std::string p = first_line(w.ok({"start", "parent", "--as", "anna", "--var", "asset=payroll"}));
  auto children = w.cli({"cases", "--process", "child", "--json"}).json();
  REQUIRE(children.size() == 1);
  std::string c = children[0]["id"];
  CHECK(children[0]["parent_case"] == p);
  CHECK(w.cli({"show", c, "--json"}).json()["variables"]["asset"] == "payroll");
  CHECK(w.cli({"show", p, "--json"}).json()["active_nodes"] == json{"call"});

  w.ok({"complete", task_id(w, c, "work"), "--as", "jonas", "--var", "finding=ok"});
  CHECK(w.cli({"show", c, "--json"}).json()["status"] == "completed");
  auto shown = w.cli({"show", p, "--json"}).json();
  CHECK(shown["active_nodes"] == json{"after"});
  CHECK(shown["variables"]["finding"] == "ok");
  CHECK(w.cli({"audit", "verify"}).code == 0);

  SECTION("cancelling the parent cancels the child; the child cannot be cancelled on its own") {
    std::string p2 = first_line(w.ok({"start", "parent", "--as", "anna"}));
    std::string c2 = w.cli({"cases", "--process", "child", "--status", "active", "--json"}).json()[0]["id"];
    auto r = w.cli({"cancel", c2, "--as", "anna", "--reason", "no longer needed"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow cancel: case " + c2 + " runs for a call activity of case " + p2 + "; cancel that case\n");
    w.ok({"cancel", p2, "--as", "anna", "--reason", "duplicate of case " + p});
    CHECK(w.cli({"show", p2, "--json"}).json()["status"] == "cancelled");
    CHECK(w.cli({"show", c2, "--json"}).json()["status"] == "cancelled");
    CHECK(w.cli({"tasks", "--case", c2, "--json"}).json().empty());
    CHECK(w.cli({"audit", "verify"}).code == 0);
  }
}

TEST_CASE("a message with a key continues only the case with that key; without a waiting case it starts one") {
  Org w;
  std::string file = w.write("wait.bpmn", definition(R"(<process id="wait">
)" + lane(R"(<startEvent id="s"/>
<receiveTask id="answer" name="Wait for the supplier" messageRef="m-answer"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="answer"/>
<sequenceFlow id="f2" sourceRef="answer" targetRef="e"/>
)") + "</process>\n", R"(<message id="m-answer" name="Supplier answered"/>
<message id="m-report" name="Incident reported"/>
)") + "");
  std::string starter = w.write("report.bpmn", definition(R"(<process id="report">
)" + lane(R"(<startEvent id="s"><messageEventDefinition messageRef="m-report"/></startEvent>
<userTask id="triage" name="Triage the incident"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="triage"/>
<sequenceFlow id="f2" sourceRef="triage" targetRef="e"/>
)") + "</process>\n", R"(<message id="m-report" name="Incident reported"/>
)"));
  w.ok({"deploy", file, starter});
  std::string a = first_line(w.ok({"start", "wait", "--as", "anna", "--key", "SUP-1"}));
  std::string b = first_line(w.ok({"start", "wait", "--as", "anna", "--key", "SUP-2"}));
  CHECK(w.ok({"message", "Supplier answered", "--as", "anna", "--key", "SUP-2", "--var", "accepted=true"}) == b + "\n");
  CHECK(w.cli({"show", a, "--json"}).json()["status"] == "active");
  auto shown = w.cli({"show", b, "--json"}).json();
  CHECK(shown["status"] == "completed");
  CHECK(shown["variables"]["accepted"] == true);

  auto r = w.cli({"message", "Supplier answered", "--as", "anna", "--key", "SUP-9"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow message: no case waits for message 'Supplier answered' with key 'SUP-9' and no deployed "
                 "process starts with it\n");

  std::string started = first_line(w.ok({"message", "Incident reported", "--as", "anna", "--key", "INC-7"}));
  auto row = w.cli({"show", started, "--json"}).json();
  CHECK(row["process"] == "report");
  CHECK(row["key"] == "INC-7");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a timer start event starts a case at tick, once per cycle") {
  Org w;
  std::string file = w.write("weekly.bpmn", definition(R"(<process id="weekly">
)" + lane(R"(<startEvent id="s"><timerEventDefinition><timeCycle>R2/2026-03-09T08:00:00Z/P7D</timeCycle></timerEventDefinition></startEvent>
<userTask id="review" name="Review the log"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
<sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
)") + "</process>\n"));
  w.ok({"deploy", file});
  CHECK(w.ok({"tick"}).empty());
  w.clock = "2026-03-09T08:00:00Z";
  CHECK(w.ok({"tick"}) == "1\n");
  CHECK(w.ok({"tick"}).empty());
  w.clock = "2026-04-30T00:00:00Z";  // the second and last repetition is due; no third
  CHECK(w.ok({"tick"}) == "2\n");
  CHECK(w.cli({"cases", "--process", "weekly", "--json"}).json().size() == 2);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("timer start events with a date or a duration start one case when due") {
  Org w;
  auto timed = [&](const std::string& timer) {
    return definition(R"(<process id="once">
)" + lane(R"(<startEvent id="s"><timerEventDefinition>)" + timer + R"(</timerEventDefinition></startEvent>
<userTask id="review" name="Review"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
<sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
)") + "</process>\n");
  };
  SECTION("a date") {
    w.ok({"deploy", w.write("once.bpmn", timed("<timeDate>2026-03-05T12:00:00Z</timeDate>"))});
    w.clock = "2026-03-05T11:59:59Z";
    CHECK(w.ok({"tick"}).empty());
    w.clock = "2026-03-05T12:00:00Z";
  }
  SECTION("a duration from the deployment") {
    w.ok({"deploy", w.write("once.bpmn", timed("<timeDuration>PT2H</timeDuration>"))});
    w.clock = "2026-03-02T10:59:00Z";
    CHECK(w.ok({"tick"}).empty());
    w.clock = "2026-03-02T11:00:00Z";
  }
  CHECK(w.ok({"tick"}) == "1\n");
  w.clock = "2027-01-01T00:00:00Z";
  CHECK(w.ok({"tick"}).empty());
  auto started = w.cli({"show", "1", "--json"}).json();
  CHECK(started["started_by"] == "system");
  CHECK(started["active_nodes"] == json{"review"});
}

TEST_CASE("an exclusive gateway without a match puts the case in incident; retry with fixed variables resolves it") {
  Org w;
  std::string file = w.write("gate.bpmn", definition(R"(<process id="gate">
)" + lane(R"(<startEvent id="s"/>
<exclusiveGateway id="g" name="Severity?"/>
<userTask id="high" name="Handle high"/>
<userTask id="low" name="Handle low"/>
<endEvent id="e1"/><endEvent id="e2"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
<sequenceFlow id="f2" sourceRef="g" targetRef="high"><conditionExpression>severity == "high"</conditionExpression></sequenceFlow>
<sequenceFlow id="f3" sourceRef="g" targetRef="low"><conditionExpression>severity == "low"</conditionExpression></sequenceFlow>
<sequenceFlow id="f4" sourceRef="high" targetRef="e1"/>
<sequenceFlow id="f5" sourceRef="low" targetRef="e2"/>
)") + "</process>\n"));
  w.ok({"deploy", file});
  std::string id = first_line(w.ok({"start", "gate", "--as", "anna", "--var", "severity=medium"}));
  auto shown = w.cli({"show", id, "--json"}).json();
  CHECK(shown["status"] == "incident");
  CHECK(shown["incident"]["node"] == "g");
  CHECK(w.cli({"cases", "--status", "incident", "--json"}).json().size() == 1);
  CHECK(w.ok({"show", id}).find("incident at g: ") != std::string::npos);
  w.ok({"retry", id, "--as", "anna", "--var", "severity=low"});
  shown = w.cli({"show", id, "--json"}).json();
  CHECK(shown["status"] == "active");
  CHECK(shown["incident"].is_null());
  CHECK(shown["active_nodes"] == json{"low"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("loading the organisation again replaces it; open tasks keep their role") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  w.write("smaller.xml", R"(<organisation xmlns="urn:raciflow:org:1" name="Example Agency">
  <role id="security-function" name="Information security function"/>
  <person id="sofie" name="Sofie Krag" email="sofie@example.org"><member role="security-function"/></person>
</organisation>
)");
  CHECK(w.ok({"org", "load", w.path("smaller.xml"), "--as", "anna"}) == "loaded Example Agency: 1 roles, 1 people\n");
  auto org = w.cli({"org", "show", "--json"}).json();
  CHECK(org["people"].size() == 1);
  CHECK(org["roles"][0]["members"] == json{"sofie"});
  std::string task = task_id(w, id, "assess-input");
  CHECK(open_task(w, id, "assess-input")["role"] == "security-function");
  auto r = w.cli({"complete", task, "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow complete: unknown person 'anna' (not in the organisation 'Example Agency')\n");
  w.ok({"complete", task, "--as", "sofie", "--var", "severity=low", "--var", "withinMandate=true"});
  std::vector<std::string> loaded_by;
  for (const auto& r : w.cli({"audit", "all", "--format", "json"}).json())
    if (r["action"] == "organisation_loaded") loaded_by.push_back(r["actor"]);
  CHECK(loaded_by == std::vector<std::string>{"anna", "anna"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a command that fails halfway leaves nothing of itself: a process that calls itself without end") {
  Org w;
  std::string file = w.write("recursive.bpmn", definition(R"(<process id="again">
)" + lane(R"(<startEvent id="s"/>
<callActivity id="call" name="Call myself" calledElement="again"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
<sequenceFlow id="f2" sourceRef="call" targetRef="e"/>
)") + "</process>\n"));
  w.ok({"deploy", file});
  std::string before = w.dump();
  auto r = w.cli({"start", "again", "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow start: calls and messages chain more than 32 cases deep (at process again); is a process "
                 "calling itself?\n");
  CHECK(w.dump() == before);
  CHECK(w.ok({"cases"}) == "no cases\n");
}

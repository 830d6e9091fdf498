// From the command line: flows drawn for Camunda 7, Camunda 8 and in plain BPMN deploy and
// run with their assignments read as roles; and BPMN's third round (instances and loops of
// steps that do not wait, conditions tested as they are armed, a signal caught by its own
// scope, a checklist done a step at a time, a global task, a multiple catch) as one case.
#include <catch2/catch.hpp>

#include "scenario_support.h"

using namespace raciflow::testing;

TEST_CASE("flows drawn for Camunda 7, Camunda 8 and in plain BPMN deploy and run, their assignments read as roles") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", test_data("camunda7-assignments.bpmn"), test_data("camunda8-assignments.bpmn"), test_data("bpmn-assignments.bpmn"),
        "--as", "anna"});

  std::string seven = first_line(w.ok({"start", "camunda7-deviation", "--as", "anna"}));
  complete(w, seven, "assess", "security-function", "anna");
  CHECK(open_task(w, seven, "decide")["assignee"] == "karen");  // claimed for her as it was created
  CHECK(w.cli({"complete", std::to_string(open_task(w, seven, "decide")["id"].get<long long>()), "--as", "lars"}).code == 1);
  complete(w, seven, "decide", "security-committee", "karen");

  std::string eight = first_line(w.ok({"start", "camunda8-risk-review", "--as", "anna"}));
  complete(w, eight, "review", "security-function", "anna");
  complete(w, eight, "accept", "top-management", "lars");

  std::string plain = first_line(w.ok({"start", "plain-policy-update", "--as", "anna"}));
  complete(w, plain, "draft", "security-function", "anna");
  complete(w, plain, "approve", "security-committee", "karen");  // the global user task's performer
  complete(w, plain, "publish", "business-functions", "mette");

  for (const auto& id : {seven, eight, plain}) CHECK(w.cli({"show", id, "--json"}).json()["status"] == "completed");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a group or assignee that the organisation does not know refuses the deploy, naming the step and the name") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  auto file = [&](const std::string& name, const std::string& attributes) {
    w.write(name, R"(<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><userTask id="t" name="Decide" )" + attributes + R"(/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>
)");
    return w.path(name);
  };
  auto group = w.cli({"deploy", file("group.bpmn", R"(camunda:candidateGroups="management")"), "--as", "anna"});
  CHECK(group.code != 0);
  CHECK(group.err.find("userTask 'Decide' (t) names unknown role 'management' in camunda:candidateGroups") != std::string::npos);
  auto person = w.cli({"deploy", file("person.bpmn", R"(camunda:candidateGroups="security-committee" camunda:assignee="mette")"), "--as", "anna"});
  CHECK(person.code != 0);
  CHECK(person.err.find("userTask 't' is assigned to 'mette', who holds none of its Responsible roles (security-committee)") != std::string::npos);
  CHECK(w.cli({"cases", "--json"}).json().empty());
}

TEST_CASE("instances and loops of steps that do not wait, armed conditions, a signal caught in its own scope and a sequential checklist run from the command line") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", test_data("repeats-and-checklists.bpmn"), "--as", "anna"});

  std::string id = first_line(w.ok({"start", "asset-check", "--as", "anna"}));
  CHECK(route(w, id) == std::vector<std::string>{"start", "register", "notify", "notify", "triage", "triage-start", "raise",
                                                 "escalation-start", "handle"});
  complete(w, id, "handle", "security-function", "anna");

  // The checklist: both steps offered; the one claimed first is done before the other begins.
  w.ok({"claim", std::to_string(open_task(w, id, "backups")["id"].get<long long>()), "--as", "anna"});
  auto early = w.cli({"complete", std::to_string(open_task(w, id, "access")["id"].get<long long>()), "--as", "lars"});
  CHECK(early.code == 1);
  CHECK(early.err.find("'Check the access rights' must wait: 'Check the backups' is under way in 'Checklist'") != std::string::npos);
  complete(w, id, "backups", "security-function", "anna");
  complete(w, id, "access", "security-function", "lars");
  complete(w, id, "sign", "security-committee", "karen");  // the global task, with its RACI
  CHECK(notified(w, id, "informed") == std::vector<std::string>{"top-management"});

  w.ok({"message", "Supplier answered", "--as", "anna"});  // the multiple catch: the message, not the day
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "completed");
  CHECK_FALSE(passed(route(w, id), "never"));

  // Urgent from the start: the boundary's condition holds as the sub-process begins.
  std::string urgent = first_line(w.ok({"start", "asset-check", "--as", "anna", "--var", "urgent=true"}));
  CHECK(route(w, urgent) == std::vector<std::string>{"start", "register", "notify", "notify", "triage", "urgent", "expedite"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a compensation event sub-process undoes its completed sub-process when a throw compensates it, from the command line") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", test_data("compensation-sub-process.bpmn"), "--as", "anna"});
  std::string id = first_line(w.ok({"start", "external-audit", "--as", "anna"}));
  complete(w, id, "reserve", "security-function", "anna", {"cancelled=true"});
  complete(w, id, "release", "security-function", "anna");  // the handler's own task
  CHECK(route(w, id) == std::vector<std::string>{"start", "book", "book-start", "reserve", "book-end", "go", "call-off", "unbook",
                                                 "unbook-start", "release", "unbook-end", "called-off"});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "completed");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("multiple events and a checklist that lets the work under way finish run from the command line") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", test_data("multiple-events.bpmn"), "--as", "anna"});
  std::string id = first_line(w.ok({"message", "Review requested", "--as", "anna"}));  // one of the start's two triggers
  id = id.substr(0, id.find(' '));
  REQUIRE(open_task(w, id, "visit").is_object());

  w.ok({"claim", std::to_string(open_task(w, id, "visit")["id"].get<long long>()), "--as", "anna"});  // under way
  complete(w, id, "contract", "security-function", "lars", {"enough=true"});
  CHECK(open_task(w, id, "certificate").is_null());  // not begun: withdrawn
  complete(w, id, "visit", "security-function", "anna");  // under way: finishes

  auto trail = w.cli({"audit", id, "--format", "json"}).json().dump();
  CHECK(trail.find("Review done") != std::string::npos);        // the multiple throw sent its message ...
  CHECK(trail.find("Supplier reviewed") != std::string::npos);  // ... and threw its signal
  w.ok({"signal", "Committee agrees", "--as", "anna"});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "active");  // parallel multiple: one of two
  w.ok({"message", "Owner agrees", "--as", "anna"});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "completed");

  auto started = w.cli({"signal", "Supplier changed", "--as", "anna"});  // the start's other trigger
  REQUIRE(started.code == 0);
  CHECK(started.out.find("started") != std::string::npos);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

// Event sub-processes, conditional and link events as live cases from the command line
// (tests/data/events.bpmn): messages, signals and timers reach them through the runtime,
// and the audit trail replays every case that used them.
#include <catch2/catch.hpp>

#include <algorithm>

#include "scenario_support.h"

using namespace raciflow::testing;

namespace {

std::vector<std::string> open_steps(const Workspace& w, const std::string& id) {
  std::vector<std::string> nodes;
  for (const auto& t : w.cli({"tasks", "--case", id, "--json"}).json()) nodes.push_back(t["node"]);
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

std::string status(const Workspace& w, const std::string& id) { return w.cli({"show", id, "--json"}).json()["status"]; }

}  // namespace

TEST_CASE("an incident response runs its event sub-processes from messages, signals, timers, escalations and errors, and replays") {
  Workspace w;
  w.ok({"deploy", "tests/data/events.bpmn", "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});
  std::string id = first_line(w.ok({"start", "incident-response", "--as", "anna", "--key", "INC-1"}));

  // A question comes in (non-interrupting, twice); a threat signal stops one answer only.
  CHECK(w.ok({"message", "more information", "--as", "anna", "--key", "INC-1"}) == id + "\n");
  CHECK(w.ok({"message", "more information", "--as", "anna", "--key", "INC-1"}) == id + "\n");
  CHECK(open_steps(w, id) == std::vector<std::string>{"answer", "answer", "triage"});
  CHECK(w.ok({"signal", "threat level changed", "--as", "anna"}) == id + " continued\n");
  CHECK(open_steps(w, id) == std::vector<std::string>{"triage"});  // each running ask was stopped by its own inner one

  // Triage, past the link, one fix per unit, then a wait until the severity is high.
  complete(w, id, "triage", "security-function", "anna", {R"(units=["hr","procurement"])"});
  CHECK(open_steps(w, id) == std::vector<std::string>{"fix", "fix"});
  complete(w, id, "fix", "security-function", "anna", {"severity=low"});
  complete(w, id, "fix", "security-function", "anna", {"step=3"});  // the conditional event sub-process starts
  CHECK(open_steps(w, id) == std::vector<std::string>{"reassess"});
  complete(w, id, "reassess", "security-function", "anna", {"severity=high"});
  CHECK(open_steps(w, id) == std::vector<std::string>{"isolate"});

  // Inside containment: a daily reminder (cycle, non-interrupting), then the escalation
  // goes to the committee while the path goes on to an error end, which the process's
  // error event sub-process takes: everything else stops.
  w.clock = "2026-03-03T09:00:00Z";
  CHECK(w.ok({"tick"}) == id + "\n");
  CHECK(open_steps(w, id) == std::vector<std::string>{"chase", "isolate"});
  complete(w, id, "isolate", "security-function", "anna");
  CHECK(open_steps(w, id) == std::vector<std::string>{"report"});
  complete(w, id, "report", "security-function", "anna");
  CHECK(status(w, id) == "completed");
  auto route_taken = route(w, id);
  CHECK(passed(route_taken, "page-2"));
  CHECK(passed(route_taken, "up-start"));
  CHECK_FALSE(passed(route_taken, "done"));

  // Another case is withdrawn at once; nothing waits for the withdrawal after that.
  std::string other = first_line(w.ok({"start", "incident-response", "--as", "anna", "--key", "INC-2"}));
  CHECK(w.ok({"message", "report withdrawn", "--as", "anna", "--key", "INC-2"}) == other + "\n");
  CHECK(open_steps(w, other) == std::vector<std::string>{"record"});
  CHECK(w.cli({"message", "report withdrawn", "--as", "anna", "--key", "INC-2"}).code == 1);
  complete(w, other, "record", "security-function", "anna");
  CHECK(status(w, other) == "completed");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("an escalation that a called case does not catch reaches the call activity's boundary in the calling case") {
  Workspace w;
  auto file = [](const std::string& id, const std::string& body) {
    return single_lane_file(id, body, R"(<escalation id="esc-)" + id + R"(" escalationCode="BEYOND-MANDATE"/>)");
  };
  w.write("parent.bpmn", file("handle", R"(<startEvent id="s"/><callActivity id="step" calledElement="investigate"/><endEvent id="e"/>
    <boundaryEvent id="up" attachedToRef="step" cancelActivity="false"><escalationEventDefinition escalationRef="esc-handle"/></boundaryEvent>
    <userTask id="decide" name="Decide beyond the mandate" raci:responsible="security-committee"/><endEvent id="e2"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="step"/><sequenceFlow id="f2" sourceRef="step" targetRef="e"/>
    <sequenceFlow id="f3" sourceRef="up" targetRef="decide"/><sequenceFlow id="f4" sourceRef="decide" targetRef="e2"/>)"));
  w.write("child.bpmn", file("investigate", R"(<startEvent id="s"/>
    <intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="esc-investigate"/></intermediateThrowEvent>
    <userTask id="then" name="Go on investigating"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="raise"/><sequenceFlow id="f2" sourceRef="raise" targetRef="then"/>
    <sequenceFlow id="f3" sourceRef="then" targetRef="e"/>)"));
  w.ok({"deploy", w.path("parent.bpmn"), w.path("child.bpmn"), "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});
  std::string parent = first_line(w.ok({"start", "handle", "--as", "anna"}));
  auto children = w.cli({"cases", "--process", "investigate", "--json"}).json();
  REQUIRE(children.size() == 1);
  std::string child = children[0]["id"];
  // Non-interrupting: the committee decides while the investigation goes on.
  CHECK(open_steps(w, parent) == std::vector<std::string>{"decide"});
  CHECK(open_steps(w, child) == std::vector<std::string>{"then"});
  complete(w, child, "then", "security-function", "anna");
  complete(w, parent, "decide", "security-committee", "karen");
  CHECK(status(w, parent) == "completed");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("an access change: a failed check undoes the transaction's work, last first; a passed one runs the checklist and two of three sign-offs") {
  Workspace w;
  w.ok({"deploy", "tests/data/undo.bpmn", "--as", "setup"});
  w.ok({"org", "load", sample("org.xml"), "--as", "setup"});

  std::string failed = first_line(w.ok({"message", "access change requested", "--as", "anna", "--key", "AC-1"}));
  complete(w, failed, "grant", "it-operations", "sofie");
  complete(w, failed, "register", "it-operations", "sofie");
  complete(w, failed, "check", "it-operations", "jonas", {"withinPolicy=false"});
  CHECK(open_steps(w, failed) == std::vector<std::string>{"unregister"});  // recorded last, undone first
  complete(w, failed, "unregister", "it-operations", "sofie");
  complete(w, failed, "revoke", "it-operations", "sofie");
  CHECK(open_steps(w, failed) == std::vector<std::string>{"tell"});
  complete(w, failed, "tell", "it-operations", "sofie");
  CHECK(status(w, failed) == "completed");

  std::string passed = first_line(w.ok({"message", "access change requested", "--as", "anna", "--key", "AC-2"}));
  complete(w, passed, "grant", "it-operations", "sofie");
  complete(w, passed, "register", "it-operations", "sofie");
  complete(w, passed, "check", "it-operations", "jonas", {"withinPolicy=true"});
  CHECK(open_steps(w, passed) == std::vector<std::string>{"badge", "logs"});  // the checklist: both open at once
  complete(w, passed, "logs", "it-operations", "sofie", {"logsOk=true"});   // enough: the badge is withdrawn
  CHECK(open_steps(w, passed) == std::vector<std::string>{"sign-it", "sign-owner", "sign-sf"});
  complete(w, passed, "sign-owner", "it-operations", "sofie");
  complete(w, passed, "sign-sf", "it-operations", "jonas");
  CHECK(status(w, passed) == "active");  // the third sign-off is still open; the join fired
  complete(w, passed, "sign-it", "it-operations", "sofie");
  CHECK(status(w, passed) == "completed");
  auto r = route(w, passed);
  CHECK(std::count(r.begin(), r.end(), "done") == 1);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

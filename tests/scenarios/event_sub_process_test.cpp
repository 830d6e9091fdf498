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

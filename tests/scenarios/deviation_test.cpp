// Scenario: deviation cases run end to end from the command line over the sample, one
// database reopened by every command, with `audit verify` passing at the end.
#include <catch2/catch.hpp>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;



TEST_CASE("deviation from the CLI: external input, committee decision, consultations answered, closed") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna", "--key", "DEV-1", "--var", "summary=phishing wave"}));
  CHECK(id == "1");

  // The business functions are consulted on the assessment: it is in their inbox.
  auto inbox = w.cli({"tasks", "--person", "mette", "--json"}).json();
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0]["node"] == "assess-input");
  CHECK(inbox[0]["inbox"] == "consulted");
  w.ok({"consult", task_id(w, id, "assess-input"), "--as", "mette", "--answer", "Payroll is affected"});

  complete(w, id, "assess-input", "security-function", "jonas", {"severity=high"});
  complete(w, id, "committee-decides", "security-committee", "karen", {"decision=awareness campaign"});
  // Two units are affected: one carry-out task in each unit's inbox.
  complete(w, id, "inform-functions", "security-function", "anna", {R"(affectedUnits=["business-functions","it-operations"])"});
  auto sofies = w.cli({"tasks", "--person", "sofie", "--json"}).json();
  REQUIRE(sofies.size() == 1);
  CHECK(sofies[0]["node"] == "carry-out");
  CHECK(sofies[0]["locals"]["unit"] == "it-operations");
  w.ok({"complete", std::to_string(sofies[0]["id"].get<long long>()), "--as", "sofie"});
  complete(w, id, "carry-out", "business-functions", "mette");
  complete(w, id, "report-back", "business-functions", "mette", {"instructionFollowed=true", "successful=true"});
  complete(w, id, "record-outcome", "security-function", "jonas", {"recurring=false"});

  auto shown = w.cli({"show", id, "--json"}).json();
  CHECK(shown["status"] == "completed");
  CHECK(shown["variables"]["decision"] == "awareness campaign");
  CHECK(shown["variables"]["summary"] == "phishing wave");
  CHECK(shown["active_nodes"].empty());
  CHECK(shown["tasks"].size() == 7);
  auto assess = shown["tasks"][0];
  CHECK(assess["consultations"][0]["answer"] == "Payroll is affected");
  CHECK(assess["consultations"][0]["answered_by"] == "mette");

  CHECK(notified(w, id, "informed") ==
        std::vector<std::string>{"top-management", "business-functions", "security-function", "security-committee"});
  // The security function is consulted on the committee's decision and on each unit's carry-out.
  CHECK(notified(w, id, "consultation") ==
        std::vector<std::string>{"business-functions", "security-function", "security-function", "security-function"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("deviation from the CLI: the security function decides within its mandate") {
  Agency w;
  std::string id = first_line(w.ok({"message", "Input from the annual wheel", "--as", "anna"}));
  complete(w, id, "assess-input", "security-function", "anna", {"severity=low", "withinMandate=true"});
  CHECK(open_task(w, id, "committee-decides").is_null());
  complete(w, id, "function-decides", "security-function", "anna");
  complete(w, id, "inform-functions", "security-function", "jonas", {R"(affectedUnits=["business-functions"])"});
  complete(w, id, "carry-out", "business-functions", "mette");
  complete(w, id, "report-back", "business-functions", "mette", {"instructionFollowed=true", "successful=true"});
  complete(w, id, "record-outcome", "security-function", "anna", {"recurring=false"});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "completed");
  CHECK(notified(w, id, "informed") ==
        std::vector<std::string>{"security-committee", "business-functions", "security-function", "security-committee"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("deviation from the CLI: a failed or recurring outcome runs a corrective-action child case") {
  for (auto [followed, successful, recurring] : {std::tuple{"true", "false", "false"}, std::tuple{"false", "true", "false"},
                                                 std::tuple{"true", "true", "true"}}) {
    INFO(followed << " " << successful << " " << recurring);
    Agency w;
    std::string id = first_line(w.ok({"message", "Input from the annual plan", "--as", "anna"}));
    complete(w, id, "assess-input", "security-function", "anna", {"severity=low", "withinMandate=true"});
    complete(w, id, "function-decides", "security-function", "anna");
    complete(w, id, "inform-functions", "security-function", "anna", {R"(affectedUnits=["business-functions"])"});
    complete(w, id, "carry-out", "business-functions", "mette");
    complete(w, id, "report-back", "business-functions", "mette",
             {std::string("instructionFollowed=") + followed, std::string("successful=") + successful});
    complete(w, id, "record-outcome", "security-function", "anna", {std::string("recurring=") + recurring});

    auto parent = w.cli({"show", id, "--json"}).json();
    CHECK(parent["status"] == "active");
    CHECK(parent["active_nodes"] == json{"corrective-action"});
    auto children = w.cli({"cases", "--process", "corrective-action", "--json"}).json();
    REQUIRE(children.size() == 1);
    CHECK(children[0]["parent_case"] == id);
    std::string child = children[0]["id"];
    CHECK(w.cli({"show", child, "--json"}).json()["variables"]["successful"] == json::parse(successful));

    complete(w, child, "contain", "business-functions", "mette");
    complete(w, child, "root-cause", "security-function", "anna");
    complete(w, child, "evaluate", "security-function", "anna", {"grade=minor", "canRecur=false"});
    complete(w, child, "plan", "security-function", "anna", {"owner=mette", "deadline=2026-04-30"});
    complete(w, child, "implement", "business-functions", "emil");
    complete(w, child, "review", "security-function", "anna", {"effective=true"});
    complete(w, child, "close", "security-function", "anna");
    CHECK(w.cli({"show", child, "--json"}).json()["status"] == "completed");
    parent = w.cli({"show", id, "--json"}).json();
    CHECK(parent["status"] == "completed");
    CHECK(parent["variables"]["grade"] == "minor");
    CHECK(w.cli({"audit", "verify"}).code == 0);
  }
}

TEST_CASE("deviation from the CLI: a reminder goes to the Responsible role a day before the due date, then escalation to the Accountable") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  w.clock = "2026-03-06T08:59:59Z";  // due in P5D: the 7-day reminder would fall before the task, the 1-day one not yet
  CHECK(w.ok({"tick"}).empty());
  w.clock = "2026-03-06T09:00:00Z";
  CHECK(w.ok({"tick"}) == id + "\n");
  CHECK(notified(w, id, "reminder") == std::vector<std::string>{"security-function"});
  CHECK(w.ok({"tick"}).empty());  // reminded once
  w.clock = "2026-03-08T09:00:00Z";
  CHECK(w.ok({"tick"}) == id + "\n");
  auto task = open_task(w, id, "assess-input");
  CHECK(task["escalated"] == true);
  CHECK(task["due"] == "2026-03-07T09:00:00Z");
  CHECK(notified(w, id, "escalation") == std::vector<std::string>{"security-function"});
  CHECK(w.ok({"tick"}).empty());  // escalated once
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("deviation from the CLI: a person outside the Responsible role is refused, and the refusal is audited") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string task = task_id(w, id, "assess-input");
  std::string before = w.dump(false);
  auto r = w.cli({"complete", task, "--as", "mette"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow complete: task " + task +
                     ": mette holds none of the roles Responsible for 'Assess the input' (security-function)\n");
  CHECK(w.dump(false) == before);
  auto trail = w.cli({"audit", id, "--format", "json"}).json();
  CHECK(trail.back()["action"] == "command_refused");
  CHECK(trail.back()["actor"] == "mette");
  CHECK(trail.back()["node"] == "assess-input");

  w.ok({"claim", task, "--as", "anna"});
  r = w.cli({"complete", task, "--as", "jonas"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow complete: task " + task + ": 'Assess the input' is claimed by anna\n");
  w.ok({"unclaim", task, "--as", "anna"});
  w.ok({"complete", task, "--as", "jonas", "--var", "severity=low", "--var", "withinMandate=true"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

// Scenario: RACI's C cannot lapse unseen. A step's consultation policy (raci:consult) over
// the deviation sample (alongside, the default) and a risk acceptance that waits for its
// answer (before); the waiver; the annual report's RACI compliance section.
#include <catch2/catch.hpp>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

json compliance(const Workspace& w) {
  auto report = w.cli({"report", "--year", "2026", "--format", "json"});
  REQUIRE(report.code == 0);
  return report.json()["compliance"];
}

}  // namespace

TEST_CASE("deviation: the assessment completes without the business functions' answer, which the trail and the report show") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna", "--key", "DEV-7"}));
  std::string assess = task_id(w, id, "assess-input");
  w.clock = "2026-03-12T09:00:00Z";  // past the five days it is due in
  complete(w, id, "assess-input", "security-function", "jonas", {"severity=high"});
  // The consultation left the business functions' inbox; a late answer says the step is done.
  CHECK(w.cli({"tasks", "--person", "mette", "--json"}).json().empty());
  auto late = w.cli({"consult", assess, "--as", "mette", "--answer", "Payroll is affected"});
  CHECK(late.code != 0);
  CHECK(late.err == "raciflow consult: task " + assess + ": 'Assess the input' is done: the consultation closed when the step was completed\n");
  auto trail = w.cli({"audit", id, "--format", "json"}).json();
  auto skipped = std::find_if(trail.begin(), trail.end(), [](const json& r) { return r["action"] == "consultation_skipped"; });
  REQUIRE(skipped != trail.end());
  CHECK((*skipped)["actor"] == "jonas");
  CHECK((*skipped)["data"]["roles"] == json::array({"business-functions"}));

  auto c = compliance(w);
  REQUIRE(c["consultation_skipped"].size() == 1);
  CHECK(c["consultation_skipped"][0]["case"] == id);
  CHECK(c["consultation_skipped"][0]["step"] == "Assess the input");
  CHECK(c["consultation_skipped"][0]["process_name"] == "Deviation handling");
  CHECK(c["consultation_skipped"][0]["roles"] == json::array({"business-functions"}));
  REQUIRE(c["late"].size() == 1);
  CHECK(c["late"][0]["step"] == "Assess the input");
  CHECK(c["late"][0]["due"] == "2026-03-07T09:00:00Z");
  CHECK(c["late"][0]["person"] == "jonas");
  auto md = w.cli({"report", "--year", "2026", "--format", "markdown", "--lang", "da"}).out;
  CHECK(md.find("## RACI-overholdelse") != std::string::npos);
  CHECK(md.find("### Udført uden alle konsultationssvar\n\n| Dato | Sag | Proces | Trin | Person | Ikke besvaret |") != std::string::npos);
  CHECK(md.find("| Deviation handling | Assess the input | jonas | business-functions |") != std::string::npos);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("risk acceptance: the committee waits for the security function, unless top management waives it with a reason") {
  Agency w;
  w.ok({"deploy", "tests/data/consult-before.bpmn", "--as", "anna"});
  std::string first = first_line(w.ok({"start", "risk-acceptance", "--as", "anna"}));
  std::string second = first_line(w.ok({"start", "risk-acceptance", "--as", "anna"}));

  // Heard first: completion waits for the answer.
  std::string a = task_id(w, first, "accept");
  auto refused = w.cli({"complete", a, "--as", "karen"});
  CHECK(refused.code != 0);
  CHECK(refused.err.find("'Accept the residual risk' waits for the consultation of security-function (raci:consult=\"before\")") !=
        std::string::npos);
  w.ok({"consult", a, "--as", "jonas", "--answer", "Acceptable with the compensating control in place"});
  w.ok({"complete", a, "--as", "karen"});

  // Waived: only by the Accountable, with a reason; then the committee completes.
  std::string b = task_id(w, second, "accept");
  auto not_accountable = w.cli({"waive", b, "--as", "anna", "--reason", "urgent"});
  CHECK(not_accountable.code != 0);
  CHECK(not_accountable.err.find("anna holds none of the roles Accountable for 'Accept the residual risk' (top-management)") !=
        std::string::npos);
  w.ok({"waive", b, "--as", "lars", "--reason", "the supplier contract is signed today; the security function is at a course"});
  CHECK(w.cli({"consult", b, "--as", "jonas", "--answer", "late"}).code != 0);
  w.ok({"complete", b, "--as", "karen"});

  auto c = compliance(w);
  CHECK(c["consultation_skipped"].empty());
  REQUIRE(c["consultation_waived"].size() == 1);
  CHECK(c["consultation_waived"][0]["case"] == second);
  CHECK(c["consultation_waived"][0]["person"] == "lars");
  CHECK(c["consultation_waived"][0]["roles"] == json::array({"security-function"}));
  CHECK(c["consultation_waived"][0]["reason"] == "the supplier contract is signed today; the security function is at a course");
  auto html = w.cli({"report", "--year", "2026", "--format", "html"}).out;
  CHECK(html.find("<h3>Consultations waived</h3>") != std::string::npos);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("the report counts the four-eyes rule: the steps it guarded, the attempts it refused") {
  Workspace w;
  deploy_samples(w);
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  std::string id = first_line(w.ok({"message", "Policy for approval", "--as", "anna", "--var", "policy=Acceptable use"}));
  complete(w, id, "draft", "security-function", "lars");
  complete(w, id, "review", "security-committee", "karen", {"recommend=true"});
  CHECK(w.cli({"complete", task_id(w, id, "approve"), "--as", "lars", "--var", "approved=true"}).code != 0);  // lars drafted it
  complete(w, id, "approve", "top-management", "karen", {"approved=true"});
  auto four_eyes = compliance(w)["four_eyes"];
  CHECK(four_eyes["steps"] == 1);
  CHECK(four_eyes["held"] == 1);
  CHECK(four_eyes["refused"] == 1);
  CHECK(four_eyes["broken"].empty());
}

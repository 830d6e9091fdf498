// Scenarios: each ISMS sample run as live cases from the command line along at least two
// of its paths, on a fixed clock: the route taken, the role that held each task, RACI
// letters in the audit trail, informed notifications, escalation and four-eyes refusals.
#include <catch2/catch.hpp>

#include <set>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

std::string status(const Workspace& w, const std::string& id) { return w.cli({"show", id, "--json"}).json()["status"]; }

// Tries to complete the open task at `node` as `person`; returns the refusal line.
std::string refused(const Workspace& w, const std::string& id, const std::string& node, const std::string& person) {
  auto r = w.cli({"complete", task_id(w, id, node), "--as", person});
  CHECK(r.code == 1);
  return r.err;
}

}  // namespace

TEST_CASE("corrective action: a major nonconformity is approved, reviewed by someone else, planned again until effective") {
  Isms w;
  std::string id = first_line(w.ok({"start", "corrective-action", "--as", "anna"}));
  walk(w, id, {{"contain", "business-functions", "mette"},
               {"root-cause", "security-function", "anna"},
               {"evaluate", "security-function", "anna", {"grade=major", "canRecur=true"}},
               {"plan", "security-function", "anna", {"owner=emil", "deadline=2026-05-01"}},
               {"approve-plan", "security-committee", "karen", {"approved=true"}},
               {"implement", "business-functions", "emil"}});
  // Emil also holds the security function, but he implemented: the review needs someone else.
  CHECK(refused(w, id, "review", "emil") ==
        "raciflow complete: task " + task_id(w, id, "review") +
            ": emil completed 'Implement the actions' in this case, so 'Review the effectiveness of the actions' needs "
            "someone else (raci:separateFrom)\n");
  walk(w, id, {{"review", "security-function", "anna", {"effective=false"}},
               {"plan", "security-function", "anna"},
               {"approve-plan", "security-committee", "sara", {"approved=true"}},
               {"implement", "business-functions", "mette"},
               {"review", "security-function", "jonas", {"effective=true"}},
               {"close", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK(std::count(r.begin(), r.end(), "approve-plan") == 2);
  CHECK(completion(w, id, "approve-plan")["raci"] == "R/A");
  CHECK(completion(w, id, "contain")["role"] == "business-functions");
  CHECK(completion(w, id, "contain")["data"]["accountable"] == json{"security-function"});
  CHECK(notified(w, id, "informed") ==
        std::vector<std::string>{"security-function", "top-management", "top-management", "security-committee"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("corrective action: a minor nonconformity skips the committee; overdue containment escalates") {
  Isms w;
  std::string id = first_line(w.ok({"start", "corrective-action", "--as", "anna"}));
  w.clock = "2026-03-08T09:00:00Z";  // containment was due within five days
  CHECK(w.ok({"tick"}) == id + "\n");
  CHECK(open_task(w, id, "contain")["escalated"] == true);
  CHECK(notified(w, id, "escalation") == std::vector<std::string>{"security-function"});
  walk(w, id, {{"contain", "business-functions", "peter"},
               {"root-cause", "security-function", "jonas"},
               {"evaluate", "security-function", "jonas", {"grade=minor", "canRecur=false"}},
               {"plan", "security-function", "jonas"},
               {"implement", "business-functions", "peter"},
               {"review", "security-function", "anna", {"effective=true"}},
               {"close", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  CHECK_FALSE(passed(route(w, id), "approve-plan"));
}

TEST_CASE("risk assessment: a critical risk is scored by the risk method, treated, and accepted by top management, never the proposer") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Risk assessment due", "--as", "anna"}));
  walk(w, id, {{"identify", "security-function", "lars", {"asset=Citizen case files", "threat=Ransomware", "riskOwner=business-functions"}},
               {"analyse", "security-function", "lars", {"likelihood=3", "impact=4"}},
               {"propose", "security-function", "lars",
                {"treatment=reduce", R"(controls=["8.7","8.13"])", "residualLikelihood=2", "residualImpact=4"}},
               {"approve", "security-committee", "karen", {"approved=true"}}});
  CHECK(refused(w, id, "accept", "lars").find("lars completed 'Propose the risk treatment") != std::string::npos);
  // The residual risk (2 x 4) is still high: above the acceptance level, so top management accepts it.
  complete(w, id, "accept", "top-management", "karen");
  CHECK(status(w, id) == "completed");
  auto accepted = completion(w, id, "accept");
  CHECK(accepted["actor"] == "karen");
  CHECK(accepted["role"] == "top-management");
  CHECK(accepted["raci"] == "R/A");
  json scored;
  for (const auto& r : w.cli({"audit", id, "--format", "json"}).json())
    if (r["action"] == "decision_evaluated" && r["node"] == "score") scored = r;
  REQUIRE(scored.is_object());
  CHECK(scored["node"] == "score");
  CHECK(scored["data"]["decision"] == "risk-level");
  CHECK(scored["data"]["result"] == json{{"level", "critical"}, {"treatmentRequired", true}, {"topManagementAccepts", true}});
  CHECK(notified(w, id, "informed") == std::vector<std::string>{"security-committee", "security-function"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("risk assessment: a medium risk is treated after rework and its residual risk accepted by the committee as a step of its own") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Risk assessment due", "--as", "anna"}));
  walk(w, id, {{"identify", "security-function", "anna", {"asset=Citizen case files", "threat=Ransomware", "riskOwner=business-functions"}},
               {"analyse", "security-function", "anna", {"likelihood=3", "impact=2"}},
               {"propose", "security-function", "anna", {"treatment=transfer", "residualLikelihood=3", "residualImpact=2"}},
               {"approve", "security-committee", "karen", {"approved=false"}},
               {"propose", "security-function", "jonas", {"treatment=reduce", R"(controls=["5.15"])", "residualLikelihood=1", "residualImpact=2"}},
               {"approve", "security-committee", "karen", {"approved=true"}},
               {"accept-by-committee", "security-committee", "sara"}});
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK(std::count(r.begin(), r.end(), "propose") == 2);
  CHECK(passed(r, "accepted-by-committee"));
  CHECK_FALSE(passed(r, "accept"));
}

TEST_CASE("risk assessment: a low risk needs no treatment and goes straight to the committee") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Risk assessment due", "--as", "anna"}));
  walk(w, id, {{"identify", "security-function", "anna", {"asset=Citizen case files", "threat=Ransomware", "riskOwner=business-functions"}},
               {"analyse", "security-function", "anna", {"likelihood=1", "impact=2"}},
               {"approve", "security-committee", "karen", {"approved=true"}},
               {"accept-by-committee", "security-committee", "karen"}});
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK_FALSE(passed(r, "propose"));
  CHECK(passed(r, "accepted-by-committee"));
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("security incident: a severe personal data breach involves the DPO in parallel and briefs top management") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Security incident reported", "--as", "jonas"}));
  complete(w, id, "register", "security-function", "anna", {"severity=high", "personalData=true"});
  CHECK(open_task(w, id, "contain").is_object());
  CHECK(open_task(w, id, "breach").is_object());
  walk(w, id, {{"breach", "dpo", "sara"}, {"contain", "it-operations", "sofie"}});
  walk(w, id, {{"evidence", "it-operations", "sofie"},
               {"recover", "it-operations", "jonas"},
               {"brief", "security-function", "anna"},
               {"learn", "security-function", "anna", {"deviation=false"}}});
  CHECK(status(w, id) == "completed");
  CHECK(completion(w, id, "breach")["raci"] == "R/A");
  CHECK(notified(w, id, "informed") == std::vector<std::string>{"top-management", "security-function", "top-management",
                                                                "security-committee", "security-committee"});
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("security incident: a minor one without personal data skips the DPO and the briefing; registration escalates after four hours") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Security incident reported", "--as", "jonas"}));
  w.clock = "2026-03-02T13:30:00Z";
  CHECK(w.ok({"tick"}) == id + "\n");
  CHECK(open_task(w, id, "register")["escalated"] == true);
  walk(w, id, {{"register", "security-function", "anna", {"severity=low", "personalData=false"}},
               {"contain", "it-operations", "sofie"},
               {"evidence", "it-operations", "sofie"},
               {"recover", "it-operations", "sofie"},
               {"learn", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK_FALSE(passed(r, "breach"));
  CHECK_FALSE(passed(r, "brief"));
}

TEST_CASE("security incident: a withdrawn report stops all open work, wherever it stands, and the withdrawal is recorded") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Security incident reported", "--as", "jonas", "--key", "INC-7"}));
  std::string other = first_line(w.ok({"message", "Security incident reported", "--as", "jonas", "--key", "INC-8"}));
  complete(w, id, "register", "security-function", "anna", {"severity=high", "personalData=true"});
  CHECK(open_task(w, id, "contain").is_object());
  CHECK(open_task(w, id, "breach").is_object());
  CHECK(w.ok({"message", "Security incident withdrawn", "--as", "jonas", "--key", "INC-7", "--var", "reason=duplicate of INC-6"}) ==
        id + "\n");
  CHECK(open_task(w, id, "contain").is_null());
  CHECK(open_task(w, id, "breach").is_null());
  complete(w, id, "record-withdrawal", "security-function", "anna");
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK(std::vector<std::string>(r.end() - 3, r.end()) ==
        std::vector<std::string>{"withdrawn-reported", "record-withdrawal", "withdrawn-closed"});
  CHECK_FALSE(passed(r, "handled"));
  CHECK(completion(w, id, "record-withdrawal")["raci"] == "R/A");
  // The other incident was not touched, and a second withdrawal finds nothing to stop.
  CHECK(open_task(w, other, "register").is_object());
  CHECK(w.cli({"message", "Security incident withdrawn", "--as", "jonas", "--key", "INC-7"}).code == 1);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("policy approval: recommended, then approved by top management but not by its drafter") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Policy for approval", "--as", "anna", "--var", "policy=Acceptable use"}));
  walk(w, id, {{"draft", "security-function", "lars"}, {"review", "security-committee", "karen", {"recommend=true"}}});
  CHECK(refused(w, id, "approve", "lars").find("lars completed 'Draft or update the policy'") != std::string::npos);
  walk(w, id, {{"approve", "top-management", "karen", {"approved=true"}}, {"publish", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  CHECK(notified(w, id, "informed") == std::vector<std::string>{"security-committee", "business-functions", "top-management"});
}

TEST_CASE("policy approval: the committee sends the draft back, then top management rejects it once") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Policy for approval", "--as", "anna"}));
  walk(w, id, {{"draft", "security-function", "anna"},
               {"review", "security-committee", "karen", {"recommend=false"}},
               {"draft", "security-function", "anna"},
               {"review", "security-committee", "sara", {"recommend=true"}},
               {"approve", "top-management", "karen", {"approved=false"}},
               {"draft", "security-function", "anna"},
               {"review", "security-committee", "sara", {"recommend=true"}},
               {"approve", "top-management", "karen", {"approved=true"}},
               {"publish", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK(std::count(r.begin(), r.end(), "draft") == 3);
}

TEST_CASE("user access review: started by its message from the wheel; changes are checked by someone other than who made them") {
  Isms w;
  std::string id = first_line(w.ok({"message", "User access review due", "--as", "anna"}));
  REQUIRE_FALSE(id.empty());
  CHECK(w.cli({"show", id, "--json"}).json()["process"] == "user-access-review");
  walk(w, id, {{"extract", "it-operations", "sofie"},
               {"review", "business-functions", "peter", {"changesNeeded=true"}},
               {"adjust", "it-operations", "jonas"}});
  CHECK(refused(w, id, "check", "jonas").find("jonas completed 'Remove or adjust the access rights'") != std::string::npos);
  walk(w, id, {{"check", "security-function", "anna"}, {"record", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  CHECK(notified(w, id, "informed") == std::vector<std::string>{"business-functions", "security-committee"});
}

TEST_CASE("user access review: nothing to change goes straight to the record") {
  Isms w;
  std::string id = first_line(w.ok({"message", "User access review due", "--as", "anna"}));
  walk(w, id, {{"extract", "it-operations", "sofie"},
               {"review", "business-functions", "mette", {"changesNeeded=false"}},
               {"record", "security-function", "anna"}});
  CHECK(status(w, id) == "completed");
  CHECK_FALSE(passed(route(w, id), "adjust"));
}

TEST_CASE("contingency test: a passed test is reported; a failed one updates the plan first") {
  for (bool pass : {true, false}) {
    INFO(pass);
    Isms w;
    std::string id = first_line(w.ok({"message", "Contingency test due", "--as", "anna"}));
    walk(w, id, {{"plan", "security-function", "anna"},
                 {"run", "it-operations", "sofie"},
                 {"evaluate", "security-function", "jonas", {std::string("passed=") + (pass ? "true" : "false")}}});
    if (!pass) complete(w, id, "update", "security-function", "jonas");
    complete(w, id, "report", "security-committee", "karen");
    CHECK(status(w, id) == "completed");
    CHECK(passed(route(w, id), "update") == !pass);
    CHECK(completion(w, id, "plan")["raci"] == "R");  // the committee is Accountable for the plan
    CHECK(notified(w, id, "informed") == std::vector<std::string>{"top-management"});
  }
}

TEST_CASE("internal audit: each finding starts a deviation case; without findings none does") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Internal audit due", "--as", "anna", "--key", "IA-2026"}));
  walk(w, id, {{"plan", "security-function", "anna"},
               {"conduct", "internal-audit", "ole"},
               {"report", "internal-audit", "ole", {"findings=true"}},
               {"register-finding", "security-function", "anna", {"finding=No access review in 2025", "moreFindings=true"}},
               {"register-finding", "security-function", "anna", {"finding=SoA not updated", "moreFindings=false"}},
               {"committee", "security-committee", "karen"}});
  CHECK(status(w, id) == "completed");
  auto deviations = w.cli({"cases", "--process", "deviation-handling", "--json"}).json();
  REQUIRE(deviations.size() == 2);
  CHECK(deviations[0]["key"] == "IA-2026");
  CHECK(w.cli({"show", deviations[0]["id"], "--json"}).json()["variables"]["finding"] == "No access review in 2025");
  CHECK(w.cli({"show", deviations[1]["id"], "--json"}).json()["variables"]["finding"] == "SoA not updated");
  CHECK(open_task(w, deviations[1]["id"], "assess-input")["role"] == "security-function");
  CHECK(completion(w, id, "conduct")["raci"] == "R/A");

  std::string clean = first_line(w.ok({"message", "Internal audit due", "--as", "anna"}));
  walk(w, clean, {{"plan", "security-function", "anna"},
                  {"conduct", "internal-audit", "ole"},
                  {"report", "internal-audit", "ole", {"findings=false"}},
                  {"committee", "security-committee", "sara"}});
  CHECK(status(w, clean) == "completed");
  CHECK(w.cli({"cases", "--process", "deviation-handling", "--json"}).json().size() == 2);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("management review: the committee takes the standing agenda in order, with policies when there are any") {
  for (bool policies : {true, false}) {
    INFO(policies);
    Isms w;
    std::string id = first_line(w.ok({"message", "Committee meeting due", "--as", "anna"}));
    complete(w, id, "prepare", "security-function", "anna", {std::string("policiesForApproval=") + (policies ? "true" : "false")});
    for (const char* item : {"agenda", "minutes", "status", "incidents", "deviations", "new-deviations", "threats"})
      complete(w, id, item, "security-committee", "karen");
    if (policies) complete(w, id, "approve-policies", "security-committee", "karen");
    walk(w, id, {{"aob", "security-committee", "sara"}, {"write-minutes", "security-function", "anna"}});
    CHECK(status(w, id) == "completed");
    CHECK(passed(route(w, id), "approve-policies") == policies);
    auto informed = notified(w, id, "informed");
    CHECK(informed.back() == "security-committee");
    CHECK(std::count(informed.begin(), informed.end(), "top-management") == (policies ? 2 : 1));
  }
}

namespace {

// The self-assessment's questions in order, with the role each is routed to.
const std::vector<std::pair<std::string, std::string>> kQuestions = {
    {"business-overview", "security-function"},   {"security-requirements", "security-function"},
    {"external-stakeholders", "security-function"}, {"management-attention", "top-management"},
    {"management-routines", "top-management"},      {"policy-approved", "top-management"},
    {"roles-approved", "top-management"},           {"risk-assessments", "security-function"},
    {"risk-based-controls", "security-function"},   {"resources", "top-management"},
    {"competence-needs", "hr"},                     {"competences", "hr"},
    {"training", "hr"},                             {"awareness-policy", "security-function"},
    {"awareness", "security-function"},             {"awareness-reminders", "security-function"},
    {"communication-guidelines", "security-committee"}, {"communication-responsibility", "security-committee"},
    {"mandatory-documentation", "security-function"}, {"optional-documentation", "security-function"},
    {"documentation-form", "security-function"},    {"document-control", "security-function"},
    {"self-evaluation-plan", "security-committee"}, {"internal-audit-plan", "security-committee"},
    {"management-follow-up", "security-committee"},
};

std::string holder(const std::string& role) {
  if (role == "top-management") return "karen";
  if (role == "hr") return "mette";
  if (role == "security-committee") return "sara";
  return "anna";
}

// Answers every question yes, except the numbers (1-based) in `no`.
void answer_all(const Workspace& w, const std::string& id, const std::set<int>& no) {
  for (std::size_t i = 0; i < kQuestions.size(); ++i) {
    std::string var = (i + 1 < 10 ? "q0" : "q") + std::to_string(i + 1);
    const auto& [node, role] = kQuestions[i];
    complete(w, id, node, role, holder(role), {var + "=" + (no.count(static_cast<int>(i + 1)) ? "false" : "true")});
  }
}

}  // namespace

TEST_CASE("ISMS self-assessment: each question goes to the role owning its area, and every no becomes a gap") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Self-assessment due", "--as", "anna"}));
  // A question cannot be completed without its answer.
  auto r = w.cli({"complete", task_id(w, id, "business-overview"), "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(r.err.find("needs an answer: unknown variable 'q01' (raci:gapWhen q01 == false)") != std::string::npos);
  answer_all(w, id, {6, 24});
  auto gaps = w.cli({"show", id, "--json"}).json()["variables"]["gaps"];
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0]["step"] == "policy-approved");
  CHECK(gaps[0]["gap"] == "No approved information security policy");
  CHECK(gaps[0]["iso"] == json{"5.2"});
  CHECK(gaps[1]["gap"] == "No internal audit plan");
  walk(w, id, {{"report", "security-function", "anna"}, {"prioritise", "security-committee", "karen"}});
  CHECK(status(w, id) == "completed");
  CHECK(passed(route(w, id), "planned"));
  CHECK(completion(w, id, "competences")["role"] == "hr");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("ISMS self-assessment: all yes ends without a gap report") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Self-assessment due", "--as", "anna"}));
  answer_all(w, id, {});
  CHECK(w.cli({"show", id, "--json"}).json()["variables"]["gaps"] == json::array());
  CHECK(status(w, id) == "completed");
  auto r = route(w, id);
  CHECK(passed(r, "no-gaps"));
  CHECK_FALSE(passed(r, "report"));
}

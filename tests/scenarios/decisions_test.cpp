// Business-rule tasks run DMN decisions: written the raciflow, Camunda 8 and Camunda 7
// ways, deployed with their decision models, evaluated as the token passes, recorded in
// the trail with the rules that matched, and an incident when a decision cannot decide.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

void scoring(const Workspace& w) {
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", test_data("risk-scoring.bpmn"), sample("risk-level.dmn"), "--as", "anna"});
}

// The records of one action in a case's trail.
std::vector<json> records(const Workspace& w, const std::string& case_id, const std::string& action) {
  std::vector<json> out;
  for (const auto& r : w.cli({"audit", case_id, "--format", "json"}).json())
    if (r["action"] == action) out.push_back(r);
  return out;
}

// The sample risk method with some rule cells changed (from -> to).
std::string risk_method_with(const std::vector<std::pair<std::string, std::string>>& changes) {
  std::string text = read_file(sample("risk-level.dmn"));
  for (const auto& [from, to] : changes) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("a business-rule task evaluates its decision, and the gateway after it routes on the result") {
  Workspace w;
  scoring(w);
  std::string id = first_line(w.ok({"start", "risk-scoring", "--as", "anna"}));
  complete(w, id, "rate", "security-function", "anna", {"likelihood=3", "impact=4"});
  // 3 x 4 = 12: critical, treated, accepted by top management.
  CHECK(open_task(w, id, "treat").is_object());
  json risk = w.cli({"show", id, "--json"}).json()["variables"]["risk"];
  CHECK(risk == json{{"level", "critical"}, {"treatmentRequired", true}, {"topManagementAccepts", true}});

  // A low risk takes the default flow past the treatment.
  std::string low = first_line(w.ok({"start", "risk-scoring", "--as", "anna"}));
  complete(w, low, "rate", "security-function", "anna", {"likelihood=1", "impact=2"});
  CHECK(w.cli({"show", low, "--json"}).json()["status"] == "completed");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("the trail records the decision, its model and version, what it read and the rule that matched") {
  Workspace w;
  scoring(w);
  std::string id = first_line(w.ok({"start", "risk-scoring", "--as", "anna"}));
  complete(w, id, "rate", "security-function", "anna", {"likelihood=2", "impact=3"});
  auto evaluated = records(w, id, "decision_evaluated");
  REQUIRE(evaluated.size() == 1);
  const json& data = evaluated[0]["data"];
  CHECK(evaluated[0]["node"] == "score");
  CHECK(data["decision"] == "risk-level");
  CHECK(data["name"] == "Risk level");
  CHECK(data["model"] == "risk-method");
  CHECK(data["version"] == 1);
  CHECK(data["inputs"] == json{{"risk-level/Likelihood", 2}, {"risk-level/Impact", 3}, {"risk-level/Likelihood × impact", 6}});
  CHECK(data["matched"] == json::array({{{"decision", "risk-level"}, {"rule", 2}, {"id", "Rule_medium"}}}));
  CHECK(data["result"]["level"] == "medium");
  CHECK(data["variable"] == "risk");
}

TEST_CASE("Camunda 8's zeebe:calledDecision and Camunda 7's camunda:decisionRef run the same table, Camunda 7's as a result list") {
  Workspace w;
  scoring(w);
  std::string c8 = first_line(w.ok({"start", "risk-scoring-c8", "--as", "anna", "--var", "likelihood=4", "--var", "impact=2"}));
  CHECK(w.cli({"show", c8, "--json"}).json()["variables"]["risk"]["level"] == "high");
  // Named by its name, as Camunda 7 may; mapDecisionResult="resultList": a list of rows.
  std::string c7 = first_line(w.ok({"start", "risk-scoring-c7", "--as", "anna", "--var", "likelihood=4", "--var", "impact=2"}));
  json risk = w.cli({"show", c7, "--json"}).json()["variables"]["risk"];
  REQUIRE(risk.is_array());
  CHECK(risk == json::array({{{"level", "high"}, {"treatmentRequired", true}, {"topManagementAccepts", true}}}));
}

TEST_CASE("a decision that cannot decide puts the case in an incident, and a retry with the right variables goes on") {
  Workspace w;
  scoring(w);
  // Likelihood 7 is outside the table's input values [1..4]: an error, never a quiet miss.
  std::string id = first_line(w.ok({"start", "risk-scoring-c8", "--as", "anna", "--var", "likelihood=7", "--var", "impact=2"}));
  json shown = w.cli({"show", id, "--json"}).json();
  CHECK(shown["status"] == "incident");
  CHECK(shown.dump().find("input 'Likelihood' is 7, which is not among its values ([1..4])") != std::string::npos);
  CHECK(records(w, id, "decision_evaluated").empty());
  w.ok({"retry", id, "--as", "anna", "--var", "likelihood=2"});
  shown = w.cli({"show", id, "--json"}).json();
  CHECK(shown["status"] == "completed");
  CHECK(shown["variables"]["risk"]["level"] == "medium");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("deploy refuses a business-rule task whose decision is neither deployed nor given, and takes DECISION.dmn beside it") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  auto refused = w.cli({"deploy", test_data("risk-scoring.bpmn"), "--as", "anna"});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("risk-scoring.bpmn:17: error: business-rule task 'score' evaluates decision 'risk-level', which is neither "
                         "deployed nor among these files") != std::string::npos);
  CHECK(w.cli({"cases", "--json"}).json().empty());
  // Kept together in one folder, the flow and its decision model deploy together.
  std::filesystem::create_directories(w.path("flows"));
  std::filesystem::copy_file(test_data("risk-scoring.bpmn"), w.path("flows/risk-scoring.bpmn"));
  std::filesystem::copy_file(sample("risk-level.dmn"), w.path("flows/risk-level.dmn"));
  CHECK(w.ok({"deploy", w.path("flows/risk-scoring.bpmn"), "--as", "anna"}) ==
        "risk-method@1 (decision model)\nrisk-scoring@1\nrisk-scoring-c8@1\nrisk-scoring-c7@1\n");
}

TEST_CASE("a new version of a decision model decides new evaluations, and the trail says which version decided") {
  Workspace w;
  scoring(w);
  // The committee lowers the bar: a score of 6 is high from now on.
  std::string lowered = w.write("risk-level.dmn", risk_method_with({{"<text>[8..11]</text>", "<text>[6..11]</text>"}}));
  CHECK(w.ok({"deploy", lowered, "--as", "anna"}) == "risk-method@2 (decision model)\n");
  CHECK(w.ok({"deploy", lowered, "--as", "anna"}) == "risk-method@2 (decision model)\n");  // the same bytes: no new version
  std::string id = first_line(w.ok({"start", "risk-scoring-c8", "--as", "anna", "--var", "likelihood=2", "--var", "impact=3"}));
  // Now rules 2 ([4..7]) and 3 ([6..11]) both match 6: the UNIQUE table is violated.
  CHECK(w.cli({"show", id, "--json"}).json().dump().find("the UNIQUE hit policy is violated: rules 2 and 3 both match") != std::string::npos);
  w.ok({"deploy", w.write("risk-level.dmn", risk_method_with({{"<text>[8..11]</text>", "<text>[6..11]</text>"}, {"<text>[4..7]</text>", "<text>[4..5]</text>"}})), "--as", "anna"});
  w.ok({"retry", id, "--as", "anna"});
  auto evaluated = records(w, id, "decision_evaluated");
  REQUIRE(evaluated.size() == 1);
  CHECK(evaluated[0]["data"]["version"] == 3);
  CHECK(evaluated[0]["data"]["result"]["level"] == "high");
}

TEST_CASE("a case decided by an earlier version of the table replays to its stored state after the table changes") {
  Workspace w;
  scoring(w);
  // Decided by version 1: a medium risk, treated; the committee accepts it.
  std::string id = first_line(w.ok({"start", "risk-scoring", "--as", "anna"}));
  complete(w, id, "rate", "security-function", "anna", {"likelihood=3", "impact=2"});
  json before = w.cli({"show", id, "--json"}).json();
  CHECK(before["variables"]["risk"]["topManagementAccepts"] == false);
  // Version 2 sends medium risks to top management; the case keeps what version 1 decided.
  w.ok({"deploy", w.write("risk-level.dmn", risk_method_with({{"<text>false</text></outputEntry>\n      </rule>\n      <rule id=\"Rule_high\">",
                                                                "<text>true</text></outputEntry>\n      </rule>\n      <rule id=\"Rule_high\">"}})),
        "--as", "anna"});
  CHECK(w.cli({"show", id, "--json"}).json()["variables"] == before["variables"]);
  auto verified = w.cli({"audit", "verify"});
  CHECK(verified.code == 0);
  CHECK(verified.out.find("to its stored state") != std::string::npos);
  // A new case is decided by version 2.
  std::string next = first_line(w.ok({"start", "risk-scoring", "--as", "anna"}));
  complete(w, next, "rate", "security-function", "anna", {"likelihood=3", "impact=2"});
  CHECK(w.cli({"show", next, "--json"}).json()["variables"]["risk"]["topManagementAccepts"] == true);
  CHECK(records(w, next, "decision_evaluated")[0]["data"]["version"] == 2);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("raciflow decide prints the result and the rules that matched; --json holds them under result and matched") {
  Workspace w;
  scoring(w);
  CHECK(w.ok({"decide", "risk-level", "--var", "likelihood=2", "--var", "impact=2"}) ==
        "Risk level (risk-level), decision model risk-method@1\n"
        "result: {\"level\":\"medium\",\"topManagementAccepts\":false,\"treatmentRequired\":true}\n"
        "matched: rule 2 (Rule_medium) of risk-level\n");
  json answer = w.cli({"decide", "Risk level", "--var", "likelihood=1", "--var", "impact=1", "--json"}).json();
  CHECK(answer["result"]["level"] == "low");
  CHECK(answer["matched"][0]["rule"] == 1);
  auto unknown = w.cli({"decide", "no-such-decision"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err == "raciflow decide: no deployed decision model holds decision 'no-such-decision'\n");
}

TEST_CASE("raciflow decide takes DMN names with spaces in --var") {
  Workspace w;
  w.ok({"deploy", w.write("salary.dmn", R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="salary" name="Salary" namespace="urn:t">
  <inputData id="i" name="Monthly Salary"/>
  <decision id="band" name="Salary band">
    <informationRequirement><requiredInput href="#i"/></informationRequirement>
    <decisionTable hitPolicy="FIRST">
      <input label="Monthly Salary"><inputExpression typeRef="number"><text>Monthly Salary</text></inputExpression></input>
      <output name="band" typeRef="string"/>
      <rule><inputEntry><text>&gt;= 40000</text></inputEntry><outputEntry><text>"upper"</text></outputEntry></rule>
      <rule><inputEntry><text>-</text></inputEntry><outputEntry><text>"lower"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>)"),
        "--as", "anna"});
  CHECK(w.cli({"decide", "band", "--var", "Monthly Salary=45000", "--json"}).json()["result"] == "upper");
  CHECK(w.cli({"decide", "Salary band", "--var", "Monthly Salary=10000", "--json"}).json()["result"] == "lower");
  auto bad = w.cli({"decide", "band", "--var", "Monthly.Salary=1"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("'Monthly.Salary' is not a name") != std::string::npos);
}

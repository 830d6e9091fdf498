// Scenario: the deviation-handling sample run by the engine along each of its paths.
#include <catch2/catch.hpp>

#include "definitions/definition_set.h"
#include "definitions/dmn.h"
#include "definitions/dmn_eval.h"
#include "engine/decisions.h"
#include "engine/engine.h"

using namespace raciflow::definitions;
using namespace raciflow::engine;
using nlohmann::json;

namespace {

// The sample's decision table (samples/committee-question.dmn), as the runtime would find it deployed.
class SampleDecisions : public DecisionSource {
 public:
  SampleDecisions() {
    Diagnostics d("committee-question.dmn");
    auto model = load_dmn_file(std::string(RACIFLOW_SOURCE_DIR) + "/samples/committee-question.dmn", d);
    REQUIRE(model);
    auto compiled = DecisionEngine::compile(*model, d);
    REQUIRE(compiled);
    engine_ = std::make_shared<const DecisionEngine>(std::move(*compiled));
  }
  FoundDecision find(const std::string& decision, int) const override {
    FoundDecision found;
    if (!engine_->model().find(decision)) {
      found.error = "no decision '" + decision + "'";
      return found;
    }
    found.model = engine_;
    found.model_id = engine_->model().id;
    found.version = 1;
    return found;
  }

 private:
  std::shared_ptr<const DecisionEngine> engine_;
};

class Deviation {
 public:
  Deviation() {
    files_ = load_and_validate({std::string(RACIFLOW_SOURCE_DIR) + "/samples/deviation-handling.bpmn"}, false);
    REQUIRE(files_.front().definitions);
    const auto& defs = *files_.front().definitions;
    REQUIRE(check_executable(defs.processes.front()).empty());
    process_ = std::make_unique<ExecutableProcess>(defs, defs.processes.front(), 1);
    engine_ = std::make_unique<Engine>(*process_, &decisions_);
  }

  void run(const Command& command, const Actor& actor) {
    Outcome outcome = engine_->handle(state, command, actor, now);
    INFO(outcome.refusal.value_or(""));
    REQUIRE_FALSE(outcome.refusal);
    for (auto& e : outcome.events) {
      apply(state, e, process_->process());
      log.push_back(std::move(e));
    }
  }

  // Completes the one open task at `node` as `person` in `role`.
  void complete(const std::string& node, const std::string& person, const std::string& role, json variables = json::object()) {
    const Task* open = nullptr;
    for (const auto& [id, t] : state.tasks)
      if (t.node_id == node && t.status == TaskStatus::open) open = &t;
    INFO(node);
    REQUIRE(open);
    CHECK(open->responsible == std::vector<std::string>{role});
    run(command::Complete{open->id, std::move(variables)}, Actor{person, {role}});
  }

  std::vector<std::string> informed_roles() const {
    std::vector<std::string> roles;
    for (const auto& e : log)
      if (e.kind == EventKind::notification_queued && e.data["kind"] == "informed") roles.push_back(e.data["role"]);
    return roles;
  }

  bool reached(const std::string& node) const {
    return std::any_of(log.begin(), log.end(), [&](const Event& e) { return e.kind == EventKind::node_entered && e.node == node; });
  }

  CaseState state;
  std::vector<Event> log;
  TimePoint now = *parse_date_time("2026-03-02T09:00:00Z");

 private:
  std::vector<LoadedFile> files_;
  SampleDecisions decisions_;
  std::unique_ptr<ExecutableProcess> process_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace

TEST_CASE("deviation: an external input goes to the committee, is carried out, reported back and closed") {
  Deviation d;
  d.run(command::Start{"dev-1", "External input", "", {{"summary", "phishing wave"}}}, Actor{"coordinator", {}});
  CHECK(d.log.front().data["start"] == "input-external");
  d.complete("assess-input", "anna", "security-function", {{"severity", "high"}});
  d.complete("committee-decides", "carl", "security-committee", {{"decision", "awareness campaign"}});
  d.complete("inform-functions", "anna", "security-function", {{"affectedUnits", {"business-functions"}}});
  d.complete("carry-out", "bo", "business-functions");
  d.complete("report-back", "bo", "business-functions", {{"instructionFollowed", true}, {"successful", true}});
  d.complete("record-outcome", "anna", "security-function", {{"recurring", false}});
  CHECK(d.state.status == CaseStatus::completed);
  CHECK(d.reached("deviation-closed"));
  CHECK_FALSE(d.reached("function-decides"));
  CHECK(d.informed_roles() == std::vector<std::string>{"top-management", "business-functions", "security-function",
                                                       "security-committee"});
}

TEST_CASE("deviation: the security function decides within its mandate when the committee is not needed") {
  Deviation d;
  d.run(command::Start{"dev-2", "Input from the annual wheel", "", {}}, Actor{"coordinator", {}});
  d.complete("assess-input", "anna", "security-function", {{"severity", "low"}, {"withinMandate", true}});
  d.complete("function-decides", "anna", "security-function");
  CHECK_FALSE(d.reached("committee-decides"));
  d.complete("inform-functions", "anna", "security-function", {{"affectedUnits", {"business-functions"}}});
  d.complete("carry-out", "bo", "business-functions");
  d.complete("report-back", "bo", "business-functions", {{"instructionFollowed", true}, {"successful", true}});
  d.complete("record-outcome", "anna", "security-function", {{"recurring", false}});
  CHECK(d.reached("deviation-closed"));
}

TEST_CASE("deviation: a failed or recurring outcome calls the corrective-action flow and waits for it") {
  for (json report : {json{{"instructionFollowed", true}, {"successful", false}, {"recurring", false}},
                      json{{"instructionFollowed", false}, {"successful", true}, {"recurring", false}},
                      json{{"instructionFollowed", true}, {"successful", true}, {"recurring", true}}}) {
    INFO(report.dump());
    Deviation d;
    d.run(command::Start{"dev-3", "Input from the annual plan", "", {}}, Actor{"coordinator", {}});
    d.complete("assess-input", "anna", "security-function", {{"severity", "low"}, {"withinMandate", true}});
    d.complete("function-decides", "anna", "security-function");
    d.complete("inform-functions", "anna", "security-function", {{"affectedUnits", {"business-functions"}}});
    d.complete("carry-out", "bo", "business-functions");
    d.complete("report-back", "bo", "business-functions",
               {{"instructionFollowed", report["instructionFollowed"]}, {"successful", report["successful"]}});
    d.complete("record-outcome", "anna", "security-function", {{"recurring", report["recurring"]}});
    CHECK(d.reached("corrective-action"));
    CHECK(d.log.back().kind == EventKind::call_started);
    CHECK(d.log.back().data["process"] == "corrective-action");
    CHECK(d.state.status == CaseStatus::active);
  }
}

TEST_CASE("deviation: the severity table decides whether the committee acts, and the trail names the rule") {
  struct Assessment {
    json answers;
    bool committee;
    const char* rule;
  };
  for (const auto& a : {Assessment{{{"severity", "high"}, {"withinMandate", true}}, true, "Rule_severe"},
                        Assessment{{{"severity", "medium"}, {"withinMandate", false}}, true, "Rule_outside"},
                        Assessment{{{"severity", "medium"}}, true, "Rule_outside"},  // the mandate not stated
                        Assessment{{{"severity", "low"}, {"withinMandate", true}}, false, "Rule_within"}}) {
    INFO(a.answers.dump());
    Deviation d;
    d.run(command::Start{"dev-5", "External input", "", {}}, Actor{"coordinator", {}});
    d.complete("assess-input", "anna", "security-function", a.answers);
    CHECK(d.state.variables["committeeDecisionNeeded"] == a.committee);
    CHECK(d.reached("committee-decides") == a.committee);
    CHECK(d.reached("function-decides") == !a.committee);
    const Event* decided = nullptr;
    for (const auto& e : d.log)
      if (e.kind == EventKind::decision_evaluated) decided = &e;
    REQUIRE(decided);
    CHECK(decided->node == "committee-question");
    CHECK(decided->data["decision"] == "committee-question");
    CHECK(decided->data["matched"][0]["id"] == a.rule);
  }
}

// RACI at run time: routing, refusals, consultations, notifications, four-eyes, due dates.
#include "tests/engine/engine_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

std::string decision_flow() {
  return process_xml(R"(<startEvent id="s"/>
<userTask id="propose" name="Propose treatment" raci:responsible="security-function"/>
<userTask id="decide" name="Decide" raci:responsible="security-committee" raci:accountable="top-management"
          raci:consulted="security-function business-functions" raci:informed="top-management business-functions"
          raci:due="P5D"/>
<userTask id="accept" name="Accept residual risk" raci:responsible="security-function" raci:separateFrom="propose"/>
<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="propose"/>
<sequenceFlow id="f1" sourceRef="propose" targetRef="decide"/>
<sequenceFlow id="f2" sourceRef="decide" targetRef="accept"/>
<sequenceFlow id="f3" sourceRef="accept" targetRef="e"/>
)");
}

const Actor kAnna{"anna", {"security-function"}};
const Actor kBo{"bo", {"security-committee", "business-functions"}};
const Actor kCarl{"carl", {"security-committee"}};
const Actor kDitte{"ditte", {"security-function"}};

}  // namespace

TEST_CASE("a person without the Responsible role can neither claim nor complete, and the reason names the role") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  int task = c.task("propose")->id;
  CHECK_FALSE(c.run(command::Claim{task}, kBo));
  CHECK(c.refusal == "bo holds none of the roles Responsible for 'Propose treatment' (security-function)");
  CHECK_FALSE(c.run(command::Complete{task, {}}, kBo));
  CHECK(c.task("propose")->status == TaskStatus::open);
}

TEST_CASE("a claimed task belongs to its assignee until unclaimed") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  int task = c.task("propose")->id;
  REQUIRE(c.run(command::Claim{task}, kAnna));
  CHECK(c.task("propose")->assignee == "anna");
  CHECK_FALSE(c.run(command::Claim{task}, kDitte));
  CHECK(c.refusal == "'Propose treatment' is claimed by anna");
  CHECK_FALSE(c.run(command::Complete{task, {}}, kDitte));
  CHECK_FALSE(c.run(command::Unclaim{task}, kDitte));
  REQUIRE(c.run(command::Unclaim{task}, kAnna));
  REQUIRE(c.run(command::Complete{task, {}}, kDitte));
  CHECK_FALSE(c.run(command::Complete{task, {}}, kDitte));
  CHECK(c.refusal == "'Propose treatment' is already completed");
}

TEST_CASE("events of a step record the acting role and its RACI letters") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Complete{c.task("propose")->id, {{"treatment", "mitigate"}}}, kAnna));
  const Event& done = c.log.back().kind == EventKind::task_completed
                          ? c.log.back()
                          : *std::find_if(c.log.begin(), c.log.end(), [](const Event& e) { return e.kind == EventKind::task_completed; });
  CHECK(done.actor == "anna");
  CHECK(done.role == "security-function");
  CHECK(done.raci == "R/A");
  REQUIRE(c.run(command::Complete{c.task("decide")->id, {}}, kBo));
  const Event& decided = *std::find_if(c.log.rbegin(), c.log.rend(), [](const Event& e) { return e.kind == EventKind::task_completed; });
  CHECK(decided.role == "security-committee");
  CHECK(decided.raci == "R");
}

TEST_CASE("consulted roles get an item each, answers are recorded with the task, once per role") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Complete{c.task("propose")->id, {}}, kAnna));
  const Task& decide = *c.task("decide");
  REQUIRE(decide.consultations.size() == 2);
  CHECK(c.count(EventKind::notification_queued, "decide") == 2);
  CHECK_FALSE(c.run(command::Consult{decide.id, "no objection"}, kCarl));
  CHECK(c.refusal.find("carl holds none of the roles still to be consulted") == 0);
  REQUIRE(c.run(command::Consult{decide.id, "fine by IT"}, kBo));
  REQUIRE(c.run(command::Consult{decide.id, "go ahead"}, kAnna));
  CHECK_FALSE(c.run(command::Consult{decide.id, "again"}, kDitte));
  const Task& answered = c.state.tasks.at(decide.id);
  CHECK(answered.consultations[0].role == "security-function");
  CHECK(answered.consultations[0].answer == "go ahead");
  CHECK(answered.consultations[0].answered_by == "anna");
  CHECK(answered.consultations[1].answered_by == "bo");
}

namespace {

// The decision step with its consultation policy.
std::string consult_flow(const std::string& policy) {
  std::string xml = decision_flow();
  auto at = xml.find("raci:due=\"P5D\"");
  return xml.insert(at, policy.empty() ? "" : "raci:consult=\"" + policy + "\" ");
}

const Actor kTop{"tove", {"top-management"}};

std::vector<std::string> roles_of(const Event& e) { return e.data["roles"].get<std::vector<std::string>>(); }

// Starts the case and proposes; the decision's task, once Bo (a business function) answered.
int decision_answered_by_bo(Case& c) {
  REQUIRE(c.start());
  REQUIRE(c.run(command::Complete{c.task("propose")->id, {}}, kAnna));
  int decide = c.task("decide")->id;
  REQUIRE(c.run(command::Consult{decide, "fine by IT"}, kBo));
  return decide;
}

}  // namespace

TEST_CASE("raci:consult=\"alongside\" lets the Responsible complete and records the roles that did not answer") {
  Flow f(consult_flow(""));  // the default
  Case c(f);
  int decide = decision_answered_by_bo(c);
  REQUIRE(c.run(command::Complete{decide, {}}, kCarl));
  REQUIRE(c.count(EventKind::consultation_skipped, "decide") == 1);
  auto skipped = std::find_if(c.log.begin(), c.log.end(), [](const Event& e) { return e.kind == EventKind::consultation_skipped; });
  CHECK(roles_of(*skipped) == std::vector<std::string>{"security-function"});
  CHECK(skipped->actor == "carl");
  // The late answer is refused, saying the step is done.
  CHECK_FALSE(c.run(command::Consult{decide, "we were not asked in time"}, kAnna));
  CHECK(c.refusal == "'Decide' is done: the consultation closed when the step was completed");
}

TEST_CASE("a step completed with every answer in records no skipped consultation") {
  Flow f(consult_flow("alongside"));
  Case c(f);
  int decide = decision_answered_by_bo(c);
  REQUIRE(c.run(command::Consult{decide, "go ahead"}, kAnna));
  REQUIRE(c.run(command::Complete{decide, {}}, kCarl));
  CHECK(c.count(EventKind::consultation_skipped) == 0);
}

TEST_CASE("raci:consult=\"before\" refuses completion until each Consulted role has answered") {
  Flow f(consult_flow("before"));
  Case c(f);
  int decide = decision_answered_by_bo(c);
  CHECK_FALSE(c.run(command::Complete{decide, {}}, kCarl));
  CHECK(c.refusal == "'Decide' waits for the consultation of security-function (raci:consult=\"before\"); the Accountable may waive it "
                     "with a reason");
  CHECK(c.task("decide")->status == TaskStatus::open);
  REQUIRE(c.run(command::Consult{decide, "go ahead"}, kAnna));
  REQUIRE(c.run(command::Complete{decide, {}}, kCarl));
  CHECK(c.count(EventKind::consultation_skipped) == 0);
}

TEST_CASE("the Accountable waives an unanswered consultation with a reason, and only the Accountable") {
  Flow f(consult_flow("before"));
  Case c(f);
  int decide = decision_answered_by_bo(c);
  CHECK_FALSE(c.run(command::Waive{decide, "urgent"}, kCarl));  // Responsible, not Accountable
  CHECK(c.refusal == "carl holds none of the roles Accountable for 'Decide' (top-management)");
  CHECK_FALSE(c.run(command::Waive{decide, ""}, kTop));
  CHECK(c.refusal == "'Decide': waiving a consultation needs a reason");
  REQUIRE(c.run(command::Waive{decide, "the breach is ongoing; no time to wait"}, kTop));
  auto waived = std::find_if(c.log.begin(), c.log.end(), [](const Event& e) { return e.kind == EventKind::consultation_waived; });
  REQUIRE(waived != c.log.end());
  CHECK(waived->actor == "tove");
  CHECK(waived->role == "top-management");
  CHECK(waived->raci == "A/I");
  CHECK(roles_of(*waived) == std::vector<std::string>{"security-function"});
  CHECK(waived->data["reason"] == "the breach is ongoing; no time to wait");
  // Nothing left to waive; the waived role's answer is refused; the step completes.
  CHECK_FALSE(c.run(command::Waive{decide, "again"}, kTop));
  CHECK_FALSE(c.run(command::Consult{decide, "late"}, kAnna));
  CHECK(c.refusal == "'Decide': tove waived this consultation");
  REQUIRE(c.run(command::Complete{decide, {}}, kCarl));
  CHECK(c.count(EventKind::consultation_skipped) == 0);
  CHECK(c.state.tasks.at(decide).consultations[0].waived_by == "tove");
}

TEST_CASE("informed roles are notified when the task completes") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Complete{c.task("propose")->id, {}}, kAnna));
  std::size_t before = c.count(EventKind::notification_queued);
  REQUIRE(c.run(command::Complete{c.task("decide")->id, {}}, kCarl));
  std::vector<std::string> told;
  for (std::size_t i = 0; i < c.log.size(); ++i)
    if (c.log[i].kind == EventKind::notification_queued && c.log[i].data["kind"] == "informed")
      told.push_back(c.log[i].data["role"]);
  CHECK(told == std::vector<std::string>{"top-management", "business-functions"});
  CHECK(c.count(EventKind::notification_queued) == before + 2);
}

TEST_CASE("raci:separateFrom refuses the person who completed the earlier step, naming it") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Complete{c.task("propose")->id, {}}, kAnna));
  REQUIRE(c.run(command::Complete{c.task("decide")->id, {}}, kCarl));
  int accept = c.task("accept")->id;
  CHECK_FALSE(c.run(command::Complete{accept, {}}, kAnna));
  CHECK(c.refusal == "anna completed 'Propose treatment' in this case, so 'Accept residual risk' needs someone else (raci:separateFrom)");
  REQUIRE(c.run(command::Complete{accept, {}}, kDitte));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("raci:due sets the due date; an overdue task escalates to the Accountable role once") {
  Flow f(decision_flow());
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Complete{c.task("propose")->id, {}}, kAnna));
  const Task& decide = *c.task("decide");
  CHECK(*decide.due == at("2026-03-07T09:00:00Z"));
  REQUIRE(c.tick("2026-03-06T09:00:00Z"));
  CHECK_FALSE(c.task("decide")->escalated);
  REQUIRE(c.tick("2026-03-08T09:00:00Z"));
  CHECK(c.task("decide")->escalated);
  const Event& note = c.log.back();
  CHECK(note.kind == EventKind::notification_queued);
  CHECK(note.data["role"] == "top-management");
  CHECK(note.data["kind"] == "escalation");
  REQUIRE(c.tick("2026-03-09T09:00:00Z"));
  CHECK(c.count(EventKind::task_escalated) == 1);
}

// BPMN's third round: conditions tested as they are armed, a signal that its own scope's
// event sub-process catches, instances and loops of steps that do not wait, checklists
// done one step at a time, and call activities that call global tasks. One small
// definition per rule, with the steps entered, the variables after, and a replay after
// every command (Case::run).
#include "tests/engine/engine_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

const Actor kAnna{"anna", {"security-function"}};

std::string esp(const std::string& id, const std::string& start_definition) {
  return "<subProcess id=\"" + id + "\" triggeredByEvent=\"true\"><startEvent id=\"" + id + "-start\">" + start_definition +
         "</startEvent>" + user_task(id + "-task") + "<endEvent id=\"" + id + "-end\"/>" + flow(id + "-f1", id + "-start", id + "-task") +
         flow(id + "-f2", id + "-task", id + "-end") + "</subProcess>\n";
}

// A sub-process whose steps do not wait before its task: start -> prepare (script) -> inner -> end.
std::string sub_process(const std::string& extra) {
  return "<subProcess id=\"sub\"><startEvent id=\"ss\"/><scriptTask id=\"prepare\"/>" + user_task("inner") + "<endEvent id=\"se\"/>" +
         flow("g0", "ss", "prepare") + flow("g1", "prepare", "inner") + flow("g2", "inner", "se") + extra + "</subProcess>\n";
}

std::size_t instances(const Case& c, const std::string& node) {
  std::size_t n = 0;
  for (const auto& e : c.log)
    if (e.kind == EventKind::token_waiting && e.node == node && e.data.contains("instance")) ++n;
  return n;
}

std::string multi_task(const std::string& kind, const std::string& id, bool sequential, const std::string& completion = "") {
  return "<" + kind + " id=\"" + id + "\" messageRef=\"m\"><multiInstanceLoopCharacteristics isSequential=\"" + (sequential ? "true" : "false") +
         "\" raci:collection=\"assets\" raci:elementVariable=\"asset\" raci:outputVariable=\"asset\" raci:outputCollection=\"checked\">" +
         (completion.empty() ? "" : "<completionCondition>" + completion + "</completionCondition>") +
         "</multiInstanceLoopCharacteristics></" + kind + ">\n";
}

std::string loop_task(const std::string& condition, const std::string& attributes) {
  return "<scriptTask id=\"poll\"><standardLoopCharacteristics " + attributes + "><loopCondition>" + condition +
         "</loopCondition></standardLoopCharacteristics></scriptTask>\n";
}

std::string around(const std::string& node_xml, const std::string& id) {
  return "<startEvent id=\"s\"/>" + node_xml + "<endEvent id=\"e\"/>" + flow("f0", "s", id) + flow("f1", id, "e");
}

std::string checklist(const std::string& attributes, const std::string& completion = "") {
  return "<adHocSubProcess id=\"list\" name=\"Checklist\" " + attributes + ">" + user_task("a") + user_task("b") + user_task("c") +
         (completion.empty() ? "" : "<completionCondition>" + completion + "</completionCondition>") + "</adHocSubProcess>\n";
}

}  // namespace

TEST_CASE("a conditional boundary whose condition holds as its sub-process starts fires then, before the sub-process's steps run") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + sub_process("") +
                     "<boundaryEvent id=\"urgent\" attachedToRef=\"sub\"><conditionalEventDefinition><condition>risk &gt;= 10</condition>"
                     "</conditionalEventDefinition></boundaryEvent>" +
                     user_task("escalate") + "<endEvent id=\"e\"/><endEvent id=\"e2\"/>" + flow("f0", "s", "sub") + flow("f1", "sub", "e") +
                     flow("f2", "urgent", "escalate") + flow("f3", "escalate", "e2")));
  require_executable(f);
  Case high(f);
  REQUIRE(high.start({{"risk", 12}}));
  CHECK(steps(high) == Steps{"s", "sub", "urgent", "escalate"});
  CHECK(high.open_tasks() == Steps{"escalate"});
  CHECK(high.state.subscriptions.empty());
  REQUIRE(high.complete("escalate"));
  CHECK(high.state.status == CaseStatus::completed);
  CHECK(high.state.variables == json{{"risk", 12}});

  Case low(f);
  REQUIRE(low.start({{"risk", 3}}));
  CHECK(steps(low) == Steps{"s", "sub", "ss", "prepare", "inner"});
  REQUIRE(low.complete("inner", {{"risk", 4}}));
  CHECK(low.state.status == CaseStatus::completed);
}

TEST_CASE("an interrupting conditional event sub-process whose condition holds as its scope starts takes over before the scope's steps run") {
  Flow f(process_xml("<startEvent id=\"s\"/>" +
                     sub_process(esp("stop", "<conditionalEventDefinition><condition>status == 'withdrawn'</condition></conditionalEventDefinition>")) +
                     "<endEvent id=\"e\"/>" + flow("f0", "s", "sub") + flow("f1", "sub", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"status", "withdrawn"}}));
  CHECK(steps(c) == Steps{"s", "sub", "stop-start", "stop-task"});
  CHECK(c.open_tasks() == Steps{"stop-task"});
  REQUIRE(c.complete("stop-task"));
  CHECK(steps(c) == Steps{"s", "sub", "stop-start", "stop-task", "stop-end", "e"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json{{"status", "withdrawn"}});
}

TEST_CASE("a signal thrown inside a scope that its own interrupting event sub-process catches ends the thrower's path there") {
  std::string body = "<startEvent id=\"ss\"/><intermediateThrowEvent id=\"raise\"><signalEventDefinition signalRef=\"threat\"/>"
                     "</intermediateThrowEvent><scriptTask id=\"after\"/>" +
                     user_task("inner") + "<endEvent id=\"se\"/>" + flow("g0", "ss", "raise") + flow("g1", "raise", "after") +
                     flow("g2", "after", "inner") + flow("g3", "inner", "se") +
                     esp("react", "<signalEventDefinition signalRef=\"threat\"/>");
  Flow f(process_xml("<startEvent id=\"s\"/><subProcess id=\"sub\">" + body + "</subProcess><endEvent id=\"e\"/>" + flow("f0", "s", "sub") +
                         flow("f1", "sub", "e"),
                     R"(<signal id="threat" name="threat level changed"/>)"));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(steps(c) == Steps{"s", "sub", "ss", "raise", "react-start", "react-task"});
  CHECK(c.open_tasks() == Steps{"react-task"});
  CHECK(c.count(EventKind::signal_thrown, "raise") == 1);
  REQUIRE(c.complete("react-task"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK_FALSE(c.entered("after"));
  CHECK(c.state.variables == json::object());
}

TEST_CASE("a multi-instance script task runs one instance per item, each in the trail, and collects their outputs") {
  Flow f(process_xml(around(multi_task("scriptTask", "check", false), "check")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"assets", {"mail", "hr", "web"}}}));
  CHECK(steps(c) == Steps{"s", "check", "e"});
  CHECK(instances(c, "check") == 3);
  CHECK(c.count(EventKind::token_consumed, "check") == 4);  // three instances and the body
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json{{"assets", {"mail", "hr", "web"}}, {"checked", {"mail", "hr", "web"}}});
}

TEST_CASE("a sequential multi-instance send task sends one message per instance until its completion condition holds") {
  Flow f(process_xml(around(multi_task("sendTask", "notify", true, "nrOfCompletedInstances &gt;= 2"), "notify"),
                     R"(<message id="m" name="asset owner notified"/>)"));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"assets", {"mail", "hr", "web"}}}));
  CHECK(steps(c) == Steps{"s", "notify", "e"});
  CHECK(instances(c, "notify") == 2);
  CHECK(c.count(EventKind::message_sent, "notify") == 2);
  CHECK(c.state.variables == json{{"assets", {"mail", "hr", "web"}}, {"checked", {"mail", "hr", nullptr}}});
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a multi-instance sub-process whose steps do not wait runs each instance to its end") {
  std::string sub = "<subProcess id=\"each\"><multiInstanceLoopCharacteristics><loopCardinality>2</loopCardinality>"
                    "</multiInstanceLoopCharacteristics><startEvent id=\"ss\"/><task id=\"note\"/><endEvent id=\"se\"/>" +
                    flow("g0", "ss", "note") + flow("g1", "note", "se") + "</subProcess>";
  Flow f(process_xml(around(sub, "each")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(steps(c) == Steps{"s", "each", "ss", "ss", "note", "note", "se", "se", "e"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json::object());  // loopCounter stays the instances' own
}

TEST_CASE("a standard loop on a step that does not wait runs up to loopMaximum, or while a condition over loopCounter holds") {
  Flow capped(process_xml(around(loop_task("true", "loopMaximum=\"3\""), "poll")));
  require_executable(capped);
  Case three(capped);
  REQUIRE(three.start());
  CHECK(steps(three) == Steps{"s", "poll", "poll", "poll", "e"});
  CHECK(three.state.status == CaseStatus::completed);
  CHECK(three.state.variables == json::object());  // loopCounter is the condition's, not the case's

  Flow counted(process_xml(around(loop_task("loopCounter &lt; 2", ""), "poll")));
  require_executable(counted);
  Case two(counted);
  REQUIRE(two.start());
  CHECK(steps(two) == Steps{"s", "poll", "poll", "e"});

  Flow before(process_xml(around(loop_task("go == true", "testBefore=\"true\""), "poll")));
  require_executable(before);
  Case none(before);
  REQUIRE(none.start({{"go", false}}));  // its first test ends it: entered, never run
  CHECK(steps(none) == Steps{"s", "poll", "e"});
  CHECK(none.state.status == CaseStatus::completed);
}

TEST_CASE("a loop on a step that does not wait, whose condition still holds with nothing changed, is an incident, not a hang") {
  Flow f(process_xml(around(loop_task("go == true", ""), "poll")));
  require_executable(f);  // the condition reads a variable: known only at run time
  Case c(f);
  REQUIRE(c.start({{"go", true}}));
  CHECK(steps(c) == Steps{"s", "poll"});
  CHECK(c.state.status == CaseStatus::incident);
  REQUIRE(c.state.incident());
  CHECK(c.state.incident()->reason.find("the loop of 'poll' would run forever") == 0);
  REQUIRE(c.run(command::Retry{}));  // going on leaves the loop
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a sequential ad-hoc sub-process offers every step, and the one picked must be done before another is begun") {
  Flow f(process_xml(around(checklist("ordering=\"Sequential\""), "list")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == Steps{"a", "b", "c"});
  REQUIRE(c.run(command::Claim{c.task("b")->id}, kAnna));  // picks b
  CHECK_FALSE(c.run(command::Complete{c.task("a")->id, {}}, Actor{"lars", {"security-function"}}));
  CHECK(c.refusal == "'a' must wait: 'b' is under way in 'Checklist', whose steps are done one at a time (ordering=\"Sequential\")");
  CHECK(c.refusal_kind == RefusalKind::conflict);
  CHECK_FALSE(c.run(command::Claim{c.task("c")->id}, Actor{"lars", {"security-function"}}));
  REQUIRE(c.complete("b", "anna", {"security-function"}));
  REQUIRE(c.complete("c"));
  REQUIRE(c.complete("a"));
  CHECK(steps(c) == Steps{"s", "list", "a", "b", "c", "e"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json::object());
}

TEST_CASE("an ad-hoc sub-process with cancelRemainingInstances false withdraws the steps not begun and waits for those under way") {
  Flow f(process_xml(around(checklist("cancelRemainingInstances=\"false\"", "enough == true"), "list")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Claim{c.task("b")->id}, kAnna));  // b is under way
  REQUIRE(c.complete("a", {{"enough", true}}));
  CHECK(c.count(EventKind::task_cancelled, "c") == 1);  // c was not begun
  CHECK(c.open_tasks() == Steps{"b"});
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.complete("b", "anna", {"security-function"}));
  CHECK(steps(c) == Steps{"s", "list", "a", "b", "c", "e"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json{{"enough", true}});
}

TEST_CASE("a call activity that calls a global user task runs as that task, with the global task's RACI") {
  Flow f(process_xml("<startEvent id=\"s\"/><callActivity id=\"review\" calledElement=\"review-risk\"/>"
                     "<callActivity id=\"log\" calledElement=\"log-it\"/><endEvent id=\"e\"/>" +
                         flow("f0", "s", "log") + flow("f1", "log", "review") + flow("f2", "review", "e"),
                     R"(<globalUserTask id="review-risk" name="Review the risk" raci:responsible="security-committee" raci:informed="top-management"/>
<globalScriptTask id="log-it" name="Log the review"/>)"));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(steps(c) == Steps{"s", "log", "review"});
  REQUIRE(c.task("review"));
  CHECK(c.task("review")->name == "Review the risk");
  CHECK(c.task("review")->responsible == Steps{"security-committee"});
  CHECK(c.task("review")->accountable == Steps{"security-committee"});
  CHECK_FALSE(c.run(command::Complete{c.task("review")->id, {}}, kAnna));  // not the committee
  REQUIRE(c.complete("review", "karen", {"security-committee"}));
  CHECK(c.count(EventKind::notification_queued, "review") == 1);  // top management informed
  CHECK(c.count(EventKind::call_started) == 0);
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json::object());
}

TEST_CASE("a task assigned to a person by another modeler is claimed for that person as it is created") {
  Flow f(process_xml(around("<userTask id=\"fix\" xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" camunda:assignee=\"anna\"/>", "fix")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.task("fix"));
  CHECK(c.task("fix")->status == TaskStatus::claimed);
  CHECK(c.task("fix")->assignee == "anna");
  CHECK_FALSE(c.run(command::Complete{c.task("fix")->id, {}}, Actor{"lars", {"security-function"}}));
  REQUIRE(c.complete("fix", "anna", {"security-function"}, {{"fixed", true}}));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json{{"fixed", true}});
}

TEST_CASE("a multiple catch event goes on at the first of its event definitions to happen, and withdraws the others") {
  std::string wait = R"(<intermediateCatchEvent id="wait"><messageEventDefinition messageRef="answer"/>
<timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition></intermediateCatchEvent>)";
  Flow f(process_xml(around(wait, "wait"), R"(<message id="answer" name="supplier answered"/>)"));
  require_executable(f);
  Case message(f);
  REQUIRE(message.start());
  CHECK(message.state.subscriptions.size() == 1);
  CHECK(message.state.timers.size() == 1);
  REQUIRE(message.correlate("supplier answered", {{"answer", "yes"}}));
  CHECK(message.state.status == CaseStatus::completed);
  CHECK(message.state.variables == json{{"answer", "yes"}});
  CHECK(message.count(EventKind::timer_cancelled, "wait") == 1);

  Case timer(f);
  REQUIRE(timer.start());
  REQUIRE(timer.tick("2026-03-04T09:00:00Z"));
  CHECK(timer.state.status == CaseStatus::completed);
  CHECK(timer.count(EventKind::subscription_closed, "wait") == 1);
  CHECK(steps(timer) == Steps{"s", "wait", "e"});
}

TEST_CASE("a parallel multiple catch event goes on only once each of its event definitions has happened") {
  std::string wait = R"(<intermediateCatchEvent id="wait" parallelMultiple="true"><messageEventDefinition messageRef="answer"/>
<signalEventDefinition signalRef="threat"/><conditionalEventDefinition><condition>approved == true</condition></conditionalEventDefinition>
</intermediateCatchEvent>)";
  Flow f(process_xml(around(wait, "wait"), R"(<message id="answer" name="supplier answered"/><signal id="threat" name="threat level changed"/>)"));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"approved", true}}));  // the condition holds as it is armed: one of three
  CHECK(c.state.subscriptions.size() == 2);
  REQUIRE(c.run(command::Signal{"threat level changed", json::object()}));
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.correlate("supplier answered"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(steps(c) == Steps{"s", "wait", "e"});
  CHECK(c.state.variables == json{{"approved", true}});
}

TEST_CASE("a multiple boundary event interrupts its task at whichever of its event definitions happens") {
  std::string body = user_task("work") + R"(<boundaryEvent id="stop" attachedToRef="work"><messageEventDefinition messageRef="withdrawn"/>
<signalEventDefinition signalRef="threat"/></boundaryEvent>)" + user_task("instead") +
                     "<startEvent id=\"s\"/><endEvent id=\"e\"/><endEvent id=\"e2\"/>" + flow("f0", "s", "work") + flow("f1", "work", "e") +
                     flow("f2", "stop", "instead") + flow("f3", "instead", "e2");
  Flow f(process_xml(body, R"(<message id="withdrawn" name="incident withdrawn"/><signal id="threat" name="threat level changed"/>)"));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.run(command::Signal{"threat level changed", json::object()}));
  CHECK(c.open_tasks() == Steps{"instead"});
  CHECK(c.state.subscriptions.empty());  // the message went with the task
  CHECK(steps(c) == Steps{"s", "work", "stop", "instead"});
  CHECK(c.state.variables == json::object());
}

TEST_CASE("a multiple throw throws each of its event definitions, and a multiple start starts on any of them") {
  Flow f(process_xml(R"(<startEvent id="s"><messageEventDefinition messageRef="report"/><signalEventDefinition signalRef="threat"/></startEvent>
<intermediateThrowEvent id="tell"><messageEventDefinition messageRef="notice"/><signalEventDefinition signalRef="alarm"/></intermediateThrowEvent>
<endEvent id="e"/>)" + flow("f0", "s", "tell") + flow("f1", "tell", "e"),
                     R"(<message id="report" name="incident reported"/><message id="notice" name="owner notified"/>
<signal id="threat" name="threat level changed"/><signal id="alarm" name="alarm raised"/>)"));
  require_executable(f);
  CHECK(f.executable().message_start("incident reported") == f.process().node_index("s"));
  CHECK(f.executable().signal_starts("threat level changed") == std::vector<int>{f.process().node_index("s")});
  Case c(f);
  REQUIRE(c.start(json::object(), "incident reported"));
  CHECK(c.count(EventKind::message_sent, "tell") == 1);
  CHECK(c.count(EventKind::signal_thrown, "tell") == 1);
  CHECK(steps(c) == Steps{"s", "tell", "e"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json::object());
}

TEST_CASE("the deploy check refuses multiple events it cannot run, naming the element and why") {
  Flow f(process_xml(R"(<startEvent id="s"/><intermediateCatchEvent id="wait"><messageEventDefinition messageRef="m"/><linkEventDefinition name="x"/></intermediateCatchEvent>
<userTask id="t" raci:responsible="security-function"/><boundaryEvent id="b" attachedToRef="t" cancelActivity="false" parallelMultiple="true">
<messageEventDefinition messageRef="m"/><signalEventDefinition signalRef="sig"/></boundaryEvent><endEvent id="e"/><endEvent id="e2"/>)" +
                         flow("f0", "s", "wait") + flow("f1", "wait", "t") + flow("f2", "t", "e") + flow("f3", "b", "e2"),
                     R"(<message id="m" name="m"/><signal id="sig" name="sig"/>)"));
  auto problems = check_executable(f.process());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].message == "intermediateCatchEvent 'wait' cannot be run: a multiple catch with a link event definition is not executed "
                               "(message, timer, signal and conditional are)");
  CHECK(problems[1].message.find("boundaryEvent 'b' cannot be run: a non-interrupting parallel multiple event is not executed") == 0);
}

TEST_CASE("a compensation event sub-process is its sub-process's handler: it runs when the completed sub-process is compensated") {
  std::string book = "<subProcess id=\"book\" name=\"Book the auditor\"><startEvent id=\"bs\"/><scriptTask id=\"reserve\"/><endEvent id=\"be\"/>" +
                     flow("g0", "bs", "reserve") + flow("g1", "reserve", "be") +
                     "<subProcess id=\"undo\" triggeredByEvent=\"true\"><startEvent id=\"undo-start\"><compensateEventDefinition/></startEvent>" +
                     user_task("release") + "<endEvent id=\"undo-end\"/>" + flow("u0", "undo-start", "release") + flow("u1", "release", "undo-end") +
                     "</subProcess></subProcess>";
  Flow f(process_xml("<startEvent id=\"s\"/>" + book + "<intermediateThrowEvent id=\"revert\"><compensateEventDefinition activityRef=\"book\"/>"
                     "</intermediateThrowEvent><endEvent id=\"e\"/>" + flow("f0", "s", "book") + flow("f1", "book", "revert") + flow("f2", "revert", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(steps(c) == Steps{"s", "book", "bs", "reserve", "be", "revert", "undo", "undo-start", "release"});
  CHECK(c.state.status == CaseStatus::active);  // the throw waits for its handler
  REQUIRE(c.complete("release"));
  CHECK(steps(c) == Steps{"s", "book", "bs", "reserve", "be", "revert", "undo", "undo-start", "release", "undo-end", "e"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.count(EventKind::compensation_started, "book") == 1);
  CHECK(c.state.variables == json::object());
}

// One small definition per execution rule.
#include "tests/engine/engine_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

}  // namespace

TEST_CASE("a user task waits for its Responsible role; completing it ends the case") {
  Flow f(process_xml("<startEvent id=\"s\"/>\n" + user_task("t") + "<endEvent id=\"e\"/>\n" + flow("f1", "s", "t") +
                     flow("f2", "t", "e")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.task("t"));
  CHECK(c.task("t")->responsible == std::vector<std::string>{"security-function"});
  REQUIRE(c.complete("t"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.entered("e"));
}

TEST_CASE("pass-through tasks do not wait") {
  Flow f(process_xml(R"(<startEvent id="s"/><serviceTask id="a"/><scriptTask id="b"/><task id="c"/><businessRuleTask id="d"/><sendTask id="g"/>
<manualTask id="m" raci:responsible="business-functions"/><endEvent id="e"/>)" +
                     flow("f1", "s", "a") + flow("f2", "a", "b") + flow("f3", "b", "c") + flow("f4", "c", "d") +
                     flow("f5", "d", "g") + flow("f6", "g", "m") + flow("f7", "m", "e")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == std::vector<std::string>{"m"});  // the manual task waits like a user task
  CHECK(c.count(EventKind::message_sent, "g") == 1);
}

TEST_CASE("message start events: the message chooses the start, and the case records it") {
  Flow f(process_xml(R"(<startEvent id="from-wheel"><messageEventDefinition messageRef="m1"/></startEvent>
<startEvent id="from-outside"><messageEventDefinition messageRef="m2"/></startEvent>
<exclusiveGateway id="merge"/><endEvent id="e"/>)" +
                         flow("f1", "from-wheel", "merge") + flow("f2", "from-outside", "merge") + flow("f3", "merge", "e"),
                     R"(<message id="m1" name="annual-wheel"/><message id="m2" name="external"/>)"));
  Case c(f);
  REQUIRE(c.start(json::object(), "external"));
  CHECK(c.log.front().data["start"] == "from-outside");
  CHECK(c.state.status == CaseStatus::completed);
  Case other(f);
  CHECK_FALSE(other.start(json::object(), "gossip"));
  CHECK(other.refusal == "process p has no start event for message 'gossip'");
  CHECK_FALSE(Case(f).start());  // no plain start event
}

TEST_CASE("exclusive gateway takes the first flow in document order whose condition holds") {
  Flow f(process_xml(R"(<startEvent id="s"/><exclusiveGateway id="g" default="d"/>
<endEvent id="low"/><endEvent id="high"/><endEvent id="also-high"/><endEvent id="other"/>)" +
                     flow("f0", "s", "g") + flow("a", "g", "high", "risk &gt; 10") +
                     flow("b", "g", "also-high", "risk &gt; 5") + flow("d", "g", "other") +
                     flow("c", "g", "low", "risk &lt;= 5")));
  Case c(f);
  REQUIRE(c.start({{"risk", 12}}));
  CHECK(c.entered("high"));
  CHECK_FALSE(c.entered("also-high"));
}

TEST_CASE("exclusive gateway takes the default when no condition holds") {
  Flow f(process_xml(R"(<startEvent id="s"/><exclusiveGateway id="g" default="d"/><endEvent id="yes"/><endEvent id="no"/>)" +
                     flow("f0", "s", "g") + flow("a", "g", "yes", "approved") + flow("d", "g", "no")));
  Case c(f);
  REQUIRE(c.start({{"approved", false}}));
  CHECK(c.entered("no"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("an exclusive gateway with no match puts the case in an incident that a retry resolves") {
  Flow f(process_xml(R"(<startEvent id="s"/><exclusiveGateway id="g"/><endEvent id="yes"/><endEvent id="no"/>)" +
                     flow("f0", "s", "g") + flow("a", "g", "yes", "grade == 'major'") +
                     flow("b", "g", "no", "grade == 'minor'")));
  Case c(f);
  REQUIRE(c.start({{"grade", "unknown"}}));
  CHECK(c.state.status == CaseStatus::incident);
  REQUIRE(c.state.incident());
  CHECK(c.state.incident()->reason == "no condition holds at gateway 'g' and it has no default flow");
  CHECK_FALSE(c.run(command::Complete{99, {}}, Actor{"anna", {}}));  // nothing else to do meanwhile
  REQUIRE(c.run(command::Retry{{{"grade", "minor"}}}));
  CHECK(c.entered("no"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("incidents on two parallel branches are both kept and resolved oldest first") {
  Flow f(process_xml(R"(<startEvent id="s"/><parallelGateway id="fork"/><exclusiveGateway id="g1"/><exclusiveGateway id="g2"/>
<endEvent id="e1"/><endEvent id="e2"/>)" +
                     flow("f0", "s", "fork") + flow("f1", "fork", "g1") + flow("f2", "fork", "g2") +
                     flow("a", "g1", "e1", "left == true") + flow("b", "g2", "e2", "right == true")));
  Case c(f);
  REQUIRE(c.start({{"left", false}, {"right", false}}));
  REQUIRE(c.state.incidents.size() == 2);
  CHECK(c.state.incident()->reason == "no condition holds at gateway 'g1' and it has no default flow");
  REQUIRE(c.run(command::Retry{{{"left", true}}}));
  CHECK(c.state.status == CaseStatus::incident);
  REQUIRE(c.state.incidents.size() == 1);
  CHECK(c.state.incident()->reason == "no condition holds at gateway 'g2' and it has no default flow");
  REQUIRE(c.run(command::Retry{{{"right", true}}}));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a condition over a missing variable is an incident naming the variable") {
  Flow f(process_xml(R"(<startEvent id="s"/><exclusiveGateway id="g" default="b"/><endEvent id="x"/><endEvent id="y"/>)" +
                     flow("f0", "s", "g") + flow("a", "g", "x", "risk &gt; 3") + flow("b", "g", "y")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.incident()->reason == "condition on 'a' failed: unknown variable 'risk'");
}

TEST_CASE("parallel gateway forks, and its join waits for a token on every incoming flow") {
  Flow f(process_xml("<startEvent id=\"s\"/><parallelGateway id=\"fork\"/>" + user_task("a") + user_task("b") +
                     "<parallelGateway id=\"join\"/><endEvent id=\"e\"/>" + flow("f0", "s", "fork") +
                     flow("f1", "fork", "a") + flow("f2", "fork", "b") + flow("f3", "a", "join") +
                     flow("f4", "b", "join") + flow("f5", "join", "e")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == std::vector<std::string>{"a", "b"});
  REQUIRE(c.complete("a"));
  CHECK(c.state.status == CaseStatus::active);
  CHECK(c.state.joins.size() == 1);
  REQUIRE(c.complete("b"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.count(EventKind::node_entered, "e") == 1);
}

TEST_CASE("a parallel join in a loop fires once per round") {
  Flow f(process_xml("<startEvent id=\"s\"/><exclusiveGateway id=\"again-in\"/><parallelGateway id=\"fork\"/>" +
                     user_task("a") + user_task("b") +
                     "<parallelGateway id=\"join\"/><exclusiveGateway id=\"again\" default=\"out\"/><endEvent id=\"e\"/>" +
                     flow("f0", "s", "again-in") + flow("f1", "again-in", "fork") + flow("f2", "fork", "a") +
                     flow("f3", "fork", "b") + flow("f4", "a", "join") + flow("f5", "b", "join") +
                     flow("f6", "join", "again") + flow("back", "again", "again-in", "round &lt; 2") +
                     flow("out", "again", "e")));
  Case c(f);
  REQUIRE(c.start({{"round", 1}}));
  REQUIRE(c.complete("a"));
  REQUIRE(c.complete("b", {{"round", 1}}));
  CHECK(c.count(EventKind::join_fired, "join") == 1);
  CHECK(c.open_tasks() == std::vector<std::string>{"a", "b"});  // second round
  REQUIRE(c.complete("b"));
  REQUIRE(c.complete("a", {{"round", 2}}));
  CHECK(c.count(EventKind::join_fired, "join") == 2);
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("inclusive gateway forks on every true condition and joins the branches it started") {
  Flow f(process_xml("<startEvent id=\"s\"/><inclusiveGateway id=\"fork\" default=\"d\"/>" + user_task("hr") +
                     user_task("it") + user_task("legal") + "<inclusiveGateway id=\"join\"/><endEvent id=\"e\"/>" +
                     flow("f0", "s", "fork") + flow("a", "fork", "hr", "people") + flow("b", "fork", "it", "systems") +
                     flow("d", "fork", "legal") + flow("f1", "hr", "join") + flow("f2", "it", "join") +
                     flow("f3", "legal", "join") + flow("f4", "join", "e")));
  Case c(f);
  REQUIRE(c.start({{"people", true}, {"systems", true}}));
  CHECK(c.open_tasks() == std::vector<std::string>{"hr", "it"});
  REQUIRE(c.complete("hr"));
  CHECK(c.state.status == CaseStatus::active);  // "it" can still reach the join
  REQUIRE(c.complete("it"));
  CHECK(c.state.status == CaseStatus::completed);

  Case none(f);
  REQUIRE(none.start({{"people", false}, {"systems", false}}));
  CHECK(none.open_tasks() == std::vector<std::string>{"legal"});  // the default
}

TEST_CASE("an inclusive join does not wait for a branch that died") {
  Flow f(process_xml("<startEvent id=\"s\"/><inclusiveGateway id=\"fork\"/>" + user_task("a") + user_task("b") +
                     "<exclusiveGateway id=\"check\" default=\"go-on\"/><endEvent id=\"dead-end\"/>"
                     "<inclusiveGateway id=\"join\"/><endEvent id=\"e\"/>" +
                     flow("f0", "s", "fork") + flow("fa", "fork", "a", "true") + flow("fb", "fork", "b", "true") +
                     flow("f1", "a", "join") + flow("f2", "b", "check") + flow("stop", "check", "dead-end", "abandon") +
                     flow("go-on", "check", "join") + flow("f4", "join", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("a"));
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.complete("b", {{"abandon", true}}));  // b's branch ends at dead-end
  CHECK(c.count(EventKind::join_fired, "join") == 1);
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("terminate end event ends the whole case and withdraws open work") {
  Flow f(process_xml("<startEvent id=\"s\"/><parallelGateway id=\"fork\"/>" + user_task("a") +
                     "<endEvent id=\"stop\"><terminateEventDefinition/></endEvent>" + flow("f0", "s", "fork") +
                     flow("f1", "fork", "a") + flow("f2", "fork", "stop")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.status == CaseStatus::terminated);
  CHECK(c.count(EventKind::task_cancelled, "a") == 1);
  CHECK(c.state.tokens.empty());
}

TEST_CASE("terminate inside a sub-process ends only the sub-process, which then completes") {
  Flow f(process_xml("<startEvent id=\"s\"/><subProcess id=\"sub\"><startEvent id=\"ss\"/><parallelGateway id=\"fork\"/>" +
                     user_task("inner") + "<endEvent id=\"stop\"><terminateEventDefinition/></endEvent>" +
                     flow("i0", "ss", "fork") + flow("i1", "fork", "inner") + flow("i2", "fork", "stop") +
                     "</subProcess>" + user_task("after") + "<endEvent id=\"e\"/>" + flow("f0", "s", "sub") +
                     flow("f1", "sub", "after") + flow("f2", "after", "e")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.status == CaseStatus::active);
  CHECK(c.open_tasks() == std::vector<std::string>{"after"});
  CHECK(c.count(EventKind::task_cancelled, "inner") == 1);
}

TEST_CASE("message end events and message throw events send their message") {
  Flow f(process_xml(R"(<startEvent id="s"/><intermediateThrowEvent id="tell"><messageEventDefinition messageRef="m"/></intermediateThrowEvent>
<endEvent id="e"><messageEventDefinition messageRef="m2"/></endEvent>)" +
                         flow("f0", "s", "tell") + flow("f1", "tell", "e"),
                     R"(<message id="m" name="notice"/><message id="m2" name="corrective-action"/>)"));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.count(EventKind::message_sent) == 2);
  CHECK(c.log[c.log.size() - 2].data["message"] == "corrective-action");
}

TEST_CASE("an error end event is caught by the error boundary event of its sub-process") {
  Flow f(process_xml("<startEvent id=\"s\"/><subProcess id=\"sub\"><startEvent id=\"ss\"/><parallelGateway id=\"fork\"/>" +
                         user_task("inner") + "<endEvent id=\"fail\"><errorEventDefinition errorRef=\"broken\"/></endEvent>" +
                         flow("i0", "ss", "fork") + flow("i1", "fork", "inner") + flow("i2", "fork", "fail") +
                         "</subProcess><boundaryEvent id=\"caught\" attachedToRef=\"sub\"><errorEventDefinition errorRef=\"broken\"/></boundaryEvent>" +
                         user_task("handle") + "<endEvent id=\"e\"/><endEvent id=\"ok\"/>" + flow("f0", "s", "sub") +
                         flow("f1", "sub", "ok") + flow("f2", "caught", "handle") + flow("f3", "handle", "e"),
                     R"(<error id="broken" errorCode="E-BROKEN"/>)"));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == std::vector<std::string>{"handle"});
  CHECK(c.count(EventKind::task_cancelled, "inner") == 1);
  CHECK_FALSE(c.entered("ok"));
}

TEST_CASE("an error that no boundary catches is an incident") {
  Flow f(process_xml(R"(<startEvent id="s"/><endEvent id="fail"><errorEventDefinition errorRef="broken"/></endEvent>)" +
                         flow("f0", "s", "fail"),
                     R"(<error id="broken" errorCode="E"/>)"));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.status == CaseStatus::incident);
  CHECK(c.state.incident()->reason == "error 'broken' thrown by 'fail' is caught by no boundary event");
}

TEST_CASE("receive tasks and message catch events wait for their message") {
  Flow f(process_xml(R"(<startEvent id="s"/><receiveTask id="wait-report" messageRef="m1"/>
<intermediateCatchEvent id="wait-ack"><messageEventDefinition messageRef="m2"/></intermediateCatchEvent><endEvent id="e"/>)" +
                         flow("f0", "s", "wait-report") + flow("f1", "wait-report", "wait-ack") + flow("f2", "wait-ack", "e"),
                     R"(<message id="m1" name="report"/><message id="m2" name="ack"/>)"));
  Case c(f);
  REQUIRE(c.start());
  CHECK_FALSE(c.correlate("ack"));
  CHECK(c.refusal == "case case-1 is not waiting for message 'ack'");
  REQUIRE(c.correlate("report", {{"outcome", "ok"}}));
  CHECK(c.state.variables["outcome"] == "ok");
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.correlate("ack"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("event-based gateway: the first event wins and the others are withdrawn") {
  std::string xml = process_xml(R"(<startEvent id="s"/><eventBasedGateway id="g"/>
<intermediateCatchEvent id="reply"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
<intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition></intermediateCatchEvent>
<endEvent id="answered"/><endEvent id="chased"/>)" +
                                    flow("f0", "s", "g") + flow("f1", "g", "reply") + flow("f2", "g", "timeout") +
                                    flow("f3", "reply", "answered") + flow("f4", "timeout", "chased"),
                                R"(<message id="m" name="reply"/>)");
  Flow f(xml);
  Case by_message(f);
  REQUIRE(by_message.start());
  CHECK(by_message.state.timers.size() == 1);
  REQUIRE(by_message.correlate("reply"));
  CHECK(by_message.entered("answered"));
  CHECK(by_message.state.timers.empty());
  CHECK(by_message.state.status == CaseStatus::completed);

  Case by_timer(f);
  REQUIRE(by_timer.start());
  REQUIRE(by_timer.tick("2026-03-04T09:00:00Z"));
  CHECK(by_timer.state.status == CaseStatus::active);  // not yet: due 3 days after 2 March 09:00
  REQUIRE(by_timer.tick("2026-03-05T09:00:00Z"));
  CHECK(by_timer.entered("chased"));
  CHECK(by_timer.state.subscriptions.empty());
  CHECK(by_timer.state.status == CaseStatus::completed);
}

TEST_CASE("intermediate timers wait for a duration or a date") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT4H</timeDuration></timerEventDefinition></intermediateCatchEvent>
<intermediateCatchEvent id="until"><timerEventDefinition><timeDate>2026-04-01T08:00:00Z</timeDate></timerEventDefinition></intermediateCatchEvent>
<endEvent id="e"/>)" + flow("f0", "s", "wait") + flow("f1", "wait", "until") + flow("f2", "until", "e")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(next_due(c.state) == at("2026-03-02T13:00:00Z"));
  REQUIRE(c.tick("2026-03-02T13:00:00Z"));
  CHECK(next_due(c.state) == at("2026-04-01T08:00:00Z"));
  REQUIRE(c.tick("2026-04-01T08:00:00Z"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("an interrupting boundary timer on a task withdraws the task and takes its path") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + user_task("t") +
                     R"(<boundaryEvent id="late" attachedToRef="t"><timerEventDefinition><timeDuration>P5D</timeDuration></timerEventDefinition></boundaryEvent>
<endEvent id="done"/>)" + user_task("chase") + "<endEvent id=\"e\"/>" + flow("f0", "s", "t") + flow("f1", "t", "done") +
                     flow("f2", "late", "chase") + flow("f3", "chase", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.tick("2026-03-07T09:00:00Z"));
  CHECK(c.open_tasks() == std::vector<std::string>{"chase"});
  CHECK(c.count(EventKind::task_cancelled, "t") == 1);
}

TEST_CASE("a non-interrupting boundary timer keeps the task and opens a second path") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + user_task("t") +
                     R"(<boundaryEvent id="remind" attachedToRef="t" cancelActivity="false"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
<endEvent id="done"/>)" + user_task("nudge") + "<endEvent id=\"e\"/>" + flow("f0", "s", "t") + flow("f1", "t", "done") +
                     flow("f2", "remind", "nudge") + flow("f3", "nudge", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.tick("2026-03-03T09:00:00Z"));
  CHECK(c.open_tasks() == std::vector<std::string>{"t", "nudge"});
  REQUIRE(c.complete("t"));
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.complete("nudge"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("completing a task withdraws its boundary timers") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + user_task("t") +
                     R"(<boundaryEvent id="late" attachedToRef="t"><timerEventDefinition><timeDuration>P5D</timeDuration></timerEventDefinition></boundaryEvent>
<endEvent id="done"/><endEvent id="e"/>)" + flow("f0", "s", "t") + flow("f1", "t", "done") + flow("f2", "late", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("t"));
  CHECK(c.state.timers.empty());
  CHECK(c.count(EventKind::timer_cancelled, "late") == 1);
}

TEST_CASE("a boundary timer on a sub-process withdraws everything inside it") {
  Flow f(process_xml(std::string("<startEvent id=\"s\"/><subProcess id=\"sub\"><startEvent id=\"ss\"/>") +
                     R"(<subProcess id="nested"><startEvent id="ns"/>)" + user_task("deep") + "<endEvent id=\"ne\"/>" +
                     flow("n0", "ns", "deep") + flow("n1", "deep", "ne") + "</subProcess><endEvent id=\"se\"/>" +
                     flow("i0", "ss", "nested") + flow("i1", "nested", "se") + "</subProcess>" +
                     R"(<boundaryEvent id="deadline" attachedToRef="sub"><timerEventDefinition><timeDuration>P30D</timeDuration></timerEventDefinition></boundaryEvent>)" +
                     user_task("escalate") + "<endEvent id=\"e1\"/><endEvent id=\"e2\"/>" + flow("f0", "s", "sub") +
                     flow("f1", "sub", "e1") + flow("f2", "deadline", "escalate") + flow("f3", "escalate", "e2")));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == std::vector<std::string>{"deep"});
  CHECK(c.state.scopes.size() == 3);  // the case, sub, nested
  REQUIRE(c.tick("2026-04-01T09:00:00Z"));
  CHECK(c.open_tasks() == std::vector<std::string>{"escalate"});
  CHECK(c.state.scopes.size() == 1);
  CHECK(c.count(EventKind::task_cancelled, "deep") == 1);
}

TEST_CASE("nested embedded sub-processes complete into their parents") {
  Flow f(process_xml(std::string("<startEvent id=\"s\"/><subProcess id=\"outer\"><startEvent id=\"os\"/>") +
                     R"(<subProcess id="inner"><startEvent id="is"/>)" + user_task("work") + "<endEvent id=\"ie\"/>" +
                     flow("n0", "is", "work") + flow("n1", "work", "ie") + "</subProcess><endEvent id=\"oe\"/>" +
                     flow("o0", "os", "inner") + flow("o1", "inner", "oe") + "</subProcess>" + user_task("after") +
                     "<endEvent id=\"e\"/>" + flow("f0", "s", "outer") + flow("f1", "outer", "after") + flow("f2", "after", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("work"));
  CHECK(c.open_tasks() == std::vector<std::string>{"after"});
  CHECK(c.count(EventKind::scope_ended) == 2);
}

TEST_CASE("a call activity asks for a child case and waits for it, taking its variables back") {
  Flow f(process_xml(R"(<startEvent id="s"/><callActivity id="ca" calledElement="corrective-action"/><endEvent id="e"/>)" +
                     flow("f0", "s", "ca") + flow("f1", "ca", "e")));
  Case c(f);
  REQUIRE(c.start({{"deviation", "D-7"}}));
  REQUIRE(c.count(EventKind::call_started, "ca") == 1);
  const Event& call = *std::find_if(c.log.begin(), c.log.end(), [](const Event& e) { return e.kind == EventKind::call_started; });
  CHECK(call.data["process"] == "corrective-action");
  CHECK(call.data["variables"]["deviation"] == "D-7");
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.run(command::CompleteCall{call.data["token"].get<int>(), {{"grade", "minor"}}}));
  CHECK(c.state.variables["grade"] == "minor");
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a standard loop repeats its activity while the loop condition holds") {
  Flow f(process_xml(R"(<startEvent id="s"/><userTask id="review" raci:responsible="security-function">
<standardLoopCharacteristics><loopCondition>rework == true</loopCondition></standardLoopCharacteristics></userTask>
<endEvent id="e"/>)" + flow("f0", "s", "review") + flow("f1", "review", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("review", {{"rework", true}}));
  REQUIRE(c.task("review"));
  REQUIRE(c.complete("review", {{"rework", false}}));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.count(EventKind::task_completed, "review") == 2);
}

TEST_CASE("cancelling a case withdraws its work and needs a reason") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + user_task("t") + "<endEvent id=\"e\"/>" + flow("f0", "s", "t") +
                     flow("f1", "t", "e")));
  Case c(f);
  REQUIRE(c.start());
  CHECK_FALSE(c.run(command::Cancel{""}));
  REQUIRE(c.run(command::Cancel{"opened by mistake"}));
  CHECK(c.state.status == CaseStatus::cancelled);
  CHECK(c.count(EventKind::task_cancelled, "t") == 1);
  CHECK_FALSE(c.run(command::Cancel{"again"}));
  CHECK(c.refusal == "case case-1 is cancelled");
}

TEST_CASE("the deploy check refuses what the engine cannot run") {
  Flow f(process_xml(R"(<startEvent id="s"/><endEvent id="e"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></endEvent>)" + flow("f0", "s", "e")));
  auto problems = check_executable(f.process());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "endEvent 'e' cannot be run: timer endEvents are not executed");
  CHECK(problems[0].line == 7);
}

TEST_CASE("an activity's default flow is taken when no conditional flow holds, beside its unconditional flows") {
  Flow f(process_xml("<startEvent id=\"s\"/>\n" + user_task("t", " default=\"d\"") +
                     R"(<endEvent id="always"/><endEvent id="escalated"/><endEvent id="otherwise"/>)" + flow("f0", "s", "t") +
                     flow("u", "t", "always") + flow("c", "t", "escalated", "escalate == true") + flow("d", "t", "otherwise")));
  Case quiet(f);
  REQUIRE(quiet.start());
  REQUIRE(quiet.complete("t", {{"escalate", false}}));
  CHECK(quiet.entered("always"));
  CHECK(quiet.entered("otherwise"));  // an unconditional flow does not stand in for the default
  CHECK_FALSE(quiet.entered("escalated"));
  CHECK(quiet.state.status == CaseStatus::completed);

  Case loud(f);
  REQUIRE(loud.start());
  REQUIRE(loud.complete("t", {{"escalate", true}}));
  CHECK(loud.entered("always"));
  CHECK(loud.entered("escalated"));
  CHECK_FALSE(loud.entered("otherwise"));
}

TEST_CASE("a standard loop stops at its loopMaximum even while its condition holds") {
  Flow f(process_xml(R"(<startEvent id="s"/><userTask id="review" raci:responsible="security-function">
<standardLoopCharacteristics loopMaximum="2"><loopCondition>rework == true</loopCondition></standardLoopCharacteristics></userTask>
<endEvent id="e"/>)" + flow("f0", "s", "review") + flow("f1", "review", "e")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("review", {{"rework", true}}));
  REQUIRE(c.task("review"));
  REQUIRE(c.complete("review", {{"rework", true}}));  // the second run: the last one
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.count(EventKind::task_completed, "review") == 2);
}

TEST_CASE("a standard loop that tests before skips its activity when the condition does not hold at first") {
  Flow f(process_xml(R"(<startEvent id="s"/><userTask id="fix" raci:responsible="security-function">
<standardLoopCharacteristics testBefore="true"><loopCondition>open &gt; 0</loopCondition></standardLoopCharacteristics></userTask>
<endEvent id="e"/>)" + flow("f0", "s", "fix") + flow("f1", "fix", "e")));
  Case none(f);
  REQUIRE(none.start({{"open", 0}}));
  CHECK(none.count(EventKind::task_created, "fix") == 0);
  CHECK(none.state.status == CaseStatus::completed);

  Case two(f);
  REQUIRE(two.start({{"open", 2}}));
  REQUIRE(two.complete("fix", {{"open", 1}}));
  REQUIRE(two.complete("fix", {{"open", 0}}));
  CHECK(two.count(EventKind::task_created, "fix") == 2);
  CHECK(two.state.status == CaseStatus::completed);
}

TEST_CASE("the deploy check refuses a loop that cannot change and quantities other than 1, naming the feature") {
  Flow f(process_xml(R"(<startEvent id="s"/><serviceTask id="poll">
<standardLoopCharacteristics><loopCondition>true</loopCondition></standardLoopCharacteristics></serviceTask>
<userTask id="t" raci:responsible="security-function" startQuantity="2" completionQuantity="3"/><endEvent id="e"/>)" +
                     flow("f0", "s", "poll") + flow("f1", "poll", "t") + flow("f2", "t", "e")));
  auto problems = check_executable(f.process());
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].message.find("serviceTask 'poll' cannot be run: its loop condition always holds and the step does not wait") == 0);
  CHECK(problems[1].message == "userTask 't' cannot be run: startQuantity 2 (an activity that waits for several tokens) is not executed");
  CHECK(problems[2].message == "userTask 't' cannot be run: completionQuantity 3 (several tokens on each outgoing flow) is not executed");
}

TEST_CASE("an eventDefinitionRef uses the event definition at the root as if it were written in the event") {
  Flow f(process_xml(R"(<startEvent id="s"/><intermediateCatchEvent id="wait"><eventDefinitionRef>answer-arrives</eventDefinitionRef></intermediateCatchEvent>
<endEvent id="e"/>)" + flow("f0", "s", "wait") + flow("f1", "wait", "e"),
                     R"(<message id="m" name="answer"/><messageEventDefinition id="answer-arrives" messageRef="m"/>)"));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.run(command::Correlate{"answer"}));
  CHECK(c.state.status == CaseStatus::completed);
}

namespace {
const char* kThreatSignal = R"(<signal id="threat" name="threat level changed"/>)";
}

TEST_CASE("a signal reaches every catch waiting for it in the case: intermediate, boundary and event-gateway branch") {
  Flow f(process_xml(R"(<startEvent id="s"/><parallelGateway id="fork"/>
<intermediateCatchEvent id="wait-threat"><signalEventDefinition signalRef="threat"/></intermediateCatchEvent>
<userTask id="assess" raci:responsible="security-function"/>
<boundaryEvent id="reassess" attachedToRef="assess" cancelActivity="false"><signalEventDefinition signalRef="threat"/></boundaryEvent>
<userTask id="redo" raci:responsible="security-function"/>
<eventBasedGateway id="race"/>
<intermediateCatchEvent id="race-signal"><signalEventDefinition signalRef="threat"/></intermediateCatchEvent>
<intermediateCatchEvent id="race-timer"><timerEventDefinition><timeDuration>P30D</timeDuration></timerEventDefinition></intermediateCatchEvent>
<endEvent id="e1"/><endEvent id="e2"/><endEvent id="e3"/><endEvent id="e4"/><endEvent id="e5"/>)" +
                     flow("f0", "s", "fork") + flow("f1", "fork", "wait-threat") + flow("f2", "wait-threat", "e1") +
                     flow("f3", "fork", "assess") + flow("f4", "assess", "e2") + flow("f5", "reassess", "redo") +
                     flow("f6", "redo", "e3") + flow("f7", "fork", "race") + flow("f8", "race", "race-signal") +
                     flow("f9", "race", "race-timer") + flow("f10", "race-signal", "e4") + flow("f11", "race-timer", "e5"),
                     kThreatSignal));
  Case c(f);
  REQUIRE(c.start());
  CHECK_FALSE(c.run(command::Signal{"gossip"}));
  CHECK(c.refusal == "case case-1 is not waiting for signal 'gossip'");
  REQUIRE(c.run(command::Signal{"threat level changed", {{"level", "high"}}}));
  CHECK(c.count(EventKind::signal_caught) == 3);
  CHECK(c.entered("e1"));
  CHECK(c.entered("e4"));
  CHECK_FALSE(c.entered("e5"));
  CHECK(c.open_tasks() == std::vector<std::string>{"assess", "redo"});  // not interrupting: the assessment goes on
  CHECK(c.state.variables["level"] == "high");
  CHECK(c.state.timers.empty());  // the race's timer is withdrawn
}

TEST_CASE("a signal thrown in a case is taken by its own waiting catches and recorded for the others") {
  Flow f(process_xml(R"(<startEvent id="s"/><parallelGateway id="fork"/>
<userTask id="assess" raci:responsible="security-function"/>
<boundaryEvent id="stop" attachedToRef="assess"><signalEventDefinition signalRef="threat"/></boundaryEvent>
<intermediateThrowEvent id="raise"><signalEventDefinition signalRef="threat"/></intermediateThrowEvent>
<endEvent id="stopped"/><endEvent id="done"/><endEvent id="raised"><signalEventDefinition signalRef="threat"/></endEvent>)" +
                     flow("f0", "s", "fork") + flow("f1", "fork", "assess") + flow("f2", "assess", "done") +
                     flow("f3", "stop", "stopped") + flow("f4", "fork", "raise") + flow("f5", "raise", "raised"),
                     kThreatSignal));
  Case c(f);
  REQUIRE(c.start());
  // The throw interrupts the assessment through its boundary; the end event throws again
  // (with nothing left to catch it here).
  CHECK(c.count(EventKind::signal_thrown) == 2);
  CHECK(c.count(EventKind::signal_caught, "stop") == 1);
  CHECK(c.count(EventKind::task_cancelled, "assess") == 1);
  CHECK(c.entered("stopped"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a signal start event starts its process; the deploy check takes signal events") {
  Flow f(process_xml(R"(<startEvent id="on-threat"><signalEventDefinition signalRef="threat"/></startEvent>
<userTask id="review" raci:responsible="security-function"/><endEvent id="e"/>)" +
                     flow("f0", "on-threat", "review") + flow("f1", "review", "e"), kThreatSignal));
  CHECK(check_executable(f.process()).empty());
  CHECK(f.executable().signal_starts("threat level changed") == std::vector<int>{0});
  CHECK(f.executable().signal_starts("gossip").empty());
  Case c(f);
  REQUIRE(c.run(command::Start{"case-1", "", "on-threat", {{"level", "high"}}}));
  CHECK(c.count(EventKind::signal_caught, "on-threat") == 1);
  CHECK(c.open_tasks() == std::vector<std::string>{"review"});
}

TEST_CASE("a parallel multi-instance task makes one task per item, each routed to the role it names, and collects the outputs") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<userTask id="carry-out" raci:accountable="security-function">
  <multiInstanceLoopCharacteristics raci:collection="units" raci:elementVariable="unit" raci:roleFromElement="true"
      raci:outputVariable="outcome" raci:outputCollection="outcomes"/>
</userTask><endEvent id="e"/>)" + flow("f0", "s", "carry-out") + flow("f1", "carry-out", "e")));
  Case c(f);
  REQUIRE(c.start({{"units", {"business-functions", "it-operations", "hr"}}}));
  REQUIRE(c.state.tasks.size() == 3);
  std::vector<std::vector<std::string>> routed;
  for (const auto& [id, t] : c.state.tasks) {
    routed.push_back(t.responsible);
    CHECK(t.accountable == std::vector<std::string>{"security-function"});
    CHECK(t.locals["unit"] == t.responsible.front());
    CHECK(t.locals["loopCounter"] == t.instance);
  }
  CHECK(routed == std::vector<std::vector<std::string>>{{"business-functions"}, {"it-operations"}, {"hr"}});
  // They finish in any order; the outputs land in instance order.
  auto task_of = [&](const std::string& role) {
    for (const auto& [id, t] : c.state.tasks)
      if (t.responsible.front() == role) return id;
    return -1;
  };
  REQUIRE(c.run(command::Complete{task_of("hr"), {{"outcome", "done late"}}}, Actor{"hanne", {"hr"}}));
  CHECK_FALSE(c.run(command::Complete{task_of("it-operations"), {{"outcome", "x"}}}, Actor{"hanne", {"hr"}}));  // not hers
  REQUIRE(c.run(command::Complete{task_of("business-functions"), {{"outcome", "done"}}}, Actor{"mette", {"business-functions"}}));
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.run(command::Complete{task_of("it-operations"), {{"outcome", "not needed"}}}, Actor{"sofie", {"it-operations"}}));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables["outcomes"] == json{"done", "not needed", "done late"});
  CHECK(c.count(EventKind::node_entered, "e") == 1);  // the body leaves once
}

TEST_CASE("a multi-instance completion condition ends the body early and withdraws the instances left") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<userTask id="vote" raci:responsible="security-committee">
  <multiInstanceLoopCharacteristics><loopCardinality>members</loopCardinality>
    <completionCondition>nrOfCompletedInstances &gt;= 2 and nrOfInstances == 3</completionCondition>
  </multiInstanceLoopCharacteristics>
</userTask><endEvent id="e"/>)" + flow("f0", "s", "vote") + flow("f1", "vote", "e")));
  Case c(f);
  REQUIRE(c.start({{"members", 3}}));
  CHECK(c.open_tasks().size() == 3);
  REQUIRE(c.complete("vote"));
  CHECK(c.open_tasks().size() == 2);
  REQUIRE(c.complete("vote"));
  CHECK(c.open_tasks().empty());
  CHECK(c.count(EventKind::task_cancelled, "vote") == 1);
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a sequential multi-instance task makes its instances one after another; an empty collection skips it") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<userTask id="review" raci:responsible="security-function">
  <multiInstanceLoopCharacteristics isSequential="true" raci:collection="systems" raci:elementVariable="system"/>
</userTask><endEvent id="e"/>)" + flow("f0", "s", "review") + flow("f1", "review", "e")));
  Case c(f);
  REQUIRE(c.start({{"systems", {"mail", "erp"}}}));
  REQUIRE(c.open_tasks().size() == 1);
  CHECK(c.task("review")->locals["system"] == "mail");
  REQUIRE(c.complete("review"));
  REQUIRE(c.open_tasks().size() == 1);
  CHECK(c.task("review")->locals["system"] == "erp");
  REQUIRE(c.complete("review"));
  CHECK(c.state.status == CaseStatus::completed);

  Case none(f);
  REQUIRE(none.start({{"systems", json::array()}}));
  CHECK(none.count(EventKind::task_created) == 0);
  CHECK(none.state.status == CaseStatus::completed);

  Case wrong(f);
  REQUIRE(wrong.start({{"systems", "mail"}}));
  CHECK(wrong.state.status == CaseStatus::incident);
  CHECK(wrong.state.incident()->reason == "the collection 'systems' of 'review' is not a list");
}

TEST_CASE("a boundary event on a multi-instance task interrupts every instance") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<userTask id="fix" raci:responsible="business-functions">
  <multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
</userTask>
<boundaryEvent id="late" attachedToRef="fix"><timerEventDefinition><timeDuration>P10D</timeDuration></timerEventDefinition></boundaryEvent>
<endEvent id="e"/><endEvent id="escalated"/>)" + flow("f0", "s", "fix") + flow("f1", "fix", "e") + flow("f2", "late", "escalated")));
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("fix"));
  CHECK(c.state.timers.size() == 1);  // one timer for the whole activity
  REQUIRE(c.tick("2026-03-13T09:00:00Z"));
  CHECK(c.count(EventKind::task_cancelled, "fix") == 2);
  CHECK(c.entered("escalated"));
  CHECK_FALSE(c.entered("e"));
  CHECK(c.state.status == CaseStatus::completed);
}

namespace {
// A sub-process `sub` that throws escalation `thrown` at `raise`, then waits at `after`;
// a boundary `up` on it (interrupting or not, for `caught`) leads to the committee.
std::string escalation_flow(bool interrupting, const std::string& caught = "mandate") {
  return process_xml(R"(<startEvent id="s"/>
<subProcess id="sub"><startEvent id="ss"/>
  <intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="mandate"/></intermediateThrowEvent>
  <userTask id="after" raci:responsible="security-function"/><endEvent id="se"/>
  <sequenceFlow id="g1" sourceRef="ss" targetRef="raise"/><sequenceFlow id="g2" sourceRef="raise" targetRef="after"/>
  <sequenceFlow id="g3" sourceRef="after" targetRef="se"/>
</subProcess>
<boundaryEvent id="up" attachedToRef="sub" cancelActivity=")" + std::string(interrupting ? "true" : "false") +
                     R"("><escalationEventDefinition escalationRef=")" + caught + R"("/></boundaryEvent>
<userTask id="committee" raci:responsible="security-committee"/><endEvent id="e"/><endEvent id="e2"/>)" +
                     R"(<sequenceFlow id="f0" sourceRef="s" targetRef="sub"/><sequenceFlow id="f1" sourceRef="sub" targetRef="e"/>
<sequenceFlow id="f2" sourceRef="up" targetRef="committee"/><sequenceFlow id="f3" sourceRef="committee" targetRef="e2"/>)",
                     R"(<escalation id="mandate" name="Beyond the mandate" escalationCode="MANDATE"/><escalation id="budget" escalationCode="BUDGET"/>)");
}
}  // namespace

TEST_CASE("an interrupting escalation boundary ends its sub-process and hands the matter up") {
  Flow f(escalation_flow(true));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.entered("up"));
  CHECK(c.open_tasks() == std::vector<std::string>{"committee"});
  CHECK(c.count(EventKind::task_created, "after") == 0);
}

TEST_CASE("a non-interrupting escalation boundary hands the matter up while the sub-process goes on") {
  Flow f(escalation_flow(false));
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == std::vector<std::string>{"committee", "after"});
  REQUIRE(c.complete("after"));
  REQUIRE(c.complete("committee"));
  CHECK(c.entered("e"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("an escalation that nothing catches is no failure: the path goes on") {
  Flow f(escalation_flow(true, "budget"));  // the boundary waits for another escalation
  Case c(f);
  REQUIRE(c.start());
  CHECK_FALSE(c.entered("up"));
  CHECK(c.state.status == CaseStatus::active);
  CHECK(c.state.incidents.empty());
  CHECK(c.open_tasks() == std::vector<std::string>{"after"});
}

TEST_CASE("a refusal says its kind: not found, conflict, forbidden or invalid, for the adapters to answer by") {
  Flow f(process_xml("<startEvent id=\"s\"/>\n" + user_task("t") + "<endEvent id=\"e\"/>\n" + flow("f1", "s", "t") +
                     flow("f2", "t", "e")));
  Case c(f);
  REQUIRE(c.start());
  int task = c.task("t")->id;
  Actor anna{"anna", {"security-function"}};

  CHECK_FALSE(c.run(command::Claim{task + 100}, anna));
  CHECK(c.refusal_kind == RefusalKind::not_found);
  CHECK_FALSE(c.run(command::Claim{task}, Actor{"mette", {"business-functions"}}));
  CHECK(c.refusal_kind == RefusalKind::forbidden);
  CHECK_FALSE(c.run(command::Complete{task, json::array()}, anna));
  CHECK(c.refusal_kind == RefusalKind::invalid);
  CHECK_FALSE(c.run(command::Unclaim{task}, anna));
  CHECK(c.refusal_kind == RefusalKind::conflict);  // not claimed
  CHECK_FALSE(c.start());
  CHECK(c.refusal_kind == RefusalKind::conflict);  // already started

  REQUIRE(c.complete("t"));
  CHECK_FALSE(c.run(command::Cancel{"too late"}, anna));
  CHECK(c.refusal_kind == RefusalKind::conflict);  // the case has completed
}
